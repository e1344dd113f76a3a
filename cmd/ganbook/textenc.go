// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/stackgan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
)

// runTrainTextenc trains a text encoder (char-CNN-RNN and the bag-of-characters baseline) and prints their
// retrieval on the test split: `ganbook train textenc --dataset capmnist`.
func runTrainTextenc(args []string, stdout io.Writer) error {
	fs := newFlags("train textenc", "train textenc [--dataset capmnist|emoji|emoji64] [--steps N] [--batch B] [--seed S] [--lr LR] [--margin M] "+
		"[--minutes M] [--out DIR] [--resume]", stdout)
	dataset := fs.String("dataset", "capmnist", "captioned dataset: capmnist, emoji or emoji64")
	steps := fs.Int("steps", 0, "updates in the whole run (0: the default, 1500; with --resume: the new total)")
	batch := fs.Int("batch", 0, "batch size (0: 64)")
	seed := fs.Int64("seed", 1, "seed of the weights, the data order and the caption variants")
	lr := fs.Float64("lr", 0, "Adam learning rate (0: 1e-3)")
	margin := fs.Float64("margin", 0, "margin of the hinge on cosine scores (0: 0.2)")
	every := fs.Int("checkpoint-every", 0, "steps between checkpoints (0: 500)")
	logEvery := fs.Int("log-every", 50, "steps averaged into one progress line")
	minutes := fs.Float64("minutes", 0, "a time budget in minutes (0: none)")
	out := fs.String("out", "", "run directory (default runs/textenc-<dataset>)")
	resume := fs.Bool("resume", false, "continue the run in --out from its last checkpoint")
	queries := fs.Int("queries", 1000, "test captions (and images) the retrieval at the end ranks")
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg := textenc.DefaultConfig(*dataset)
	cfg.Seed = *seed
	for _, o := range []struct {
		flag int
		to   *int
	}{{*steps, &cfg.Steps}, {*batch, &cfg.BatchSize}, {*every, &cfg.CheckpointEvery}} {
		if o.flag != 0 {
			*o.to = o.flag
		}
	}
	if *lr != 0 {
		cfg.LearningRate = *lr
	}
	if *margin != 0 {
		cfg.Margin = *margin
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("train textenc: %v", err)
	}
	if *logEvery <= 0 || *queries < 1 || !(*minutes >= 0 && *minutes <= 1e6) {
		return fmt.Errorf("train textenc: --log-every and --queries must be positive and --minutes in 0..10⁶")
	}
	if *out == "" {
		*out = "runs/textenc-" + *dataset
	}
	b, ctx, done, err := startTraining(stdout, textencDescription(cfg), *out)
	if err != nil {
		return err
	}
	defer done()
	e, err := textenc.Train(ctx, b, cfg, textenc.RunOptions{Dir: *out, Resume: *resume, LogEvery: *logEvery,
		Budget: time.Duration(*minutes * float64(time.Minute)),
		Progress: func(step, total int64, rate float64, last textenc.Entry) {
			fmt.Fprintf(stdout, "step %d/%d %.2f steps/s | DS-SJE char-CNN-RNN %.4f bag-of-characters %.4f\n", step, total, rate, last.Loss, last.BagLoss)
		}})
	var sig *interrupted
	if err != nil && errors.As(err, &sig) {
		sig.msg = fmt.Sprintf("interrupted at step %d: checkpoint saved in %s; continue with `ganbook train textenc --out %s --resume`",
			e.GlobalStep(), *out, *out)
		return sig
	}
	if err != nil {
		return err
	}
	res, err := textenc.Retrieval(e, *queries, 1)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "done: %d steps in %s\n", e.GlobalStep(), *out)
	printRetrieval(stdout, res)
	return nil
}

func textencDescription(cfg textenc.Config) fmt.Stringer {
	return stringer(fmt.Sprintf("a char-CNN-RNN text encoder (and a bag-of-characters baseline) on %s: %d steps of %d, DS-SJE margin %g, Adam %g, seed %d",
		cfg.Dataset, cfg.Steps, cfg.BatchSize, cfg.Margin, cfg.LearningRate, cfg.Seed))
}

type stringer string

func (s stringer) String() string { return string(s) }

// evalTextenc is `ganbook eval --run DIR` for an encoder run.
func evalTextenc(dir string, queries int, asJSON bool, stdout io.Writer) error {
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	e, err := textenc.Load(b, dir)
	if err != nil {
		return err
	}
	res, err := textenc.Retrieval(e, queries, 1)
	if err != nil {
		return err
	}
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(struct {
			Run string `json:"run"`
			textenc.RetrievalResult
		}{dir, res})
	}
	printRetrieval(stdout, res)
	return nil
}

func printRetrieval(w io.Writer, r textenc.RetrievalResult) {
	fmt.Fprintf(w, "retrieval on the %s test split (%d queries, 1 right among %d candidates, step %d):\n", r.Dataset, r.Queries, r.Candidates, r.Steps)
	fmt.Fprintf(w, "  %-18s %-22s %-22s\n", "", "caption → image", "image → caption")
	fmt.Fprintf(w, "  %-18s R@1 %5.1f%%  R@5 %5.1f%%   R@1 %5.1f%%  R@5 %5.1f%%\n", "char-CNN-RNN",
		100*r.CharCNNRNN.CaptionToImageR1, 100*r.CharCNNRNN.CaptionToImageR5, 100*r.CharCNNRNN.ImageToCaptionR1, 100*r.CharCNNRNN.ImageToCaptionR5)
	fmt.Fprintf(w, "  %-18s R@1 %5.1f%%  R@5 %5.1f%%   R@1 %5.1f%%  R@5 %5.1f%%\n", "bag of characters",
		100*r.Bag.CaptionToImageR1, 100*r.Bag.CaptionToImageR5, 100*r.Bag.ImageToCaptionR1, 100*r.Bag.ImageToCaptionR5)
}

// isTextencRun reports whether dir's config.json is an encoder run's.
func isTextencRun(dir string) bool {
	raw, err := os.ReadFile(filepath.Join(dir, textenc.ConfigFile))
	if err != nil {
		return false
	}
	var head struct {
		Kind string `json:"kind"`
	}
	return json.Unmarshal(raw, &head) == nil && head.Kind == textenc.Kind
}

// textEvalOptions are text2img.EvalOptions for a text-to-image run (text2img, stackgan): the evaluator is
// --evaluator, else pretrained/textenc-<dataset>-eval when it exists, for the dataset the run's was made from.
func textEvalOptions(t *gan.Trainer, n int, seed uint64, evaluator string) (text2img.EvalOptions, error) {
	base := captions.Base(t.Config.Dataset)
	if evaluator == "" {
		if def := filepath.Join("pretrained", "textenc-"+base+"-eval"); isTextencRun(def) {
			evaluator = def
		}
	}
	opts := text2img.EvalOptions{N: n, Seed: seed, EvalDir: evaluator, Backend: t.Backend}
	if evaluator != "" {
		ev, err := textenc.Load(t.Backend, evaluator)
		if err != nil {
			return opts, fmt.Errorf("eval: --evaluator: %v", err)
		}
		if ev.Config.Dataset != base {
			return opts, fmt.Errorf("eval: the evaluator %s was trained on %s, the run on %s", evaluator, ev.Config.Dataset, t.Config.Dataset)
		}
		opts.Evaluator = ev
	}
	return opts, nil
}

// evalText2Img is `ganbook eval --run DIR` for a text-to-image run.
func evalText2Img(t *gan.Trainer, dir string, n int, seed uint64, evaluator string, asJSON bool, stdout io.Writer) error {
	opts, err := textEvalOptions(t, n, seed, evaluator)
	if err != nil {
		return err
	}
	rep, err := text2img.Evaluate(t, opts)
	if err != nil {
		return err
	}
	if asJSON {
		return printJSON(stdout, struct {
			Run string `json:"run"`
			*text2img.Report
		}{dir, rep})
	}
	fmt.Fprintf(stdout, "text2img on %s, step %d, %d test captions (one sample each):\n", rep.Dataset, rep.Step, rep.Samples)
	printTextReport(stdout, rep)
	return nil
}

// printTextReport prints text2img's measures of one set of samples.
func printTextReport(stdout io.Writer, rep *text2img.Report) {
	if rep.Seen != nil {
		fmt.Fprintf(stdout, "  %-26s %6s %7s %7s %7s %10s %7s\n", "", "n", "digit", "colour", "both", "thickness", "slant")
		for _, row := range []struct {
			name string
			a    *text2img.Attributes
		}{{"samples, seen combinations", rep.Seen}, {"samples, held-out", rep.HeldOut}, {"real images, seen", rep.RealSeen}, {"real images, held-out", rep.RealHeldOut}} {
			a := row.a
			fmt.Fprintf(stdout, "  %-26s %6d %6.1f%% %6.1f%% %6.1f%% %9.1f%% %6.1f%%\n", row.name, a.N, 100*a.Digit, 100*a.Colour, 100*a.Both, 100*a.Thickness, 100*a.Slant)
		}
	}
	if rep.Evaluator != "" {
		held := ""
		if rep.Seen != nil {
			held = fmt.Sprintf(" (held-out combinations %.1f%%)", 100*rep.RPrecisionHeldOut)
		}
		fmt.Fprintf(stdout, "  R-precision (evaluator %s): samples %.1f%%%s, real images %.1f%%; Fréchet distance on its features %.3f\n",
			rep.Evaluator, 100*rep.RPrecision, held, 100*rep.RealRPrecision, rep.FrechetDistance)
	} else {
		fmt.Fprintln(stdout, "  (no evaluation encoder: pass --evaluator DIR for R-precision and the Fréchet distance)")
	}
	if rep.MismatchAUC > 0 {
		fmt.Fprintf(stdout, "  D's mismatch AUC (real image, right vs wrong caption): %.3f\n", rep.MismatchAUC)
	}
	fmt.Fprintf(stdout, "  diversity (RMS distance between samples of one caption): %.3f", rep.Diversity)
	if rep.RealDiversity > 0 {
		fmt.Fprintf(stdout, " (real images of one digit and colour: %.3f)", rep.RealDiversity)
	}
	fmt.Fprintln(stdout)
	if rep.NearestTrain > 0 {
		fmt.Fprintf(stdout, "  nearest training image (RMS pixel distance): samples %.3f, real test images %.3f\n", rep.NearestTrain, rep.RealNearestTrain)
	}
	if j := rep.Judge; j != nil {
		fmt.Fprintf(stdout, "  emoji judge (%s, sha256 %.12s; %.1f%% of the held-out emoji in their category):\n", j.Judge, j.SHA256, 100*j.HeldOutAccuracy)
		fmt.Fprintf(stdout, "    in the caption's category, the mean over categories: samples %.1f%%, real images %.1f%% (all captions alike: %.1f%%, %.1f%%)\n",
			100*j.CategoryBalanced, 100*j.RealCategoryBalanced, 100*j.Category, 100*j.RealCategory)
		fmt.Fprintf(stdout, "    on its features, to the real test emoji: Fréchet distance %.1f, KID %.0f (two halves of the real ones: KID %.0f)\n", j.Frechet, j.KID, j.RealKID)
		fmt.Fprintf(stdout, "    showing a colour the caption names (%d captions): samples %.1f%%, real images %.1f%%\n", j.HueN, 100*j.Hue, 100*j.RealHue)
	}
}

// stackReport is `ganbook eval --json` of a StackGAN run.
type stackReport struct {
	Run string `json:"run"`
	*stackgan.Report
}

// evalStackGAN is `ganbook eval --run DIR [--against DIR,...]` for StackGAN runs: each run's samples (and a
// Stage-II run's upsampled Stage-I images), one after the other, with the same captions and noise seed.
func evalStackGAN(t *gan.Trainer, dir string, against []string, n int, seed uint64, evaluator string, asJSON bool, stdout io.Writer) error {
	var reps []stackReport
	for k, d := range append([]string{dir}, against...) {
		tr := t
		if k > 0 {
			other, closeRun, err := openRun(d, stdout)
			if err != nil {
				return fmt.Errorf("eval: --against: %v", err)
			}
			defer closeRun()
			if _, ok := other.Config.Family.(*stackgan.Config); !ok {
				return fmt.Errorf("eval: --against %s is a %s run: compare StackGAN runs with StackGAN runs", d, other.Config.FamilyName())
			}
			tr = other
		}
		opts, err := textEvalOptions(tr, n, seed, evaluator)
		if err != nil {
			return err
		}
		rep, err := stackgan.Evaluate(tr, opts)
		if err != nil {
			return fmt.Errorf("eval: %s: %v", d, err)
		}
		reps = append(reps, stackReport{d, rep})
	}
	if asJSON {
		if len(reps) == 1 {
			return printJSON(stdout, reps[0])
		}
		return printJSON(stdout, struct {
			Runs []stackReport `json:"runs"`
		}{reps})
	}
	for _, r := range reps {
		fmt.Fprintf(stdout, "%s: StackGAN Stage-%s at %dx%d on %s, step %d, %d test captions (one sample each, measured at %dx%d):\n",
			r.Run, map[int]string{1: "I", 2: "II"}[r.Stage], r.Side, r.Side, r.Samples.Dataset, r.Step, r.Samples.Samples, 32, 32)
		printTextReport(stdout, r.Samples)
		if r.Stage1Bicubic != nil {
			fmt.Fprintf(stdout, " the Stage-I images of the same draws, upsampled bicubically to %dx%d:\n", r.Side, r.Side)
			printTextReport(stdout, r.Stage1Bicubic)
		}
		fmt.Fprintf(stdout, "  sharpness (variance of the Laplacian at %dx%d, %d images): samples %.5f", r.Side, r.Side, r.SharpnessN, r.Sharpness)
		if r.Stage1Bicubic != nil {
			fmt.Fprintf(stdout, ", Stage-I upsampled %.5f", r.Stage1BicubicSharpness)
		}
		fmt.Fprintf(stdout, ", real images %.5f; |log(samples / real)| %.2f", r.RealSharpness, r.SharpnessGap)
		if r.Stage1Bicubic != nil {
			fmt.Fprintf(stdout, ", Stage-I upsampled %.2f", r.Stage1BicubicGap)
		}
		fmt.Fprintln(stdout)
	}
	return nil
}
