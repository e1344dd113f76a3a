// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import (
	"fmt"
	"io"
	"math"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
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
	if _, ok := t.Config.Family.(*Config); !ok {
		return nil, errors.Errorf("cgan: not a conditional GAN run: %s", t.Config.FamilyName())
	}
	s, err := dcgan.ScoreSamples(t, n, seed)
	if err != nil {
		return nil, err
	}
	rep := &Report{Report: s.Report}
	rep.Conditional, err = s.Classifier.ConditionalScores(s.Images, n, s.Latent.Labels)
	return rep, err
}

// LabelTable is what a conditional D says of real images under every label: Prob[d][y] is the mean of σ(D(x, y))
// over the real images x of digit d given label y. D has learned the pairs when the right label (the
// diagonal) is the one it believes most.
type LabelTable struct {
	Prob [][]float64 `json:"prob"`
	// Right and Wrong are the means of the table on and off the diagonal.
	Right, Wrong float64
	// Rank[d] is the right label's rank among the labels of digit d (1: D's favourite).
	Rank []int
}

// LabelVerdicts asks a conditional run's D about the first n images of set under each label in turn.
func LabelVerdicts(t *gan.Trainer, set *data.Set, n int) (*LabelTable, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("cgan: not a conditional GAN run: %s", t.Config.FamilyName())
	}
	if n <= 0 {
		return nil, errors.Errorf("cgan: LabelVerdicts needs n > 0 images, got %d", n)
	}
	n = min(n, set.N)
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	images := set.ImagesFloat(idx)
	k := c.Classes
	tab := &LabelTable{Prob: make([][]float64, k), Rank: make([]int, k)}
	counts := make([]int, k)
	for i := range n {
		counts[set.Labels[i]]++
	}
	for d := range tab.Prob {
		tab.Prob[d] = make([]float64, k)
	}
	for y := range k {
		labels := make([]int, n)
		for i := range labels {
			labels[i] = y
		}
		out, err := Discriminate(t, images, labels)
		if err != nil {
			return nil, err
		}
		for i, v := range out {
			d := int(set.Labels[i])
			tab.Prob[d][y] += 1 / (1 + math.Exp(-v)) / float64(counts[d])
		}
	}
	for d := range k {
		tab.Rank[d] = 1
		for y := range k {
			if d == y {
				tab.Right += tab.Prob[d][y] / float64(k)
			} else {
				tab.Wrong += tab.Prob[d][y] / float64(k*(k-1))
			}
			if tab.Prob[d][y] > tab.Prob[d][d] {
				tab.Rank[d]++
			}
		}
	}
	return tab, nil
}

// Evaluate is ganbook eval's scoring of a conditional run: Evaluate's Report, with its provenance.
func (c *Config) Evaluate(t *gan.Trainer, o gan.EvalOptions) (gan.Report, error) {
	n := o.N
	if n == 0 {
		n = dcgan.DefaultEvalN
	}
	r, err := Evaluate(t, n, o.Seed)
	if err != nil {
		return nil, err
	}
	r.Run, r.Provenance.Command = o.Run, dcgan.EvalCommand(o.Run, n, o.Seed)
	return r, nil
}

// WriteText writes the samples' scores, the conditional accuracy and each class's.
func (r *Report) WriteText(w io.Writer) error {
	p := r.Provenance
	r.Provenance = nil // the provenance last
	defer func() { r.Provenance = p }()
	if err := r.Report.WriteText(w); err != nil {
		return err
	}
	c := r.Conditional
	fmt.Fprintf(w, "conditional accuracy (samples the classifier assigns to the requested label): %.2f%%\n", 100*c.Accuracy)
	for k := range c.PerClassAccuracy {
		name := fmt.Sprint(k)
		if k < len(c.ClassNames) {
			name = c.ClassNames[k]
		}
		fmt.Fprintf(w, "  %-12s accuracy %6.2f%%  Fréchet distance to its test images %7.1f\n", name, 100*c.PerClassAccuracy[k], c.PerClassFrechet[k])
	}
	if p != nil {
		fmt.Fprintln(w, p.Line())
	}
	return nil
}
