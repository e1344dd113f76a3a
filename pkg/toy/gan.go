// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"math/rand/v2"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the networks and the train step read best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// GAN is a small GAN on a toy Distribution: an MLP generator G: R^NoiseDim → R^d (ReLU hidden layers, linear
// output) and an MLP discriminator D: R^d → R (LeakyReLU hidden layers, one raw output: a logit for the sigmoid
// losses, a critic score for WGAN-GP), trained by pkg/gan's Trainer: the core's optimizers, losses and step, the
// same code that trains the image GANs. The toy is a gan.Family (Family) whose data are the distribution's
// points, each a 1×d "image", drawn in Go for each batch number of the run (a gan.Source).
//
// Its steps are Goodfellow et al.'s algorithm 1 (gan.StepAlternating: D's updates, then G against the updated
// D), as chapter 01 teaches; Config.StepOrder can ask for the core's simultaneous step instead, to compare.
//
// A GAN made by NewFixedGenerator has no network G: its "generator" is a fixed distribution p_g whose points the
// family feeds in as G's input and passes through, and only D trains (claims (a) and (b): the optimal
// discriminator and the value of the game at it).
type GAN struct {
	Config  Config
	Backend compute.Backend
	Store   *model.Store
	Trainer *gan.Trainer // the core's trainer of the family; Store is its store
	Data    Distribution // p_data
	FixedG  Distribution // p_g when G is fixed (NewFixedGenerator); nil for a learned G

	noiseDim    int
	gen, logits *model.Exec // G(z) and D's raw output, in graphs that keep the variables as parameters
}

// StepMetrics is what a training step measured: the losses each network minimized at its last update, and the
// mean of D's output on the real and on the generated batch (a probability σ(logit) for the sigmoid losses "ns"
// and "minimax", the raw score otherwise; with the alternating step, D(G(z)) is what G saw, after D's update).
type StepMetrics struct {
	Step         int64 // the global step after this step
	DLoss, GLoss float64
	DReal, DFake float64
}

// Snapshot is the state of a run during Train: its last step's metrics, and Config.SnapshotSize points generated
// from the same fixed noise at every snapshot, so that consecutive snapshots show each point moving.
type Snapshot struct {
	StepMetrics
	Samples [][]float64
}

// NewGAN creates a GAN that learns data. The weights are created at the first step (or the first Generate).
func NewGAN(b compute.Backend, data Distribution, cfg Config) (*GAN, error) {
	return newGAN(b, data, nil, cfg)
}

// NewFixedGenerator creates a GAN whose generator is the fixed distribution pG (of the data's dimension): only
// D trains, with TrainDOnly, which makes D approach D*(x) = p_data(x) / (p_data(x) + p_g(x)).
func NewFixedGenerator(b compute.Backend, data, pG Distribution, cfg Config) (*GAN, error) {
	if pG == nil {
		return nil, errors.New("toy: NewFixedGenerator needs a distribution p_g")
	}
	return newGAN(b, data, pG, cfg)
}

func newGAN(b compute.Backend, data, pG Distribution, cfg Config) (*GAN, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if data == nil {
		return nil, errors.New("toy: the GAN needs a data distribution")
	}
	if pG != nil && pG.Dim() != data.Dim() {
		return nil, errors.Errorf("toy: p_g has dimension %d but the data %d", pG.Dim(), data.Dim())
	}
	fam := &Family{Config: cfg, Data: data, FixedG: pG, NoiseDim: cfg.NoiseDim}
	if fam.NoiseDim == 0 || pG != nil {
		fam.NoiseDim = data.Dim()
	}
	tr, err := gan.NewTrainer(b, fam.RunConfig(), nil)
	if err != nil {
		return nil, err
	}
	t := &GAN{Config: cfg, Backend: b, Store: tr.Store, Trainer: tr, Data: data, FixedG: pG, noiseDim: fam.NoiseDim}
	// The inference graphs are marked as training (the networks have no BatchNorm nor dropout, so nothing
	// changes) so that the variables stay graph parameters: on the pure-Go backend an inference graph would
	// embed them as constants and be rebuilt after every step.
	inTraining := func(scope *model.Scope, x *Node) *Node {
		scope.Store().SetTraining(x.Graph(), true)
		return x
	}
	if pG == nil {
		t.gen, err = model.NewExec(b, t.Store, func(scope *model.Scope, z *Node) *Node {
			x := fam.Generator(scope.In(gan.ScopeGenerator), inTraining(scope, z))
			return Reshape(x, z.Shape().Dimensions[0], data.Dim())
		})
	}
	if err == nil {
		t.logits, err = model.NewExec(b, t.Store, func(scope *model.Scope, x *Node) *Node {
			b := x.Shape().Dimensions[0]
			out, _ := fam.Discriminator(scope.In(gan.ScopeDiscriminator), Reshape(inTraining(scope, x), b, 1, data.Dim(), 1), nil)
			return Reshape(out, b, 1)
		})
	}
	if err != nil {
		return nil, errors.WithMessage(err, "toy: creating the graphs")
	}
	return t, nil
}

// NoiseDim is the size of the noise z.
func (t *GAN) NoiseDim() int { return t.noiseDim }

// SetLearningRates changes the Adam learning rates of G and D from the next update on, and records them in
// Config; a rate ≤ 0 leaves that network's rate unchanged (gan.Trainer.SetLearningRates). Lowering D's rate for
// the last updates of TrainDOnly (a step-decay schedule) lets D settle at D* instead of wandering around it with
// the minibatch noise.
func (t *GAN) SetLearningRates(lrG, lrD float64) error {
	if err := t.Trainer.SetLearningRates(lrG, lrD); err != nil {
		return errors.WithMessage(err, "toy")
	}
	if lrG > 0 {
		t.Config.LearningRateG = lrG
	}
	if lrD > 0 {
		t.Config.LearningRateD = lrD
	}
	return nil
}

// GlobalStep is the number of steps (G updates) trained so far.
func (t *GAN) GlobalStep() int64 { return t.Trainer.GlobalStep() }

// Step trains one step: DSteps updates of D, each on a fresh real batch, and one update of G (gan.Trainer.Step).
// It returns an error when a loss is not finite, and for a GAN with a fixed generator (use TrainDOnly).
func (t *GAN) Step() (StepMetrics, error) {
	if t.FixedG != nil {
		return StepMetrics{}, errors.New("toy: the generator is a fixed distribution: train D with TrainDOnly")
	}
	m, err := t.Trainer.Step()
	return metricsOf(m), diverged(m, err)
}

// metricsOf is the core's step metrics as the toy reports them.
func metricsOf(m gan.StepMetrics) StepMetrics {
	return StepMetrics{Step: m.Step, DLoss: m.DLoss, GLoss: m.GLoss, DReal: m.DReal, DFake: m.DFake}
}

// diverged is the toy's error for a step's: a loss that is not finite says to lower the learning rates.
func diverged(m gan.StepMetrics, err error) error {
	var div *gan.DivergedError
	if errors.As(err, &div) {
		return errors.Errorf("toy: the run diverged at step %d (D loss %g, G loss %g): lower the learning rates", m.Step, m.DLoss, m.GLoss)
	}
	return err
}

// Train runs steps steps and calls callback (if not nil) with a Snapshot before the first step, every `every`
// steps (every ≤ 0: only before and after) and after the last.
func (t *GAN) Train(steps, every int, callback func(Snapshot)) error {
	var m StepMetrics
	m.Step = t.GlobalStep()
	snap := func() error {
		if callback == nil {
			return nil
		}
		samples, err := t.Generate(t.Config.SnapshotSize)
		if err != nil {
			return err
		}
		callback(Snapshot{StepMetrics: m, Samples: samples})
		return nil
	}
	if err := snap(); err != nil {
		return err
	}
	for i := range steps {
		var err error
		if m, err = t.Step(); err != nil {
			return err
		}
		if (every > 0 && (i+1)%every == 0) || i == steps-1 {
			if err := snap(); err != nil {
				return err
			}
		}
	}
	return nil
}

// TrainDOnly trains D alone for steps updates, G fixed (the generator network, or the fixed p_g), each on a fresh
// real and a fresh generated batch of BatchSize (gan.Trainer.TrainD). With enough steps D approaches
// D*(x) = p_data/(p_data + p_g) (for the sigmoid losses); FitD adds the learning-rate decay that lets it settle
// there. It returns the metrics of the last update; the global step does not move.
func (t *GAN) TrainDOnly(steps int) (StepMetrics, error) {
	var m StepMetrics
	for range steps {
		cm, err := t.Trainer.TrainD()
		m = metricsOf(cm)
		if err != nil {
			return m, diverged(cm, errors.WithMessage(err, "toy: training D"))
		}
	}
	return m, nil
}

// FitD trains D alone (G fixed) towards D* with a step-decay schedule: the first two thirds of steps at learning
// rate lr, the last third at lr/10, then restores Config.LearningRateD. With constant rates D keeps wandering
// around D* with the minibatch noise; the decay lets it settle.
func (t *GAN) FitD(steps int, lr float64) (StepMetrics, error) {
	restore := t.Config.LearningRateD
	defer func() { _ = t.SetLearningRates(0, restore) }()
	if err := t.SetLearningRates(0, lr); err != nil {
		return StepMetrics{}, err
	}
	if _, err := t.TrainDOnly(steps - steps/3); err != nil {
		return StepMetrics{}, err
	}
	if err := t.SetLearningRates(0, lr/10); err != nil {
		return StepMetrics{}, err
	}
	return t.TrainDOnly(steps / 3)
}

// sampleG draws n points from the generator: G(z) for fresh noise z, or the fixed p_g.
func (t *GAN) sampleG(n int, rng *rand.Rand) ([][]float64, error) {
	if t.FixedG != nil {
		return t.FixedG.Sample(n, rng), nil
	}
	return t.GenerateFrom(normalNoise(n, t.noiseDim, rng))
}

// normalNoise draws n standard normal vectors of size dim.
func normalNoise(n, dim int, rng *rand.Rand) [][]float64 {
	z := make([][]float64, n)
	for i := range z {
		z[i] = make([]float64, dim)
		for j := range z[i] {
			z[i][j] = rng.NormFloat64()
		}
	}
	return z
}

// FixedNoise returns the n noise vectors Generate uses: the same at every call (the first n of one stream seeded
// by Config.Seed, so FixedNoise(100) is the start of FixedNoise(1000), and Generate(100) of Generate(1000)).
func (t *GAN) FixedNoise(n int) [][]float64 {
	return normalNoise(n, t.noiseDim, NewRand(uint64(t.Config.Seed)+0x9e3779b9))
}

// Generate returns n generated points from fixed noise (FixedNoise), so that calls at different steps show the
// same points moving; for a fixed generator, n points of p_g from a fixed seed.
func (t *GAN) Generate(n int) ([][]float64, error) {
	if t.FixedG != nil {
		return t.FixedG.Sample(n, NewRand(uint64(t.Config.Seed)+0x9e3779b9)), nil
	}
	return t.GenerateFrom(t.FixedNoise(n))
}

// GenerateFrom returns G(z) for each noise vector z (of size NoiseDim). With NoiseDim = 1 on 1-D data,
// plotting G(z) against z shows the learned map next to TransportMap1D.
func (t *GAN) GenerateFrom(z [][]float64) ([][]float64, error) {
	if t.FixedG != nil {
		return nil, errors.New("toy: the generator is a fixed distribution: it has no noise")
	}
	if len(z) == 0 {
		return nil, nil
	}
	for _, zi := range z {
		if len(zi) != t.noiseDim {
			return nil, errors.Errorf("toy: noise vectors must have size %d, got %d", t.noiseDim, len(zi))
		}
	}
	out, err := t.evaluate(t.gen, z, t.noiseDim, t.Data.Dim())
	if err != nil {
		return nil, errors.WithMessage(err, "toy: generating")
	}
	return out, nil
}

// Logits returns D's raw output on each point: the logit l with D(x) = σ(l) for the sigmoid losses, the critic
// score for WGAN-GP.
func (t *GAN) Logits(xs [][]float64) ([]float64, error) {
	if len(xs) == 0 {
		return nil, nil
	}
	for _, x := range xs {
		if len(x) != t.Data.Dim() {
			return nil, errors.Errorf("toy: D takes points of size %d, got %d", t.Data.Dim(), len(x))
		}
	}
	out, err := t.evaluate(t.logits, xs, t.Data.Dim(), 1)
	if err != nil {
		return nil, errors.WithMessage(err, "toy: evaluating D")
	}
	return Column(out, 0), nil
}

// evalChunk is the number of rows of every call of the inference graphs: inputs are cut into chunks of this size
// (the last one padded), so each graph is compiled for one shape whatever the number of points asked for (an
// Exec holds at most 32 compiled shapes).
const evalChunk = 1024

// evaluate runs an inference graph on points of dimension inDim, chunk by chunk, and returns its outputs as
// points of dimension outDim.
func (t *GAN) evaluate(exec *model.Exec, pts [][]float64, inDim, outDim int) ([][]float64, error) {
	out := make([][]float64, 0, len(pts))
	pad := make([]float64, inDim)
	for start := 0; start < len(pts); start += evalChunk {
		chunk := make([][]float64, evalChunk)
		for i := range chunk {
			if start+i < len(pts) {
				chunk[i] = pts[start+i]
			} else {
				chunk[i] = pad
			}
		}
		in := PointsTensor(chunk, inDim)
		outs, err := exec.Call(in)
		finalize(in)
		if err != nil {
			return nil, err
		}
		res := TensorPoints(outs[0], outDim)
		finalize(outs...)
		out = append(out, res[:min(evalChunk, len(pts)-start)]...)
	}
	return out, nil
}

// Discriminator returns D(x) on each point: the probability σ(l) that x is real for the sigmoid losses ("ns",
// "minimax"), to compare with OptimalD; the raw score for the others.
func (t *GAN) Discriminator(xs [][]float64) ([]float64, error) {
	out, err := t.Logits(xs)
	if err != nil || !gan.IsSigmoidLoss(t.Config.Loss) {
		return out, err
	}
	for i, l := range out {
		out[i] = 1 / (1 + math.Exp(-l))
	}
	return out, nil
}

// Value is the Monte Carlo estimate, on n fresh real and n fresh generated points, of the value of the game
// for the current D and G (Goodfellow et al. 2014, eq. 1):
//
//	V(D, G) = E_{x~p_data}[log D(x)] + E_{x~p_g}[log(1 - D(x))]
//
// computed from the logits as log σ(l) = -softplus(-l) and log(1 - σ(l)) = -softplus(l). It is at most
// V(D*, G) = -log 4 + 2·JSD(p_data ‖ p_g), with equality when D = D*. Only for the sigmoid losses.
func (t *GAN) Value(n int) (float64, error) {
	if !gan.IsSigmoidLoss(t.Config.Loss) {
		return 0, errors.Errorf("toy: V(D, G) needs D to be a probability: loss %q has no sigmoid", t.Config.Loss)
	}
	rng := NewRand(uint64(t.Config.Seed) + 0x5eed)
	fake, err := t.sampleG(n, rng)
	if err != nil {
		return 0, err
	}
	lReal, err := t.Logits(t.Data.Sample(n, rng))
	if err != nil {
		return 0, err
	}
	lFake, err := t.Logits(fake)
	if err != nil {
		return 0, err
	}
	v := 0.0
	for i := range n {
		v -= softplus(-lReal[i]) + softplus(lFake[i])
	}
	return v / float64(n), nil
}

// softplus is log(1 + eˣ), without overflow.
func softplus(x float64) float64 {
	if x > 0 {
		return x + math.Log1p(math.Exp(-x))
	}
	return math.Log1p(math.Exp(x))
}

// PointsTensor packs points of dimension dim into a float32 tensor [len(pts), dim].
func PointsTensor(pts [][]float64, dim int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, len(pts), dim))
	tensors.MutableFlatData(t, func(flat []float32) {
		for i, p := range pts {
			for j := range dim {
				flat[i*dim+j] = float32(p[j])
			}
		}
	})
	return t
}

// TensorPoints unpacks a float32 tensor [N, dim] (or [N] for dim 1) into points of dimension dim.
func TensorPoints(t *tensors.Tensor, dim int) [][]float64 {
	flat := tensors.MustCopyFlatData[float32](t)
	out := make([][]float64, len(flat)/dim)
	for i := range out {
		out[i] = make([]float64, dim)
		for j := range dim {
			out[i][j] = float64(flat[i*dim+j])
		}
	}
	return out
}

// scalars reads and frees scalar outputs.
func scalars(outs []*tensors.Tensor) []float64 {
	v := make([]float64, len(outs))
	for i, o := range outs {
		v[i] = float64(tensors.ToScalar[float32](o))
	}
	finalize(outs...)
	return v
}

func finalize(ts ...*tensors.Tensor) {
	for _, t := range ts {
		_ = t.FinalizeAll()
	}
}
