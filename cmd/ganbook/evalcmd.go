// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/imagegan"
)

// evalReport is what `ganbook eval --json` prints.
type evalReport struct {
	Run     string       `json:"run,omitempty"`
	Dataset string       `json:"dataset"`
	Step    int64        `json:"step,omitempty"`
	Samples *eval.Scores `json:"samples,omitempty"`
	Real    *eval.Scores `json:"real,omitempty"`
	Noise   *eval.Scores `json:"noise,omitempty"`
	InfoGAN *infoReport  `json:"infogan,omitempty"`
	// Conditional: a conditional GAN's samples, asked for each class in turn, as the classifier sees them.
	Conditional *eval.ConditionalReport `json:"conditional,omitempty"`
}

// infoReport is the unsupervised classification accuracy of an InfoGAN's first categorical code (Chen et al.
// 2016, section 7.2: about 5% error on MNIST): each code value mapped one-to-one to the class it best matches
// (the Hungarian algorithm on the confusion matrix).
type infoReport struct {
	// Generated: samples generated with each code value, classified by pkg/eval's classifier.
	GeneratedAccuracy  float64 `json:"generated_accuracy"`
	GeneratedMapping   []int   `json:"generated_mapping"` // class of each code value
	GeneratedConfusion [][]int `json:"generated_confusion"`
	// Real: the test set's images, their code read by Q (sharing D's trunk), against their true labels.
	RealAccuracy  float64 `json:"real_accuracy"`
	RealMapping   []int   `json:"real_mapping"`
	RealConfusion [][]int `json:"real_confusion"`
	RealN         int     `json:"real_n"`
}

func runEval(args []string, stdout io.Writer) error {
	fs := newFlags("eval", "eval --run DIR [--n 10000] [--json] | eval --reference [--dataset mnist|fashion] [--json]", stdout)
	run := fs.String("run", "", "run directory to score")
	reference := fs.Bool("reference", false, "score real test images and uniform noise instead of a run")
	dataset := fs.String("dataset", "mnist", "dataset of --reference: mnist or fashion")
	n := fs.Int("n", 10000, "number of samples (or real images) to score")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	asJSON := fs.Bool("json", false, "print one JSON object")
	if err := parse(fs, args); err != nil {
		return err
	}
	if (*run == "") == !*reference {
		return fmt.Errorf("eval: give either --run DIR or --reference")
	}
	if *n <= 1 {
		return fmt.Errorf("eval: --n must be at least 2")
	}
	if *run != "" && imagegan.RunFamily(*run) != "" { // pix2pix and SRGAN runs: imagegan.go
		return runEvalImageGAN(*run, *n, *asJSON, stdout)
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	rep := evalReport{Run: *run, Dataset: *dataset}
	var t *gan.Trainer
	if *run != "" {
		if t, err = gan.LoadRun(b, *run); err != nil {
			return err
		}
		rep.Dataset, rep.Step = t.Config.Dataset, t.GlobalStep()
	}
	clf, err := eval.LoadClassifier(b, rep.Dataset)
	if err != nil {
		return err
	}
	if t != nil {
		flat, codes, err := t.SampleCodes(*n, *seed)
		if err != nil {
			return err
		}
		if rep.Samples, err = clf.Score(flat, *n); err != nil {
			return err
		}
		switch {
		case t.Config.Classes > 0:
			if rep.Conditional, err = clf.ConditionalScores(flat, *n, codes); err != nil {
				return err
			}
		case codes != nil:
			if rep.InfoGAN, err = evalInfoGAN(t, clf, flat, codes, *n); err != nil {
				return err
			}
		}
	} else if rep.Real, rep.Noise, err = clf.ReferenceScores(*n, *seed); err != nil {
		return err
	}
	if *asJSON {
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

// evalInfoGAN scores an InfoGAN's first categorical code as an unsupervised classifier, on its samples and,
// through Q, on the real test set.
func evalInfoGAN(t *gan.Trainer, clf *eval.Classifier, samples []float32, codes []int, n int) (*infoReport, error) {
	k := t.Config.Info.Categorical[0]
	var r infoReport
	var err error
	if r.GeneratedAccuracy, r.GeneratedMapping, r.GeneratedConfusion, err = clf.CodeAccuracy(samples, n, codes, k); err != nil {
		return nil, err
	}
	test, err := data.Load(t.Config.Dataset, "test")
	if err != nil {
		return nil, err
	}
	idx := make([]int, test.N)
	truth := make([]int, test.N)
	for i := range idx {
		idx[i], truth[i] = i, int(test.Labels[i])
	}
	pred, err := t.PredictCodes(test.ImagesFloat(idx), test.N)
	if err != nil {
		return nil, err
	}
	r.RealN = test.N
	r.RealConfusion = eval.Confusion(pred, truth, k, len(test.ClassNames))
	r.RealMapping, r.RealAccuracy = eval.BestMapping(r.RealConfusion)
	return &r, nil
}
