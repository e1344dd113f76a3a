// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"encoding/json"
	"fmt"
	"math"

	"github.com/pkg/errors"
)

// This file scores generators whose samples carry a label: conditional GANs (a requested class, ConditionalScores)
// and InfoGAN (a categorical code whose values the generator learned to tie to classes without labels,
// CodeAccuracy). Both need the classifier's opinion of each sample; the second also needs to match code values
// to classes, an assignment problem (Hungarian, Confusion, BestMapping).

// Hungarian solves the linear assignment problem: given the costs cost[i][j] of giving row i column j (a
// rectangular matrix, every row the same length), it returns the assignment that gives each row a different
// column and minimizes the total cost,
//
//	min_σ Σ_i cost[i][σ(i)],  σ one-to-one,
//
// as assign[i] = σ(i), and that total. With more rows than columns each column gets a different row instead,
// the rows left over get assign[i] = -1 and add nothing to the total. An empty matrix gives an empty assignment
// and 0. When several assignments reach the minimum, Hungarian returns one of them.
//
// The algorithm is the Hungarian method (Kuhn 1955, "The Hungarian method for the assignment problem", Naval
// Research Logistics Quarterly 2; Munkres 1957) in its shortest-augmenting-path form (Jonker & Volgenant 1987,
// "A shortest augmenting path algorithm for dense and sparse linear assignment problems", Computing 38), the
// form scipy.optimize.linear_sum_assignment also uses. It keeps dual potentials u (rows) and v (columns) with
//
//	u_i + v_j ≤ cost[i][j]  for every i, j,    u_i + v_σ(i) = cost[i][σ(i)]  for every assigned row,
//
// and adds the rows one at a time: a Dijkstra-like search over the reduced costs cost[i][j] - u_i - v_j finds
// the cheapest alternating path from the new row to a free column, the potentials move by the path's length,
// and the assignment is flipped along it. When every row is assigned, the potentials prove optimality (linear
// programming duality: Σ u + Σ v is a lower bound on every assignment's cost, v being ≤ 0 on the columns left
// free, and the assignment reaches it).
// For r ≤ c rows and columns it takes O(r²·c) steps, O(n³) for a square n×n matrix; brute force over the n!
// permutations is already 5040 assignments at n = 7.
//
// Hungarian panics, with a message starting "eval: Hungarian", if the rows have different lengths or a cost is
// NaN or infinite (a programming error, as in gonum): to forbid a pair, give it a finite cost larger than any
// total of the allowed pairs.
func Hungarian(cost [][]float64) (assign []int, total float64) {
	rows := len(cost)
	if rows == 0 {
		return []int{}, 0
	}
	cols := len(cost[0])
	for i, row := range cost {
		if len(row) != cols {
			panic(fmt.Sprintf("eval: Hungarian: row %d has %d costs but row 0 has %d: pass a rectangular matrix",
				i, len(row), cols))
		}
		for j, c := range row {
			if math.IsNaN(c) || math.IsInf(c, 0) {
				panic(fmt.Sprintf("eval: Hungarian: cost[%d][%d] is %g: pass finite costs", i, j, c))
			}
		}
	}
	assign = make([]int, rows)
	if rows <= cols {
		copy(assign, assignRows(cost, rows, cols))
	} else {
		// More rows than columns: assign the columns of the transposed matrix, then read the result back.
		transposed := make([][]float64, cols)
		for j := range transposed {
			transposed[j] = make([]float64, rows)
			for i := range rows {
				transposed[j][i] = cost[i][j]
			}
		}
		for i := range assign {
			assign[i] = -1
		}
		for j, i := range assignRows(transposed, cols, rows) {
			assign[i] = j
		}
	}
	for i, j := range assign {
		if j >= 0 {
			total += cost[i][j]
		}
	}
	return assign, total
}

// assignRows returns the minimum-cost assignment of the rows of the rows×cols matrix cost to distinct columns,
// rows ≤ cols (see Hungarian). It follows the compact formulation of the shortest-augmenting-path method with
// potentials (as in e-maxx/cp-algorithms, "Hungarian algorithm for solving the assignment problem"), with
// 1-based rows and columns so that index 0 can stand for "none".
func assignRows(cost [][]float64, rows, cols int) []int {
	u := make([]float64, rows+1)    // row potentials
	v := make([]float64, cols+1)    // column potentials
	owner := make([]int, cols+1)    // owner[j]: the row (1-based) holding column j, 0 if free; owner[0] is the new row
	way := make([]int, cols+1)      // way[j]: the previous column on the shortest path to column j
	minv := make([]float64, cols+1) // minv[j]: the shortest reduced path length found so far to column j
	used := make([]bool, cols+1)    // used[j]: column j is in the search tree (its distance is final)
	for i := 1; i <= rows; i++ {
		// Dijkstra from row i over the columns, with reduced costs cost - u - v ≥ 0.
		owner[0] = i
		j0 := 0 // the column whose owner is being expanded; column 0 is a virtual column held by row i
		for j := range minv {
			minv[j] = math.Inf(1)
			used[j] = false
		}
		for {
			used[j0] = true
			i0 := owner[j0]
			delta, j1 := math.Inf(1), 0
			for j := 1; j <= cols; j++ {
				if used[j] {
					continue
				}
				if reduced := cost[i0-1][j-1] - u[i0] - v[j]; reduced < minv[j] {
					minv[j], way[j] = reduced, j0
				}
				if minv[j] < delta {
					delta, j1 = minv[j], j
				}
			}
			if j1 == 0 { // only if cost - u - v overflowed to ±Inf or NaN
				panic("eval: Hungarian: the costs overflow float64 arithmetic: scale them down")
			}
			// Move the potentials by delta: the reduced costs on the search tree stay 0 and those leaving it
			// stay ≥ 0, and column j1 becomes reachable at reduced cost 0.
			for j := 0; j <= cols; j++ {
				if used[j] {
					u[owner[j]] += delta
					v[j] -= delta
				} else {
					minv[j] -= delta
				}
			}
			j0 = j1
			if owner[j0] == 0 { // a free column: augment
				break
			}
		}
		for j0 != 0 { // flip the assignment along the path back to the virtual column
			j1 := way[j0]
			owner[j0] = owner[j1]
			j0 = j1
		}
	}
	assign := make([]int, rows)
	for j := 1; j <= cols; j++ {
		if owner[j] != 0 {
			assign[owner[j]-1] = j - 1
		}
	}
	return assign
}

// Confusion counts how often each predicted value meets each true value: confusion[p][t] is the number of
// indices i with pred[i] = p and truth[i] = t, a numPred×numTruth matrix. "Predicted" may be a cluster index or
// an InfoGAN code value that has no meaning of its own; BestMapping then finds which class each one stands for.
//
// It panics, with a message starting "eval: Confusion", if pred and truth differ in length, if numPred or
// numTruth is below 1, or if a value is outside [0, numPred) or [0, numTruth).
func Confusion(pred, truth []int, numPred, numTruth int) [][]int {
	if len(pred) != len(truth) {
		panic(fmt.Sprintf("eval: Confusion: %d predictions but %d true values: pass one of each per sample",
			len(pred), len(truth)))
	}
	if numPred < 1 || numTruth < 1 {
		panic(fmt.Sprintf("eval: Confusion: numPred=%d, numTruth=%d: both must be at least 1", numPred, numTruth))
	}
	confusion := make([][]int, numPred)
	for p := range confusion {
		confusion[p] = make([]int, numTruth)
	}
	for i, p := range pred {
		t := truth[i]
		if p < 0 || p >= numPred || t < 0 || t >= numTruth {
			panic(fmt.Sprintf("eval: Confusion: sample %d has prediction %d and truth %d: they must lie in [0, %d) "+
				"and [0, %d)", i, p, t, numPred, numTruth))
		}
		confusion[p][t]++
	}
	return confusion
}

// BestMapping returns the one-to-one mapping from predicted values (the rows of confusion, from Confusion) to
// classes (its columns) that matches the most samples, and the share of the samples it matches:
//
//	mapping = argmax_σ Σ_p confusion[p][σ(p)]  (σ one-to-one),   accuracy = Σ_p confusion[p][σ(p)] / Σ_{p,t} confusion[p][t]
//
// found with Hungarian on the negated counts. mapping[p] is the class of predicted value p, or -1 when there
// are more values than classes and p is left without one: its samples then count as errors, since two values
// cannot stand for the same class. The accuracy is NaN if confusion holds no sample.
//
// This is the unsupervised classification accuracy of clustering papers (e.g. Xie, Girshick & Farhadi 2016,
// "Unsupervised Deep Embedding for Clustering Analysis", arXiv 1511.06335, section 4.2) and of InfoGAN (Chen et
// al. 2016, arXiv 1606.03657, section 7.2): a 10-valued categorical code, matched to the digits this way,
// classifies MNIST with about 5% error. Unlike mapping each value to its most frequent class (majority vote,
// which may give two values the same class), it cannot rise by splitting classes into more clusters.
//
// It panics, with a message starting "eval: BestMapping", on a ragged matrix or a negative count.
func BestMapping(confusion [][]int) (mapping []int, accuracy float64) {
	cost := make([][]float64, len(confusion))
	total := 0
	for p, row := range confusion {
		if len(row) != len(confusion[0]) {
			panic(fmt.Sprintf("eval: BestMapping: row %d has %d counts but row 0 has %d: pass a rectangular matrix",
				p, len(row), len(confusion[0])))
		}
		cost[p] = make([]float64, len(row))
		for t, count := range row {
			if count < 0 {
				panic(fmt.Sprintf("eval: BestMapping: confusion[%d][%d] = %d: counts cannot be negative", p, t, count))
			}
			cost[p][t] = -float64(count) // exact below 2⁵³
			total += count
		}
	}
	mapping, _ = Hungarian(cost)
	matched := 0
	for p, t := range mapping {
		if t >= 0 {
			matched += confusion[p][t]
		}
	}
	if total == 0 {
		return mapping, math.NaN()
	}
	return mapping, float64(matched) / float64(total)
}

// ConditionalReport rates the samples of a conditional generator, each generated for a requested class (see
// Classifier.ConditionalScores). Values that cannot be computed are NaN, written as null in JSON.
type ConditionalReport struct {
	// N is the number of samples.
	N int `json:"n"`

	// Accuracy is the share of the samples that the classifier assigns to the class they were requested as
	// (argmax p(y|x) = requested label): how well the generator obeys its label. Real test images with their
	// own labels get the classifier's accuracy (99.25% on the MNIST test set); a generator that ignores its
	// label gets about 1/10.
	Accuracy float64 `json:"accuracy"`

	// PerClassCount[k] is the number of samples requested as class k.
	PerClassCount []int `json:"per_class_count"`

	// PerClassAccuracy[k] is the share of the samples requested as class k that the classifier puts in class k;
	// NaN if none was requested as k.
	PerClassAccuracy []float64 `json:"per_class_accuracy"`

	// PerClassFrechet[k] is the Fréchet distance (see Scores.FrechetDistance) between the classifier's
	// penultimate features of the samples requested as class k and those of the test images of class k (about
	// 1,000 each): does "a 7" look like the real 7s, style and all, not only to the argmax? It is NaN when fewer
	// than 2 samples were requested as k, since a covariance (n-1 denominator) needs 2. With fewer than
	// FeatureDim+1 = 129 samples the covariance is singular and the distance, still defined, is biased upwards
	// more than the whole set's: compare per-class distances computed from the same numbers of samples. With
	// the committed MNIST classifier and the first 300 test images (about 30 a class), requested as their own
	// labels, the ten distances range from 122 to 346; requested as the next digit, from 2,400 to 5,400;
	// 300 images of uniform noise get 1,800 to 3,700.
	PerClassFrechet []float64 `json:"per_class_frechet"`

	// Confusion[k][j] counts the samples requested as class k that the classifier puts in class j.
	Confusion [][]int `json:"confusion"`

	// ClassNames[k] is the name of class k in the dataset ("0".."9", or "T-shirt/top", ... for Fashion-MNIST).
	ClassNames []string `json:"class_names,omitempty"`

	// Scores are the label-blind scores of all the samples together, as Classifier.Score gives them.
	Scores *Scores `json:"scores"`
}

// MarshalJSON writes the report with NaN per-class values as null (encoding/json rejects NaN).
func (r ConditionalReport) MarshalJSON() ([]byte, error) {
	type plain ConditionalReport // without the methods, so json.Marshal does not recurse
	return json.Marshal(struct {
		plain
		PerClassAccuracy []*float64 `json:"per_class_accuracy"` // shadow the fields of plain
		PerClassFrechet  []*float64 `json:"per_class_frechet"`
	}{plain(r), nanToNull(r.PerClassAccuracy), nanToNull(r.PerClassFrechet)})
}

// UnmarshalJSON reads what MarshalJSON writes, null per-class values as NaN.
func (r *ConditionalReport) UnmarshalJSON(b []byte) error {
	type plain ConditionalReport
	var aux struct {
		plain
		PerClassAccuracy []*float64 `json:"per_class_accuracy"`
		PerClassFrechet  []*float64 `json:"per_class_frechet"`
	}
	if err := json.Unmarshal(b, &aux); err != nil {
		return err
	}
	*r = ConditionalReport(aux.plain)
	r.PerClassAccuracy, r.PerClassFrechet = nullToNaN(aux.PerClassAccuracy), nullToNaN(aux.PerClassFrechet)
	return nil
}

func nanToNull(xs []float64) []*float64 {
	if xs == nil {
		return nil
	}
	out := make([]*float64, len(xs))
	for i := range xs {
		if !math.IsNaN(xs[i]) && !math.IsInf(xs[i], 0) {
			out[i] = &xs[i]
		}
	}
	return out
}

func nullToNaN(xs []*float64) []float64 {
	if xs == nil {
		return nil
	}
	out := make([]float64, len(xs))
	for i, x := range xs {
		out[i] = math.NaN()
		if x != nil {
			out[i] = *x
		}
	}
	return out
}

// ConditionalScores rates n images of a conditional generator, given as one flat slice of n·28·28 values in
// [-1, 1] (at least 2 images), where image i was generated for the class requested[i] in [0, 10): the share of
// images classified as requested, overall and per class, the Fréchet distance of each class's images to the test
// images of that class, and the Scores of all the images (see ConditionalReport).
//
// The per-class accuracy is the metric of conditional GAN papers that score samples with a pretrained
// classifier (e.g. Odena, Olah & Shlens 2017, "Conditional Image Synthesis with Auxiliary Classifier GANs",
// arXiv 1610.09585, section 4.1); the per-class distance is the intra-class FID ("intra FID") of Miyato & Koyama
// 2018, "cGANs with Projection Discriminator", arXiv 1802.05637, with this classifier's features.
//
// It returns an error if len(requested) != n or a label is outside [0, 10). A class requested fewer than 2
// times gets NaN for its distance (and NaN for its accuracy if never requested), not an error. The first call
// computes the feature statistics of the test set, whole and per class (10,000 images, a few seconds on the
// pure-Go backend); the Classifier keeps them.
func (c *Classifier) ConditionalScores(images []float32, n int, requested []int) (*ConditionalReport, error) {
	if n < 2 {
		return nil, errors.Errorf("eval: ConditionalScores needs at least 2 images, got %d (use 100 or more per class)", n)
	}
	if len(requested) != n {
		return nil, errors.Errorf("eval: ConditionalScores got %d requested labels for n=%d images: pass one per image",
			len(requested), n)
	}
	for i, k := range requested {
		if k < 0 || k >= c.shape.Classes {
			return nil, errors.Errorf("eval: ConditionalScores: image %d was requested as class %d: labels must be in "+
				"[0, %d)", i, k, c.shape.Classes)
		}
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	probs, features, err := c.predictLocked(images, n)
	if err != nil {
		return nil, err
	}
	scores, err := c.scoresOf(probs, features) // also computes c.testClassStats
	if err != nil {
		return nil, err
	}
	r := &ConditionalReport{
		N:                n,
		PerClassCount:    make([]int, c.shape.Classes),
		PerClassAccuracy: make([]float64, c.shape.Classes),
		PerClassFrechet:  make([]float64, c.shape.Classes),
		Confusion:        make([][]int, c.shape.Classes),
		Scores:           scores,
	}
	if c.testSet != nil && len(c.testSet.ClassNames) == c.shape.Classes {
		r.ClassNames = append([]string(nil), c.testSet.ClassNames...)
	}
	byClass := make([][][]float64, c.shape.Classes)
	for k := range r.Confusion {
		r.Confusion[k] = make([]int, c.shape.Classes)
	}
	correct := 0
	for i, k := range requested {
		r.PerClassCount[k]++
		predicted := argmax(probs[i])
		r.Confusion[k][predicted]++
		if predicted == k {
			correct++
		}
		byClass[k] = append(byClass[k], features[i])
	}
	r.Accuracy = float64(correct) / float64(n)
	for k, rows := range byClass {
		r.PerClassAccuracy[k], r.PerClassFrechet[k] = math.NaN(), math.NaN()
		if count := r.PerClassCount[k]; count > 0 {
			r.PerClassAccuracy[k] = float64(r.Confusion[k][k]) / float64(count)
		}
		if len(rows) < 2 {
			continue
		}
		stats, err := statsOf(rows)
		if err != nil { // cannot happen: scoresOf checked the same features
			return nil, errors.WithMessagef(err, "eval: the classifier's features of the images of class %d", k)
		}
		r.PerClassFrechet[k] = frechet(stats, c.testClassStats[k])
	}
	return r, nil
}

// CodeAccuracy rates how well an InfoGAN categorical code took the role of the class: image i (n images, one
// flat slice of n·28·28 values in [-1, 1]) was generated with code value codes[i] in [0, numCodes); the
// classifier labels each image, and BestMapping matches code values to classes one to one. It returns the
// matched share of the images (InfoGAN reports about 95% on MNIST, section 7.2 of Chen et al. 2016), the class
// of each code value (-1 for values left over when numCodes > 10), and the confusion matrix,
// confusion[code][class] (from Confusion).
//
// Seen through the classifier, the accuracy carries its errors: real test images coded by their own label score
// the classifier's accuracy (99.25% on the MNIST test set), and a code the generator ignores scores about 1/10.
// It returns an error if n < 1, len(codes) != n, numCodes < 1 or a code is
// outside [0, numCodes).
func (c *Classifier) CodeAccuracy(images []float32, n int, codes []int, numCodes int) (accuracy float64,
	mapping []int, confusion [][]int, err error) {
	switch {
	case n < 1:
		return 0, nil, nil, errors.Errorf("eval: CodeAccuracy needs at least 1 image, got %d", n)
	case len(codes) != n:
		return 0, nil, nil, errors.Errorf("eval: CodeAccuracy got %d codes for n=%d images: pass one per image",
			len(codes), n)
	case numCodes < 1:
		return 0, nil, nil, errors.Errorf("eval: CodeAccuracy: numCodes=%d: pass the number of values of the code "+
			"(10 in InfoGAN's MNIST model)", numCodes)
	}
	for i, code := range codes {
		if code < 0 || code >= numCodes {
			return 0, nil, nil, errors.Errorf("eval: CodeAccuracy: image %d has code %d: codes must be in [0, %d)",
				i, code, numCodes)
		}
	}
	probs, _, err := c.Predict(images, n)
	if err != nil {
		return 0, nil, nil, err
	}
	predicted := make([]int, n)
	for i, p := range probs {
		predicted[i] = argmax(p)
	}
	confusion = Confusion(codes, predicted, numCodes, c.shape.Classes)
	mapping, accuracy = BestMapping(confusion)
	return accuracy, mapping, confusion, nil
}
