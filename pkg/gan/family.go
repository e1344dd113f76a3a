// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"image"
	"sort"
	"strings"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// Family is what one kind of GAN adds to the core: its networks, what G reads, what D judges, and its own loss
// terms. The core (Trainer, Train, LoadRun, Export) asks a Family for these and does everything else once: the
// losses of Config.Loss, both gradients at the same weights, k D steps, the gradient penalty, label smoothing,
// the weight average of G, exact resume, Ctrl-C and divergence.
//
// A Family value is also its settings: its exported fields are stored in config.json beside the core's (so they
// must not reuse the core's JSON names), and RegisterFamily tells ReadConfig how to make one to read them into.
//
// The step the core builds from a Family, with B the batch:
//
//	b := f.Batch(scope, data)                          // G's input and D's conditions
//	fake := f.Generator(scope.In("generator"), b.Input) // [B, H, W, C]
//	D(real) = f.Discriminator(d, b.Real, b.RealCond)    // one verdict per image (or per patch)
//	D(fake) = f.Discriminator(d, fake, b.FakeCond)
//	D(wrong) = f.Discriminator(d, b.Real, b.WrongCond)  // only when b.WrongCond is set (GAN-CLS)
//	L_D = loss_real(D(real)) + mean over the negatives of loss_fake(·) + Σ t.D·t.Value
//	L_G = loss_G(D(fake)) + Σ t.G·t.Value               for t in b.Terms(scope, fake)
//
// Worked example: the conditional GAN of pkg/cgan is, in full,
//
//	func (c *Config) Batch(scope *model.Scope, real gan.Data) gan.Batch {
//		g := real.Images.Graph()
//		z := scope.RandomNormal(g, shapes.Make(real.Images.DType(), real.Batch(), c.LatentDim))
//		y := scope.RandomIntN(g, int32(c.Classes), shapes.Make(dtypes.Int32, real.Batch())) // the labels G is asked for
//		return gan.Batch{Input: GeneratorInput(z, y, c.Classes), Real: real.Images, RealCond: real.Labels, FakeCond: y}
//	}
//
// with Generator the DCGAN generator on [z, one-hot y], Discriminator the DCGAN discriminator that also reads
// the label (as channels, or by projection), no Terms, and Latent the noise followed by the classes in turn.
//
// A family's own loss terms close over what its Batch drew, with its own types: InfoGAN's Batch returns
//
//	gan.Batch{Input: ..., Real: ..., Terms: func(scope *model.Scope, fake gan.Fake) []gan.Term {
//		q := c.Info.QHead(..., fake.Features)
//		return ... c.Info.Objective(q, codes) ... // codes: the Sample drawn above, an infogan.Sample
//	}}
//
// so nothing downstream asserts an `any` back to what it was (TF-GAN's InfoGANModel is GANModel with the
// structured inputs as typed fields, for the same reason).
//
// A Family's methods have no side effects: what a family needs of the run (its dataset, its loss) it reads from
// the run's Config, passed where it is needed (Validate, Latent, HostInputs; Trainer.Config elsewhere).
type Family interface {
	// Name is the family as `ganbook train NAME` and config.json's "family" field spell it.
	Name() string
	// Validate reports the first bad setting of the family, given the run's core settings, with what to do.
	// It changes nothing.
	Validate(run *Config) error
	// Shape is the width of G's input and the size of the images it makes.
	Shape() Shape

	// Generator maps G's input [B, Shape().Input] to images [B, H, W, C] in [-1, 1].
	Generator(scope *model.Scope, input *graph.Node) *graph.Node
	// Discriminator returns D's raw verdict on images x [B, H, W, C] under the condition cond (nil for a family
	// without conditions): [B], or [B, ...] for a patch discriminator; and the features [B, F] its last layer
	// reads (a Q head's trunk), or nil.
	Discriminator(scope *model.Scope, x, cond *graph.Node) (out, features *graph.Node)
	// Batch draws G's input for a training batch and says what D judges, and the family's own loss terms on
	// it. scope is the root scope.
	Batch(scope *model.Scope, data Data) Batch

	// Latent draws G's inputs for n samples of the run from seed: the run's sample grids, `ganbook sample` and
	// eval.
	Latent(run *Config, n int, seed uint64) (Latent, error)
}

// Shape is what a Family's generator reads and makes.
type Shape struct {
	Input                   int // G's input per sample: the noise, then the conditions, flat
	Height, Width, Channels int // the images
}

// Size is the number of values of one image.
func (s Shape) Size() int { return s.Height * s.Width * s.Channels }

// Data is a batch of training data in the step's graph.
type Data struct {
	Images *graph.Node   // [B, H, W, C] in [-1, 1]
	Labels *graph.Node   // [B] int32: the dataset's labels
	Inputs []*graph.Node // what the family's HostInputs made for this batch, in order (nil without HostInputs)
}

// Batch is the size of the batch.
func (d Data) Batch() int { return d.Images.Shape().Dimensions[0] }

// Batch is what one training batch feeds the networks.
type Batch struct {
	Input *graph.Node // G's input [B, Shape().Input]
	Real  *graph.Node // the real images D judges, [B, H, W, C] (usually Data.Images; pix2pix's targets)
	// The conditions D reads with the real and with the generated images (nil: D reads none), and, for a
	// matching-aware D (Reed et al. 2016's GAN-CLS), a condition that does not describe the real images: D then
	// also judges {real image, wrong condition} as fake, and its loss averages the two fake terms.
	RealCond, FakeCond, WrongCond *graph.Node
	// Adv weighs the adversarial losses of G and D; nil weighs both 1. SRGAN weighs G's by 1e-3, pix2pix halves D's.
	Adv *AdvWeights
	// Terms are the family's own loss terms on the generated batch (nil: none), called once D has judged it;
	// scope is the root scope. It closes over what Batch drew (InfoGAN's codes), with their own types.
	Terms func(scope *model.Scope, fake Fake) []Term
}

// AdvWeights are the weights of the adversarial losses in G's and D's losses.
type AdvWeights struct{ G, D float64 }

// Fake is what the step knows of the generated batch when it asks for the family's Terms.
type Fake struct {
	Images   *graph.Node // G's output [B, H, W, C]
	Out      *graph.Node // D's verdict on it
	Features *graph.Node // D's features of it (nil if D has none)
	// Discriminate is D as the step evaluates it (its variables shared, every image through the run's
	// DiffAugment): for a term that judges other images (GAN-INT's interpolated captions).
	Discriminate func(x, cond *graph.Node) (out, features *graph.Node)
	// GeneratorLoss is the run's adversarial loss of G on a verdict of D (GeneratorLossFor the run's loss).
	GeneratorLoss func(out *graph.Node) *graph.Node
}

// Term is one of a family's own loss terms: its value is added to G's loss with weight G and to D's with weight
// D (0: not in that loss), and reported by Name in the step's metrics and metrics.json (no name: not reported).
type Term struct {
	Name  string
	Value *graph.Node // a scalar
	G, D  float64
}

// Latent is a batch of G's inputs for sampling.
type Latent struct {
	Z []float32 // [n·Shape().Input]
	// Labels is what each sample was asked for, when the family has such a thing (a cGAN's label, an InfoGAN's
	// first categorical code), else nil; LabelKind names it ("labels", "codes"): `ganbook sample --format idx`
	// writes them to FILE.<kind>.
	Labels    []int
	LabelKind string
}

// The optional parts of a Family: the core uses them when the Family has them.
type (
	// HostInputs makes, on the host, graph inputs that a batch of real data needs (pix2pix's corrupted
	// images, text2img's captions): they reach Batch as Data.Inputs, in order.
	HostInputs interface {
		HostInputs(run *Config, b HostBatch) []*tensors.Tensor
	}
	// Preparer puts into the store what the step reads but does not train (SRGAN's frozen classifier), before the
	// first step is built.
	Preparer interface {
		Prepare(t *Trainer) error
	}
	// Gridder draws the picture a run saves as it trains (samples/*.png) and an export keeps; without it the
	// core draws 64 samples of Latent.
	Gridder interface {
		Grid(t *Trainer, seed uint64) (image.Image, error)
	}
	// Freezer names the scopes (absolute, "/generator/text_encoder") whose variables the family never trains:
	// what its Prepare copied in. The core keeps them non-trainable after every load, as a checkpoint does not
	// record which variables are trainable, so neither an optimizer nor G's weight average touches them.
	Freezer interface {
		FrozenScopes() []string
	}
	// DataSource is a family that brings its own training data instead of a dataset's (pkg/toy's distributions):
	// the run's Dataset is then free, and Train and NewTrainer without a data.Set train on its Source.
	DataSource interface {
		Source(run *Config) (Source, error)
	}
	// DKeeper says that an export keeps D (an InfoGAN's Q reads real images, a cGAN's D is shown in chapter 04).
	DKeeper interface {
		ExportKeepsD() bool
	}
)

// Source gives a Trainer its real batches: batch b of the run's data order (numbered from 0; a resumed run asks
// for the same numbers), as images [B, H, W, C] and labels [B] (int32). data.Sampler is the Source of a dataset.
type Source interface {
	Batch(b int64) (images, labels *tensors.Tensor)
}

// HostBatch is what HostInputs knows of a batch of real data.
type HostBatch struct {
	Images []float32 // the batch's images, flat [N·H·W·C] in [-1, 1]
	N      int       // its size
	Set    *data.Set // the training data the batch comes from (nil for a DataSource family's)
	Rows   []int     // the images' indices in Set, in batch order
	// Keys are the images' places in the run's data order (batch·N + position): a draw keyed by them is the same
	// in a resumed run. Seed is the run's.
	Keys []uint64
	Seed uint64
}

// registered is what RegisterFamily was told of a family.
type registered struct {
	def   func() Config
	empty func() Family
}

// Registry of the families ReadConfig can open.
var families = map[string]registered{}

// RegisterFamily makes a family known to ReadConfig and LoadRun under name: def returns a run config with the
// family's defaults (its Family field set), and empty a Family of that kind with no settings yet (its zero
// value, but for what its name implies), into which a config.json's family fields are read: a field the file
// leaves out is zero, as it was when the run was written. Family packages call it from init, so importing a
// family's package is what lets ganbook open its runs.
func RegisterFamily(name string, def func() Config, empty func() Family) {
	if _, dup := families[name]; dup {
		panic("gan: family " + name + " registered twice")
	}
	families[name] = registered{def, empty}
}

// Families lists the registered family names, sorted.
func Families() []string {
	var names []string
	for n := range families {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultFor returns the default run config of a registered family.
func DefaultFor(name string) (Config, error) {
	r, ok := families[name]
	if !ok {
		have := "none"
		if names := Families(); len(names) > 0 {
			have = strings.Join(names, ", ")
		}
		return Config{}, errors.Errorf("gan: family %q is not linked into this program (it has %s): import its package, "+
			"or every family with _ \"github.com/ganbook/ganbook/pkg/families\"", name, have)
	}
	return r.def(), nil
}
