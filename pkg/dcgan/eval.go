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
	s, err := ScoreSamples(t, n, seed)
	if err != nil {
		return nil, err
	}
	return &s.Report, nil
}

// Scored is what ScoreSamples measured, with what a family's own scores go on from: the samples, the Latent
// they came from and the classifier.
type Scored struct {
	Report
	Images     []float32
	Latent     gan.Latent
	Classifier *eval.Classifier
}

// ScoreSamples draws n samples of the run with seed and scores them with the dataset's classifier.
func ScoreSamples(t *gan.Trainer, n int, seed uint64) (*Scored, error) {
	clf, err := eval.LoadClassifier(t.Backend, t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	flat, lat, err := t.Sample(n, seed)
	if err != nil {
		return nil, err
	}
	scores, err := clf.Score(flat, n)
	if err != nil {
		return nil, err
	}
	return &Scored{Report: Report{Dataset: t.Config.Dataset, Step: t.GlobalStep(), Samples: scores},
		Images: flat, Latent: lat, Classifier: clf}, nil
}

// ScoreImages scores n images of the run's dataset (flat, [-1, 1]) with its classifier: samples made some
// other way than Sample (a latent walk, an assignment's code).
func ScoreImages(t *gan.Trainer, images []float32, n int) (*eval.Scores, error) {
	clf, err := eval.LoadClassifier(t.Backend, t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	return clf.Score(images, n)
}
