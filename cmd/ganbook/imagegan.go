// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/imagegan"
)

// The image-conditioned GANs of pkg/imagegan: `ganbook train pix2pix|srgan`, and the eval and sample of their
// runs (train.go, evalcmd.go and sample.go route here).

const imageTrainSynopsis = "train pix2pix|srgan [--dataset mnist|fashion] [--steps N] [--batch B] [--seed S] [--out DIR] [--resume] " +
	"[pix2pix: --task mask|edges --mask-size 12 --lambda-l1 100] [srgan: --scale 2|4 --content-weight W]"

// runTrainImageGAN trains (or resumes) a pix2pix or SRGAN run.
func runTrainImageGAN(family string, args []string, stdout io.Writer) error {
	def := imagegan.DefaultConfig(family)
	fs := newFlags("train "+family, imageTrainSynopsis, stdout)
	dataset := fs.String("dataset", def.Dataset, "dataset the tasks are made from: mnist or fashion")
	steps := fs.Int("steps", def.Steps, "training steps, one D and one G update each (with --resume: the new total)")
	batch := fs.Int("batch", def.BatchSize, "batch size")
	seed := fs.Int64("seed", def.Seed, "seed of the weights, the data order and the masks")
	lrG := fs.Float64("lr-g", def.LearningRateG, "Adam learning rate of the generator")
	lrD := fs.Float64("lr-d", def.LearningRateD, "Adam learning rate of the discriminator")
	out := fs.String("out", "", "run directory (default runs/<model>-<dataset>)")
	resume := fs.Bool("resume", false, "continue the run in --out from its last checkpoint")
	ckptEvery := fs.Int("checkpoint-every", def.CheckpointEvery, "steps between checkpoints")
	sampleEvery := fs.Int("sample-every", def.SampleEvery, "steps between grids of input | output | target in samples/")
	genCh := fs.Int("gen-channels", def.GenChannels, "width of G's first layer")
	discCh := fs.Int("disc-channels", def.DiscChannels, "width of D's first layer")
	cfg := def
	if family == imagegan.FamilyPix2Pix {
		fs.StringVar(&cfg.Task, "task", def.Task, "pix2pix: mask (inpaint a greyed-out square) or edges (Sobel edge map to image)")
		fs.IntVar(&cfg.MaskSize, "mask-size", def.MaskSize, "pix2pix: side of the masked square")
		fs.Float64Var(&cfg.LambdaL1, "lambda-l1", def.LambdaL1, "pix2pix: λ of the L1 term (100 in the paper)")
		fs.Float64Var(&cfg.Dropout, "dropout", def.Dropout, "pix2pix: dropout in G's decoder while training (the paper: 0.5)")
	} else {
		fs.IntVar(&cfg.Scale, "scale", def.Scale, "srgan: upscaling factor, 2 (14x14 to 28x28) or 4 (7x7 to 28x28)")
		fs.Float64Var(&cfg.ContentWeight, "content-weight", def.ContentWeight, "srgan: weight of the classifier-feature MSE")
		fs.Float64Var(&cfg.PixelWeight, "pixel-weight", def.PixelWeight, "srgan: weight of the pixel MSE")
		fs.Float64Var(&cfg.AdvWeight, "adv-weight", def.AdvWeight, "srgan: weight of the adversarial loss (1e-3 in the paper)")
		fs.IntVar(&cfg.ResBlocks, "res-blocks", def.ResBlocks, "srgan: residual blocks in G (16 in the paper)")
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg.Dataset, cfg.Steps, cfg.BatchSize, cfg.Seed = *dataset, *steps, *batch, *seed
	cfg.LearningRateG, cfg.LearningRateD = *lrG, *lrD
	cfg.CheckpointEvery, cfg.SampleEvery = *ckptEvery, *sampleEvery
	cfg.GenChannels, cfg.DiscChannels = *genCh, *discCh
	if *out == "" {
		*out = fmt.Sprintf("runs/%s-%s", family, cfg.Dataset)
	}
	if !*resume {
		if err := cfg.Validate(); err != nil {
			return err
		}
	} else if imagegan.RunFamily(*out) != family {
		return fmt.Errorf("train %s: --resume needs a %s run in %s: check --out, or drop --resume to start a new run", family, family, *out)
	}
	b, ctx, done, err := startTraining(stdout, cfg, *out)
	if err != nil {
		return err
	}
	defer done()
	bar := newProgressBar(stdout)
	t, err := imagegan.Train(ctx, b, cfg, imagegan.RunOptions{Dir: *out, Resume: *resume, Progress: imageProgress(bar)})
	bar.done()
	return trainingEnded(stdout, t, err, family, *out, "input | output | target in "+*out+"/samples/latest.png")
}

// imageProgress draws an image GAN's progress on the shared progress bar.
func imageProgress(p *progressBar) func(imagegan.Progress) {
	return func(pr imagegan.Progress) {
		const width = 24
		filled := int(float64(width) * float64(pr.Step) / float64(pr.Total))
		m := pr.Last
		line := fmt.Sprintf("step %d/%d [%s] %.2f steps/s ETA %s | D %.3f G %.3f | adv %.3f L1 %.4f",
			pr.Step, pr.Total, strings.Repeat("=", filled)+strings.Repeat(" ", width-filled), pr.StepsPerSec,
			pr.ETA.Round(time.Second), m.DLoss, m.GLoss, m.Adv, m.L1)
		if m.Content != 0 {
			line += fmt.Sprintf(" MSE %.4f content %.3f", m.MSE, m.Content)
		}
		line += fmt.Sprintf(" | D(real) %.2f D(fake) %.2f", m.DReal, m.DFake)
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
}

// imageEvalReport is what `ganbook eval --run DIR --json` prints for a pix2pix or SRGAN run.
type imageEvalReport struct {
	Run string `json:"run"`
	*imagegan.Report
}

// runEvalImageGAN scores a pix2pix or SRGAN run against its baselines on the first n test images.
func runEvalImageGAN(run string, n int, asJSON bool, stdout io.Writer) error {
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	rep, err := imagegan.EvaluateRun(b, run, n)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(stdout, imageEvalReport{Run: run, Report: rep})
	}
	task := rep.Task
	if rep.Family == imagegan.FamilySRGAN {
		task = fmt.Sprintf("x%d", rep.Scale)
	}
	fmt.Fprintf(stdout, "%s (%s) on %s, step %d, the first %d test images (PSNR and SSIM against the true images, on [0, 1] pixels):\n",
		rep.Family, task, rep.Dataset, rep.Step, rep.N)
	fmt.Fprintf(stdout, "  %-20s %9s %7s %20s\n", "", "PSNR (dB)", "SSIM", "classifier accuracy")
	for _, s := range append([]imagegan.Scores{rep.Model}, rep.Baselines...) {
		name := s.Name
		if name != "model" {
			name += " (baseline)"
		}
		fmt.Fprintf(stdout, "  %-20s %9.2f %7.3f %19.2f%%\n", name, s.PSNR, s.SSIM, 100*s.Accuracy)
	}
	fmt.Fprintf(stdout, "  %-20s %9s %7s %19.2f%%\n", "true images", "-", "-", 100*rep.TargetAccuracy)
	return nil
}

// runSampleImageGAN writes the input | output | target triplets of the first n test images as a PNG grid.
func runSampleImageGAN(run string, n int, format, out string, stdout io.Writer) error {
	switch {
	case out == "":
		return fmt.Errorf("sample: --out FILE is required")
	case n <= 0:
		return fmt.Errorf("sample: --n must be positive")
	case format != "png":
		return fmt.Errorf("sample: a %s run writes input | output | target grids: use --format png", imagegan.RunFamily(run))
	}
	t, closeRun, err := openRunWith(run, imagegan.LoadRun)
	if err != nil {
		return err
	}
	defer closeRun()
	test, err := data.Load(t.Config.Dataset, "test")
	if err != nil {
		return err
	}
	idx := make([]int, min(n, test.N))
	for i := range idx {
		idx[i] = i
	}
	if err := t.SaveTriplets(test, idx, out); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote input | output | target of the first %d test images, %s (step %d), to %s\n", len(idx), run, t.GlobalStep(), out)
	return nil
}
