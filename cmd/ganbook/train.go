// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute"
)

const trainSynopsis = "train gan|dcgan|infogan|cgan|pix2pix|srgan|classifier [--dataset mnist|fashion] [--steps N] [--batch B] [--seed S] " +
	"[--loss ns|minimax|ls|wgan-gp|hinge] [--out DIR] [--resume]"

func runTrain(args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("train: say what to train: `ganbook %s`", trainSynopsis)
	}
	model, args := args[0], args[1:]
	switch model {
	case "classifier":
		return runTrainClassifier(args, stdout)
	case "pix2pix", "srgan": // image-conditioned GANs (pkg/imagegan): imagegan.go
		return runTrainImageGAN(model, args, stdout)
	case gan.ModelMLP, gan.ModelDCGAN, gan.FamilyInfoGAN, gan.FamilyCGAN:
	default:
		return fmt.Errorf("train: unknown model %q: use gan, dcgan, infogan, cgan, pix2pix, srgan or classifier", model)
	}
	var def gan.Config
	switch model {
	case gan.FamilyInfoGAN:
		def = gan.DefaultInfoGANConfig()
	case gan.FamilyCGAN:
		def = gan.DefaultCGANConfig()
	default:
		def = gan.DefaultConfig(model)
	}
	fs := newFlags("train "+model, trainSynopsis, stdout)
	dataset := fs.String("dataset", def.Dataset, "dataset: mnist or fashion")
	steps := fs.Int("steps", def.Steps, "generator updates in the whole run (with --resume: the new total)")
	batch := fs.Int("batch", def.BatchSize, "batch size")
	seed := fs.Int64("seed", def.Seed, "seed of the weights, the noise and the data order")
	loss := fs.String("loss", def.Loss, "loss: ns (non-saturating), minimax, ls (least squares), wgan-gp, hinge")
	dSteps := fs.Int("d-steps", 0, "discriminator updates per generator update (default 1; 5 for wgan-gp)")
	lrG := fs.Float64("lr-g", def.LearningRateG, "Adam learning rate of the generator")
	lrD := fs.Float64("lr-d", def.LearningRateD, "Adam learning rate of the discriminator")
	smooth := fs.Float64("label-smoothing", 0, "one-sided label smoothing of the real targets (0 = off)")
	ema := fs.Float64("ema", def.GenEMA, "decay of the moving average of G's weights that samples come from (0: the last weights)")
	discBN := fs.Bool("disc-batchnorm", def.DiscBatchNorm, "BatchNorm in D after every convolution but the first (Radford et al.)")
	out := fs.String("out", "", "run directory (default runs/<model>-<dataset>)")
	resume := fs.Bool("resume", false, "continue the run in --out from its last checkpoint")
	ckptEvery := fs.Int("checkpoint-every", def.CheckpointEvery, "steps between checkpoints")
	sampleEvery := fs.Int("sample-every", def.SampleEvery, "steps between sample grids")
	latent := fs.Int("latent", def.LatentDim, "size of the noise z")
	genHidden := fs.Int("gen-hidden", def.GenHidden, "dcgan: units of a dense layer before G's projection (0: none)")
	discHidden := fs.Int("disc-hidden", def.DiscHidden, "dcgan: units of a dense layer after D's convolutions (0: none)")
	var categorical intList = def.Info.Categorical
	continuous, lambdaCat, lambdaCont := def.Info.Continuous, def.Info.WeightCat, def.Info.WeightCont
	if model == gan.FamilyInfoGAN {
		fs.Var(&categorical, "categorical", "InfoGAN: the number of values of each categorical code, comma-separated")
		fs.IntVar(&continuous, "continuous", continuous, "InfoGAN: the number of continuous codes, Unif(-1, 1)")
		fs.Float64Var(&lambdaCat, "lambda-cat", lambdaCat, "InfoGAN: λ of the categorical codes' information term (0: the ablation, G ignores the codes)")
		fs.Float64Var(&lambdaCont, "lambda-cont", lambdaCont, "InfoGAN: λ of the continuous codes' information term (the authors' code and pretrained/infogan-mnist use 1)")
	}
	condition := def.Condition
	if model == gan.FamilyCGAN {
		fs.StringVar(&condition, "condition", condition, "cgan: how D reads the label: projection (Miyato & Koyama 2018) or concat (as input channels)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	def.LatentDim, def.Condition, def.GenHidden, def.DiscHidden = *latent, condition, *genHidden, *discHidden
	def.Info.Categorical, def.Info.Continuous, def.Info.WeightCat, def.Info.WeightCont = categorical, continuous, lambdaCat, lambdaCont
	cfg := def
	cfg.Dataset, cfg.Steps, cfg.BatchSize, cfg.Seed, cfg.Loss = *dataset, *steps, *batch, *seed, *loss
	cfg.LearningRateG, cfg.LearningRateD, cfg.LabelSmoothing = *lrG, *lrD, *smooth
	cfg.CheckpointEvery, cfg.SampleEvery = *ckptEvery, *sampleEvery
	cfg.DSteps, cfg.DiscBatchNorm, cfg.GenEMA = *dSteps, *discBN, *ema
	if cfg.DSteps == 0 {
		cfg.DSteps = 1
		if cfg.Loss == gan.LossWGANGP {
			cfg.DSteps = 5 // Gulrajani et al. 2017, algorithm 1: n_critic = 5
		}
	}
	if *out == "" {
		*out = fmt.Sprintf("runs/%s-%s", model, cfg.Dataset)
	}
	if !*resume {
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	b, ctx, done, err := startTraining(stdout, cfg, *out)
	if err != nil {
		return err
	}
	defer done()
	bar := newProgressBar(stdout)
	bar.entropy = cfg.Info.Entropy()
	if *resume {
		if stored, err := gan.ReadConfig(filepath.Join(*out, gan.ConfigFile)); err == nil {
			bar.entropy = stored.Info.Entropy()
		}
	}
	t, err := gan.Train(ctx, b, cfg, gan.RunOptions{Dir: *out, Resume: *resume, Progress: bar.update})
	bar.done()
	return trainingEnded(stdout, t, err, model, *out, "samples in "+*out+"/samples/latest.png")
}

// startTraining opens the backend and a context that Ctrl-C or SIGTERM cancels (the run then saves a checkpoint
// and stops), and says what is trained, on which backend, in which run directory; done releases both.
func startTraining(stdout io.Writer, cfg fmt.Stringer, dir string) (b compute.Backend, ctx context.Context, done func(), err error) {
	if b, err = backend.New(); err != nil {
		return nil, nil, nil, err
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	fmt.Fprintf(stdout, "training %s\nbackend: %s\nrun directory: %s (Ctrl-C saves a checkpoint and stops; --resume continues)\n",
		cfg, backend.Describe(b), dir)
	return b, ctx, func() { stop(); b.Finalize() }, nil
}

// trainingEnded reports how `ganbook train` ended: interrupted by Ctrl-C or SIGTERM after the run saved its
// checkpoint, finished (with what the run wrote, then how to score it), or an error, returned as it is.
func trainingEnded(stdout io.Writer, t interface{ GlobalStep() int64 }, err error, family, dir, wrote string) error {
	if err != nil && !errors.Is(err, context.Canceled) {
		return err
	}
	if err != nil {
		fmt.Fprintf(stdout, "interrupted at step %d: checkpoint saved in %s; continue with `ganbook train %s --out %s --resume`\n",
			t.GlobalStep(), dir, family, dir)
		return nil
	}
	fmt.Fprintf(stdout, "done: %d steps; %s; score them with `ganbook eval --run %s`\n", t.GlobalStep(), wrote, dir)
	return nil
}

// progressBar prints one line per update, redrawn in place on a terminal.
type progressBar struct {
	w       io.Writer
	tty     bool
	drawn   bool
	entropy float64 // InfoGAN's H(c): the progress line shows L_I beside it
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

func (p *progressBar) update(pr gan.Progress) {
	const width = 24
	filled := int(float64(width) * float64(pr.Step) / float64(pr.Total))
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	line := fmt.Sprintf("step %d/%d [%s] %.2f steps/s ETA %s | D %.3f G %.3f | D(x) %.2f D(G(z)) %.2f",
		pr.Step, pr.Total, bar, pr.StepsPerSec, pr.ETA.Round(time.Second), pr.Last.DLoss, pr.Last.GLoss, pr.Last.DReal, pr.Last.DFake)
	if p.entropy > 0 {
		line += fmt.Sprintf(" | L_I %.3f of H(c) %.3f nats", pr.Last.Info, p.entropy)
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

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}

// intList is a comma-separated list of ints as a flag value.
type intList []int

func (l *intList) String() string {
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
