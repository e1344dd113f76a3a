// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"math"
	"os"
	"path/filepath"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the train step reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
)

// StepMetrics is what one training step measured (or, in metrics.json, the mean over LogEvery steps).
type StepMetrics struct {
	Step    int64   `json:"step"`              // the global step after this step
	DLoss   float64 `json:"d_loss"`            // the loss D minimised
	GLoss   float64 `json:"g_loss"`            // the loss G minimised, all terms weighted
	Adv     float64 `json:"g_adv"`             // G's non-saturating adversarial term, unweighted
	L1      float64 `json:"l1"`                // mean |G(x) - y| (in [-1, 1] units)
	MSE     float64 `json:"mse"`               // mean (G(x) - y)²
	Content float64 `json:"content,omitempty"` // srgan: the classifier-feature MSE, unweighted
	DReal   float64 `json:"d_real"`            // mean σ(D) on real images (pairs)
	DFake   float64 `json:"d_fake"`            // mean σ(D) on generated ones
}

// Trainer holds an image-conditioned GAN's variables (G, D, both optimizers' state, the random-number state and,
// for srgan, the frozen classifier of the content loss) and its compiled training step.
//
// A step is one D update and one G update in one graph, both gradients taken at the same weights (as pkg/gan's
// Trainer does): Adam with the config's rates and betas for each network, each over its own scope only
// (ScopeGenerator, ScopeDiscriminator), so the classifier under eval.ScopeClassifier is never updated.
type Trainer struct {
	Config  Config
	Backend compute.Backend
	Store   *model.Store

	sampler    *data.Sampler
	step       *model.Exec
	dOpt, gOpt optimizer.Interface

	// generate is G's inference graph, rebuilt when training or a checkpoint has changed the variables (the
	// pure-Go backend embeds an inference graph's variables as constants): updates counts those changes.
	generate             *model.Exec
	updates, generatedAt int64
}

// NewTrainer creates the store and the training step for cfg, training on set's images (nil for a Trainer that
// only generates). Variables are created at the first step or by LoadCheckpoint.
func NewTrainer(b compute.Backend, cfg Config, set *data.Set) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	t := &Trainer{Config: cfg, Backend: b, Store: model.NewStore()}
	if err := t.Store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, errors.WithMessage(err, "imagegan: seeding the random numbers")
	}
	if set != nil {
		if set.Height != ImageSize || set.Width != ImageSize || set.Channels != Channels {
			return nil, errors.Errorf("imagegan: the tasks are made from %dx%dx%d images, but %s has %dx%dx%d",
				ImageSize, ImageSize, Channels, set.Name, set.Height, set.Width, set.Channels)
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
	if t.step, err = model.NewExec(b, t.Store, t.stepGraph); err != nil {
		return nil, errors.WithMessage(err, "imagegan: creating the training step")
	}
	return t, nil
}

// stepGraph is the training step on G's inputs [B, s, s, 1] and the true images [B, 28, 28, 1]. Its outputs
// are [dLoss, gLoss, adv, l1, mse, content, mean σ(D(real)), mean σ(D(fake))].
//
// pix2pix (Isola et al. 2017, eq. 4), D on pairs, its loss halved as in the paper's section 3.3:
//
//	L_D = ½·(-E log D(x, y) - E log(1 - D(x, G(x)))),   L_G = -E log D(x, G(x)) + λ·E‖y - G(x)‖₁
//
// srgan (Ledig et al. 2017, eq. 3), D on images alone:
//
//	L_D = -E log D(y) - E log(1 - D(G(x))),   L_G = w_c·l_φ + w_p·l_MSE + w_a·(-E log D(G(x)))
func (t *Trainer) stepGraph(scope *model.Scope, inputs, targets *Node) []*Node {
	cfg := &t.Config
	g, store := inputs.Graph(), scope.Store()
	store.SetTraining(g, true)
	globalStep := optimizer.GetGlobalStepVar(store)
	step0 := globalStep.NodeValue(g)

	fake := Generator(scope.In(ScopeGenerator), cfg, inputs)                      // [B, 28, 28, 1]
	realOut := Discriminator(scope.In(ScopeDiscriminator), cfg, inputs, targets)  // [B, 7, 7] or [B]
	fakeOut := Discriminator(scope.Shared(ScopeDiscriminator), cfg, inputs, fake) // D's loss does not reach G: its optimizer only sees D
	adv := gan.NonSaturatingGeneratorLoss(fakeOut)
	l1, mse := L1Loss(fake, targets), PixelMSE(fake, targets)
	content := ScalarZero(g, fake.DType())
	var dLoss, gLoss *Node
	if cfg.Family == FamilySRGAN {
		content = ContentLoss(scope.In(eval.ScopeClassifier), fake, targets)
		gLoss = Add(Add(MulScalar(content, cfg.ContentWeight), MulScalar(mse, cfg.PixelWeight)), MulScalar(adv, cfg.AdvWeight))
		dLoss = gan.DiscriminatorLoss(realOut, fakeOut, 0)
	} else {
		gLoss = Add(adv, MulScalar(l1, cfg.LambdaL1))
		dLoss = MulScalar(gan.DiscriminatorLoss(realOut, fakeOut, 0), 0.5)
	}
	// Both losses are built before either update: each optimizer differentiates only its own network's
	// variables, at the weights this step started from.
	t.gOpt.UpdateGraph(store.Scope("/"+ScopeGenerator), g, gLoss)
	t.dOpt.UpdateGraph(store.Scope("/"+ScopeDiscriminator), g, dLoss)
	globalStep.SetNodeValue(AddScalar(step0, 1)) // each optimizer added one: a step counts once
	meanProb := func(x *Node) *Node { return ReduceAllMean(Sigmoid(StopGradient(x))) }
	return []*Node{dLoss, gLoss, adv, l1, mse, content, meanProb(realOut), meanProb(fakeOut)}
}

// GlobalStep is the number of steps trained so far.
func (t *Trainer) GlobalStep() int64 {
	return optimizer.GetGlobalStep(t.Store)
}

// Step trains one step: one D update and one G update. The true images come from the data in a fixed order
// given by the seed and the global step, and G's inputs are made from them by MakeInputs with keys from the
// same order, so a resumed run trains on what an uninterrupted one would. It returns an error naming the step
// when a loss is not finite (the run diverged).
func (t *Trainer) Step() (StepMetrics, error) {
	if t.sampler == nil {
		return StepMetrics{}, errors.New("imagegan: this Trainer has no training data")
	}
	if err := t.ensureClassifier(); err != nil {
		return StepMetrics{}, err
	}
	step := t.GlobalStep()
	images, _ := t.sampler.Batch(step)
	targets := tensors.MustCopyFlatData[float32](images)
	images.MustFinalizeAll()
	n := t.Config.BatchSize
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = uint64(step)*uint64(n) + uint64(i)
	}
	s := t.Config.InputSize()
	in := tensors.FromFlatDataAndDimensions(t.Config.MakeInputs(targets, n, keys, uint64(t.Config.Seed)), n, s, s, Channels)
	tg := tensors.FromFlatDataAndDimensions(targets, n, ImageSize, ImageSize, Channels)
	defer in.MustFinalizeAll()
	defer tg.MustFinalizeAll()
	t.updates++
	outs, err := t.step.Call(in, tg)
	if err != nil {
		return StepMetrics{}, errors.WithMessagef(err, "imagegan: training step %d", step+1)
	}
	v := make([]float64, len(outs))
	for i, o := range outs {
		v[i] = float64(tensors.ToScalar[float32](o))
		o.MustFinalizeAll()
	}
	m := StepMetrics{Step: t.GlobalStep(), DLoss: v[0], GLoss: v[1], Adv: v[2], L1: v[3], MSE: v[4], Content: v[5], DReal: v[6], DFake: v[7]}
	for i, name := range []string{"D loss", "G loss"} {
		if math.IsNaN(v[i]) || math.IsInf(v[i], 0) {
			return m, errors.Errorf("imagegan: the run diverged at step %d: %s is %g; the last good checkpoint is kept "+
				"(resume from it with a lower learning rate)", m.Step, name, v[i])
		}
	}
	return m, nil
}

// classifierProbe is a variable of the classifier: present once the content loss's weights are in the store.
const classifierProbe = "/" + eval.ScopeClassifier + "/conv1/" + "weights"

// ensureClassifier puts the committed classifier of the dataset (eval.LoadClassifier) into the store under
// eval.ScopeClassifier, non-trainable, before the first srgan step builds the graph that reads it. A checkpoint
// holds them too, so a resumed run finds them there.
//
// pkg/eval offers no way to copy a Classifier's variables into another store, so this goes through
// Classifier.Save into a temporary folder and reads that checkpoint into a scratch store (whose global step, the
// classifier's own, must not reach the Trainer's).
func (t *Trainer) ensureClassifier() error {
	if t.Config.Family != FamilySRGAN || t.Store.GetVariable(classifierProbe) != nil {
		return nil
	}
	clf, err := eval.LoadClassifier(t.Backend, t.Config.Dataset)
	if err != nil {
		return err
	}
	tmp, err := os.MkdirTemp("", "ganbook-classifier-")
	if err != nil {
		return errors.Wrap(err, "imagegan: a temporary folder for the classifier")
	}
	defer os.RemoveAll(tmp)
	dir := filepath.Join(tmp, "weights")
	if err := clf.Save(dir); err != nil {
		return err
	}
	scratch := model.NewStore()
	if _, err := checkpoint.Build(scratch).Dir(dir).Immediate().Done(); err != nil {
		return errors.WithMessage(err, "imagegan: reading the classifier back")
	}
	for v := range scratch.Scope("/" + eval.ScopeClassifier).IterVariables() {
		value, err := v.Value()
		if err != nil {
			return errors.WithMessagef(err, "imagegan: reading the classifier variable %s", v.Path())
		}
		clone, err := value.LocalClone()
		if err != nil {
			return errors.WithMessagef(err, "imagegan: copying the classifier variable %s", v.Path())
		}
		nv, err := t.Store.CreateVariable(v.Path(), clone)
		if err != nil {
			return errors.WithMessage(err, "imagegan: copying the classifier")
		}
		nv.SetTrainable(false)
	}
	if t.Store.GetVariable(classifierProbe) == nil {
		return errors.Errorf("imagegan: the %s classifier has no %s", t.Config.Dataset, classifierProbe)
	}
	return nil
}

// LoadCheckpoint loads runDir's checkpoint (gan.LoadCheckpoint: the latest, or checkpoint.old) into the Trainer.
func (t *Trainer) LoadCheckpoint(runDir string) (string, error) {
	t.updates++
	return gan.LoadCheckpoint(t.Store, runDir)
}

// GenerateBatch is the most images Generate runs through G per call.
const GenerateBatch = 256

// Generate maps n inputs of G (flat, n·s·s values in [-1, 1], s = Config.InputSize(), as MakeInputs makes them)
// to n images (flat, n·28·28 values in [-1, 1]), in inference mode: BatchNorm uses its running averages, no
// dropout, nothing is updated.
func (t *Trainer) Generate(inputs []float32, n int) ([]float32, error) {
	s := t.Config.InputSize()
	if n <= 0 || len(inputs) != n*s*s {
		return nil, errors.Errorf("imagegan: Generate needs n·%d·%d values for n > 0 inputs, got %d for n = %d", s, s, len(inputs), n)
	}
	if t.generate == nil || t.generatedAt != t.updates {
		if t.generate != nil {
			t.generate.Finalize()
		}
		gen, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, x *Node) *Node {
			return Generator(scope.In(ScopeGenerator), &t.Config, x)
		})
		if err != nil {
			return nil, errors.WithMessage(err, "imagegan: building the generator")
		}
		t.generate, t.generatedAt = gen, t.updates
	}
	batch := min(n, GenerateBatch)
	out := make([]float32, 0, n*ImageSize*ImageSize)
	for i := 0; i < n; i += batch {
		m := min(batch, n-i)
		chunk := make([]float32, batch*s*s) // one batch shape for every call: the last one padded
		copy(chunk, inputs[i*s*s:(i+m)*s*s])
		res, err := t.generate.Call(tensors.FromFlatDataAndDimensions(chunk, batch, s, s, Channels))
		if err != nil {
			return nil, errors.WithMessage(err, "imagegan: generating")
		}
		out = append(out, tensors.MustCopyFlatData[float32](res[0])[:m*ImageSize*ImageSize]...)
		res[0].MustFinalizeAll()
	}
	return out, nil
}
