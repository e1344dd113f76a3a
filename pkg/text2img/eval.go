// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"math"
	"math/rand/v2"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// Attributes is how often images show what their captions ask for (capmnist): the digit (pkg/eval's MNIST
// classifier on the grey image), the colour (MeasureColour), both, and the stroke words where a caption says
// one (captions.Measure's buckets).
type Attributes struct {
	N         int     `json:"n"`
	Digit     float64 `json:"digit"`
	Colour    float64 `json:"colour"`
	Both      float64 `json:"digit_and_colour"`
	Thickness float64 `json:"thickness"`   // among the ThicknessN captions that say thin or thick
	ThickN    int     `json:"thickness_n"` //
	Slant     float64 `json:"slant"`       // among the SlantN captions that say a lean
	SlantN    int     `json:"slant_n"`     //
}

// Report is what Evaluate measures.
type Report struct {
	Run     string `json:"run,omitempty"`
	Dataset string `json:"dataset"`
	Step    int64  `json:"step"`
	Samples int    `json:"samples"` // one per test caption

	// capmnist: the samples for captions of seen (digit, colour) combinations and of held-out ones, and the
	// same measures on the real test images behind those captions (what the measures themselves get right).
	Seen        *Attributes `json:"seen,omitempty"`
	HeldOut     *Attributes `json:"held_out,omitempty"`
	RealSeen    *Attributes `json:"real_seen,omitempty"`
	RealHeldOut *Attributes `json:"real_held_out,omitempty"`

	// With an evaluation encoder (trained apart from the run's): R-precision (the sample's caption ranks first
	// among 100: it and 99 captions of test images it does not match), on samples and on the real images; the
	// Fréchet distance between the evaluator's image features of the samples and of the real test images.
	RPrecision float64 `json:"r_precision,omitempty"`
	// RPrecisionHeldOut is R-precision on the held-out (digit, colour) combinations alone (capmnist).
	RPrecisionHeldOut float64 `json:"r_precision_held_out,omitempty"`
	RealRPrecision    float64 `json:"real_r_precision,omitempty"`
	FrechetDistance   float64 `json:"frechet_distance,omitempty"`
	Evaluator         string  `json:"evaluator,omitempty"`

	// Diversity: the mean RMS pixel distance (in [0, 1]) between two of 8 samples of one caption, over 50 test
	// captions (0: G ignores the noise); RealDiversity the same between 8 real test images of one digit and colour
	// (capmnist), the spread the captions leave open.
	Diversity     float64 `json:"diversity"`
	RealDiversity float64 `json:"real_diversity,omitempty"`

	// D's mismatch AUC: the chance that D scores a real test image with its own caption above a real image with
	// a wrong one (0.5: D ignores the text).
	MismatchAUC float64 `json:"mismatch_auc"`

	// emoji: memorisation, the mean distance (RMS over pixels, in [0, 1]) from each sample to its nearest
	// training image, next to the same for real test images.
	// Checkerboard is the share of the samples' variance at the frequencies of period two (eval.CheckerboardShare:
	// the transposed convolution's artifact), RealCheckerboard the same for the real test images.
	Checkerboard     float64 `json:"checkerboard"`
	RealCheckerboard float64 `json:"real_checkerboard"`

	NearestTrain     float64 `json:"nearest_train,omitempty"`
	RealNearestTrain float64 `json:"real_nearest_train,omitempty"`

	// Judge is what ganbook's emoji judge says of the samples (emoji only).
	Judge *EmojiJudge `json:"judge,omitempty"`

	Provenance *eval.Provenance `json:"provenance,omitempty"`
}

// EvalOptions are Evaluate's.
type EvalOptions struct {
	N         int              // test captions (samples): 1000
	Seed      uint64           // of the noise and the choice of captions
	Evaluator *textenc.Encoder // an encoder trained apart from the run's (nil: no R-precision, no Fréchet distance)
	EvalDir   string           // where Evaluator came from, for the report
	Backend   compute.Backend  // of pkg/eval's classifier (Evaluate: the run's)
}

// A Drawer is what EvaluateDrawer measures: a text-to-image model that draws images for captions, and its
// matching-aware D.
type Drawer interface {
	// Draw is one image per caption (flat, [-1, 1]) at side×side, the noise drawn with seed.
	Draw(capts []string, seed uint64) (images []float32, side int, err error)
	// Judge is D's raw score on the test images test (indices into the model's test split) under capts, one
	// caption each; nil and no error for a model without such a D.
	Judge(test []int, capts []string) ([]float64, error)
}

// Evaluate scores a text-to-image run on its dataset's test split: one sample per test caption (variant 0),
// for capmnist half from seen and half from held-out combinations.
func Evaluate(t *gan.Trainer, o EvalOptions) (*Report, error) {
	if _, ok := t.Config.Family.(*Config); !ok {
		return nil, errors.Errorf("text2img: not a text-to-image run: %s", t.Config.FamilyName())
	}
	if o.Backend == nil {
		o.Backend = t.Backend
	}
	rep, err := EvaluateDrawer(RunDrawer(t), t.Config.Dataset, o)
	if err != nil {
		return nil, err
	}
	rep.Step = t.GlobalStep()
	return rep, nil
}

// RunDrawer is a text-to-image run as a Drawer: Sample and Verdicts.
func RunDrawer(t *gan.Trainer) Drawer { return runDrawer{t} }

type runDrawer struct{ t *gan.Trainer }

func (r runDrawer) Draw(capts []string, seed uint64) ([]float32, int, error) {
	images, err := Sample(r.t, capts, seed)
	return images, r.t.Config.Family.Shape().Height, err
}

func (r runDrawer) Judge(idx []int, capts []string) ([]float64, error) {
	test, err := captions.Open(r.t.Config.Dataset, "test")
	if err != nil {
		return nil, err
	}
	return Verdicts(r.t, test.Images().ImagesFloat(idx), capts)
}

// EvaluateDrawer scores d, a model of the captioned dataset (capmnist, emoji or a resized one), on the test split
// of the dataset it was made from (captions.Base): images of another size are resized to that one
// (captions.ResizeFlat), the size pkg/eval's classifier and the evaluation encoders read.
func EvaluateDrawer(d Drawer, dataset string, o EvalOptions) (*Report, error) {
	if o.N <= 0 {
		o.N = 1000
	}
	if o.Backend == nil {
		return nil, errors.New("text2img: EvaluateDrawer needs EvalOptions.Backend (for the digit classifier)")
	}
	base := captions.Base(dataset)
	test, err := captions.Open(base, "test")
	if err != nil {
		return nil, err
	}
	set := test.Images()
	draw := func(capts []string, seed uint64) ([]float32, error) {
		images, side, err := d.Draw(capts, seed)
		if err != nil || side == set.Height {
			return images, err
		}
		return captions.ResizeFlat(images, len(capts), side, set.Channels, set.Height), nil
	}
	o.N = min(o.N, set.N)
	rng := rand.New(rand.NewPCG(o.Seed, 0x6576616c))
	idx := chooseTest(test, o.N, rng)
	capts := make([]string, len(idx))
	for k, i := range idx {
		capts[k] = test.Caption(i, 0)
	}
	samples, err := draw(capts, o.Seed)
	if err != nil {
		return nil, err
	}
	real := set.ImagesFloat(idx)
	rep := &Report{Dataset: dataset, Samples: len(idx), Evaluator: o.EvalDir,
		Checkerboard:     eval.CheckerboardShare(samples, len(idx), set.Height, set.Width, set.Channels),
		RealCheckerboard: eval.CheckerboardShare(real, len(idx), set.Height, set.Width, set.Channels)}
	if cm, ok := test.(*captions.Set); ok {
		clf, err := eval.LoadClassifier(o.Backend, "mnist")
		if err != nil {
			return nil, err
		}
		for _, which := range []struct {
			images []float32
			seen   **Attributes
			held   **Attributes
		}{{samples, &rep.Seen, &rep.HeldOut}, {real, &rep.RealSeen, &rep.RealHeldOut}} {
			seen, held, err := attributes(clf, cm, idx, capts, which.images)
			if err != nil {
				return nil, err
			}
			*which.seen, *which.held = seen, held
		}
	}
	size := set.Height * set.Width * set.Channels
	if o.Evaluator != nil {
		var hits []bool
		if rep.RPrecision, hits, rep.FrechetDistance, err = rPrecision(o.Evaluator, test, idx, samples, real, rng); err != nil {
			return nil, err
		}
		if rep.RealRPrecision, _, _, err = rPrecision(o.Evaluator, test, idx, real, real, rand.New(rand.NewPCG(o.Seed, 0x6576616c))); err != nil {
			return nil, err
		}
		if cm, ok := test.(*captions.Set); ok {
			n := 0
			for k, i := range idx {
				if captions.HeldOut(int(cm.Digits[i]), int(cm.Colours[i])) {
					n++
					rep.RPrecisionHeldOut += b2f(hits[k])
				}
			}
			if n > 0 {
				rep.RPrecisionHeldOut /= float64(n)
			}
		}
	}
	if rep.MismatchAUC, err = mismatchAUC(d, test, idx, rng); err != nil {
		return nil, err
	}
	if rep.Diversity, rep.RealDiversity, err = diversity(draw, test, idx, o.Seed); err != nil {
		return nil, err
	}
	if _, isCap := test.(*captions.Set); !isCap {
		train, err := captions.Open(base, "train")
		if err != nil {
			return nil, err
		}
		everyIndex := make([]int, train.Images().N)
		for i := range everyIndex {
			everyIndex[i] = i
		}
		all := train.Images().ImagesFloat(everyIndex)
		m := min(300, len(idx))
		rep.NearestTrain = nearest(samples[:m*size], m, all, train.Images().N, size)
		rep.RealNearestTrain = nearest(real[:m*size], m, all, train.Images().N, size)
		if base == "emoji" {
			if rep.Judge, err = judgeEmoji(o, test, idx, capts, samples, real, rng); err != nil {
				return nil, err
			}
		}
	}
	return rep, nil
}

// chooseTest picks n test images: for capmnist half of seen and half of held-out combinations, else any.
func chooseTest(test captions.Captioned, n int, rng *rand.Rand) []int {
	perm := rng.Perm(test.Images().N)
	cm, ok := test.(*captions.Set)
	if !ok {
		return perm[:n]
	}
	var seen, held []int
	for _, i := range perm {
		if captions.HeldOut(int(cm.Digits[i]), int(cm.Colours[i])) {
			if len(held) < n/2 {
				held = append(held, i)
			}
		} else if len(seen) < n-n/2 {
			seen = append(seen, i)
		}
	}
	return append(seen, held...)
}

// attributes measures images (flat, one per caption of test image idx[k]) against what the captions ask.
func attributes(clf *eval.Classifier, cm *captions.Set, idx []int, capts []string, images []float32) (seen, held *Attributes, err error) {
	const size = captions.Side * captions.Side * 3
	grey := make([]float32, 0, len(idx)*784)
	greys := make([][]uint8, len(idx))
	for k := range idx {
		greys[k] = captions.Grey(images[k*size : (k+1)*size])
		for _, v := range greys[k] {
			grey = append(grey, float32(v)/127.5-1)
		}
	}
	probs, _, err := clf.Predict(grey, len(idx))
	if err != nil {
		return nil, nil, err
	}
	seen, held = &Attributes{}, &Attributes{}
	for k, i := range idx {
		a := seen
		if captions.HeldOut(int(cm.Digits[i]), int(cm.Colours[i])) {
			a = held
		}
		a.N++
		digit := eval.Argmax(probs[k]) == int(cm.Digits[i])
		colour := captions.MeasureColour(images[k*size:(k+1)*size]) == int(cm.Colours[i])
		a.Digit += b2f(digit)
		a.Colour += b2f(colour)
		a.Both += b2f(digit && colour)
		thick, lean := captions.Asked(capts[k])
		m := captions.Measure(greys[k])
		if thick != "" {
			a.ThickN++
			a.Thickness += b2f(m.Thick == thick)
		}
		if lean != "" {
			a.SlantN++
			a.Slant += b2f(m.Lean == lean)
		}
	}
	for _, a := range []*Attributes{seen, held} {
		if a.N > 0 {
			a.Digit, a.Colour, a.Both = a.Digit/float64(a.N), a.Colour/float64(a.N), a.Both/float64(a.N)
		}
		if a.ThickN > 0 {
			a.Thickness /= float64(a.ThickN)
		}
		if a.SlantN > 0 {
			a.Slant /= float64(a.SlantN)
		}
	}
	return seen, held, nil
}

// rPrecision is the share of images (one per caption of test image idx[k]) whose caption the evaluator ranks
// first among it and 99 captions of test images it does not match, and the Fréchet distance between the
// evaluator's features of images and of real.
func rPrecision(ev *textenc.Encoder, test captions.Captioned, idx []int, images, real []float32, rng *rand.Rand) (float64, []bool, float64, error) {
	n := len(idx)
	m := test.Images().N
	const candidates = 100
	all := make([]string, 0, n*candidates)
	for k, i := range idx {
		all = append(all, test.Caption(i, 0))
		for len(all) < (k+1)*candidates {
			j := rng.IntN(m)
			if test.Mismatch(i, j) && test.Mismatch(j, i) {
				all = append(all, test.Caption(j, 0))
			}
		}
	}
	txt, err := ev.Embed(all)
	if err != nil {
		return 0, nil, 0, err
	}
	img, err := ev.EmbedImages(textenc.ScopeImage, images, n)
	if err != nil {
		return 0, nil, 0, err
	}
	hits := 0
	hit := make([]bool, n)
	for k := range n {
		own := dot(img[k], txt[k*candidates])
		first := true
		for _, t := range txt[k*candidates+1 : (k+1)*candidates] {
			if dot(img[k], t) >= own {
				first = false
				break
			}
		}
		if first {
			hits++
			hit[k] = true
		}
	}
	ref, err := ev.EmbedImages(textenc.ScopeImage, real, n)
	if err != nil {
		return 0, nil, 0, err
	}
	fd, err := eval.FrechetDistance(to64(img), to64(ref))
	if err != nil {
		return 0, nil, 0, err
	}
	return float64(hits) / float64(n), hit, fd, nil
}

// MismatchAUC is the chance that the run's D scores a real test image with its own caption (variant 0) above
// another real test image with a caption that does not describe it: 0.5 for a D that ignores the text, 1 for
// one that always tells.
func MismatchAUC(t *gan.Trainer, test captions.Captioned, idx []int, rng *rand.Rand) (float64, error) {
	return mismatchAUC(RunDrawer(t), test, idx, rng)
}

// mismatchAUC is MismatchAUC for a Drawer's D (0 when it has none).
func mismatchAUC(d Drawer, test captions.Captioned, idx []int, rng *rand.Rand) (float64, error) {
	right, wrong := rightAndWrong(test, idx, rng)
	sr, err := d.Judge(idx, right)
	if err != nil || sr == nil {
		return 0, err
	}
	sw, err := d.Judge(idx, wrong)
	if err != nil {
		return 0, err
	}
	return eval.AUC(sr, sw), nil
}

// rightAndWrong are, for each test image idx[k], its caption (variant 0) and the caption of a test image it
// does not match.
func rightAndWrong(test captions.Captioned, idx []int, rng *rand.Rand) (right, wrong []string) {
	m := test.Images().N
	right, wrong = make([]string, len(idx)), make([]string, len(idx))
	for k, i := range idx {
		right[k] = test.Caption(i, 0)
		j := rng.IntN(m)
		for !(test.Mismatch(i, j) && test.Mismatch(j, i)) {
			j = rng.IntN(m)
		}
		wrong[k] = test.Caption(j, 0)
	}
	return right, wrong
}

// Verdicts is the run's D on images (flat, one per caption) under the captions' embeddings: raw scores (logits
// for the sigmoid losses).
func Verdicts(t *gan.Trainer, images []float32, capts []string) ([]float64, error) {
	c, err := textConfig(t)
	if err != nil {
		return nil, err
	}
	emb, err := EmbedCaptions(t, capts)
	if err != nil {
		return nil, err
	}
	d := c.Encoder.Embed
	return t.Discriminate(images, len(capts), func(first, n, batch int) *tensors.Tensor {
		flat := make([]float32, batch*d)
		for k := range n {
			copy(flat[k*d:], emb[first+k])
		}
		return tensors.FromFlatDataAndDimensions(flat, batch, d)
	})
}

// Pairs is what D says of GAN-CLS's three pairs on n test images: the mean of σ(D) (for the sigmoid losses;
// the raw score otherwise) on {real image, its caption}, {real image, a wrong caption} and {G's image for the
// caption, the caption}, and the two AUCs that summarise them.
type Pairs struct {
	N                                   int
	RealRight, RealWrong, FakeRight     float64
	MismatchAUC, RealFakeAUC            float64 // right vs wrong text on real images; real vs fake under the right text
	RealRightAll, RealWrongAll, FakeAll []float64
}

// PairVerdicts asks the run's D about the three pairs on n test images chosen with seed (which also draws G's
// noise and the wrong captions).
func PairVerdicts(t *gan.Trainer, n int, seed uint64) (*Pairs, error) {
	test, err := captions.Open(t.Config.Dataset, "test")
	if err != nil {
		return nil, err
	}
	n = min(n, test.Images().N)
	rng := rand.New(rand.NewPCG(seed, 0x70616972))
	idx := rng.Perm(test.Images().N)[:n]
	right, wrong := rightAndWrong(test, idx, rng)
	real := test.Images().ImagesFloat(idx)
	fake, err := Sample(t, right, seed)
	if err != nil {
		return nil, err
	}
	p := &Pairs{N: n}
	if p.RealRightAll, err = Verdicts(t, real, right); err != nil {
		return nil, err
	}
	if p.RealWrongAll, err = Verdicts(t, real, wrong); err != nil {
		return nil, err
	}
	if p.FakeAll, err = Verdicts(t, fake, right); err != nil {
		return nil, err
	}
	mean := func(v []float64) float64 {
		var s float64
		for _, x := range v {
			if gan.IsSigmoidLoss(t.Config.Loss) {
				x = 1 / (1 + math.Exp(-x))
			}
			s += x
		}
		return s / float64(len(v))
	}
	p.RealRight, p.RealWrong, p.FakeRight = mean(p.RealRightAll), mean(p.RealWrongAll), mean(p.FakeAll)
	p.MismatchAUC, p.RealFakeAUC = eval.AUC(p.RealRightAll, p.RealWrongAll), eval.AUC(p.RealRightAll, p.FakeAll)
	return p, nil
}

// EmbedCaptions is the run's own (frozen) encoder on captions: the embeddings G and D read.
func EmbedCaptions(t *gan.Trainer, capts []string) ([][]float32, error) {
	c, err := textConfig(t)
	if err != nil {
		return nil, err
	}
	l, d := c.Encoder.MaxLen, c.Encoder.Embed
	codes, err := textenc.EncodeAll(capts, l)
	if err != nil {
		return nil, err
	}
	exec, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, x *Node) *Node { return c.Embed(scope.Store(), x) })
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	out, err := textenc.EmbedBatches(exec, len(capts), d, func(first, m int) *tensors.Tensor { return textenc.CodesChunk(codes, l, first, m) })
	return out, errors.WithMessage(err, "text2img: the run's encoder (does the checkpoint hold it?)")
}

// nearest is the mean over the n images of the RMS pixel distance (values mapped to [0, 1]) to the nearest of
// the m images of all.
func nearest(images []float32, n int, all []float32, m, size int) float64 {
	var total float64
	for k := range n {
		x := images[k*size : (k+1)*size]
		best := math.Inf(1)
		for j := range m {
			y := all[j*size : (j+1)*size]
			var d float64
			for p := range size {
				diff := float64(x[p] - y[p])
				d += diff * diff
				if d >= best {
					break
				}
			}
			best = min(best, d)
		}
		total += math.Sqrt(best/float64(size)) / 2 // [-1, 1] → [0, 1]
	}
	return total / float64(n)
}

func to64(rows [][]float32) [][]float64 {
	out := make([][]float64, len(rows))
	for i, r := range rows {
		out[i] = make([]float64, len(r))
		for j, v := range r {
			out[i][j] = float64(v)
		}
	}
	return out
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// diversity is the mean pairwise RMS distance among 8 samples for each of (up to) 50 of the test captions of
// idx, and, for capmnist, among 8 real test images of each of those captions' digit and colour.
func diversity(draw func([]string, uint64) ([]float32, error), test captions.Captioned, idx []int, seed uint64) (samples, real float64, err error) {
	const k = 8
	n := min(50, len(idx))
	var capts []string
	for _, i := range idx[:n] {
		for range k {
			capts = append(capts, test.Caption(i, 0))
		}
	}
	flat, err := draw(capts, seed+1)
	if err != nil {
		return 0, 0, err
	}
	set := test.Images()
	size := set.Height * set.Width * set.Channels
	spread := func(images []float32) float64 { return eval.Spread(images, k, size) }
	for g := range n {
		samples += spread(flat[g*k*size : (g+1)*k*size])
	}
	samples /= float64(n)
	cm, ok := test.(*captions.Set)
	if !ok {
		return samples, 0, nil
	}
	groups := 0
	for _, i := range idx[:n] {
		var same []int
		for j := 0; j < cm.N && len(same) < k; j++ {
			if cm.Digits[j] == cm.Digits[i] && cm.Colours[j] == cm.Colours[i] {
				same = append(same, j)
			}
		}
		if len(same) == k {
			real += spread(set.ImagesFloat(same))
			groups++
		}
	}
	if groups > 0 {
		real /= float64(groups)
	}
	return samples, real, nil
}
