// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/cgan"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/imagegan"
	"github.com/ganbook/ganbook/pkg/infogan"
	"github.com/ganbook/ganbook/pkg/stackgan"
	"github.com/ganbook/ganbook/pkg/text2img"
)

// evalReport is what `ganbook eval --json` prints for a GAN that draws images from noise, and for --reference.
type evalReport struct {
	Run     string       `json:"run,omitempty"`
	Dataset string       `json:"dataset"`
	Step    int64        `json:"step,omitempty"`
	Samples *eval.Scores `json:"samples,omitempty"`
	Real    *eval.Scores `json:"real,omitempty"`
	Noise   *eval.Scores `json:"noise,omitempty"`
	// InfoGAN: the first categorical code as a classifier (infogan.Evaluate).
	InfoGAN *infogan.CodeReport `json:"infogan,omitempty"`
	// Conditional: a conditional GAN's samples, asked for each class in turn, as the classifier sees them.
	Conditional *eval.ConditionalReport `json:"conditional,omitempty"`
}

// imageEvalReport is what `ganbook eval --run DIR --json` prints for a pix2pix or SRGAN run.
type imageEvalReport struct {
	Run string `json:"run"`
	*imagegan.Report
}

func runEval(args []string, stdout io.Writer) error {
	fs := newFlags("eval", "eval --run DIR [--n 10000] [--json] | eval --reference [--dataset mnist|fashion] [--json]", stdout)
	run := fs.String("run", "", "run directory to score")
	reference := fs.Bool("reference", false, "score real test images and uniform noise instead of a run")
	dataset := fs.String("dataset", "mnist", "dataset of --reference: mnist or fashion")
	n := fs.Int("n", 10000, "number of samples (or real images) to score")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	asJSON := fs.Bool("json", false, "print one JSON object")
	evaluator := fs.String("evaluator", "", "text2img, stackgan: the evaluation encoder run, trained apart from the run's (default pretrained/textenc-<dataset>-eval when it exists)")
	against := fs.String("against", "", "stackgan: runs to measure beside --run with the same captions and noise (ablations), comma-separated")
	if err := parse(fs, args); err != nil {
		return err
	}
	textN := 1000 // an encoder's queries, a text-to-image run's captions: --n when given, else 1,000
	fs.Visit(func(f *flag.Flag) {
		if f.Name == "n" {
			textN = *n
		}
	})
	if *against != "" && (*run == "" || isTextencRun(*run)) {
		return fmt.Errorf("eval: --against compares StackGAN runs with the one of --run")
	}
	if (*run == "") == !*reference {
		return fmt.Errorf("eval: give either --run DIR or --reference")
	}
	if *n <= 1 || *n > 200_000 {
		return fmt.Errorf("eval: --n must be in 2..200000")
	}
	if *reference {
		return evalReference(*dataset, *n, *seed, *asJSON, stdout)
	}
	if isTextencRun(*run) {
		return evalTextenc(*run, textN, *asJSON, stdout)
	}
	t, closeRun, err := openRun(*run, stdout)
	if err != nil {
		return err
	}
	defer closeRun()
	rep := evalReport{Run: *run}
	var base *dcgan.Report
	switch t.Config.Family.(type) {
	case *imagegan.Config:
		r, err := imagegan.Evaluate(t, *n)
		if err != nil {
			return err
		}
		return printImageEval(stdout, imageEvalReport{Run: *run, Report: r}, *asJSON)
	case *text2img.Config:
		return evalText2Img(t, *run, textN, *seed, *evaluator, *asJSON, stdout)
	case *stackgan.Config:
		var others []string
		if *against != "" {
			others = strings.Split(*against, ",")
		}
		return evalStackGAN(t, *run, others, textN, *seed, *evaluator, *asJSON, stdout)
	case *infogan.Config:
		r, err := infogan.Evaluate(t, *n, *seed)
		if err != nil {
			return err
		}
		base, rep.InfoGAN = &r.Report, r.Code
	case *cgan.Config:
		r, err := cgan.Evaluate(t, *n, *seed)
		if err != nil {
			return err
		}
		base, rep.Conditional = &r.Report, r.Conditional
	default:
		if base, err = dcgan.Evaluate(t, *n, *seed); err != nil {
			return err
		}
	}
	rep.Dataset, rep.Step, rep.Samples = base.Dataset, base.Step, base.Samples
	return printEval(stdout, rep, *asJSON)
}

// evalReference scores real test images and uniform noise.
func evalReference(dataset string, n int, seed uint64, asJSON bool, stdout io.Writer) error {
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	clf, err := eval.LoadClassifier(b, dataset)
	if err != nil {
		return err
	}
	rep := evalReport{Dataset: dataset}
	if rep.Real, rep.Noise, err = clf.ReferenceScores(n, seed); err != nil {
		return err
	}
	return printEval(stdout, rep, asJSON)
}

func printEval(stdout io.Writer, rep evalReport, asJSON bool) error {
	if asJSON {
		return printJSON(stdout, rep)
	}
	for _, s := range []struct {
		name   string
		scores *eval.Scores
	}{{"samples", rep.Samples}, {"real test images", rep.Real}, {"uniform noise", rep.Noise}} {
		if s.scores == nil {
			continue
		}
		fmt.Fprintf(stdout, "%s (%s, n=%d): classifier score %.2f, Fréchet distance %.2f, %d classes covered, histogram %v\n",
			s.name, rep.Dataset, s.scores.N, s.scores.ClassifierScore, s.scores.FrechetDistance, s.scores.ClassesCovered, s.scores.ClassHistogram)
	}
	if r := rep.Conditional; r != nil {
		fmt.Fprintf(stdout, "conditional accuracy (samples the classifier assigns to the requested label): %.2f%%\n", 100*r.Accuracy)
		for k := range r.PerClassAccuracy {
			name := fmt.Sprint(k)
			if k < len(r.ClassNames) {
				name = r.ClassNames[k]
			}
			fmt.Fprintf(stdout, "  %-12s accuracy %6.2f%%  Fréchet distance to its test images %7.1f\n", name, 100*r.PerClassAccuracy[k], r.PerClassFrechet[k])
		}
	}
	if r := rep.InfoGAN; r != nil {
		fmt.Fprintf(stdout, "categorical code as a classifier (best one-to-one mapping of code values to classes):\n"+
			"  generated samples, classified by the evaluator: accuracy %.2f%% (code -> class %v)\n"+
			"  real test images, code read by Q: accuracy %.2f%% of %d (code -> class %v)\n",
			100*r.GeneratedAccuracy, r.GeneratedMapping, 100*r.RealAccuracy, r.RealN, r.RealMapping)
	}
	return nil
}

// runEvalImageGAN scores a pix2pix or SRGAN run against its baselines on the first n test images.
// printImageEval prints a pix2pix or SRGAN run's scores next to its baselines.
func printImageEval(stdout io.Writer, r imageEvalReport, asJSON bool) error {
	if asJSON {
		return printJSON(stdout, r)
	}
	rep := r.Report
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
