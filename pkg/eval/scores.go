// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"math"
	"math/rand/v2"
	"sort"

	"github.com/pkg/errors"

	"github.com/ganbook/ganbook/pkg/data"
)

// CoverageThreshold is the share of the samples a class needs to count in Scores.ClassesCovered: 1%, so a
// class needs at least 5 of 500 samples. A generator that drops a mode (mode collapse) covers fewer classes;
// a few stray samples of a class do not make it covered.
const CoverageThreshold = 0.01

// Scores rate a set of images (usually a GAN's samples) with a Classifier trained on the same dataset.
type Scores struct {
	// N is the number of images scored.
	N int `json:"n"`

	// ClassifierScore is the Inception Score (Salimans et al. 2016, "Improved Techniques for Training GANs",
	// arXiv 1606.03498, section 4) computed with this classifier instead of Inception v3:
	//
	//	exp(E_x KL(p(y|x) || p(y))),  p(y) = E_x p(y|x)
	//
	// It is high when each image is classified confidently (p(y|x) peaked) and the classes are evenly used
	// (p(y) flat). It lies in [1, 10] for 10 classes: 1 when every image gets the same distribution, 10 when
	// each image is certain and the classes are equally frequent. It is computed on the whole set in one split
	// (the paper averages 10 splits of 5,000). See InceptionScore.
	ClassifierScore float64 `json:"classifier_score"`

	// FrechetDistance is the Fréchet Inception Distance (Heusel et al. 2017, "GANs Trained by a Two Time-Scale
	// Update Rule Converge to a Local Nash Equilibrium", arXiv 1706.08500) computed on the classifier's 128
	// penultimate features instead of Inception's pool3: the Fréchet (2-Wasserstein) distance between the
	// Gaussians fitted to the features of the images and of the dataset's test set (10,000 images),
	//
	//	||μ1-μ2||² + Tr(Σ1 + Σ2 - 2(Σ1Σ2)^{1/2}).
	//
	// Lower is better; 0 means the same mean and covariance. Like FID it is biased upwards for small N, so
	// compare values computed with the same N. See FrechetDistance.
	FrechetDistance float64 `json:"frechet_distance"`

	// ClassHistogram counts the images by most probable class (argmax p(y|x)); it has 10 entries.
	ClassHistogram []int `json:"class_histogram"`

	// ClassesCovered is the number of classes holding at least CoverageThreshold (1%) of the images.
	ClassesCovered int `json:"classes_covered"`
}

// InceptionScore returns exp(E_x KL(p(y|x) || p(y))) with p(y) = E_x p(y|x), the expectations being means over
// the rows of probs, each row a probability distribution p(y|x) over the same classes (Salimans et al. 2016).
// Terms with p(y|x) = 0 count as 0 (the limit of p·log p). It returns NaN if probs is empty.
//
// Equivalently, it is exp(H(p(y)) - E_x H(p(y|x))): the entropy of the mean distribution minus the mean
// entropy, exponentiated.
func InceptionScore(probs [][]float64) float64 {
	if len(probs) == 0 {
		return math.NaN()
	}
	marginal := make([]float64, len(probs[0]))
	for _, p := range probs {
		for j, v := range p {
			marginal[j] += v
		}
	}
	for j := range marginal {
		marginal[j] /= float64(len(probs))
	}
	var kl float64
	for _, p := range probs {
		for j, v := range p {
			if v > 0 {
				kl += v * math.Log(v/marginal[j])
			}
		}
	}
	return math.Exp(kl / float64(len(probs)))
}

// FrechetDistance returns the Fréchet distance between the Gaussians fitted to the rows of a and of b (two samples
// of vectors of the same dimension d, at least 2 rows each):
//
//	||μa-μb||² + Tr(Σa) + Tr(Σb) - 2·Tr((ΣaΣb)^{1/2})
//
// where μ is the sample mean and Σ the sample covariance with the n-1 denominator (numpy.cov's default, as in
// the reference FID code). This is the FID formula of Heusel et al. 2017 (Dowson & Landau 1982 for the distance
// between Gaussians). Σa·Σb is not symmetric, so the last trace is computed, in float64, from the symmetric
// matrix similar to it:
//
//	Tr((ΣaΣb)^{1/2}) = Σ_i sqrt(λ_i),  λ_i the eigenvalues of Σa^{1/2}·Σb·Σa^{1/2}
//
// with Jacobi's eigenvalue method; eigenvalues that rounding makes slightly negative count as 0. A result that
// rounding makes slightly negative is returned as 0.
func FrechetDistance(a, b [][]float64) (float64, error) {
	sa, err := statsOf(a)
	if err != nil {
		return 0, errors.WithMessage(err, "eval: FrechetDistance's first set")
	}
	sb, err := statsOf(b)
	if err != nil {
		return 0, errors.WithMessage(err, "eval: FrechetDistance's second set")
	}
	if sa.dim != sb.dim {
		return 0, errors.Errorf("eval: FrechetDistance of vectors of dimension %d and %d: pass vectors of the same size",
			sa.dim, sb.dim)
	}
	return frechet(sa, sb), nil
}

// TotalVariance is Tr(Σ), the sum of the variances (n-1 denominator) of the rows' coordinates: the scale of a
// feature space. A Fréchet distance inherits it: it is at most ||μa-μb||² + Tr(Σa) + Tr(Σb), so 10 on the MNIST
// classifier's features and 0.03 on an encoder's unit vectors say nothing about each other until each is set
// against the total variance of real images in its own space (and against real images compared with real
// images at the same n: FrechetDistance is biased upwards at small n).
func TotalVariance(rows [][]float64) (float64, error) {
	s, err := statsOf(rows)
	if err != nil {
		return 0, errors.WithMessage(err, "eval: TotalVariance")
	}
	var tr float64
	for j := range s.dim {
		tr += s.cov[j*s.dim+j]
	}
	return tr, nil
}

// KernelDistance is the Kernel Inception Distance (Bińkowski et al. 2018, "Demystifying MMD GANs", arXiv
// 1801.01401, section 4) on any features: the unbiased estimate of the squared maximum mean discrepancy between
// the two sets with the cubic polynomial kernel k(x, y) = (xᵀy/d + 1)³, d the features' size,
//
//	MMD² = mean_{i≠j} k(aᵢ, aⱼ) + mean_{i≠j} k(bᵢ, bⱼ) − 2·mean_{i,j} k(aᵢ, bⱼ).
//
// Unlike the Fréchet distance it has no bias with the number of samples (its expectation is the same for any
// n ≥ 2), so figures of small sets (the 440 held-out emoji) compare fairly; it can be slightly negative.
func KernelDistance(a, b [][]float64) (float64, error) {
	if len(a) < 2 || len(b) < 2 {
		return 0, errors.Errorf("eval: KernelDistance needs at least 2 vectors in each set, got %d and %d", len(a), len(b))
	}
	d := len(a[0])
	k := func(x, y []float64) float64 {
		if len(x) != d || len(y) != d {
			return math.NaN()
		}
		s := 0.0
		for i := range x {
			s += x[i] * y[i]
		}
		v := s/float64(d) + 1
		return v * v * v
	}
	within := func(x [][]float64) float64 {
		sum := 0.0
		for i := range x {
			for j := range x {
				if i != j {
					sum += k(x[i], x[j])
				}
			}
		}
		return sum / float64(len(x)*(len(x)-1))
	}
	cross := 0.0
	for i := range a {
		for j := range b {
			cross += k(a[i], b[j])
		}
	}
	mmd := within(a) + within(b) - 2*cross/float64(len(a)*len(b))
	if math.IsNaN(mmd) {
		return 0, errors.Errorf("eval: KernelDistance needs vectors of one size (%d)", d)
	}
	return mmd, nil
}

// featureStats are the sample mean and covariance (n-1 denominator) of n vectors of dimension dim.
type featureStats struct {
	n, dim int
	mean   []float64
	cov    []float64 // dim×dim, row-major
}

// statsOf returns the mean and covariance of rows.
func statsOf(rows [][]float64) (*featureStats, error) {
	if len(rows) < 2 {
		return nil, errors.Errorf("a covariance needs at least 2 vectors, got %d", len(rows))
	}
	d := len(rows[0])
	s := &featureStats{n: len(rows), dim: d, mean: make([]float64, d), cov: make([]float64, d*d)}
	for i, r := range rows {
		if len(r) != d {
			return nil, errors.Errorf("vector %d has %d values but vector 0 has %d: pass vectors of one size", i, len(r), d)
		}
		for j, v := range r {
			if math.IsNaN(v) || math.IsInf(v, 0) {
				return nil, errors.Errorf("vector %d holds %g at %d: pass finite values", i, v, j)
			}
			s.mean[j] += v
		}
	}
	for j := range s.mean {
		s.mean[j] /= float64(s.n)
	}
	centered := make([]float64, d)
	for _, r := range rows {
		for j, v := range r {
			centered[j] = v - s.mean[j]
		}
		for j, cj := range centered {
			row := s.cov[j*d : (j+1)*d]
			for k := j; k < d; k++ { // upper triangle; mirrored below
				row[k] += cj * centered[k]
			}
		}
	}
	for j := range d {
		for k := j; k < d; k++ {
			v := s.cov[j*d+k] / float64(s.n-1)
			s.cov[j*d+k], s.cov[k*d+j] = v, v
		}
	}
	return s, nil
}

// frechet returns the Fréchet distance between the Gaussians of s1 and s2 (see FrechetDistance).
func frechet(s1, s2 *featureStats) float64 {
	d := s1.dim
	var meanTerm float64
	for j := range d {
		diff := s1.mean[j] - s2.mean[j]
		meanTerm += diff * diff
	}
	root1 := symSqrt(s1.cov, d)
	m := matMul(matMul(root1, s2.cov, d), root1, d)
	for i := range d { // symmetrize away rounding errors
		for j := i + 1; j < d; j++ {
			avg := (m[i*d+j] + m[j*d+i]) / 2
			m[i*d+j], m[j*d+i] = avg, avg
		}
	}
	values, _ := symEigen(m, d)
	var traceRoot float64
	for _, lambda := range values {
		traceRoot += math.Sqrt(max(lambda, 0))
	}
	return max(meanTerm+trace(s1.cov, d)+trace(s2.cov, d)-2*traceRoot, 0)
}

// Score rates n images, given as one flat slice of n·28·28 values in [-1, 1] (at least 2 images): their
// classifier (Inception) score, their Fréchet distance to the dataset's test set, and the classes they cover.
//
// The first call loads the test set and computes the mean and covariance of its features (10,000 images, a few
// seconds on the pure-Go backend); the Classifier keeps them for later calls.
func (c *Classifier) Score(images []float32, n int) (*Scores, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if n < 2 {
		return nil, errors.Errorf("eval: Score needs at least 2 images, got %d (use 500 or more for stable scores)", n)
	}
	probs, features, err := c.predictLocked(images, n)
	if err != nil {
		return nil, err
	}
	return c.scoresOf(probs, features)
}

// scoresOf returns the Scores of images from the classifier's probabilities and features of them. c.mu is held.
func (c *Classifier) scoresOf(probs, features [][]float64) (*Scores, error) {
	n := len(probs)
	ref, err := c.referenceStats()
	if err != nil {
		return nil, err
	}
	stats, err := statsOf(features)
	if err != nil {
		return nil, errors.WithMessage(err, "eval: the classifier's features of the images")
	}
	s := &Scores{
		N:               n,
		ClassifierScore: InceptionScore(probs),
		FrechetDistance: frechet(stats, ref),
		ClassHistogram:  make([]int, c.shape.Classes),
	}
	for _, p := range probs {
		s.ClassHistogram[argmax(p)]++
	}
	for _, count := range s.ClassHistogram {
		if float64(count) >= CoverageThreshold*float64(n) {
			s.ClassesCovered++
		}
	}
	return s, nil
}

// referenceStats returns the feature statistics of the test set, computing them on first use together with
// those of each class of it (c.testClassStats, for ConditionalScores). c.mu is held.
func (c *Classifier) referenceStats() (*featureStats, error) {
	if c.testStats != nil {
		return c.testStats, nil
	}
	test, err := c.testSplit()
	if err != nil {
		return nil, err
	}
	_, features, err := c.predictLocked(test.ImagesFloat(allIndices(test.N)), test.N)
	if err != nil {
		return nil, err
	}
	stats, err := statsOf(features)
	if err != nil {
		return nil, errors.WithMessage(err, "eval: the classifier's features of the test set")
	}
	byClass := make([][][]float64, c.shape.Classes)
	for i, f := range features {
		label := int(test.Labels[i])
		if label >= c.shape.Classes {
			return nil, errors.Errorf("eval: test image %d of %s has label %d; the classifier knows %d classes",
				i, c.Dataset, label, c.shape.Classes)
		}
		byClass[label] = append(byClass[label], f)
	}
	classStats := make([]*featureStats, c.shape.Classes)
	for k, rows := range byClass {
		if len(rows) < 2 {
			continue // a class with too few test images (emoji's Component) has no statistics
		}
		if classStats[k], err = statsOf(rows); err != nil {
			return nil, errors.WithMessagef(err, "eval: the classifier's features of the test images of class %d", k)
		}
	}
	c.testStats, c.testClassStats = stats, classStats
	return stats, nil
}

// testSplit returns the test split of the classifier's dataset, loading it on first use. c.mu is held.
func (c *Classifier) testSplit() (*data.Set, error) {
	if c.testSet == nil {
		test, err := data.Load(c.Dataset, "test")
		if err != nil {
			return nil, err
		}
		c.testSet = test
	}
	return c.testSet, nil
}

// ReferenceScores returns the scores of two reference sets of n images each, which bracket what a GAN can
// reach: n real test images chosen at random (without replacement; n ≤ 10,000), and n images of uniform noise
// in [-1, 1]. seed makes both sets reproducible.
func (c *Classifier) ReferenceScores(n int, seed uint64) (real, noise *Scores, err error) {
	c.mu.Lock()
	test, err := c.testSplit()
	c.mu.Unlock()
	if err != nil {
		return nil, nil, err
	}
	if n < 2 || n > test.N {
		return nil, nil, errors.Errorf("eval: ReferenceScores needs 2 ≤ n ≤ %d (the test set's size), got %d", test.N, n)
	}
	perm := rand.New(rand.NewPCG(seed, 0)).Perm(test.N)[:n]
	real, err = c.Score(test.ImagesFloat(perm), n)
	if err != nil {
		return nil, nil, err
	}
	rng := rand.New(rand.NewPCG(seed, 1))
	pixels := make([]float32, n*c.shape.size())
	for i := range pixels {
		pixels[i] = 2*rng.Float32() - 1
	}
	noise, err = c.Score(pixels, n)
	if err != nil {
		return nil, nil, err
	}
	return real, noise, nil
}

// AUC is the chance that a score of pos exceeds one of neg (ties count half): the Mann–Whitney statistic.
func AUC(pos, neg []float64) float64 {
	type item struct {
		v   float64
		pos bool
	}
	all := make([]item, 0, len(pos)+len(neg))
	for _, v := range pos {
		all = append(all, item{v, true})
	}
	for _, v := range neg {
		all = append(all, item{v, false})
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v < all[j].v })
	var rankSum float64
	for i := 0; i < len(all); {
		j := i
		for j < len(all) && all[j].v == all[i].v {
			j++
		}
		mid := float64(i+j+1) / 2 // ranks i+1..j averaged
		for k := i; k < j; k++ {
			if all[k].pos {
				rankSum += mid
			}
		}
		i = j
	}
	np, nn := float64(len(pos)), float64(len(neg))
	return (rankSum - np*(np+1)/2) / (np * nn)
}

// Argmax is the index of the largest value of p (the first one on ties): a classifier's verdict.
func Argmax(p []float64) int { return argmax(p) }

// Spread is the mean RMS distance between two of k images (flat, k·size values in [-1, 1], mapped to [0, 1]):
// 0 when they are all the same. Among samples of one condition it says how much the noise moves them (the
// diversity text2img's eval reports, next to the same among real images of one condition).
func Spread(images []float32, k, size int) float64 {
	var s float64
	for a := range k {
		for b := a + 1; b < k; b++ {
			var d float64
			for p := range size {
				diff := float64(images[a*size+p] - images[b*size+p])
				d += diff * diff
			}
			s += math.Sqrt(d/float64(size)) / 2
		}
	}
	return s / float64(k*(k-1)/2)
}

// CheckerboardShare is the mean over n images (flat [n·h·w·c], channels averaged to grey) of the share of each
// image's variance at the three frequencies of period two, (π, 0), (0, π) and (π, π): the row stripes, the column
// stripes and the checkerboard that a stride-2 transposed convolution with a kernel of 4 taps leaves where its
// taps overlap unevenly (Odena et al. 2016, "Deconvolution and Checkerboard Artifacts"). By Parseval's theorem
// the power at frequency f is |Σ x·e^{-i f·p}|²/(h·w) and the powers add up to Σ(x − x̄)²; white noise has 3/(h·w)
// of it there on average (0.3% at 32×32), a smooth image less, a checkerboard up to all of it.
func CheckerboardShare(images []float32, n, h, w, c int) float64 {
	total := 0.0
	for k := range n {
		img := images[k*h*w*c : (k+1)*h*w*c]
		grey := make([]float64, h*w)
		mean := 0.0
		for p := range grey {
			for ch := range c {
				grey[p] += float64(img[p*c+ch]) / float64(c)
			}
			mean += grey[p] / float64(h*w)
		}
		var rows, cols, both, variance float64
		for i := range h {
			for j := range w {
				v := grey[i*w+j] - mean
				variance += v * v
				si, sj := 1-2*float64(i%2), 1-2*float64(j%2) // (-1)^i, (-1)^j
				rows += v * si
				cols += v * sj
				both += v * si * sj
			}
		}
		if variance > 0 {
			total += (rows*rows + cols*cols + both*both) / float64(h*w) / variance
		}
	}
	return total / float64(n)
}

// FlatSquareShare is the share of n grey images (flat [n·h·w], in [-1, 1]) that hold a square of side×side pixels
// all within tol of 0, mid-grey: the mark a cutout leaves (DiffAugment's cutout sets a square to 0), which no
// MNIST digit has (its background is -1, its strokes up to +1). A G that learnt to draw the augmentation (D saw
// every real image cut out and no generated one) draws such squares.
func FlatSquareShare(images []float32, n, h, w, side int, tol float64) float64 {
	hits := 0
	for k := range n {
		img := images[k*h*w : (k+1)*h*w]
		// run[i·w+j]: the grey pixels ending at (i, j) along its row; a square is side rows running side long.
		run := make([]int, h*w)
		for i := range h {
			for j := range w {
				if math.Abs(float64(img[i*w+j])) <= tol {
					run[i*w+j] = 1
					if j > 0 {
						run[i*w+j] += run[i*w+j-1]
					}
				}
			}
		}
		found := false
		for j := side - 1; j < w && !found; j++ {
			rows := 0
			for i := range h {
				if run[i*w+j] >= side {
					rows++
					if rows >= side {
						found = true
						break
					}
				} else {
					rows = 0
				}
			}
		}
		if found {
			hits++
		}
	}
	return float64(hits) / float64(n)
}
