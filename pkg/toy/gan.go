// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"math/rand/v2"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the networks and the train step read best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
)

// GAN is a small GAN on a toy Distribution: an MLP generator G: R^NoiseDim → R^d (ReLU hidden layers, linear
// output) and an MLP discriminator D: R^d → R (LeakyReLU hidden layers, one raw output: a logit for the sigmoid
// losses, a critic score for WGAN-GP). Each network has its own Adam optimizer, over its own scope
// (gan.ScopeGenerator, gan.ScopeDiscriminator), as in pkg/gan's Trainer; the losses are pkg/gan's.
//
// A GAN made by NewFixedGenerator has no network G: its "generator" is a fixed distribution p_g, and only D
// trains (claims (a) and (b): the optimal discriminator and the value of the game at it).
//
// Every graph is compiled once, at its first call, and reused.
type GAN struct {
	Config  Config
	Backend compute.Backend
	Store   *model.Store
	Data    Distribution // p_data
	FixedG  Distribution // p_g when G is fixed (NewFixedGenerator); nil for a learned G

	noiseDim   int
	rng        *rand.Rand // real and fake batches drawn in Go
	dOpt, gOpt optimizer.Interface
	step       *model.Exec // DSteps D updates and one G update, generated batches drawn in the graph
	dStep      *model.Exec // one D update: on given real and generated batches for a fixed p_g, else against G
	gen        *model.Exec // z -> G(z)
	logits     *model.Exec // x -> D's raw output
}

// StepMetrics is what a training step measured: the losses each network minimized at its last update, and the
// mean of D's output on the real and on the generated batch (a probability σ(logit) for the sigmoid losses "ns"
// and "minimax", the raw score otherwise).
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
	t := &GAN{Config: cfg, Backend: b, Store: model.NewStore(), Data: data, FixedG: pG, noiseDim: cfg.NoiseDim,
		rng: NewRand(uint64(cfg.Seed))}
	if t.noiseDim == 0 {
		t.noiseDim = data.Dim()
	}
	if err := t.Store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, errors.WithMessage(err, "toy: seeding the random numbers")
	}
	adam := func(lr float64) optimizer.Interface {
		return optimizer.Adam().LearningRate(lr).Betas(cfg.Beta1, cfg.Beta2).Epsilon(1e-8).Done()
	}
	t.dOpt, t.gOpt = adam(cfg.LearningRateD), adam(cfg.LearningRateG)
	var err error
	if pG != nil {
		t.dStep, err = model.NewExec(b, t.Store, t.dStepGraph)
	} else if t.dStep, err = model.NewExec(b, t.Store, t.dStepLearnedGraph); err == nil {
		if t.step, err = model.NewExec(b, t.Store, t.stepGraph); err == nil {
			t.gen, err = model.NewExec(b, t.Store, t.genGraph)
		}
	}
	if err == nil {
		t.logits, err = model.NewExec(b, t.Store, t.logitsGraph)
	}
	if err != nil {
		return nil, errors.WithMessage(err, "toy: creating the graphs")
	}
	return t, nil
}

// NoiseDim is the size of the noise z.
func (t *GAN) NoiseDim() int { return t.noiseDim }

// generator is G: z [B, NoiseDim] -> x [B, d], hidden layers with ReLU, a linear output (the data is not
// bounded, so no tanh).
func (t *GAN) generator(scope *model.Scope, z *Node) *Node {
	x := z
	for i, units := range t.Config.GenHidden {
		x = dense(scope.In("fc%d", i+1), x, units)
		x = Max(x, ZerosLike(x))
	}
	return dense(scope.In("out"), x, t.Data.Dim()) // [B, d]
}

// discriminator is D: x [B, d] -> one raw output per point [B].
func (t *GAN) discriminator(scope *model.Scope, x *Node) *Node {
	h := x
	for i, units := range t.Config.DiscHidden {
		h = nn.LeakyReLU(dense(scope.In("fc%d", i+1), h, units), t.Config.LeakySlope)
	}
	return Reshape(dense(scope.In("out"), h, 1), x.Shape().Dimensions[0]) // [B]
}

// dense is a fully connected layer x [B, in] -> [B, units]: He-initialized weights (GoMLX's default) and a bias
// that starts at zero. It is built from MatMul rather than layers.Dense, whose fused kernel has no second
// derivative: WGAN-GP's penalty differentiates D's gradient, and G's update differentiates through the updated D.
func dense(scope *model.Scope, x *Node, units int) *Node {
	w := scope.VariableWithShape("weights", shapes.Make(x.DType(), x.Shape().Dimensions[1], units))
	zero := func(g *Graph, s shapes.Shape) *Node { return Zeros(g, s) }
	b := scope.WithInitializer(zero).VariableWithShape("biases", shapes.Make(x.DType(), units))
	return Add(MatMul(x, w.NodeValue(x.Graph())), ExpandLeftToRank(b.NodeValue(x.Graph()), 2))
}

// networks returns G and D on a graph's root scope: the first call of each enters its scope (creating the
// variables), later calls share it.
func (t *GAN) networks(scope *model.Scope) (g, d func(*Node) *Node) {
	var gUsed, dUsed bool
	enter := func(used *bool, name string) *model.Scope {
		if *used {
			return scope.Shared("%s", name)
		}
		*used = true
		return scope.In("%s", name)
	}
	g = func(z *Node) *Node { return t.generator(enter(&gUsed, gan.ScopeGenerator), z) }
	d = func(x *Node) *Node { return t.discriminator(enter(&dUsed, gan.ScopeDiscriminator), x) }
	return g, d
}

// discriminatorLoss is the config's loss for D (pkg/gan's, by name), with WGAN-GP's gradient penalty.
func (t *GAN) discriminatorLoss(scope *model.Scope, d func(*Node) *Node, real, fake, realOut, fakeOut *Node) *Node {
	loss := gan.DiscriminatorLossFor(t.Config.Loss, realOut, []*Node{fakeOut}, 0)
	if t.Config.Loss == gan.LossWGANGP {
		eps := scope.RandomUniform(real.Graph(), shapes.Make(real.DType(), real.Shape().Dimensions[0]))
		loss = Add(loss, MulScalar(gan.GradientPenalty(d, real, fake, eps), t.Config.GPWeight))
	}
	return loss
}

// updateD builds one update of D on a real and a generated batch (the generated one must not carry gradients
// to G) and returns [D loss, mean D(x), mean D(G(z))].
func (t *GAN) updateD(scope *model.Scope, d func(*Node) *Node, real, fake *Node) (loss, dReal, dFake *Node) {
	realOut, fakeOut := d(real), d(fake)
	loss = t.discriminatorLoss(scope, d, real, fake, realOut, fakeOut)
	t.dOpt.UpdateGraph(scope.Store().Scope("/"+gan.ScopeDiscriminator), loss.Graph(), loss)
	return loss, gan.MeanOutput(t.Config.Loss, realOut), gan.MeanOutput(t.Config.Loss, fakeOut)
}

// stepGraph is one step of Goodfellow et al.'s algorithm 1: DSteps updates of D, each on its own real batch
// (real is [DSteps·B, d]) and a fresh generated one, then one update of G against the updated D. Outputs:
// [D loss, G loss, mean D(x), mean D(G(z))].
func (t *GAN) stepGraph(scope *model.Scope, real *Node) []*Node {
	g, store := real.Graph(), scope.Store()
	store.SetTraining(g, true)
	globalStep := optimizer.GetGlobalStepVar(store)
	step0 := globalStep.NodeValue(g)
	batch := t.Config.BatchSize
	G, D := t.networks(scope)
	noise := func() *Node { return scope.RandomNormal(g, shapes.Make(real.DType(), batch, t.noiseDim)) }
	var dLoss, dReal, dFake *Node
	for k := range t.Config.DSteps {
		realK := Slice(real, AxisRange(k*batch, (k+1)*batch)) // [B, d]
		// ---- Train the discriminator ---- (StopGradient: D's loss must not reach G, PyTorch's .detach())
		dLoss, dReal, dFake = t.updateD(scope, D, realK, StopGradient(G(noise())))
	}
	// ---- Train the generator ---- D's variables now hold their updated values: G plays against the new D.
	gLoss := gan.GeneratorLossFor(t.Config.Loss, D(G(noise())))
	t.gOpt.UpdateGraph(store.Scope("/"+gan.ScopeGenerator), g, gLoss)
	globalStep.SetNodeValue(AddScalar(step0, 1)) // each optimizer added one: a step counts once
	return []*Node{dLoss, gLoss, dReal, dFake}
}

// dStepGraph is one update of D alone on given real and generated batches (for a fixed p_g); the global step
// does not move.
func (t *GAN) dStepGraph(scope *model.Scope, real, fake *Node) []*Node {
	g, store := real.Graph(), scope.Store()
	store.SetTraining(g, true)
	globalStep := optimizer.GetGlobalStepVar(store)
	step0 := globalStep.NodeValue(g)
	_, D := t.networks(scope)
	dLoss, dReal, dFake := t.updateD(scope, D, real, fake)
	globalStep.SetNodeValue(step0)
	return []*Node{dLoss, dReal, dFake}
}

// dStepLearnedGraph is one update of D alone against the generator network, whose batch is drawn in the graph
// and which does not change; the global step does not move.
func (t *GAN) dStepLearnedGraph(scope *model.Scope, real *Node) []*Node {
	g := real.Graph()
	scope.Store().SetTraining(g, true)
	G, _ := t.networks(scope)
	z := scope.RandomNormal(g, shapes.Make(real.DType(), real.Shape().Dimensions[0], t.noiseDim))
	return t.dStepGraph(scope, real, StopGradient(G(z)))
}

// genGraph is G(z). The graph is marked as training (the networks have no BatchNorm nor dropout, so nothing
// changes) so that the variables stay graph parameters: on the pure-Go backend an inference graph would embed
// them as constants and keep returning the weights it was compiled with.
func (t *GAN) genGraph(scope *model.Scope, z *Node) *Node {
	scope.Store().SetTraining(z.Graph(), true)
	G, _ := t.networks(scope)
	return G(z)
}

// logitsGraph is D's raw output; training mode for the reason given at genGraph.
func (t *GAN) logitsGraph(scope *model.Scope, x *Node) *Node {
	scope.Store().SetTraining(x.Graph(), true)
	_, D := t.networks(scope)
	return D(x)
}

// SetLearningRates changes the Adam learning rates of G and D from the next update on, and records them in
// Config; a rate ≤ 0 leaves that network's rate unchanged. Lowering D's rate for the last updates of TrainDOnly
// (a step-decay schedule) lets D settle at D* instead of wandering around it with the minibatch noise.
func (t *GAN) SetLearningRates(lrG, lrD float64) error {
	for _, c := range []struct {
		scope string
		lr    float64
		field *float64
	}{{gan.ScopeGenerator, lrG, &t.Config.LearningRateG}, {gan.ScopeDiscriminator, lrD, &t.Config.LearningRateD}} {
		if c.lr <= 0 {
			continue
		}
		// The variable optimizer.LearningRateVar creates under the scope given to UpdateGraph; the graphs read it
		// at every call. Created here if no graph has been built yet (the graphs then reuse it).
		path := "/" + c.scope + "/" + optimizer.Scope + "/" + optimizer.ParamLearningRate
		value := tensors.FromScalar(float32(c.lr))
		var err error
		if v := t.Store.GetVariable(path); v != nil {
			err = v.SetValue(value)
		} else if v, err = t.Store.CreateVariable(path, value); err == nil {
			v.SetTrainable(false)
		}
		if err != nil {
			return errors.WithMessagef(err, "toy: setting the learning rate of %s", c.scope)
		}
		*c.field = c.lr
	}
	return nil
}

// GlobalStep is the number of steps (G updates) trained so far.
func (t *GAN) GlobalStep() int64 { return optimizer.GetGlobalStep(t.Store) }

// Step trains one step: DSteps updates of D, each on a fresh real batch, then one update of G. It returns an
// error when a loss is not finite, and for a GAN with a fixed generator (use TrainDOnly).
func (t *GAN) Step() (StepMetrics, error) {
	if t.FixedG != nil {
		return StepMetrics{}, errors.New("toy: the generator is a fixed distribution: train D with TrainDOnly")
	}
	real := toTensor(t.Data.Sample(t.Config.DSteps*t.Config.BatchSize, t.rng), t.Data.Dim())
	defer finalize(real)
	outs, err := t.step.Call(real)
	if err != nil {
		return StepMetrics{}, errors.WithMessagef(err, "toy: training step %d", t.GlobalStep())
	}
	v := scalars(outs)
	m := StepMetrics{Step: t.GlobalStep(), DLoss: v[0], GLoss: v[1], DReal: v[2], DFake: v[3]}
	return m, checkFinite(m)
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
// real and a fresh generated batch of BatchSize. With enough steps D approaches D*(x) = p_data/(p_data + p_g)
// (for the sigmoid losses); FitD adds the learning-rate decay that lets it settle there. It returns the metrics
// of the last update; the global step does not move.
func (t *GAN) TrainDOnly(steps int) (StepMetrics, error) {
	var m StepMetrics
	for range steps {
		inputs := []*tensors.Tensor{toTensor(t.Data.Sample(t.Config.BatchSize, t.rng), t.Data.Dim())}
		if t.FixedG != nil { // the generated batch: p_g's samples, or drawn inside the graph from G
			inputs = append(inputs, toTensor(t.FixedG.Sample(t.Config.BatchSize, t.rng), t.Data.Dim()))
		}
		args := make([]any, len(inputs))
		for i, in := range inputs {
			args[i] = in
		}
		outs, err := t.dStep.Call(args...)
		finalize(inputs...)
		if err != nil {
			return m, errors.WithMessage(err, "toy: training D")
		}
		v := scalars(outs)
		m = StepMetrics{Step: t.GlobalStep(), DLoss: v[0], DReal: v[1], DFake: v[2]}
		if err := checkFinite(m); err != nil {
			return m, err
		}
	}
	return m, nil
}

// FitD trains D alone (G fixed) towards D* with a step-decay schedule: the first two thirds of steps at learning
// rate lr, the last third at lr/10, then restores Config.LearningRateD. With constant rates D keeps wandering
// around D* with the minibatch noise; the decay lets it settle. On the 1-D problems of this package,
// FitD(1500, 1e-2) brought D within 0.007-0.014 of D* (mean over the mass) in 1.5-3 s on two CPU cores.
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
		in := toTensor(chunk, inDim)
		outs, err := exec.Call(in)
		finalize(in)
		if err != nil {
			return nil, err
		}
		res := fromTensor(outs[0], outDim)
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

// toTensor packs points of dimension dim into a float32 tensor [len(pts), dim].
func toTensor(pts [][]float64, dim int) *tensors.Tensor {
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

// fromTensor unpacks a float32 tensor [N, dim] into points.
func fromTensor(t *tensors.Tensor, dim int) [][]float64 {
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

func checkFinite(m StepMetrics) error {
	for _, v := range []float64{m.DLoss, m.GLoss} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return errors.Errorf("toy: the run diverged at step %d (D loss %g, G loss %g): lower the learning rates",
				m.Step, m.DLoss, m.GLoss)
		}
	}
	return nil
}
