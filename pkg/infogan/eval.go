// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"fmt"
	"image"
	"io"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // Q's inference graph.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// CodeReport is the unsupervised classification accuracy of the first categorical code (Chen et al. 2016,
// section 7.2: about 5% error on MNIST): each code value mapped one-to-one to the class it best matches (the
// Hungarian algorithm on the confusion matrix).
type CodeReport struct {
	// Generated: samples generated with each code value, classified by pkg/eval's classifier.
	GeneratedAccuracy  float64 `json:"generated_accuracy"`
	GeneratedMapping   []int   `json:"generated_mapping"` // class of each code value
	GeneratedConfusion [][]int `json:"generated_confusion"`
	// Real: the test set's images, their code read by Q (sharing D's trunk), against their true labels.
	RealAccuracy  float64 `json:"real_accuracy"`
	RealMapping   []int   `json:"real_mapping"`
	RealConfusion [][]int `json:"real_confusion"`
	RealN         int     `json:"real_n"`
}

// Report is what Evaluate measures: the samples' scores and the code's accuracy.
type Report struct {
	dcgan.Report
	Code *CodeReport `json:"infogan"`
}

// Evaluate scores n samples of an InfoGAN run (drawn with seed) with the dataset's classifier, and its first
// categorical code as a classifier, on the samples and, through Q, on the whole test set.
func Evaluate(t *gan.Trainer, n int, seed uint64) (*Report, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok || len(c.Info.Categorical) == 0 {
		return nil, errors.Errorf("infogan: %s is not an InfoGAN with a categorical code", t.Config.FamilyName())
	}
	s, err := dcgan.ScoreSamples(t, n, seed)
	if err != nil {
		return nil, err
	}
	test, err := data.Load(t.Config.Dataset, "test")
	if err != nil {
		return nil, err
	}
	rep := &Report{Report: s.Report}
	rep.Code, err = CodeAccuracy(t, s.Classifier, s.Images, s.Latent.Labels, test)
	return rep, err
}

// CodeAccuracy scores the first categorical code as a classifier: the samples (flat, generated with the code
// values codes) classified by clf, and the images of test read by Q against their labels.
func CodeAccuracy(t *gan.Trainer, clf *eval.Classifier, samples []float32, codes []int, test *data.Set) (*CodeReport, error) {
	c := t.Config.Family.(*Config)
	k := c.Info.Categorical[0]
	var r CodeReport
	var err error
	if r.GeneratedAccuracy, r.GeneratedMapping, r.GeneratedConfusion, err = clf.CodeAccuracy(samples, len(codes), codes, k); err != nil {
		return nil, err
	}
	idx := make([]int, test.N)
	truth := make([]int, test.N)
	for i := range idx {
		idx[i], truth[i] = i, int(test.Labels[i])
	}
	pred, err := PredictCodes(t, test.ImagesFloat(idx), test.N)
	if err != nil {
		return nil, err
	}
	r.RealN = test.N
	r.RealConfusion = eval.Confusion(pred, truth, k, len(test.ClassNames))
	r.RealMapping, r.RealAccuracy = eval.BestMapping(r.RealConfusion)
	return &r, nil
}

// PredictCodes returns, for each of n images (flat [n·H·W·C] in [-1, 1]), the value of the first categorical
// code that Q reads from it (the argmax of its logits), in inference mode: with the codes learned without
// labels, Q is an unsupervised classifier of real images.
func PredictCodes(t *gan.Trainer, images []float32, n int) ([]int, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok || len(c.Info.Categorical) == 0 {
		return nil, errors.New("infogan: PredictCodes needs an InfoGAN with a categorical code")
	}
	s := c.Shape()
	if len(images) != n*s.Size() {
		return nil, errors.Errorf("infogan: %d images of %dx%dx%d need %d values, got %d", n, s.Height, s.Width, s.Channels, n*s.Size(), len(images))
	}
	exec, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, x *Node) *Node {
		_, features := c.Discriminator(scope.In(gan.ScopeDiscriminator), x, nil)
		return ArgMax(c.Info.QHead(scope.At(gan.ScopeDiscriminator).At(ScopeQ), features).Logits[0], -1, dtypes.Int32)
	})
	if err != nil {
		return nil, errors.WithMessage(err, "infogan: building Q")
	}
	defer exec.Finalize()
	codes := make([]int, 0, n)
	err = gan.ForBatches(images, n, s.Size(), func(chunk []float32, _, m int) error {
		out, err := exec.Call(tensors.FromFlatDataAndDimensions(chunk, gan.EvalBatch, s.Height, s.Width, s.Channels))
		if err != nil {
			return errors.WithMessage(err, "infogan: running Q")
		}
		for _, v := range tensors.MustCopyFlatData[int32](out[0])[:m] {
			codes = append(codes, int(v))
		}
		out[0].MustFinalizeAll()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return codes, nil
}

// Traversal builds the generator inputs of a latent traversal (Chen et al. 2016, Figure 2), from one noise
// vector drawn with seed and the other codes at their centre (continuous codes 0, other categorical codes 0):
//
//   - cont ≥ 0: one row per value of the first categorical code, the continuous code cont swept from lo to hi
//     across cols columns (e.g. -2 to 2: beyond the training range [-1, 1], as the paper shows);
//   - cont < 0: one row per noise vector (rowsNoise of them, each drawn from seed+row), the first categorical
//     code's values across the columns.
//
// It returns the flat inputs [rows·cols·Shape().Input] and the grid's rows and cols.
func (c *Config) Traversal(cont, cols, rowsNoise int, lo, hi float64, seed uint64) (z []float32, rows, columns int, err error) {
	if len(c.Info.Categorical) == 0 {
		return nil, 0, 0, errors.New("infogan: a traversal needs a categorical code")
	}
	if cont >= c.Info.Continuous {
		return nil, 0, 0, errors.Errorf("infogan: continuous code %d does not exist: the run has %d", cont, c.Info.Continuous)
	}
	k := c.Info.Categorical[0]
	input := func(noise []float32, cat int, contValue float64) []float32 {
		v := append(make([]float32, 0, c.Shape().Input), noise...)
		for j, kc := range c.Info.Categorical {
			if j == 0 {
				v = gan.AppendOneHot(v, cat, kc)
			} else {
				v = gan.AppendOneHot(v, 0, kc)
			}
		}
		for j := range c.Info.Continuous {
			if j == cont {
				v = append(v, float32(contValue))
			} else {
				v = append(v, 0)
			}
		}
		return v
	}
	if cont < 0 {
		rows, columns = rowsNoise, k
		for r := range rows {
			noise := tensors.MustCopyFlatData[float32](gan.Noise(1, c.LatentDim, seed+uint64(r)))
			for j := range k {
				z = append(z, input(noise, j, 0)...)
			}
		}
		return z, rows, columns, nil
	}
	noise := tensors.MustCopyFlatData[float32](gan.Noise(1, c.LatentDim, seed))
	rows, columns = k, cols
	for r := range k {
		for j := range cols {
			x := lo
			if cols > 1 {
				x = lo + (hi-lo)*float64(j)/float64(cols-1)
			}
			z = append(z, input(noise, r, x)...)
		}
	}
	return z, rows, columns, nil
}

// TraversalGrid draws a traversal as a labelled picture: what `ganbook sample --traverse` writes. traverse is
// "categorical" (the first categorical code's values across, 8 noise vectors down) or "contJ" (continuous code
// J from -2 to 2 across 10 columns, one categorical value per row).
func TraversalGrid(t *gan.Trainer, traverse string, seed uint64) (image.Image, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("infogan: a traversal needs an InfoGAN run; this one is %s", t.Config.FamilyName())
	}
	cont := -1
	if traverse != "categorical" {
		if _, err := fmt.Sscanf(traverse, "cont%d", &cont); err != nil || cont < 0 || traverse != fmt.Sprintf("cont%d", cont) {
			return nil, errors.Errorf("infogan: unknown traversal %q: use categorical, cont0, cont1, ...", traverse)
		}
	}
	const cols, lo, hi = 10, -2, 2
	z, rows, columns, err := c.Traversal(cont, cols, 8, lo, hi, seed)
	if err != nil {
		return nil, err
	}
	flat, err := t.GenerateFlat(z, rows*columns)
	if err != nil {
		return nil, err
	}
	images := tensors.FromFlatDataAndDimensions(flat, rows*columns, c.Height, c.Width, c.Channels)
	var rowLabels, colLabels []string
	if cont < 0 {
		for j := range columns {
			colLabels = append(colLabels, fmt.Sprintf("c=%d", j))
		}
	} else {
		for r := range rows {
			rowLabels = append(rowLabels, fmt.Sprintf("c=%d", r))
		}
		colLabels = viz.RangeLabels("", lo, hi, columns)
	}
	return viz.TraversalGrid(images, rows, columns, rowLabels, colLabels, viz.GridOptions{Pad: 2, Scale: 2})
}

// Evaluate is ganbook eval's scoring of an InfoGAN run: Evaluate's Report, with its provenance.
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

// WriteText writes the samples' scores and the categorical code's accuracy.
func (r *Report) WriteText(w io.Writer) error {
	p := r.Provenance
	r.Provenance = nil // the provenance last
	defer func() { r.Provenance = p }()
	if err := r.Report.WriteText(w); err != nil {
		return err
	}
	c := r.Code
	fmt.Fprintf(w, "categorical code as a classifier (best one-to-one mapping of code values to classes):\n"+
		"  generated samples, classified by the evaluator: accuracy %.2f%% (code -> class %v)\n"+
		"  real test images, code read by Q: accuracy %.2f%% of %d (code -> class %v)\n",
		100*c.GeneratedAccuracy, c.GeneratedMapping, 100*c.RealAccuracy, c.RealN, c.RealMapping)
	if p != nil {
		fmt.Fprintln(w, p.Line())
	}
	return nil
}
