// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
)

// Report is what Evaluate measures: the samples scored by the dataset's classifier (pkg/eval).
type Report struct {
	Dataset string       `json:"dataset"`
	Step    int64        `json:"step"`
	Samples *eval.Scores `json:"samples"`
}

// Evaluate scores n samples of the run (noise drawn with seed) with its dataset's classifier: the classifier
// score (Inception Score), the Fréchet distance of the classifier's features against the test set, the class
// histogram and the classes covered. It serves any family whose samples are images of the dataset.
func Evaluate(t *gan.Trainer, n int, seed uint64) (*Report, error) {
	clf, err := eval.LoadClassifier(t.Backend, t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	flat, _, err := t.Sample(n, seed)
	if err != nil {
		return nil, err
	}
	scores, err := clf.Score(flat, n)
	if err != nil {
		return nil, err
	}
	return &Report{Dataset: t.Config.Dataset, Step: t.GlobalStep(), Samples: scores}, nil
}
