// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
)

// evalReport is what `ganbook eval --json` prints.
type evalReport struct {
	Run     string       `json:"run,omitempty"`
	Dataset string       `json:"dataset"`
	Step    int64        `json:"step,omitempty"`
	Samples *eval.Scores `json:"samples,omitempty"`
	Real    *eval.Scores `json:"real,omitempty"`
	Noise   *eval.Scores `json:"noise,omitempty"`
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
		flat, err := t.Sample(*n, *seed)
		if err != nil {
			return err
		}
		if rep.Samples, err = clf.Score(flat, *n); err != nil {
			return err
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
	return nil
}
