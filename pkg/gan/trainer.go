// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"fmt"
	"math"
	"regexp"
	"sort"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the train step reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
)

// Scope names of the two networks: every variable of G lives under /generator, of D under /discriminator, so
// each optimizer updates only its own network. A family's heads on D (InfoGAN's Q) live inside D's scope.
const (
	ScopeGenerator     = "generator"
	ScopeDiscriminator = "discriminator"
)

// StepMetrics is what one training step measured. DReal and DFake are the mean of D's output on the real and
// on the generated batch: probabilities σ(logit) for the sigmoid losses (ns, minimax), raw scores otherwise.
// Extra holds the family's named terms (InfoGAN's "info_bound", pix2pix's "l1", ...) and, when the family adds
// terms to G's loss, "g_adv": G's adversarial loss alone.
type StepMetrics struct {
	Step         int64 // the global step after this step
	DLoss, GLoss float64
	DReal, DFake float64
	Extra        map[string]float64
}

// Trainer holds a GAN's variables (G, D, both optimizers' state, the random-number state) and its compiled
// training steps. One optimizer updates G and one updates D (Adam with the config's rates and betas), each only
// over its own network's variables (ScopeGenerator, ScopeDiscriminator).
//
// A step is DSteps discriminator updates followed by one generator update, in the order Config.StepOrder names
// (see Step). The global step counts steps, not updates.
type Trainer struct {
	Config  Config
	Backend compute.Backend
	Store   *model.Store

	source     Source                   // the real batches
	sampler    *data.Sampler            // source, when it is a dataset's (HostInputs reads its rows)
	dOnly      int64                    // D-only updates made (TrainD), each on a batch of its own
	execs      map[stepKind]*model.Exec // the compiled steps, made at their first use
	names      map[stepKind]*[]string   // the names of each step's outputs after the four core ones
	dOpt, gOpt optimizer.Interface
	augment    []string // DiffAugment's transformations
	prepared   bool

	// generate is the inference graph of G. GoMLX embeds the variables of an inference graph as constants on
	// backends that prefer it (the pure-Go backend does), so it is rebuilt when training has changed them:
	// updates counts the training calls, generatedAt the count the graph was built at.
	generate             *model.Exec
	updates, generatedAt int64

	// Loaded is the checkpoint LoadCheckpoint (or LoadRun) loaded: its Warning says if it fell back to the
	// previous one.
	Loaded Loaded
}

// NewTrainer creates the store and the steps for cfg, training on set (nil for a Trainer that only samples).
// Variables are created at the first step or by LoadCheckpoint.
func NewTrainer(b compute.Backend, cfg Config, set *data.Set) (*Trainer, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	return newTrainer(b, cfg, set)
}

// newTrainer is NewTrainer for a config already validated.
func newTrainer(b compute.Backend, cfg Config, set *data.Set) (*Trainer, error) {
	t := &Trainer{Config: cfg, Backend: b, Store: model.NewStore()}
	if err := t.Store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, errors.WithMessage(err, "gan: seeding the random numbers")
	}
	if set != nil {
		s := cfg.Family.Shape()
		if set.Height != s.Height || set.Width != s.Width || set.Channels != s.Channels {
			return nil, errors.Errorf("gan: the data is %dx%dx%d but the %s model makes %dx%dx%d images",
				set.Height, set.Width, set.Channels, cfg.FamilyName(), s.Height, s.Width, s.Channels)
		}
		t.sampler = &data.Sampler{Set: set, BatchSize: cfg.BatchSize, Seed: uint64(cfg.Seed)}
		if err := t.sampler.Validate(); err != nil {
			return nil, err
		}
		t.source = t.sampler
	} else if d, ok := cfg.Family.(DataSource); ok {
		src, err := d.Source(&cfg)
		if err != nil {
			return nil, err
		}
		t.source = src
	}
	adam := func(lr float64) optimizer.Interface {
		return optimizer.Adam().LearningRate(lr).Betas(cfg.Beta1, cfg.Beta2).Epsilon(1e-8).Done()
	}
	t.dOpt, t.gOpt = adam(cfg.LearningRateD), adam(cfg.LearningRateG)
	t.execs, t.names = map[stepKind]*model.Exec{}, map[stepKind]*[]string{}
	t.augment, _ = ParseAugment(cfg.DiffAugment) // Validate checked it
	// The settings that change the networks themselves reach every family's layers through scope parameters.
	if cfg.SpectralNorm {
		t.Store.SetParam("/"+ScopeDiscriminator+"/"+nn.ParamSpectralNorm, true)
	}
	if cfg.Upsample != "" {
		t.Store.SetParam("/"+ScopeGenerator+"/"+nn.ParamUpsample, cfg.Upsample)
	}
	return t, nil
}

// stepKind is what one compiled training step does: update D, G or both, with or without the R1 penalty (which
// a lazy R1 computes on some D updates only).
type stepKind struct{ updateD, updateG, r1 bool }

// exec is the compiled step of kind, made at its first use.
func (t *Trainer) exec(kind stepKind) (*model.Exec, error) {
	if e, ok := t.execs[kind]; ok {
		return e, nil
	}
	names := new([]string)
	e, err := model.NewExec(t.Backend, t.Store, t.stepGraph(kind, names))
	if err != nil {
		return nil, errors.WithMessage(err, "gan: creating the training step")
	}
	t.execs[kind], t.names[kind] = e, names
	return e, nil
}

// r1At says whether D's update number u (counted over the run: step·DSteps + j) carries the R1 penalty.
func (t *Trainer) r1At(u int64) bool {
	return t.Config.R1Gamma > 0 && (t.Config.R1Every <= 1 || u%int64(t.Config.R1Every) == 0)
}

// stepGraph builds a training step that updates D, G or both. Its outputs are [dLoss, gLoss, mean D(x),
// mean D(G(z))] and then the reported extras, whose names it writes into names; an output of a network not
// updated is 0.
//
// Its inputs are the real images, their labels, then what the family's HostInputs made.
func (t *Trainer) stepGraph(kind stepKind, names *[]string) func(scope *model.Scope, inputs []*Node) []*Node {
	cfg := &t.Config
	fam := cfg.Family
	updateD, updateG := kind.updateD, kind.updateG
	return func(scope *model.Scope, inputs []*Node) []*Node {
		data := Data{Images: inputs[0], Labels: inputs[1], Inputs: inputs[2:]}
		g, store := data.Images.Graph(), scope.Store()
		store.SetTraining(g, true)
		globalStep := optimizer.GetGlobalStepVar(store)
		step0 := globalStep.NodeValue(g)

		// ---- The batch: what G reads, what D judges ----
		b := fam.Batch(scope, data)
		fake := fam.Generator(scope.In(ScopeGenerator), b.Input) // [B, H, W, C]
		// D as the step evaluates it: the first call creates its variables, the later ones share them, and every
		// image it judges, real or generated, first goes through the run's DiffAugment.
		// (Config.DiffAugmentRealsOnly: the real images only, the ablation that shows why both.)
		dMade := false
		judge := func(x, cond *Node, augment bool) (out, features *Node) {
			var dScope *model.Scope
			if dMade {
				dScope = scope.Shared(ScopeDiscriminator)
			} else {
				dScope, dMade = scope.In(ScopeDiscriminator), true
			}
			if t.augment != nil && augment {
				x = DiffAugment(scope, x, t.augment)
			}
			return fam.Discriminator(dScope, x, cond)
		}
		disc := func(x, cond *Node) (out, features *Node) { return judge(x, cond, !cfg.DiffAugmentRealsOnly) }
		realDisc := func(x, cond *Node) (out, features *Node) { return judge(x, cond, true) }
		var realOut, wrongOut *Node
		if updateD {
			realOut, _ = realDisc(b.Real, b.RealCond)
		}
		fakeIn := fake
		if updateD && !updateG {
			fakeIn = StopGradient(fake) // D's loss must not reach G: PyTorch's .detach()
		}
		// In a step that updates both, D's loss may reach G's variables: D's optimizer differentiates only D's,
		// and G's loss does not move D, even though they share the forward pass D(G(z)).
		fakeOut, fakeFeatures := disc(fakeIn, b.FakeCond)
		if updateD && b.WrongCond != nil {
			wrongOut, _ = realDisc(b.Real, b.WrongCond)
		}
		var terms []Term
		if b.Terms != nil {
			terms = b.Terms(scope, Fake{Images: fake, Out: fakeOut, Features: fakeFeatures, Discriminate: disc,
				GeneratorLoss: func(out *Node) *Node { return GeneratorLossFor(cfg.Loss, out) }})
		}

		// ---- The losses, both built before either update: both gradients at the same weights ----
		zero := ScalarZero(g, fake.DType())
		dLoss, gLoss, dReal := zero, zero, zero
		dFake := MeanOutput(cfg.Loss, fakeOut)
		adv := AdvWeights{G: 1, D: 1}
		if b.Adv != nil {
			adv = *b.Adv
		}
		extras := map[string]*Node{}
		if updateG {
			gAdv := GeneratorLossFor(cfg.Loss, TopKFake(fakeOut, TopKCount(cfg.TopK, fakeOut.Shape().Dimensions[0])))
			gLoss = gAdv
			if adv.G != 1 {
				gLoss = MulScalar(gAdv, adv.G)
			}
			for _, term := range terms {
				if term.G != 0 {
					gLoss = Add(gLoss, MulScalar(term.Value, term.G))
					extras["g_adv"] = gAdv
				}
			}
		}
		if updateD {
			negatives := []*Node{fakeOut}
			if wrongOut != nil {
				negatives = append(negatives, wrongOut)
			}
			dLoss = DiscriminatorLossFor(cfg.Loss, realOut, negatives, cfg.LabelSmoothing)
			if adv.D != 1 {
				dLoss = MulScalar(dLoss, adv.D)
			}
			critic := func(x *Node) *Node {
				out, _ := realDisc(x, b.RealCond)
				return out
			}
			if cfg.Loss == LossWGANGP {
				eps := scope.RandomUniform(g, shapes.Make(data.Images.DType(), data.Batch()))
				dLoss = Add(dLoss, MulScalar(GradientPenalty(critic, b.Real, fake, eps), cfg.GPWeight))
			}
			if kind.r1 {
				r1 := R1Penalty(critic, b.Real)
				dLoss = Add(dLoss, MulScalar(r1, cfg.R1Gamma/2*float64(max(1, cfg.R1Every))))
				if cfg.R1Every <= 1 { // a lazy penalty is not in every step's metrics, so its average would mislead
					extras["r1"] = r1
				}
			}
			if cfg.LeCam > 0 {
				anchorReal, anchorFake := updateLeCamAnchors(store, step0, realOut, fakeOut)
				lecam := LeCamPenalty(realOut, fakeOut, anchorReal, anchorFake)
				dLoss = Add(dLoss, MulScalar(lecam, cfg.LeCam))
				extras["lecam"] = lecam
			}
			for _, term := range terms {
				if term.D != 0 {
					dLoss = Add(dLoss, MulScalar(term.Value, term.D))
				}
			}
			dReal = MeanOutput(cfg.Loss, realOut)
		}
		for _, term := range terms {
			if term.Name != "" {
				extras[term.Name] = term.Value
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
		outs := []*Node{dLoss, gLoss, dReal, dFake}
		*names = (*names)[:0]
		for name := range extras {
			*names = append(*names, name)
		}
		sort.Strings(*names)
		for _, name := range *names {
			outs = append(outs, ConvertDType(StopGradient(extras[name]), fake.DType()))
		}
		return outs
	}
}

// IsSigmoidLoss reports whether D's output is a logit for the named loss: ns and minimax.
func IsSigmoidLoss(loss string) bool { return loss == LossNonSaturating || loss == LossMinimax }

// MeanOutput is the mean of D's output (no gradient), as a probability σ(logit) for the sigmoid losses (ns,
// minimax), as it is for the others: the D(x) and D(G(z)) a progress line reports.
func MeanOutput(loss string, out *Node) *Node {
	if IsSigmoidLoss(loss) {
		out = Sigmoid(out)
	}
	return ReduceAllMean(StopGradient(out))
}

// GlobalStep is the number of steps trained so far.
func (t *Trainer) GlobalStep() int64 {
	return optimizer.GetGlobalStep(t.Store)
}

// Step trains one step: DSteps updates of D and one of G, in the order Config.StepOrder names.
//
//   - StepSimultaneous (the default): DSteps−1 updates of D alone, then one graph in which D's last update and
//     G's update share one generator forward pass and D's verdict on it, and take both gradients at the same
//     weights (the TensorFlow DCGAN tutorial's train_step; TF-GAN's get_joint_train_hooks). One forward pass of
//     G and of D on the fakes serves both networks, so it is the cheaper step; but G follows the D of before the
//     update, a half step behind.
//   - StepAlternating: Goodfellow et al. 2014's algorithm 1 (and PyTorch's DCGAN example; TF-GAN's
//     get_sequential_train_hooks): DSteps updates of D alone, then G's update against the updated D, on fresh
//     noise. G always plays the latest D, at the price of a second generator forward pass per step.
//
// With DSteps 1 and small learning rates the two give nearly the same run; they part where D moves much in one
// update (large rates, few data). The real batches come from the data in a fixed order given by the seed and
// the global step, so a resumed run sees what an uninterrupted one would. It returns an error naming the step
// when a loss is not finite (the run diverged).
func (t *Trainer) Step() (StepMetrics, error) {
	if t.source == nil {
		return StepMetrics{}, errors.New("gan: this Trainer has no training data")
	}
	step := t.GlobalStep()
	k := int64(t.Config.DSteps)
	if t.Config.StepOrder != StepAlternating {
		for j := range k - 1 {
			if _, err := t.run(stepKind{updateD: true, r1: t.r1At(step*k + j)}, step*k+j); err != nil {
				return StepMetrics{}, err
			}
		}
		return t.run(stepKind{updateD: true, updateG: true, r1: t.r1At(step*k + k - 1)}, step*k+k-1)
	}
	var d StepMetrics
	for j := range k {
		var err error
		if d, err = t.run(stepKind{updateD: true, r1: t.r1At(step*k + j)}, step*k+j); err != nil {
			return d, err
		}
	}
	m, err := t.run(stepKind{updateG: true}, step*k+k-1)
	// D's side of the metrics is its last update's; G's loss and D(G(z)) are what G saw after it.
	m.DLoss, m.DReal = d.DLoss, d.DReal
	for name, v := range d.Extra {
		if _, ok := m.Extra[name]; !ok {
			if m.Extra == nil {
				m.Extra = map[string]float64{}
			}
			m.Extra[name] = v
		}
	}
	return m, err
}

// TrainD updates only the discriminator, on a real batch of its own (the step's, then the next ones on each
// further call); the global step does not move.
func (t *Trainer) TrainD() (StepMetrics, error) {
	if t.source == nil {
		return StepMetrics{}, errors.New("gan: this Trainer has no training data")
	}
	u := t.GlobalStep()*int64(t.Config.DSteps) + t.dOnly // a D trained alone for many updates sees new batches
	t.dOnly++
	return t.run(stepKind{updateD: true, r1: t.r1At(u)}, u)
}

// TrainG updates only the generator (against the current D); the global step moves by one.
func (t *Trainer) TrainG() (StepMetrics, error) {
	if t.source == nil {
		return StepMetrics{}, errors.New("gan: this Trainer has no training data")
	}
	return t.run(stepKind{updateG: true}, t.GlobalStep()*int64(t.Config.DSteps))
}

// prepare runs the family's Preparer once, before the first step.
func (t *Trainer) prepare() error {
	if t.prepared {
		return nil
	}
	if p, ok := t.Config.Family.(Preparer); ok {
		if err := p.Prepare(t); err != nil {
			return err
		}
	}
	t.freeze()
	t.prepared = true
	return nil
}

func (t *Trainer) run(kind stepKind, batch int64) (StepMetrics, error) {
	if err := t.prepare(); err != nil {
		return StepMetrics{}, err
	}
	exec, err := t.exec(kind)
	if err != nil {
		return StepMetrics{}, err
	}
	images, labels := t.source.Batch(batch)
	defer images.MustFinalizeAll()
	defer labels.MustFinalizeAll()
	args := []any{images, labels}
	if h, ok := t.Config.Family.(HostInputs); ok {
		n := t.Config.BatchSize
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = uint64(batch)*uint64(n) + uint64(i)
		}
		hb := HostBatch{Images: tensors.MustCopyFlatData[float32](images), N: n, Keys: keys, Seed: uint64(t.Config.Seed)}
		if t.sampler != nil {
			hb.Set, hb.Rows = t.sampler.Set, t.sampler.Indices(batch)
		}
		for _, in := range h.HostInputs(&t.Config, hb) {
			defer in.MustFinalizeAll()
			args = append(args, in)
		}
	}
	t.updates++
	outs, err := exec.Call(args...)
	if err != nil {
		return StepMetrics{}, errors.WithMessagef(explain(err), "gan: training step %d", t.GlobalStep()+1)
	}
	vals := make([]float64, len(outs))
	for i, o := range outs {
		vals[i] = float64(tensors.ToScalar[float32](o))
		o.MustFinalizeAll()
	}
	m := StepMetrics{Step: t.GlobalStep(), DLoss: vals[0], GLoss: vals[1], DReal: vals[2], DFake: vals[3]}
	if names := *t.names[kind]; len(names) > 0 {
		m.Extra = make(map[string]float64, len(names))
		for i, name := range names {
			m.Extra[name] = vals[4+i]
		}
	}
	for i, name := range []string{"D loss", "G loss"} {
		if math.IsNaN(vals[i]) || math.IsInf(vals[i], 0) {
			return m, &DivergedError{Step: m.Step, What: name, Value: vals[i]}
		}
	}
	return m, nil
}

// reuseShape is how GoMLX says that a variable exists with another shape than a graph asks for: a
// config.json that disagrees with the checkpoint beside it.
var reuseShape = regexp.MustCompile(`reuse variable "([^"]+)", but with different shape from original: previous shape=\(\w+\)(\[[^\]]*\]), requested shape=\(\w+\)(\[[^\]]*\])`)

// explain turns a graph's failure to build into what to do, where it can say.
func explain(err error) error {
	if err == nil {
		return nil
	}
	if m := reuseShape.FindStringSubmatch(err.Error()); m != nil {
		return errors.Errorf("gan: the run's config.json disagrees with its checkpoint: %s is %s in the checkpoint, the config "+
			"makes it %s; put back the config.json the run was trained with", m[1], m[2], m[3])
	}
	return err
}

// DivergedError is the error of a step whose loss was not finite.
type DivergedError struct {
	Step  int64
	What  string
	Value float64
}

func (e *DivergedError) Error() string {
	return e.Summary() + "; the checkpoints saved before it are kept: lower the learning rates, or try another loss"
}

// Summary says where the run diverged, without advice.
func (e *DivergedError) Summary() string {
	return fmt.Sprintf("gan: the run diverged at step %d: %s is %g", e.Step, e.What, e.Value)
}

// LoadCheckpoint loads runDir's checkpoint into the Trainer (see the package function LoadCheckpoint) and
// remembers which (Trainer.Loaded).
func (t *Trainer) LoadCheckpoint(runDir string) (Loaded, error) {
	t.VariablesChanged()
	l, err := LoadCheckpoint(t.Store, runDir)
	t.Loaded = l
	if err == nil {
		t.freeze()
	}
	return l, err
}

// freeze marks the variables of a Freezer family's frozen scopes as not trainable: a checkpoint does not record
// which variables are, and a loaded variable is trainable. Without it a resumed run would hand a frozen text
// encoder to G's optimizer and to G's weight average, whose fresh average (starting at zero) sampling then
// reads: after 57 steps at 0.999, a twentieth of the encoder's weights.
// Variables that are not floating point (the random-number state) are never trainable either.
func (t *Trainer) freeze() {
	for v := range t.Store.IterVariables() {
		if !v.Shape().DType.IsFloat() {
			v.SetTrainable(false)
		}
	}
	f, ok := t.Config.Family.(Freezer)
	if !ok {
		return
	}
	for _, scope := range f.FrozenScopes() {
		for v := range t.Store.Scope(scope).IterVariables() {
			v.SetTrainable(false)
		}
	}
}

// VariablesChanged tells the Trainer that its variables were set from outside it (through Store, say by a
// probe that recomputes BatchNorm's statistics or edits a weight), so the next Generate rebuilds its graph:
// the cached one holds the old values as constants on backends that embed them. Training, LoadCheckpoint and
// Export call it themselves.
func (t *Trainer) VariablesChanged() { t.updates++ }
