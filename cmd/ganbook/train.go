// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/cgan"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/imagegan"
	"github.com/ganbook/ganbook/pkg/infogan"
	"github.com/ganbook/ganbook/pkg/stackgan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/compute"
)

const trainSynopsis = "train gan|dcgan|infogan|cgan|pix2pix|srgan|text2img|stackgan|textenc|classifier [--dataset mnist|fashion|capmnist|emoji|...] [--steps N] [--batch B] [--seed S] " +
	"[--loss ns|minimax|ls|wgan-gp|hinge] [--out DIR] [--resume] [family flags: see -h]"

// trainFamilies are the families `ganbook train` knows, in the order the usage lists them.
var trainFamilies = []string{dcgan.ModelMLP, dcgan.ModelDCGAN, infogan.Name, cgan.Name, imagegan.FamilyPix2Pix, imagegan.FamilySRGAN, text2img.Name, stackgan.Name}

func runTrain(args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("train: say what to train: `ganbook %s`", trainSynopsis)
	}
	family, args := args[0], args[1:]
	switch family {
	case "classifier":
		return runTrainClassifier(args, stdout)
	case textenc.Kind:
		return runTrainTextenc(args, stdout)
	}
	if !slices.Contains(trainFamilies, family) {
		return fmt.Errorf("train: unknown model %q: use %s, textenc or classifier", family, strings.Join(trainFamilies, ", "))
	}
	cfg, err := gan.DefaultFor(family)
	if err != nil {
		return err
	}
	fs, opts := trainFlags(family, &cfg, stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	if cfg.KeepEvery < 0 || cfg.KeepEvery > 1e9 {
		return fmt.Errorf("train %s: --keep-every must be in 0..10⁹ (0 keeps no generators)", family)
	}
	if *opts.out == "" {
		*opts.out = fmt.Sprintf("runs/%s-%s", family, cfg.Dataset)
	}
	if *opts.resume {
		if cfg, err = resumeConfig(family, *opts.out, args, stdout); err != nil {
			return err
		}
	} else {
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		if err := setupStackGAN(&cfg, opts, given); err != nil {
			return err
		}
		if t, ok := textFamily(cfg.Family); ok && *opts.stage1 == "" {
			if *opts.encoder == "" {
				base := captions.Base(cfg.Dataset)
				return fmt.Errorf("train %s: --encoder is required: the text encoder run, e.g. `ganbook train textenc --dataset %s --out runs/textenc-%s`, "+
					"then --encoder runs/textenc-%s", family, base, base, base)
			}
			if err := t.UseEncoder(*opts.encoder); err != nil {
				return fmt.Errorf("train %s: --encoder: %v", family, err)
			}
		}
		cfg.DSteps = *opts.dSteps
		if cfg.DSteps == 0 {
			cfg.DSteps = gan.DStepsFor(cfg.Loss)
		}
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	if *opts.logEvery <= 0 || *opts.logEvery > 1e9 {
		return fmt.Errorf("train %s: --log-every must be in 1..10⁹", family)
	}
	if !(*opts.minutes >= 0 && *opts.minutes <= 1e6) {
		return fmt.Errorf("train %s: --minutes must be in 0..10⁶", family)
	}
	out := opts.out
	b, ctx, done, err := startTraining(stdout, cfg, *out)
	if err != nil {
		return err
	}
	defer done()
	bar := newProgressBar(stdout)
	t, err := gan.Train(ctx, b, cfg, gan.RunOptions{Dir: *out, Resume: *opts.resume, LogEvery: *opts.logEvery,
		Progress: bar.update, Warn: func(w string) { bar.warn(w) }, Budget: time.Duration(*opts.minutes * float64(time.Minute))})
	bar.done()
	return trainingEnded(stdout, t, err, cfg, family, *out, "samples in "+*out+"/samples/latest.png")
}

// trainOptions are the flags of `ganbook train` that are not settings of the run.
type trainOptions struct {
	dSteps   *int
	logEvery *int
	minutes  *float64
	out      *string
	resume   *bool
	encoder  *string // text2img, stackgan Stage-I: the text encoder run
	stage    *int    // stackgan: 1 or 2
	stage1   *string // stackgan Stage-II: the Stage-I run
	skip     *bool   // stackgan Stage-II: G1 corrects the upsampled Stage-I image
}

// trainFlags makes the flag set of `ganbook train family`, bound to cfg's fields (the core's and the family's).
func trainFlags(family string, cfg *gan.Config, stdout io.Writer) (*flag.FlagSet, trainOptions) {
	fs := newFlags("train "+family, trainSynopsis, stdout)
	fs.StringVar(&cfg.Dataset, "dataset", cfg.Dataset, "dataset: "+strings.Join(data.Names(), ", "))
	fs.IntVar(&cfg.Steps, "steps", cfg.Steps, "generator updates in the whole run (with --resume: the new total)")
	fs.IntVar(&cfg.BatchSize, "batch", cfg.BatchSize, "batch size")
	fs.Int64Var(&cfg.Seed, "seed", cfg.Seed, "seed of the weights, the noise and the data order")
	fs.StringVar(&cfg.Loss, "loss", cfg.Loss, "loss: ns (non-saturating), minimax, ls (least squares), wgan-gp, hinge")
	var opts trainOptions
	opts.dSteps = fs.Int("d-steps", 0, "discriminator updates per generator update (default 1; 5 for wgan-gp)")
	fs.Float64Var(&cfg.LearningRateG, "lr-g", cfg.LearningRateG, "Adam learning rate of the generator")
	fs.Float64Var(&cfg.LearningRateD, "lr-d", cfg.LearningRateD, "Adam learning rate of the discriminator")
	fs.Float64Var(&cfg.LabelSmoothing, "label-smoothing", cfg.LabelSmoothing, "one-sided label smoothing of the real targets (0 = off)")
	fs.Float64Var(&cfg.TopK, "top-k", cfg.TopK, "top-k training: G's adversarial loss on this fraction of the batch D rates most real (Sinha et al. 2020; 0 = all; may change on --resume)")
	fs.Float64Var(&cfg.GenEMA, "ema", cfg.GenEMA, "decay of the moving average of G's weights that samples come from (0: the last weights)")
	fs.StringVar(&cfg.StepOrder, "step-order", cfg.StepOrder, "simultaneous (D's last update and G's at the same weights; the default) or alternating (G against the updated D: Goodfellow et al.'s algorithm 1)")
	fs.StringVar(&cfg.DiffAugment, "diffaugment", cfg.DiffAugment, "DiffAugment on every image D judges, real and generated: a comma-separated list of color, translation, cutout (Zhao et al. 2020; empty: off)")
	fs.BoolVar(&cfg.SpectralNorm, "spectral-norm", cfg.SpectralNorm, "spectral normalization of D's weights (Miyato et al. 2018)")
	fs.Float64Var(&cfg.R1Gamma, "r1", cfg.R1Gamma, "γ of the R1 penalty γ/2·E‖∇D(x)‖² on real images (Mescheder et al. 2018; 0: off)")
	fs.IntVar(&cfg.R1Every, "r1-every", cfg.R1Every, "lazy R1: the penalty on every N-th D update only, weighted by N (StyleGAN2: 16; 0 or 1: every update)")
	fs.Float64Var(&cfg.LeCam, "lecam", cfg.LeCam, "λ of the LeCam regularizer on D (Tseng et al. 2021; 0: off)")
	fs.StringVar(&cfg.Upsample, "upsample", cfg.Upsample, "how G's stride-2 layers upsample: transposed (convolutions; the default) or resize (nearest-neighbour and a 3x3 convolution, Odena et al. 2016)")
	fs.IntVar(&cfg.CheckpointEvery, "checkpoint-every", cfg.CheckpointEvery, "steps between checkpoints")
	fs.IntVar(&cfg.SampleEvery, "sample-every", cfg.SampleEvery, "steps between sample grids")
	opts.logEvery = fs.Int("log-every", 50, "steps averaged into one progress line and one metrics.json entry")
	fs.IntVar(&cfg.KeepEvery, "keep-every", cfg.KeepEvery, "keep the generator every this many steps in OUT/kept/step-NNNNNNN "+
		"(at the next checkpoint), for `ganbook export --average-with`; 0 keeps none (stored: --resume goes on keeping)")
	opts.minutes = fs.Float64("minutes", 0, "a time budget: stop (with a checkpoint) after this many minutes of training, or at --steps, whichever comes first (0: no budget)")
	opts.out = fs.String("out", "", "run directory (default runs/<model>-<dataset>)")
	opts.resume = fs.Bool("resume", false, "continue the run in --out from its last checkpoint, with its stored settings")
	if _, ok := textFamily(cfg.Family); ok {
		opts.encoder = fs.String("encoder", "", "the text encoder run (`ganbook train textenc`) whose weights the run copies in, frozen")
	}
	opts.stage, opts.stage1, opts.skip = new(int), new(string), new(bool)
	if _, ok := cfg.Family.(*stackgan.Config); ok {
		opts.stage = fs.Int("stage", 1, "stackgan: 1 (G0 draws from the text at low resolution) or 2 (G1 refines the images of --stage1 to 4× their side)")
		opts.stage1 = fs.String("stage1", "", "stackgan --stage 2: the Stage-I run to refine (frozen; its encoder comes with it)")
		opts.skip = fs.Bool("refine-skip", false, "stackgan --stage 2: G1 draws a correction added to the Stage-I image upsampled bilinearly "+
			"(a departure from the paper, whose G1 draws the whole image)")
	}
	familyFlags(fs, cfg.Family)
	return fs, opts
}

// textFamily is the text settings of a text-to-image family (text2img, stackgan).
func textFamily(f gan.Family) (*text2img.Config, bool) {
	if t, ok := f.(text2img.TextFamily); ok {
		return t.TextConfig(), true
	}
	return nil, false
}

// setupStackGAN applies --stage and --stage1 to a new stackgan run (given: the flags the command line set, as
// flag.FlagSet.Visit sees them): Stage-II takes its settings, encoder and dataset (the same data at 4× the
// side) from the Stage-I run; Stage-I's networks follow the dataset's side.
func setupStackGAN(cfg *gan.Config, opts trainOptions, given map[string]bool) error {
	c, ok := cfg.Family.(*stackgan.Config)
	if !ok {
		return nil
	}
	switch *opts.stage {
	case 1:
		if *opts.stage1 != "" || given["refine-skip"] {
			return fmt.Errorf("train stackgan: --stage1 and --refine-skip are Stage-II's: give --stage 2 with them")
		}
		side, ok := captions.Sides[cfg.Dataset]
		if !ok {
			return fmt.Errorf("train stackgan: %q has no captions: use one of %s", cfg.Dataset, strings.Join(captions.Names, ", "))
		}
		if side != c.Height { // the networks of the dataset's side, but for what the flags said
			n := stackgan.Networks(side)
			n.LatentDim, n.GenHidden, n.DiscHidden, n.DiscBatchNorm = c.LatentDim, c.GenHidden, c.DiscHidden, c.DiscBatchNorm
			if given["gen-channels"] {
				n.GenChannels = c.GenChannels
			}
			if given["disc-channels"] {
				n.DiscChannels = c.DiscChannels
			}
			c.Config.Config = n
		}
	case 2:
		if *opts.stage1 == "" {
			return fmt.Errorf("train stackgan: --stage 2 needs --stage1 DIR, the Stage-I run it refines (`ganbook train stackgan --stage 1 --out DIR` first)")
		}
		if given["dataset"] || given["encoder"] || given["gen-channels"] || given["latent"] {
			return fmt.Errorf("train stackgan: Stage-II takes its dataset, encoder, latent size and G0 from --stage1 %s: leave --dataset, --encoder, --latent and --gen-channels out", *opts.stage1)
		}
		disc, project, wrong, match := c.Config.Config.DiscChannels, c.Project, c.WrongText, c.Match
		if !given["disc-channels"] {
			c.Config.Config.DiscChannels = nil
		}
		if err := c.UseStage1(cfg, *opts.stage1); err != nil {
			return fmt.Errorf("train stackgan: %v", err)
		}
		c.Refine.Skip = *opts.skip
		// D1's own settings, where the flags gave them (else Stage-I's).
		if given["disc-channels"] {
			c.Config.Config.DiscChannels = disc
		}
		if given["text-project"] {
			c.Project = project
		}
		if given["text-match"] {
			c.Match = match
		}
		if given["wrong-text"] {
			c.WrongText = wrong
		}
	default:
		return fmt.Errorf("train stackgan: --stage %d: use 1 or 2", *opts.stage)
	}
	return nil
}

// resumeConfig is the stored config of the run in dir with the flags read again over it: gan.Train then
// refuses a flag that would change a stored setting other than gan.Resumable, listing what differs.
func resumeConfig(family, dir string, args []string, stdout io.Writer) (gan.Config, error) {
	stored, err := gan.ReadConfig(filepath.Join(dir, gan.ConfigFile))
	if err != nil {
		return stored, fmt.Errorf("train %s: --resume: %v", family, err)
	}
	if stored.FamilyName() != family {
		return stored, fmt.Errorf("train %s: %s holds a %s run: continue it with `ganbook train %s --out %s --resume`",
			family, dir, stored.FamilyName(), stored.FamilyName(), dir)
	}
	var again gan.Config // a deep copy of the stored config, to read the flags over
	if b, err := json.Marshal(stored); err != nil {
		return stored, err
	} else if err := json.Unmarshal(b, &again); err != nil {
		return stored, err
	}
	fs, opts := trainFlags(family, &again, stdout)
	if err := parse(fs, args); err != nil {
		return stored, err
	}
	if *opts.dSteps != 0 {
		again.DSteps = *opts.dSteps
	}
	return again, nil
}

// familyFlags adds the flags of a family's own settings, bound to its fields.
func familyFlags(fs *flag.FlagSet, f gan.Family) {
	networks := func(net *dcgan.Config) {
		fs.IntVar(&net.LatentDim, "latent", net.LatentDim, "size of the noise z")
		fs.IntVar(&net.GenHidden, "gen-hidden", net.GenHidden, "dcgan: units of a dense layer before G's projection (0: none)")
		fs.IntVar(&net.DiscHidden, "disc-hidden", net.DiscHidden, "dcgan: units of a dense layer after D's convolutions (0: none)")
		fs.BoolVar(&net.DiscBatchNorm, "disc-batchnorm", net.DiscBatchNorm, "BatchNorm in D after every convolution but the first (Radford et al.)")
		fs.Var((*intList)(&net.GenChannels), "gen-channels", "channels (dcgan) or units (gan) of G's layers, comma-separated")
		fs.Var((*intList)(&net.DiscChannels), "disc-channels", "channels (dcgan) or units (gan) of D's layers, comma-separated")
	}
	switch c := f.(type) {
	case *dcgan.Config:
		networks(c)
	case *infogan.Config:
		networks(&c.Config)
		fs.Var((*intList)(&c.Info.Categorical), "categorical", "the number of values of each categorical code, comma-separated")
		fs.IntVar(&c.Info.Continuous, "continuous", c.Info.Continuous, "the number of continuous codes, Unif(-1, 1)")
		fs.Float64Var(&c.Info.WeightCat, "lambda-cat", c.Info.WeightCat, "λ of the categorical codes' information term (0: the ablation, G ignores the codes)")
		fs.Float64Var(&c.Info.WeightCont, "lambda-cont", c.Info.WeightCont, "λ of the continuous codes' information term (the authors' code and pretrained/infogan-mnist use 1)")
	case *cgan.Config:
		networks(&c.Config)
		fs.StringVar(&c.Condition, "condition", c.Condition, "how D reads the label: projection (Miyato & Koyama 2018) or concat (as input channels)")
	case *text2img.Config:
		networks(&c.Config)
		fs.BoolVar(&c.WrongText, "wrong-text", c.WrongText, "GAN-CLS: D also judges real images with a wrong caption as fake (false: the ablation)")
		fs.BoolVar(&c.Interp, "gan-int", c.Interp, "GAN-INT: G also learns from captions interpolated between two (false: the ablation)")
		fs.Float64Var(&c.Beta, "beta", c.Beta, "GAN-INT's β: the interpolated embedding is β·φ(t1) + (1-β)·φ(t2)")
		fs.IntVar(&c.Project, "text-project", c.Project, "the text embedding's projection in G and D (Reed et al.: 128)")
		fs.Float64Var(&c.ModeSeeking, "mode-seeking", c.ModeSeeking, "weight of the mode-seeking term that keeps G's images moving with the noise (Mao et al. 2019; 0: off)")
		fs.Float64Var(&c.Match, "text-match", c.Match, "weight of the text-matching term: the encoder's frozen image encoder scores G's images against their captions (AttnGAN's DAMSM; 0: off)")
	case *stackgan.Config:
		networks(&c.Config.Config)
		fs.BoolVar(&c.WrongText, "wrong-text", c.WrongText, "GAN-CLS: D also judges real images with a wrong caption as fake")
		fs.IntVar(&c.Project, "text-project", c.Project, "the text embedding's projection in D")
		fs.IntVar(&c.CondDim, "cond-dim", c.CondDim, "the size of the condition c G reads (the paper: 128)")
		fs.BoolVar(&c.CA, "ca", c.CA, "conditioning augmentation, c = μ + σ·ε (false: the ablation, a plain FC projection; give --kl 0 with it)")
		fs.Float64Var(&c.Match, "text-match", c.Match, "weight of text2img's text-matching term on this stage's images (0: off; Stage-II keeps Stage-I's unless given)")
		fs.Float64Var(&c.KLWeight, "kl", c.KLWeight, "λ of the KL term of conditioning augmentation (the authors' configurations: 2; the paper's text: 1)")
	case *imagegan.Config:
		fs.Var((*intList)(&c.GenChannels), "gen-channels", "widths of G's layers, comma-separated, or one width (the rest doubling)")
		fs.Var((*intList)(&c.DiscChannels), "disc-channels", "widths of D's layers, comma-separated, or one width (the rest doubling)")
		if c.Family == imagegan.FamilyPix2Pix {
			fs.StringVar(&c.Task, "task", c.Task, "mask (inpaint a greyed-out square) or edges (Sobel edge map to image)")
			fs.IntVar(&c.MaskSize, "mask-size", c.MaskSize, "side of the masked square")
			fs.Float64Var(&c.LambdaL1, "lambda-l1", c.LambdaL1, "λ of the L1 term (100 in the paper)")
			fs.Float64Var(&c.Dropout, "dropout", c.Dropout, "dropout in G's decoder while training (the paper: 0.5)")
		} else {
			fs.IntVar(&c.Scale, "scale", c.Scale, "upscaling factor, 2 (14x14 to 28x28) or 4 (7x7 to 28x28)")
			fs.Float64Var(&c.ContentWeight, "content-weight", c.ContentWeight, "weight of the classifier-feature MSE")
			fs.Float64Var(&c.PixelWeight, "pixel-weight", c.PixelWeight, "weight of the pixel MSE")
			fs.Float64Var(&c.AdvWeight, "adv-weight", c.AdvWeight, "weight of the adversarial loss (1e-3 in the paper)")
			fs.IntVar(&c.ResBlocks, "res-blocks", c.ResBlocks, "residual blocks in G (16 in the paper)")
		}
	}
}

// startTraining opens the backend and a context that Ctrl-C or SIGTERM cancels (the run then saves a checkpoint
// and stops; the cause is the signal, an *interrupted), and says what is trained, on which backend, in which
// run directory; done releases both.
func startTraining(stdout io.Writer, cfg fmt.Stringer, dir string) (b compute.Backend, ctx context.Context, done func(), err error) {
	if b, err = backend.New(); err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		if sig, ok := <-signals; ok {
			cancel(&interrupted{sig: sig})
		}
	}()
	fmt.Fprintf(stdout, "training %s\nbackend: %s\nrun directory: %s (Ctrl-C saves a checkpoint and stops; --resume continues)\n",
		cfg, backend.Describe(b), dir)
	return b, ctx, func() { signal.Stop(signals); close(signals); cancel(nil); b.Finalize() }, nil
}

// interrupted is how a run stopped by a signal ends: `ganbook` exits with 128 + the signal's number (130 for
// Ctrl-C, 143 for SIGTERM), after the message.
type interrupted struct {
	sig os.Signal
	msg string
}

func (e *interrupted) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return "interrupted by " + e.sig.String()
}

// exitCode is 128 + the signal's number.
func (e *interrupted) exitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// trainingEnded reports how `ganbook train` ended: interrupted by Ctrl-C or SIGTERM after the run saved its
// checkpoint (an *interrupted error, for the exit code), diverged (with the command that resumes it at lower
// rates, or starts again where nothing was saved), finished (with what the run wrote, then how to score it), or
// another error, returned as it is.
func trainingEnded(stdout io.Writer, t interface{ GlobalStep() int64 }, err error, cfg gan.Config, family, dir, wrote string) error {
	var div *gan.DivergedError
	if errors.As(err, &div) {
		lrG, lrD := cfg.LearningRateG/2, cfg.LearningRateD/2
		if gan.HasCheckpoint(dir) {
			return fmt.Errorf("%v; resume from the last checkpoint at half the rates: `ganbook train %s --out %s --resume --lr-g %g --lr-d %g`",
				div.Summary(), family, dir, lrG, lrD)
		}
		return fmt.Errorf("%v; no checkpoint was saved before it: start again at half the rates (`ganbook train %s --out %s --lr-g %g --lr-d %g`, "+
			"after removing %s) or with another --loss", div.Summary(), family, dir, lrG, lrD, dir)
	}
	var sig *interrupted
	if err != nil && errors.As(err, &sig) {
		sig.msg = fmt.Sprintf("interrupted at step %d: checkpoint saved in %s; continue with `ganbook train %s --out %s --resume`",
			t.GlobalStep(), dir, family, dir)
		return sig
	}
	if err != nil {
		return err
	}
	if t.GlobalStep() < int64(cfg.Steps) {
		fmt.Fprintf(stdout, "time budget reached at step %d of %d (checkpoint saved; `ganbook train %s --out %s --resume` goes on)\n",
			t.GlobalStep(), cfg.Steps, family, dir)
	}
	fmt.Fprintf(stdout, "done: %d steps; %s; score them with `ganbook eval --run %s`\n", t.GlobalStep(), wrote, dir)
	return nil
}

// progressBar prints one line per update, redrawn in place on a terminal.
type progressBar struct {
	w     io.Writer
	tty   bool
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty}
}

// update draws one progress line: the step, the rate, D's and G's losses, D's mean verdicts and the family's
// reported terms.
func (p *progressBar) update(pr gan.Progress) {
	const width = 24
	filled := int(float64(width) * float64(pr.Step) / float64(pr.Total))
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	line := fmt.Sprintf("step %d/%d [%s] %.2f steps/s ETA %s | D %.3f G %.3f | D(x) %.2f D(G(z)) %.2f",
		pr.Step, pr.Total, bar, pr.StepsPerSec, pr.ETA.Round(time.Second), pr.Last.DLoss, pr.Last.GLoss, pr.Last.DReal, pr.Last.DFake)
	if len(pr.Last.Extra) > 0 {
		names := make([]string, 0, len(pr.Last.Extra))
		for k := range pr.Last.Extra {
			names = append(names, k)
		}
		sort.Strings(names)
		line += " |"
		for _, k := range names {
			line += fmt.Sprintf(" %s %.4g", k, pr.Last.Extra[k])
		}
	}
	if pr.Checkpointed {
		line += " [saved]"
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

// warn prints a warning on a line of its own.
func (p *progressBar) warn(w string) {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
	fmt.Fprintln(p.w, "warning:", w)
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// intList is a comma-separated list of ints as a flag value.
type intList []int

func (l *intList) String() string {
	if l == nil {
		return ""
	}
	parts := make([]string, len(*l))
	for i, v := range *l {
		parts[i] = strconv.Itoa(v)
	}
	return strings.Join(parts, ",")
}

func (l *intList) Set(s string) error {
	*l = nil
	if strings.TrimSpace(s) == "" {
		return nil
	}
	for _, part := range strings.Split(s, ",") {
		v, err := strconv.Atoi(strings.TrimSpace(part))
		if err != nil {
			return fmt.Errorf("%q is not a comma-separated list of integers", s)
		}
		*l = append(*l, v)
	}
	return nil
}
