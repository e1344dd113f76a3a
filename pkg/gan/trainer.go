// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"

	"github.com/ganbook/ganbook/pkg/cgan"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/infogan"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the train step reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
)

// StepMetrics is what one training step measured. DReal and DFake are the mean of D's output on the real and
// on the generated batch: probabilities σ(logit) for the sigmoid losses (ns, minimax), raw scores otherwise.
type StepMetrics struct {
	Step         int64   `json:"step"` // the global step after this step
	DLoss, GLoss float64 // the losses each network minimized (for InfoGAN, with Q's and G's information terms)
	DReal, DFake float64
	Info         float64 // InfoGAN: L_I = E log Q(c|G(z,c)) + H(c) of the categorical codes, in nats (≤ H(c)); else 0
}

// Trainer holds a GAN's variables (G, D, both optimizers' state, the random-number state) and its compiled
// training steps. One optimizer updates G and one updates D (Adam with the config's rates and betas), each
// only over its own network's variables (ScopeGenerator, ScopeDiscriminator).
//
// A step is DSteps discriminator updates followed by one generator update. The last D update and the G update
// share one graph, one generator forward pass and the discriminator's forward pass on the generated batch, and
// are simultaneous: both gradients are taken at the same weights, as in the TensorFlow DCGAN tutorial's
// train_step (PyTorch's DCGAN example instead re-evaluates D after its update). The global step counts steps,
// not updates.
type Trainer struct {
	Config  Config
	Backend compute.Backend
	Store   *model.Store

	sampler            *data.Sampler
	step, dStep, gStep *model.Exec
	dOpt, gOpt         optimizer.Interface

	// generate is the inference graph of G. GoMLX embeds the variables of an inference graph as constants on
	// backends that prefer it (the pure-Go backend does), so it is rebuilt when training has changed them:
	// updates counts the training calls, generatedAt the count the graph was built at.
	generate             *model.Exec
	updates, generatedAt int64
}

// NewTrainer creates the store and the steps for cfg, training on set (nil for a Trainer that only samples).
// Variables are created at the first step or by LoadCheckpoint.
func NewTrainer(b compute.Backend, cfg Config, set *data.Set) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t := &Trainer{Config: cfg, Backend: b, Store: model.NewStore()}
	if err := t.Store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, errors.WithMessage(err, "gan: seeding the random numbers")
	}
	if set != nil {
		if cfg.Classes > 0 && cfg.Classes != len(set.ClassNames) {
			return nil, errors.Errorf("gan: a conditional GAN with %d classes, but %s has %d", cfg.Classes, set.Name, len(set.ClassNames))
		}
		if set.Height != cfg.Height || set.Width != cfg.Width || set.Channels != cfg.Channels {
			return nil, errors.Errorf("gan: the data is %dx%dx%d but the model makes %dx%dx%d images",
				set.Height, set.Width, set.Channels, cfg.Height, cfg.Width, cfg.Channels)
		}
		t.sampler = &data.Sampler{Set: set, BatchSize: cfg.BatchSize, Seed: uint64(cfg.Seed)}
		if err := t.sampler.Validate(); err != nil {
			return nil, err
		}
	}
	adam := func(lr float64) optimizer.Interface {
		return optimizer.Adam().LearningRate(lr).Betas(cfg.Beta1, cfg.Beta2).Epsilon(1e-8).Done()
	}
	t.dOpt, t.gOpt = adam(cfg.LearningRateD), adam(cfg.LearningRateG)
	var err error
	if t.step, err = model.NewExec(b, t.Store, t.stepGraph(true, true)); err == nil {
		if t.dStep, err = model.NewExec(b, t.Store, t.stepGraph(true, false)); err == nil {
			t.gStep, err = model.NewExec(b, t.Store, t.stepGraph(false, true))
		}
	}
	if err != nil {
		return nil, errors.WithMessage(err, "gan: creating the training steps")
	}
	return t, nil
}

// stepGraph builds a training step that updates D, G or both. Its outputs are
// [dLoss, gLoss, mean D(x), mean D(G(z)), L_I]; an output of a network not updated is 0, and L_I (InfoGAN's
// bound for its categorical codes, in nats) is 0 for other GANs.
func (t *Trainer) stepGraph(updateD, updateG bool) func(scope *model.Scope, real, labels *Node) []*Node {
	cfg := &t.Config
	return func(scope *model.Scope, real, labels *Node) []*Node {
		g, store := real.Graph(), scope.Store()
		store.SetTraining(g, true)
		globalStep := optimizer.GetGlobalStepVar(store)
		step0 := globalStep.NodeValue(g)
		batch := real.Shape().Dimensions[0]
		z := scope.RandomNormal(g, shapes.Make(real.DType(), batch, cfg.LatentDim))
		info := cfg.Info.Enabled()
		var codes infogan.Sample
		if info {
			codes = cfg.Info.Draw(scope, g, real.DType(), batch)
			z = Concatenate([]*Node{z, codes.Vector}, -1)
		}
		// A conditional GAN: D judges real images with their labels and generated ones with the labels G was
		// asked for, drawn uniformly.
		var realLabels, fakeLabels *Node
		if cfg.Classes > 0 {
			realLabels = labels
			fakeLabels = scope.RandomIntN(g, int32(cfg.Classes), shapes.Make(dtypes.Int32, batch))
			z = cgan.GeneratorInput(z, fakeLabels, cfg.Classes)
		}
		fake := Generator(scope.In(ScopeGenerator), cfg, z) // [B, H, W, C]
		discriminator := func(x *Node) *Node {              // the critic of the gradient penalty, on real-fake mixtures
			out, _ := DiscriminatorFeatures(scope.Shared(ScopeDiscriminator), cfg, x, realLabels)
			return out
		}
		zero := ScalarZero(g, real.DType())
		dLoss, gLoss, dReal, dFake, infoBound := zero, zero, zero, zero, zero
		var realOut, fakeOut, fakeFeatures *Node
		dScope := scope.In(ScopeDiscriminator) // the first use of D in this graph creates its variables
		if updateD {
			realOut, _ = DiscriminatorFeatures(dScope, cfg, real, realLabels)
		}
		if updateD && !updateG {
			// D's loss must not reach G: PyTorch's .detach()
			fakeOut, fakeFeatures = DiscriminatorFeatures(scope.Shared(ScopeDiscriminator), cfg, StopGradient(fake), fakeLabels)
		} else if updateD {
			fakeOut, fakeFeatures = DiscriminatorFeatures(scope.Shared(ScopeDiscriminator), cfg, fake, fakeLabels)
		} else {
			fakeOut, fakeFeatures = DiscriminatorFeatures(dScope, cfg, fake, fakeLabels)
		}
		dFake = meanOutput(cfg, fakeOut)
		// InfoGAN: Q reads the codes back from D's features of the generated batch. G adds -λ·L_I to its loss,
		// D adds Q's version of it (its optimizer trains Q's head and the shared trunk).
		var terms infogan.Terms
		if info {
			terms = cfg.Info.Objective(qHead(scope, cfg, fakeFeatures), codes)
			infoBound = StopGradient(terms.LowerBound)
		}
		// Both losses are built before either update, so both gradients are taken at the same weights: each
		// optimizer differentiates only its own network's variables, so D's loss does not move G and G's loss
		// does not move D, even though they share the forward pass D(G(z)).
		if updateG {
			gLoss = generatorLoss(cfg, fakeOut)
			if info {
				gLoss = Add(gLoss, terms.Loss)
			}
		}
		if updateD {
			dLoss = discriminatorLoss(cfg, realOut, fakeOut)
			if cfg.Loss == LossWGANGP {
				eps := scope.RandomUniform(g, shapes.Make(real.DType(), batch))
				dLoss = Add(dLoss, MulScalar(GradientPenalty(discriminator, real, fake, eps), cfg.GPWeight))
			}
			dReal = meanOutput(cfg, realOut)
			if info {
				dLoss = Add(dLoss, terms.QLoss)
			}
		}
		if updateG {
			t.gOpt.UpdateGraph(store.Scope("/"+ScopeGenerator), g, gLoss)
			if cfg.GenEMA > 0 {
				updateGeneratorEMA(store, step0, cfg.GenEMA)
			}
		}
		if updateD {
			t.dOpt.UpdateGraph(store.Scope("/"+ScopeDiscriminator), g, dLoss)
		}
		if updateG {
			globalStep.SetNodeValue(AddScalar(step0, 1)) // each optimizer added one: a step counts once
		} else {
			globalStep.SetNodeValue(step0) // D-only updates are part of the next step
		}
		return []*Node{dLoss, gLoss, dReal, dFake, infoBound}
	}
}

// discriminatorLoss is the config's loss for D.
func discriminatorLoss(cfg *Config, real, fake *Node) *Node {
	switch cfg.Loss {
	case LossLeastSquares:
		return LeastSquaresDiscriminatorLoss(real, fake)
	case LossWGANGP:
		return WassersteinCriticLoss(real, fake)
	case LossHinge:
		return HingeDiscriminatorLoss(real, fake)
	}
	return DiscriminatorLoss(real, fake, cfg.LabelSmoothing)
}

// generatorLoss is the config's loss for G.
func generatorLoss(cfg *Config, fake *Node) *Node {
	switch cfg.Loss {
	case LossMinimax:
		return MinimaxGeneratorLoss(fake)
	case LossLeastSquares:
		return LeastSquaresGeneratorLoss(fake)
	case LossWGANGP:
		return WassersteinGeneratorLoss(fake)
	case LossHinge:
		return HingeGeneratorLoss(fake)
	}
	return NonSaturatingGeneratorLoss(fake)
}

// meanOutput is the mean of D's output, as a probability for the sigmoid losses.
func meanOutput(cfg *Config, out *Node) *Node {
	if cfg.Loss == LossNonSaturating || cfg.Loss == LossMinimax {
		out = Sigmoid(out)
	}
	return ReduceAllMean(StopGradient(out))
}

// GlobalStep is the number of steps trained so far.
func (t *Trainer) GlobalStep() int64 {
	return optimizer.GetGlobalStep(t.Store)
}

// Step trains one step: DSteps updates of D, then one of G. The real batches come from the data in a fixed
// order given by the seed and the global step, so a resumed run sees what an uninterrupted one would.
// It returns an error naming the step when a loss is not finite (the run diverged).
func (t *Trainer) Step() (StepMetrics, error) {
	if t.sampler == nil {
		return StepMetrics{}, errors.New("gan: this Trainer has no training data")
	}
	step := t.GlobalStep()
	k := int64(t.Config.DSteps)
	for j := range k - 1 {
		if _, err := t.run(t.dStep, step*k+j); err != nil {
			return StepMetrics{}, err
		}
	}
	return t.run(t.step, step*k+k-1)
}

// TrainD updates only the discriminator, on the next real batch; the global step does not move.
func (t *Trainer) TrainD() (StepMetrics, error) {
	return t.run(t.dStep, t.GlobalStep()*int64(t.Config.DSteps))
}

// TrainG updates only the generator (against the current D); the global step moves by one.
func (t *Trainer) TrainG() (StepMetrics, error) {
	if t.sampler == nil {
		return StepMetrics{}, errors.New("gan: this Trainer has no training data")
	}
	return t.run(t.gStep, t.GlobalStep()*int64(t.Config.DSteps))
}

func (t *Trainer) run(exec *model.Exec, batch int64) (StepMetrics, error) {
	images, labels := t.sampler.Batch(batch)
	defer images.MustFinalizeAll()
	defer labels.MustFinalizeAll()
	t.updates++
	outs, err := exec.Call(images, labels)
	if err != nil {
		return StepMetrics{}, errors.WithMessagef(err, "gan: training step %d", t.GlobalStep())
	}
	vals := make([]float64, len(outs))
	for i, o := range outs {
		vals[i] = float64(tensors.ToScalar[float32](o))
		o.MustFinalizeAll()
	}
	m := StepMetrics{Step: t.GlobalStep(), DLoss: vals[0], GLoss: vals[1], DReal: vals[2], DFake: vals[3], Info: vals[4]}
	for i, name := range []string{"D loss", "G loss"} {
		if math.IsNaN(vals[i]) || math.IsInf(vals[i], 0) {
			return m, errors.Errorf("gan: the run diverged at step %d: %s is %g; the last good checkpoint is kept "+
				"(resume from it with a lower learning rate, or another --loss)", m.Step, name, vals[i])
		}
	}
	return m, nil
}

// LoadCheckpoint loads runDir's checkpoint into the Trainer (see the package function LoadCheckpoint).
func (t *Trainer) LoadCheckpoint(runDir string) (string, error) {
	t.updates++ // the variables change: the generator graph must be rebuilt
	return LoadCheckpoint(t.Store, runDir)
}

// Generate maps the generator's input z [N, GenInputDim] (float32: the noise, then InfoGAN's codes) to images [N, H, W, C] in [-1, 1], in inference mode
// (BatchNorm uses its running averages; nothing is updated), with the moving average of G's weights when
// Config.GenEMA is set (see ScopeGeneratorEMA).
func (t *Trainer) Generate(z *tensors.Tensor) (*tensors.Tensor, error) {
	if d := z.Shape().Dimensions; len(d) != 2 || d[1] != t.Config.GenInputDim() || z.DType() != dtypes.Float32 {
		return nil, errors.Errorf("gan: Generate needs float32 input [N, %d] (noise, then codes), got %s",
			t.Config.GenInputDim(), z.Shape())
	}
	if t.generate == nil || t.generatedAt != t.updates {
		if t.generate != nil {
			t.generate.Finalize()
		}
		gen, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, z *Node) *Node {
			return withGeneratorEMA(t.Store, z.Graph(), t.Config.GenEMA, func() *Node {
				return Generator(scope.In(ScopeGenerator), &t.Config, z)
			})
		})
		if err != nil {
			return nil, errors.WithMessage(err, "gan: building the generator")
		}
		t.generate, t.generatedAt = gen, t.updates
	}
	out, err := t.generate.Call(z)
	if err != nil {
		return nil, errors.WithMessage(err, "gan: generating")
	}
	return out[0], nil
}

// PredictCodes returns, for each of n images (flat [n·H·W·C] in [-1, 1]), the value of InfoGAN's first
// categorical code that Q reads from it (the argmax of its logits), in inference mode: with the codes learned
// without labels, Q is an unsupervised classifier of real images.
func (t *Trainer) PredictCodes(images []float32, n int) ([]int, error) {
	cfg := &t.Config
	if len(cfg.Info.Categorical) == 0 {
		return nil, errors.New("gan: PredictCodes needs an InfoGAN with a categorical code")
	}
	size := cfg.Height * cfg.Width * cfg.Channels
	if len(images) != n*size {
		return nil, errors.Errorf("gan: %d images of %dx%dx%d need %d values, got %d", n, cfg.Height, cfg.Width, cfg.Channels, n*size, len(images))
	}
	exec, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, x *Node) *Node {
		_, features := DiscriminatorFeatures(scope.In(ScopeDiscriminator), cfg, x, nil)
		return ArgMax(qHead(scope, cfg, features).Logits[0], -1, dtypes.Int32)
	})
	if err != nil {
		return nil, errors.WithMessage(err, "gan: building Q")
	}
	defer exec.Finalize()
	codes := make([]int, 0, n)
	err = forBatches(images, n, size, func(chunk []float32, _, m int) error {
		out, err := exec.Call(tensorFrom(chunk, evalBatch, cfg.Height, cfg.Width, cfg.Channels))
		if err != nil {
			return errors.WithMessage(err, "gan: running Q")
		}
		for _, c := range tensors.MustCopyFlatData[int32](out[0])[:m] {
			codes = append(codes, int(c))
		}
		out[0].MustFinalizeAll()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// Discriminate returns D's raw output (a logit for the sigmoid losses) for n images (flat [n·H·W·C] in
// [-1, 1]), in inference mode; a conditional GAN's D also reads each image's label (nil otherwise). The run must
// hold D (a training run, or an export of an InfoGAN or conditional GAN).
func (t *Trainer) Discriminate(images []float32, n int, labels []int) ([]float64, error) {
	cfg := &t.Config
	size := cfg.Height * cfg.Width * cfg.Channels
	if len(images) != n*size {
		return nil, errors.Errorf("gan: %d images of %dx%dx%d need %d values, got %d", n, cfg.Height, cfg.Width, cfg.Channels, n*size, len(images))
	}
	if (cfg.Classes > 0) != (labels != nil) || (labels != nil && len(labels) != n) {
		return nil, errors.Errorf("gan: Discriminate needs one label per image for a conditional GAN, none otherwise")
	}
	for _, y := range labels {
		if y < 0 || y >= cfg.Classes {
			return nil, errors.Errorf("gan: label %d is not one of the %d classes", y, cfg.Classes)
		}
	}
	exec, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, x, y *Node) *Node {
		if cfg.Classes == 0 {
			y = nil
		}
		out, _ := DiscriminatorFeatures(scope.In(ScopeDiscriminator), cfg, x, y)
		return out
	})
	if err != nil {
		return nil, errors.WithMessage(err, "gan: building D")
	}
	defer exec.Finalize()
	out := make([]float64, 0, n)
	err = forBatches(images, n, size, func(chunk []float32, i, m int) error {
		ys := make([]int32, evalBatch)
		for j := range m {
			if labels != nil {
				ys[j] = int32(labels[i+j])
			}
		}
		res, err := exec.Call(tensorFrom(chunk, evalBatch, cfg.Height, cfg.Width, cfg.Channels), tensors.FromValue(ys))
		if err != nil {
			return errors.WithMessage(err, "gan: running D (does the run hold D? `ganbook export` keeps it for infogan and cgan runs)")
		}
		for _, v := range tensors.MustCopyFlatData[float32](res[0])[:m] {
			out = append(out, float64(v))
		}
		res[0].MustFinalizeAll()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}
