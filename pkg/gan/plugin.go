// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"flag"
	"image"
	"io"
	"strconv"
	"strings"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/pkg/errors"
)

// What a family brings to a program that does not know it (`ganbook`, which imports only the registry,
// pkg/families): each an optional interface of its Family, as GoMLX's ui/commandline binds settings that the
// model, not the command line, declares.
type (
	// FlagBinder binds the family's own settings to flags of `ganbook train NAME`: the fields of its config, and
	// the set-up options that are not settings (text2img's --encoder). A setting every family has is named the
	// same in every family (--latent, --gen-channels, ...). Each flag's usage says what it is and where its
	// default comes from (a paper, or a measurement of ganbook's).
	FlagBinder interface {
		BindFlags(fs *flag.FlagSet)
	}
	// SetUpper prepares a new run once its flags are read: what the family takes from other runs (text2img's
	// encoder sizes, StackGAN Stage-II's settings from its Stage-I) or from the dataset (StackGAN's networks at the
	// dataset's side). set reports whether the command line gave a flag. It is not called on --resume: a resumed
	// run keeps what its set-up made.
	SetUpper interface {
		SetUp(run *Config, set func(flag string) bool) error
	}
	// Evaluator scores a run: `ganbook eval --run DIR` prints its Report as text, or as JSON (--json) from the
	// same value, with the run folder beside it.
	Evaluator interface {
		Evaluate(t *Trainer, o EvalOptions) (Report, error)
	}
	// EvalFlagBinder adds the family's own flags of `ganbook eval` (a text family's --evaluator), bound to o.
	EvalFlagBinder interface {
		BindEvalFlags(fs *flag.FlagSet, o *EvalOptions)
	}
	// Drawer adds the family's own flags of `ganbook sample` (--caption, --labels, --traverse, ...) and returns
	// what draws with them; the draw returns ok false when none of them was given, and the core's sampling
	// (Trainer.Sample of the family's Latent) is used.
	Drawer interface {
		BindSampleFlags(fs *flag.FlagSet) Draw
	}
)

// Report is what an Evaluator measured: one value, encoded as JSON by encoding/json, written as text by WriteText.
type Report interface {
	WriteText(w io.Writer) error
}

// EvalOptions are what `ganbook eval` asks of an Evaluator.
type EvalOptions struct {
	Run  string // the run folder, as the user named it (for the report and its provenance)
	N    int    // samples to score; 0: the family's default
	Seed uint64 // of the noise and of any other draw
	// Judge is the run folder of a network trained apart that judges the samples (a text family's evaluation
	// encoder); "" for the family's default.
	Judge string
	// Against are runs measured beside Run with the same inputs (StackGAN's ablations); nil for none.
	Against []string
	// Open opens another run folder (Against's), as the program opens Run; its release function is called when
	// the evaluation is done.
	Open func(dir string) (*Trainer, func(), error)
}

// Draw is a family's own sampling, given the run, the number of samples and the seed of their noise.
type Draw func(t *Trainer, n int, seed uint64) (d Drawing, ok bool, err error)

// Drawing is what a Draw made: images (flat, [N·H·W·C] in [-1, 1]) of Shape, with the Latent they came from
// (its Labels, when the family has such a thing, go beside an IDX file), or a ready Picture (a traversal, input
// | output | target triplets) that only a PNG can hold.
type Drawing struct {
	Images  []float32
	N       int
	Shape   Shape
	Latent  Latent
	Picture image.Image
}

// BindFlags adds the core's flags of `ganbook train` to fs, bound to c's fields: the data, the loss, the
// optimizers, the step and the small-data options. Their defaults are c's (a family's DefaultConfig). The
// family's own are BindFamilyFlags'.
func BindFlags(fs *flag.FlagSet, c *Config) {
	fs.StringVar(&c.Dataset, "dataset", c.Dataset, "dataset: "+strings.Join(data.Names(), ", "))
	fs.IntVar(&c.Steps, "steps", c.Steps, "generator updates in the whole run (with --resume: the new total)")
	fs.IntVar(&c.BatchSize, "batch", c.BatchSize, "batch size (PyTorch-GAN: 64)")
	fs.Int64Var(&c.Seed, "seed", c.Seed, "seed of the weights, the noise and the data order")
	fs.StringVar(&c.Loss, "loss", c.Loss, "loss: ns (non-saturating, Goodfellow et al. 2014), minimax, ls (least squares, Mao et al. 2017), wgan-gp (Gulrajani et al. 2017), hinge (Lim & Ye 2017)")
	fs.IntVar(&c.DSteps, "d-steps", c.DSteps, "discriminator updates per generator update (a new run: 1 unless given, 5 for wgan-gp, Gulrajani et al.'s n_critic)")
	fs.Float64Var(&c.LearningRateG, "lr-g", c.LearningRateG, "Adam learning rate of the generator (Radford et al. 2015: 2e-4)")
	fs.Float64Var(&c.LearningRateD, "lr-d", c.LearningRateD, "Adam learning rate of the discriminator (Radford et al. 2015: 2e-4)")
	fs.Float64Var(&c.Beta1, "beta1", c.Beta1, "Adam's β1 (Radford et al. 2015: 0.5; 0.9 oscillated)")
	fs.Float64Var(&c.LabelSmoothing, "label-smoothing", c.LabelSmoothing, "one-sided label smoothing of the real targets (Salimans et al. 2016; 0 = off)")
	fs.Float64Var(&c.TopK, "top-k", c.TopK, "top-k training: G's adversarial loss on this fraction of the batch D rates most real (Sinha et al. 2020; 0 = all; may change on --resume)")
	fs.Float64Var(&c.GenEMA, "ema", c.GenEMA, "decay of the moving average of G's weights that samples come from (Karras et al. 2018; 0: the last weights)")
	fs.StringVar(&c.StepOrder, "step-order", c.StepOrder, "simultaneous (D's last update and G's at the same weights; the default) or alternating (G against the updated D: Goodfellow et al.'s algorithm 1)")
	fs.StringVar(&c.DiffAugment, "diffaugment", c.DiffAugment, "DiffAugment on every image D judges, real and generated: a comma-separated list of color, translation, cutout (Zhao et al. 2020; empty: off)")
	fs.BoolVar(&c.DiffAugmentRealsOnly, "diffaugment-reals-only", c.DiffAugmentRealsOnly, "the ablation of DiffAugment: augment the real images only (G then learns to draw the augmentation)")
	fs.BoolVar(&c.SpectralNorm, "spectral-norm", c.SpectralNorm, "spectral normalization of D's weights (Miyato et al. 2018)")
	fs.Float64Var(&c.R1Gamma, "r1", c.R1Gamma, "γ of the R1 penalty γ/2·E‖∇D(x)‖² on real images (Mescheder et al. 2018; 0: off)")
	fs.IntVar(&c.R1Every, "r1-every", c.R1Every, "lazy R1: the penalty on every N-th D update only, weighted by N (StyleGAN2: 16; 0 or 1: every update)")
	fs.Float64Var(&c.LeCam, "lecam", c.LeCam, "λ of the LeCam regularizer on D (Tseng et al. 2021; 0: off)")
	fs.StringVar(&c.Upsample, "upsample", c.Upsample, "how G's stride-2 layers upsample: transposed (convolutions; the default) or resize (nearest-neighbour and a 3x3 convolution, Odena et al. 2016)")
	fs.IntVar(&c.CheckpointEvery, "checkpoint-every", c.CheckpointEvery, "steps between checkpoints")
	fs.IntVar(&c.SampleEvery, "sample-every", c.SampleEvery, "steps between sample grids")
	fs.IntVar(&c.KeepEvery, "keep-every", c.KeepEvery, "keep the generator every this many steps in OUT/kept/step-NNNNNNN "+
		"(at the next checkpoint), for ganbook export --average-with; 0 keeps none (stored: --resume goes on keeping)")
}

// BindFamilyFlags adds the flags of c's family (its FlagBinder's) to fs, and returns them as a FlagSet of their
// own, for a usage that lists them apart from the core's.
func BindFamilyFlags(fs *flag.FlagSet, c *Config) *flag.FlagSet {
	own := flag.NewFlagSet(c.FamilyName(), flag.ContinueOnError)
	if b, ok := c.Family.(FlagBinder); ok {
		b.BindFlags(own)
	}
	own.VisitAll(func(f *flag.Flag) { fs.Var(f.Value, f.Name, f.Usage) })
	return own
}

// SetUp finishes a new run's config after its flags are read (set reports whether the command line gave a
// flag): the core's defaults that follow from other settings (DSteps from the loss unless --d-steps was given;
// the default upsampling and step order are stored as none), then the family's SetUpper.
func SetUp(c *Config, set func(flag string) bool) error {
	if !set("d-steps") {
		c.DSteps = DStepsFor(c.Loss)
	}
	if c.Upsample == nn.UpsampleTransposed {
		c.Upsample = ""
	}
	if c.StepOrder == StepSimultaneous {
		c.StepOrder = ""
	}
	if s, ok := c.Family.(SetUpper); ok {
		return s.SetUp(c, set)
	}
	return nil
}

// Ints is a comma-separated list of ints as a flag value (--gen-channels 128,64).
type Ints []int

func (l *Ints) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(*l))
	for i, v := range *l {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}

// Set reads a comma-separated list ("" is the empty list).
func (l *Ints) Set(s string) error {
	*l = nil
	if strings.TrimSpace(s) == "" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return errors.Errorf("%q is not a comma-separated list of integers", excerpt(s, 40))
		}
		*l = append(*l, v)
	}
	return nil
}
