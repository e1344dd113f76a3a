// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import (
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
)

// Report is what Evaluate measures: the samples' scores, and how often a sample is of the class asked for.
type Report struct {
	dcgan.Report
	Conditional *eval.ConditionalReport `json:"conditional"`
}

// Evaluate scores n samples of a conditional run, asked for each class in turn (noise drawn with seed): the
// classifier's scores, the conditional accuracy (samples the classifier assigns to the requested label), per
// class, and each class's Fréchet distance to its test images.
func Evaluate(t *gan.Trainer, n int, seed uint64) (*Report, error) {
	clf, err := eval.LoadClassifier(t.Backend, t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	flat, lat, err := t.Sample(n, seed)
	if err != nil {
		return nil, err
	}
	rep := &Report{Report: dcgan.Report{Dataset: t.Config.Dataset, Step: t.GlobalStep()}}
	if rep.Samples, err = clf.Score(flat, n); err != nil {
		return nil, err
	}
	rep.Conditional, err = clf.ConditionalScores(flat, n, lat.Labels)
	return rep, err
}
