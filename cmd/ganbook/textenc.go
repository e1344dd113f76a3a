// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
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
func isTextencRun(dir string) bool { return textenc.IsRun(dir) }
