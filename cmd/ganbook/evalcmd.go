// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"cmp"
	"fmt"
	"io"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
)

// evalReport is what `ganbook eval --reference --json` prints.
type evalReport struct {
	Dataset string       `json:"dataset"`
	Real    *eval.Scores `json:"real,omitempty"`
	Noise   *eval.Scores `json:"noise,omitempty"`
}

const evalSynopsis = "eval --run DIR [--n N] [--seed S] [--json] [the family's flags: see `ganbook eval --run DIR -h`] | " +
	"eval --reference [--dataset mnist|fashion] [--json]"

func runEval(args []string, stdout io.Writer) error {
	// The run's family adds its own flags (--evaluator, --against): find the run first.
	dir := peekFlags(args, "run")["run"]
	var t *gan.Trainer
	if dir != "" && gan.RunFamily(dir) != "" {
		var closeRun func()
		var err error
		if t, closeRun, err = openRun(dir, stdout); err != nil {
			return err
		}
		defer closeRun()
	}
	fs := newFlags("eval", evalSynopsis, stdout)
	run := fs.String("run", "", "run directory to score")
	reference := fs.Bool("reference", false, "score real test images and uniform noise instead of a run")
	dataset := fs.String("dataset", "mnist", "dataset of --reference: mnist or fashion")
	n := fs.Int("n", 0, "number of samples (or real images) to score (0: the family's default: 10000 images, or 1000 captions of a text-to-image run; --reference: 10000)")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	asJSON := fs.Bool("json", false, "print one JSON object")
	opts := gan.EvalOptions{Open: func(dir string) (*gan.Trainer, func(), error) { return openRun(dir, stdout) }}
	if t != nil {
		if b, ok := t.Config.Family.(gan.EvalFlagBinder); ok {
			b.BindEvalFlags(fs, &opts)
		}
	}
	family := ""
	if t != nil {
		family = t.Config.FamilyName()
	}
	if err := parseFor(fs, args, family, dir); err != nil {
		return err
	}
	if (*run == "") == !*reference {
		return fmt.Errorf("eval: give either --run DIR or --reference")
	}
	if *n != 0 && (*n <= 1 || *n > 200_000) {
		return fmt.Errorf("eval: --n must be in 2..200000")
	}
	if *reference {
		return evalReference(*dataset, cmp.Or(*n, 10000), *seed, *asJSON, stdout)
	}
	if isTextencRun(*run) {
		return evalTextenc(*run, cmp.Or(*n, 1000), *asJSON, stdout)
	}
	if t == nil {
		_, _, err := openRun(*run, stdout) // says what is wrong with the folder
		return err
	}
	ev, ok := t.Config.Family.(gan.Evaluator)
	if !ok {
		return fmt.Errorf("eval: %s runs have no evaluation", t.Config.FamilyName())
	}
	opts.Run, opts.N, opts.Seed = *run, *n, *seed
	rep, err := ev.Evaluate(t, opts)
	if err != nil {
		return fmt.Errorf("eval: %v", err)
	}
	if *asJSON {
		return printJSON(stdout, rep)
	}
	return rep.WriteText(stdout)
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
	}{{"real test images", rep.Real}, {"uniform noise", rep.Noise}} {
		fmt.Fprintf(stdout, "%s (%s, n=%d): classifier score %.2f, Fréchet distance %.2f, %d classes covered, histogram %v\n",
			s.name, rep.Dataset, s.scores.N, s.scores.ClassifierScore, s.scores.FrechetDistance, s.scores.ClassesCovered, s.scores.ClassHistogram)
	}
	return nil
}
