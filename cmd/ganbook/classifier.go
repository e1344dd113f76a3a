// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/eval"
)

// runTrainClassifier trains the scoring classifier of pkg/eval on a dataset, saves it and prints its accuracy on
// the full test set: `ganbook train classifier --dataset mnist`.
func runTrainClassifier(args []string, stdout io.Writer) error {
	fs := newFlags("train classifier",
		"train classifier --dataset mnist|fashion|emoji [--steps N] [--batch N] [--seed N] [--out DIR]", stdout)
	dataset := fs.String("dataset", "", "dataset: mnist, fashion or emoji (its 10 categories; required)")
	steps := fs.Int("steps", 0, "training steps (0: the default of eval.DefaultClassifierConfig)")
	batch := fs.Int("batch", 0, "batch size (0: the default of eval.DefaultClassifierConfig)")
	seed := fs.Int64("seed", 0, "random seed (0: the default of eval.DefaultClassifierConfig)")
	out := fs.String("out", "", "folder to save the classifier in (default pkg/eval/weights/<dataset>)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *dataset == "" {
		return fmt.Errorf("train classifier: --dataset is required: use --dataset mnist, fashion or emoji")
	}
	cfg := eval.DefaultClassifierConfig(*dataset)
	if *steps != 0 {
		cfg.Steps = *steps
	}
	if *batch != 0 {
		cfg.BatchSize = *batch
	}
	if *seed != 0 {
		cfg.Seed = *seed
	}
	if err := cfg.Validate(); err != nil {
		return fmt.Errorf("train classifier: %v", err)
	}
	if *out == "" {
		*out = "pkg/eval/weights/" + *dataset
	}
	test, err := data.Load(*dataset, "test") // fail before training if the test set is missing
	if err != nil {
		return err
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "training the %s classifier: %d steps of %d images, learning rate %g (cosine decay), "+
		"dropout %g, seed %d, on %s\n", cfg.Dataset, cfg.Steps, cfg.BatchSize, cfg.LearningRate, cfg.Dropout,
		cfg.Seed, backend.Describe(b))
	start := time.Now()
	var meanLoss float64
	var count int
	every := max(1, min(500, cfg.Steps/10))
	c, err := eval.TrainClassifier(b, cfg, func(step int, loss float64) {
		meanLoss += loss
		count++
		if step%every == 0 || step == cfg.Steps {
			fmt.Fprintf(stdout, "step %6d/%d  loss %.4f (mean of the last %d)  %s\n", step, cfg.Steps,
				meanLoss/float64(count), count, time.Since(start).Round(time.Second))
			meanLoss, count = 0, 0
		}
	})
	if err != nil {
		return err
	}
	trainTime := time.Since(start)
	if err := c.Save(*out); err != nil {
		return err
	}
	acc, err := c.Accuracy(test)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "saved %s after %d steps in %s; test accuracy %.2f%% (%d images)\n", *out, cfg.Steps,
		trainTime.Round(time.Second), 100*acc, test.N)
	return nil
}
