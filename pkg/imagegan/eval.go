// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"fmt"
	"io"
	"math"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// Scores are the three measures of a set of images against the true ones.
type Scores struct {
	Name     string  `json:"name"`     // "model", or the baseline's name
	PSNR     float64 `json:"psnr_db"`  // mean PSNR over the images, each capped at MaxPSNR
	SSIM     float64 `json:"ssim"`     // mean SSIM over the images
	Accuracy float64 `json:"accuracy"` // fraction the dataset's classifier assigns to the true label
}

// Report is what Evaluate measures on the first N test images.
type Report struct {
	Run     string `json:"run,omitempty"`
	Family  string `json:"family"`
	Task    string `json:"task"`
	Scale   int    `json:"scale,omitempty"`
	Dataset string `json:"dataset"`
	Step    int64  `json:"step"`
	N       int    `json:"n"`

	Model Scores `json:"model"`
	// Baselines are what needs no training: for srgan the input upsampled by repeating pixels ("nearest") and
	// by bilinear interpolation ("bilinear"); for pix2pix the input itself ("input": the masked digit, or the
	// edge map).
	Baselines []Scores `json:"baselines"`
	// TargetAccuracy is the classifier's accuracy on the true images: the ceiling for Accuracy.
	TargetAccuracy float64 `json:"target_accuracy"`

	Provenance *eval.Provenance `json:"provenance,omitempty"`
}

// Baseline names.
const (
	BaselineNearest  = "nearest"
	BaselineBilinear = "bilinear"
	BaselineInput    = "input"
)

// Evaluate scores the Trainer's generator on the first n images of its dataset's test split (all of them if n
// is larger): G's outputs from the inputs TestInputs makes (inpainting masks drawn with EvalSeed) against the
// true images, by PSNR, SSIM and the accuracy of pkg/eval's classifier of the dataset on the outputs, next to
// the same numbers for the baselines and the classifier's accuracy on the true images.
func Evaluate(t *gan.Trainer, n int) (*Report, error) {
	cfg, err := family(t)
	if err != nil {
		return nil, err
	}
	test, err := cfg.testSet(t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	return evaluateOn(t, test, n)
}

func evaluateOn(t *gan.Trainer, test *data.Set, n int) (*Report, error) {
	cfg, err := family(t)
	if err != nil {
		return nil, err
	}
	if n <= 0 {
		return nil, errors.Errorf("imagegan: Evaluate needs n > 0 test images, got %d", n)
	}
	n = min(n, test.N)
	idx := make([]int, n)
	labels := make([]int, n)
	for i := range idx {
		idx[i], labels[i] = i, int(test.Labels[i])
	}
	inputs, targets := cfg.TestInputs(test, idx)
	outputs, err := t.GenerateFlat(inputs, n)
	if err != nil {
		return nil, err
	}
	clf, err := eval.LoadClassifier(t.Backend, t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	rep := &Report{Family: cfg.Family, Task: cfg.Task, Dataset: t.Config.Dataset, Step: t.GlobalStep(), N: n}
	if cfg.Family == FamilySRGAN {
		rep.Scale = cfg.Scale
	}
	score := func(name string, images []float32) (Scores, error) {
		s, err := ScoreImages(clf, images, targets, labels, n)
		s.Name = name
		return s, err
	}
	if rep.Model, err = score("model", outputs); err != nil {
		return nil, err
	}
	type named struct {
		name   string
		images []float32
	}
	baselines := []named{{BaselineInput, inputs}}
	if cfg.Family == FamilySRGAN {
		s, f := cfg.InputSize(), cfg.Scale
		nearest := func(img []float32) []float32 { return UpsampleNearest(img, s, s, f) }
		bilinear := func(img []float32) []float32 { return UpsampleBilinear(img, s, s, f) }
		baselines = []named{{BaselineNearest, mapImages(inputs, n, s, nearest)}, {BaselineBilinear, mapImages(inputs, n, s, bilinear)}}
	}
	for _, bl := range baselines {
		s, err := score(bl.name, bl.images)
		if err != nil {
			return nil, err
		}
		rep.Baselines = append(rep.Baselines, s)
	}
	if rep.TargetAccuracy, err = accuracy(clf, targets, labels, n); err != nil {
		return nil, err
	}
	rep.Provenance = &eval.Provenance{N: n, Seed: EvalSeed, Reference: fmt.Sprintf("the first %d images of %s's test split", n, t.Config.Dataset),
		Judges: []eval.Judge{eval.ClassifierJudge(clf, "accuracy")}}
	return rep, nil
}

// DefaultEvalN is the number of test images `ganbook eval` scores a pix2pix or SRGAN run on.
const DefaultEvalN = 10000

// Evaluate is ganbook eval's scoring of a pix2pix or SRGAN run: Evaluate's Report on the first o.N test images.
func (c *Config) Evaluate(t *gan.Trainer, o gan.EvalOptions) (gan.Report, error) {
	n := o.N
	if n == 0 {
		n = DefaultEvalN
	}
	r, err := Evaluate(t, n)
	if err != nil {
		return nil, err
	}
	r.Run, r.Provenance.Command = o.Run, fmt.Sprintf("ganbook eval --run %s --n %d", o.Run, n)
	return r, nil
}

// WriteText writes the model's scores next to its baselines'.
func (r *Report) WriteText(w io.Writer) error {
	task := r.Task
	if r.Family == FamilySRGAN {
		task = fmt.Sprintf("x%d", r.Scale)
	}
	fmt.Fprintf(w, "%s (%s) on %s, step %d, the first %d test images (PSNR and SSIM against the true images, on [0, 1] pixels):\n",
		r.Family, task, r.Dataset, r.Step, r.N)
	fmt.Fprintf(w, "  %-20s %9s %7s %20s\n", "", "PSNR (dB)", "SSIM", "classifier accuracy")
	for _, s := range append([]Scores{r.Model}, r.Baselines...) {
		name := s.Name
		if name != "model" {
			name += " (baseline)"
		}
		fmt.Fprintf(w, "  %-20s %9.2f %7.3f %19.2f%%\n", name, s.PSNR, s.SSIM, 100*s.Accuracy)
	}
	fmt.Fprintf(w, "  %-20s %9s %7s %19.2f%%\n", "true images", "-", "-", 100*r.TargetAccuracy)
	if r.Provenance != nil {
		fmt.Fprintln(w, r.Provenance.Line())
	}
	return nil
}

// ScoreImages measures n 28×28 images (flat, [-1, 1]) against the true ones: the mean PSNR (each image's
// capped at MaxPSNR) and SSIM, and the fraction of images the classifier assigns to labels.
func ScoreImages(clf *eval.Classifier, images, targets []float32, labels []int, n int) (Scores, error) {
	const size = ImageSize * ImageSize
	if len(images) != n*size || len(targets) != n*size || len(labels) != n || n == 0 {
		return Scores{}, errors.Errorf("imagegan: scoring needs n > 0 images and targets of %d values and n labels", size)
	}
	var s Scores
	for i := range n {
		img, ref := images[i*size:(i+1)*size], targets[i*size:(i+1)*size]
		s.PSNR += math.Min(PSNR(img, ref), MaxPSNR)
		s.SSIM += SSIM(img, ref, ImageSize, ImageSize)
	}
	s.PSNR /= float64(n)
	s.SSIM /= float64(n)
	var err error
	s.Accuracy, err = accuracy(clf, images, labels, n)
	return s, err
}

// accuracy is the fraction of the n images whose most probable class is their label.
func accuracy(clf *eval.Classifier, images []float32, labels []int, n int) (float64, error) {
	probs, _, err := clf.Predict(images, n)
	if err != nil {
		return 0, err
	}
	correct := 0
	for i, p := range probs {
		best := 0
		for k, v := range p {
			if v > p[best] {
				best = k
			}
		}
		if best == labels[i] {
			correct++
		}
	}
	return float64(correct) / float64(n), nil
}
