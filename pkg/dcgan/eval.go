// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"fmt"
	"io"

	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
)

// Report is what Evaluate measures: the samples scored by the dataset's classifier (pkg/eval).
type Report struct {
	Run        string           `json:"run,omitempty"`
	Dataset    string           `json:"dataset"`
	Step       int64            `json:"step"`
	Samples    *eval.Scores     `json:"samples"`
	Provenance *eval.Provenance `json:"provenance,omitempty"`
}

// EvalCommand is the command that prints a report of run again: `ganbook eval --run DIR --n N --seed S`, with
// the extra flags given.
func EvalCommand(run string, n int, seed uint64, extra ...string) string {
	cmd := fmt.Sprintf("ganbook eval --run %s --n %d --seed %d", run, n, seed)
	for _, e := range extra {
		cmd += " " + e
	}
	return cmd
}

// DefaultEvalN is the number of samples `ganbook eval` scores for a family that draws images from noise.
const DefaultEvalN = 10000

// Evaluate is ganbook eval's scoring of a GAN or DCGAN run: Evaluate's Report, with its provenance.
func (c *Config) Evaluate(t *gan.Trainer, o gan.EvalOptions) (gan.Report, error) {
	n := o.N
	if n == 0 {
		n = DefaultEvalN
	}
	s, err := ScoreSamples(t, n, o.Seed)
	if err != nil {
		return nil, err
	}
	s.Report.Provenance.Command, s.Report.Run = EvalCommand(o.Run, n, o.Seed), o.Run
	return &s.Report, nil
}

// WriteText writes the samples' scores in one line, and the provenance.
func (r *Report) WriteText(w io.Writer) error {
	s := r.Samples
	fmt.Fprintf(w, "samples (%s, n=%d): classifier score %.2f, Fréchet distance %.2f, %d classes covered, histogram %v\n",
		r.Dataset, s.N, s.ClassifierScore, s.FrechetDistance, s.ClassesCovered, s.ClassHistogram)
	if r.Provenance != nil {
		fmt.Fprintln(w, r.Provenance.Line())
	}
	return nil
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
	p := &eval.Provenance{N: n, Seed: seed, Reference: t.Config.Dataset + "'s test split",
		Judges: []eval.Judge{eval.ClassifierJudge(clf, "classifier score, Fréchet distance, classes")}}
	return &Scored{Report: Report{Dataset: t.Config.Dataset, Step: t.GlobalStep(), Samples: scores, Provenance: p},
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
