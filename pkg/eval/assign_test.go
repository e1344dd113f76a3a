// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/data"
)

func TestHungarian(t *testing.T) {
	for _, tc := range []struct {
		name       string
		cost       [][]float64
		wantAssign []int
		wantTotal  float64
	}{
		// The example of scipy.optimize.linear_sum_assignment's documentation: col_ind [1 0 2], cost 1+2+2 = 5.
		// By hand: every other permutation costs 6 or more (identity 4+0+2, [2 1 0] 3+0+3, ...).
		{"3x3 scipy example", [][]float64{{4, 1, 3}, {2, 0, 5}, {3, 2, 2}}, []int{1, 0, 2}, 5},
		// By hand, with Munkres's steps: subtracting the row minima (69, 37, 5, 8) and then the column minima
		// (0, 0, 0, 15) proves every assignment costs at least 134; the zeros cannot yet be matched, and the
		// smallest entry not covered by the 3 lines through them (col 2, rows 1 and 3) is 6, which raises the
		// bound to 140; 69 + 37 + 11 + 23 = 140 reaches it.
		{"4x4 by hand", [][]float64{{82, 83, 69, 92}, {77, 37, 49, 92}, {11, 69, 5, 86}, {8, 9, 98, 23}},
			[]int{2, 1, 0, 3}, 140},
		// 2 rows, 3 columns; the 6 injections cost 1+4, 1+6, 2+2, 2+6, 3+2, 3+4: the best is 2+2 = 4.
		{"2x3", [][]float64{{1, 2, 3}, {2, 4, 6}}, []int{1, 0}, 4},
		// Its transpose: 3 rows, 2 columns; row 2 is left out.
		{"3x2", [][]float64{{1, 2}, {2, 4}, {3, 6}}, []int{1, 0, -1}, 4},
		// Negative costs: maximize 5+4 = 9 over 1+1 by minimizing the negation.
		{"negative", [][]float64{{-1, -5}, {-4, -1}}, []int{1, 0}, -9},
		{"1x1", [][]float64{{7}}, []int{0}, 7},
		{"1x3", [][]float64{{3, -2, 5}}, []int{1}, -2},
		{"3x1", [][]float64{{3}, {-2}, {5}}, []int{-1, 0, -1}, -2},
		{"empty", nil, []int{}, 0},
		{"no columns", [][]float64{{}, {}}, []int{-1, -1}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			assign, total := Hungarian(tc.cost)
			if !slices.Equal(assign, tc.wantAssign) || total != tc.wantTotal {
				t.Errorf("Hungarian = %v, %g; want %v, %g", assign, total, tc.wantAssign, tc.wantTotal)
			}
		})
	}

	t.Run("brute force", func(t *testing.T) {
		// Every shape up to 7x7 (5040 permutations), with real costs (one optimum, almost surely: the
		// assignments must agree) and with costs in {0, 1, 2} (many ties: only the totals must agree).
		rng := rand.New(rand.NewPCG(11, 12))
		for rows := 1; rows <= 7; rows++ {
			for cols := 1; cols <= 7; cols++ {
				for trial := range 4 {
					ties := trial%2 == 1
					cost := make([][]float64, rows)
					for i := range cost {
						cost[i] = make([]float64, cols)
						for j := range cost[i] {
							if ties {
								cost[i][j] = float64(rng.IntN(3))
							} else {
								cost[i][j] = 10 * rng.NormFloat64()
							}
						}
					}
					assign, total := Hungarian(cost)
					checkAssignment(t, cost, assign, total)
					wantAssign, wantTotal := bruteForceAssignment(cost)
					if math.Abs(total-wantTotal) > 1e-9 || (!ties && !slices.Equal(assign, wantAssign)) {
						t.Fatalf("%dx%d (ties %v) %v: Hungarian = %v, %.12g; brute force %v, %.12g", rows, cols,
							ties, cost, assign, total, wantAssign, wantTotal)
					}
				}
			}
		}
	})

	t.Run("no better swap at 60x80", func(t *testing.T) {
		// Too large for brute force: check that no exchange of two rows' columns and no move of a row to a
		// free column lowers the total (necessary conditions of optimality).
		rng := rand.New(rand.NewPCG(13, 14))
		const rows, cols = 60, 80
		cost := make([][]float64, rows)
		for i := range cost {
			cost[i] = make([]float64, cols)
			for j := range cost[i] {
				cost[i][j] = rng.Float64()
			}
		}
		assign, total := Hungarian(cost)
		checkAssignment(t, cost, assign, total)
		taken := make([]bool, cols)
		for _, j := range assign {
			taken[j] = true
		}
		for i := range rows {
			for k := i + 1; k < rows; k++ {
				if gain := cost[i][assign[i]] + cost[k][assign[k]] - cost[i][assign[k]] - cost[k][assign[i]]; gain > 1e-12 {
					t.Fatalf("swapping the columns of rows %d and %d lowers the total by %g", i, k, gain)
				}
			}
			for j := range cols {
				if !taken[j] && cost[i][j] < cost[i][assign[i]]-1e-12 {
					t.Fatalf("moving row %d to the free column %d lowers the total", i, j)
				}
			}
		}
		// And the identity assignment is no better (it is much worse on random costs: about 30 against 2-3).
		var identity float64
		for i := range rows {
			identity += cost[i][i]
		}
		t.Logf("60x80 uniform costs: optimum %.4f, identity %.4f", total, identity)
		if total >= identity {
			t.Errorf("total %g not below the identity's %g", total, identity)
		}
	})

	t.Run("panics", func(t *testing.T) {
		for name, cost := range map[string][][]float64{
			"ragged": {{1, 2}, {3}},
			"NaN":    {{1, math.NaN()}, {3, 4}},
			"Inf":    {{1, 2}, {math.Inf(1), 4}},
		} {
			if msg := panicMessage(func() { Hungarian(cost) }); !strings.HasPrefix(msg, "eval: Hungarian") {
				t.Errorf("%s: panic %q, want one starting with \"eval: Hungarian\"", name, msg)
			}
		}
	})
}

// checkAssignment fails t unless assign is a valid assignment of cost (distinct columns, -1 only for the rows
// that more rows than columns leave out) whose cost is total.
func checkAssignment(t *testing.T, cost [][]float64, assign []int, total float64) {
	t.Helper()
	rows, cols := len(cost), len(cost[0])
	if len(assign) != rows {
		t.Fatalf("assignment %v of %d rows", assign, rows)
	}
	seen := make(map[int]bool)
	var sum float64
	for i, j := range assign {
		if j == -1 {
			continue
		}
		if j < 0 || j >= cols || seen[j] {
			t.Fatalf("assignment %v: row %d gets column %d, out of range or taken", assign, i, j)
		}
		seen[j] = true
		sum += cost[i][j]
	}
	if len(seen) != min(rows, cols) {
		t.Fatalf("assignment %v uses %d columns, want %d", assign, len(seen), min(rows, cols))
	}
	if math.Abs(sum-total) > 1e-9 {
		t.Fatalf("assignment %v costs %g, Hungarian said %g", assign, sum, total)
	}
}

// bruteForceAssignment tries every assignment of rows to distinct columns (or of columns to distinct rows when
// there are more rows), and returns the cheapest one (the first found on ties).
func bruteForceAssignment(cost [][]float64) ([]int, float64) {
	rows, cols := len(cost), len(cost[0])
	best, bestTotal := []int(nil), math.Inf(1)
	assign := slices.Repeat([]int{-1}, rows)
	used := make([]bool, cols)
	var try func(i, placed int, total float64)
	try = func(i, placed int, total float64) {
		if i == rows {
			if placed == min(rows, cols) && total < bestTotal {
				best, bestTotal = slices.Clone(assign), total
			}
			return
		}
		if rows-i > cols-placed { // this row may be left out: enough rows remain to fill the columns
			try(i+1, placed, total)
		}
		for j := range cols {
			if !used[j] {
				used[j], assign[i] = true, j
				try(i+1, placed+1, total+cost[i][j])
				used[j], assign[i] = false, -1
			}
		}
	}
	try(0, 0, 0)
	return best, bestTotal
}

// panicMessage runs fn and returns what it panicked with, as a string ("" if it did not panic).
func panicMessage(fn func()) (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	fn()
	return ""
}

func TestConfusionAndBestMapping(t *testing.T) {
	t.Run("confusion by hand", func(t *testing.T) {
		pred := []int{0, 0, 1, 2, 2, 2}
		truth := []int{1, 1, 0, 1, 0, 0}
		want := [][]int{{0, 2}, {1, 0}, {2, 1}}
		if got := Confusion(pred, truth, 3, 2); !slices.EqualFunc(got, want, slices.Equal) {
			t.Errorf("Confusion = %v, want %v", got, want)
		}
	})

	t.Run("permuted perfect clustering", func(t *testing.T) {
		// Cluster c = perm[class] for every sample: the mapping must send perm[k] back to k, every sample matched.
		perm := []int{3, 0, 4, 1, 2}
		var pred, truth []int
		for k := range 5 {
			for range 10 + 3*k { // unequal class sizes
				truth = append(truth, k)
				pred = append(pred, perm[k])
			}
		}
		mapping, acc := BestMapping(Confusion(pred, truth, 5, 5))
		for k := range 5 {
			if mapping[perm[k]] != k {
				t.Errorf("mapping %v does not invert the permutation %v", mapping, perm)
				break
			}
		}
		if acc != 1 {
			t.Errorf("accuracy %g, want 1", acc)
		}
	})

	for _, tc := range []struct {
		name        string
		confusion   [][]int
		wantMapping []int
		wantAcc     float64
	}{
		// By hand: 32 samples. The one-to-one optimum is 0→1, 1→0, 2→2, matching 8+9+5 = 22 (22/32 = 0.6875).
		// Taking each row's largest count in turn gives 0→0, then 1 only gets a 0: 10+0+5 = 15; majority vote
		// (not one-to-one) would send both 0 and 1 to class 0: 10+9+5 = 24.
		{"noisy", [][]int{{10, 8, 0}, {9, 0, 0}, {0, 0, 5}}, []int{1, 0, 2}, 22.0 / 32},
		// By hand: codes 0 and 2 both hold class 0; only one can have it, so code 2's 5 samples are errors:
		// (20+15+10)/50 = 0.9.
		{"more codes than classes", [][]int{{20, 0, 0}, {0, 15, 0}, {5, 0, 0}, {0, 0, 10}}, []int{0, 1, -1, 2}, 0.9},
		// By hand: 2 codes, 3 classes: 0→1 (7) and 1→2 (6), 13 of 16; class 0's 3 samples are unmatched.
		{"fewer codes than classes", [][]int{{3, 7, 0}, {0, 0, 6}}, []int{1, 2}, 13.0 / 16},
	} {
		t.Run(tc.name, func(t *testing.T) {
			mapping, acc := BestMapping(tc.confusion)
			if !slices.Equal(mapping, tc.wantMapping) || math.Abs(acc-tc.wantAcc) > 1e-15 {
				t.Errorf("BestMapping = %v, %.15g; want %v, %.15g", mapping, acc, tc.wantMapping, tc.wantAcc)
			}
		})
	}

	t.Run("no samples", func(t *testing.T) {
		if _, acc := BestMapping([][]int{{0, 0}, {0, 0}}); !math.IsNaN(acc) {
			t.Errorf("accuracy of an empty confusion matrix = %g, want NaN", acc)
		}
		if mapping, acc := BestMapping(nil); len(mapping) != 0 || !math.IsNaN(acc) {
			t.Errorf("BestMapping(nil) = %v, %g; want [], NaN", mapping, acc)
		}
	})

	t.Run("panics", func(t *testing.T) {
		for _, tc := range []struct {
			name, prefix string
			fn           func()
		}{
			{"confusion lengths", "eval: Confusion", func() { Confusion([]int{0, 1}, []int{0}, 2, 2) }},
			{"confusion range", "eval: Confusion", func() { Confusion([]int{0, 2}, []int{0, 1}, 2, 2) }},
			{"confusion negative", "eval: Confusion", func() { Confusion([]int{0}, []int{-1}, 2, 2) }},
			{"confusion sizes", "eval: Confusion", func() { Confusion(nil, nil, 0, 2) }},
			{"mapping ragged", "eval: BestMapping", func() { BestMapping([][]int{{1, 2}, {3}}) }},
			{"mapping negative", "eval: BestMapping", func() { BestMapping([][]int{{1, -2}}) }},
		} {
			if msg := panicMessage(tc.fn); !strings.HasPrefix(msg, tc.prefix) {
				t.Errorf("%s: panic %q, want one starting with %q", tc.name, msg, tc.prefix)
			}
		}
	})
}

func TestConditionalReportJSON(t *testing.T) {
	r := ConditionalReport{
		N:                4,
		Accuracy:         0.5,
		PerClassCount:    []int{3, 1, 0},
		PerClassAccuracy: []float64{2.0 / 3, 0, math.NaN()},
		PerClassFrechet:  []float64{12.5, math.NaN(), math.NaN()},
		Confusion:        [][]int{{2, 1, 0}, {1, 0, 0}, {0, 0, 0}},
		ClassNames:       []string{"a", "b", "c"},
		Scores:           &Scores{N: 4, ClassifierScore: 1.5, FrechetDistance: 30, ClassHistogram: []int{3, 1, 0}},
	}
	b, err := json.Marshal(r)
	if err != nil {
		t.Fatalf("json.Marshal: %v", err)
	}
	s := string(b)
	t.Logf("%s", s)
	for _, want := range []string{`"n":4`, `"accuracy":0.5`, `"per_class_count":[3,1,0]`,
		`"per_class_accuracy":[0.6666666666666666,0,null]`, `"per_class_frechet":[12.5,null,null]`,
		`"class_names":["a","b","c"]`, `"scores":{"n":4,`, `"confusion":[[2,1,0],[1,0,0],[0,0,0]]`} {
		if !strings.Contains(s, want) {
			t.Errorf("JSON %s lacks %s", s, want)
		}
	}
	if strings.Count(s, "per_class_frechet") != 1 {
		t.Errorf("JSON %s has per_class_frechet more than once", s)
	}
	var back ConditionalReport
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatalf("json.Unmarshal: %v", err)
	}
	same := func(a, b []float64) bool {
		return slices.EqualFunc(a, b, func(x, y float64) bool { return x == y || math.IsNaN(x) && math.IsNaN(y) })
	}
	if back.N != r.N || back.Accuracy != r.Accuracy || !same(back.PerClassAccuracy, r.PerClassAccuracy) ||
		!same(back.PerClassFrechet, r.PerClassFrechet) || !slices.Equal(back.ClassNames, r.ClassNames) ||
		back.Scores == nil || back.Scores.FrechetDistance != 30 || !slices.Equal(back.Confusion[0], r.Confusion[0]) {
		t.Errorf("round trip: got %+v, want %+v", back, r)
	}
}

// mnistSamples returns the committed MNIST classifier, the first n test images, their labels, and the classes
// the classifier gives them. It skips the test if MNIST cannot be loaded.
func mnistSamples(t *testing.T, n int) (c *Classifier, images []float32, labels, predicted []int) {
	t.Helper()
	test, err := data.Load("mnist", "test")
	if err != nil {
		t.Skipf("MNIST cannot be loaded: %v", err)
	}
	c = committedClassifier(t, "mnist")
	images = test.ImagesFloat(allIndices(n))
	probs, _, err := c.Predict(images, n)
	if err != nil {
		t.Fatal(err)
	}
	for i := range n {
		labels = append(labels, int(test.Labels[i]))
		predicted = append(predicted, argmax(probs[i]))
	}
	return c, images, labels, predicted
}

func TestConditionalScores(t *testing.T) {
	const n = 300
	c, images, labels, predicted := mnistSamples(t, n)
	countAgreeing := func(requested []int) (int, []int, []int) {
		correct, perClass, counts := 0, make([]int, NumClasses), make([]int, NumClasses)
		for i, k := range requested {
			counts[k]++
			if predicted[i] == k {
				correct++
				perClass[k]++
			}
		}
		return correct, perClass, counts
	}

	// Real test images requested as their own labels: a generator that obeys its labels perfectly, and whose
	// images are real. The accuracy is exactly the classifier's on them.
	real, err := c.ConditionalScores(images, n, labels)
	if err != nil {
		t.Fatalf("ConditionalScores: %+v", err)
	}
	t.Logf("true labels: accuracy %.4f, per class %.3f, Fréchet per class %.1f, whole set %+v", real.Accuracy,
		real.PerClassAccuracy, real.PerClassFrechet, *real.Scores)
	correct, perClass, counts := countAgreeing(labels)
	if want := float64(correct) / n; real.N != n || real.Accuracy != want {
		t.Errorf("N %d, accuracy %.6f; want %d and the classifier's accuracy %.6f", real.N, real.Accuracy, n, want)
	}
	if real.Accuracy < 0.98 {
		t.Errorf("accuracy %.4f < 0.98 on real images with their labels", real.Accuracy)
	}
	if !slices.Equal(real.PerClassCount, counts) {
		t.Errorf("per-class counts %v, want %v", real.PerClassCount, counts)
	}
	for k := range NumClasses {
		if want := float64(perClass[k]) / float64(counts[k]); real.PerClassAccuracy[k] != want {
			t.Errorf("class %d: accuracy %g, want %d/%d", k, real.PerClassAccuracy[k], perClass[k], counts[k])
		}
		if sumInts(real.Confusion[k]) != counts[k] {
			t.Errorf("class %d: confusion row %v does not sum to %d", k, real.Confusion[k], counts[k])
		}
	}
	if want := []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}; !slices.Equal(real.ClassNames, want) {
		t.Errorf("class names %v, want %v", real.ClassNames, want)
	}
	// The whole-set scores are those of Score.
	whole, err := c.Score(images, n)
	if err != nil {
		t.Fatal(err)
	}
	if real.Scores == nil || math.Abs(real.Scores.FrechetDistance-whole.FrechetDistance) > 1e-9*whole.FrechetDistance ||
		math.Abs(real.Scores.ClassifierScore-whole.ClassifierScore) > 1e-9 ||
		!slices.Equal(real.Scores.ClassHistogram, whole.ClassHistogram) {
		t.Errorf("scores %+v, but Score gives %+v", real.Scores, *whole)
	}

	t.Run("per-class distance by hand", func(t *testing.T) {
		// Recompute class 7's distance from scratch: the features of the samples requested as 7 against those
		// of all the test images labelled 7, through FrechetDistance. The test images run through the
		// classifier in other batches than when the statistics were cached, which moves features by ~1e-5.
		const k = 7
		test := loadSet(t, "mnist", "test")
		var ofClass []int
		for i, label := range test.Labels {
			if int(label) == k {
				ofClass = append(ofClass, i)
			}
		}
		_, testFeatures, err := c.Predict(test.ImagesFloat(ofClass), len(ofClass))
		if err != nil {
			t.Fatal(err)
		}
		_, features, err := c.Predict(images, n)
		if err != nil {
			t.Fatal(err)
		}
		var sampleFeatures [][]float64
		for i, label := range labels {
			if label == k {
				sampleFeatures = append(sampleFeatures, features[i])
			}
		}
		want, err := FrechetDistance(sampleFeatures, testFeatures)
		if err != nil {
			t.Fatal(err)
		}
		if got := real.PerClassFrechet[k]; math.Abs(got-want) > 1e-3*want {
			t.Errorf("class %d: per-class distance %.6f, FrechetDistance gives %.6f", k, got, want)
		}
	})

	// The same images requested as the next class: a generator that draws the wrong digit. Almost none agree,
	// and each class's images are far from the real images of the class they claim to be.
	shiftedLabels := make([]int, n)
	for i, label := range labels {
		shiftedLabels[i] = (label + 1) % NumClasses
	}
	shifted, err := c.ConditionalScores(images, n, shiftedLabels)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("shifted labels: accuracy %.4f, Fréchet per class %.1f", shifted.Accuracy, shifted.PerClassFrechet)
	if correct, _, _ := countAgreeing(shiftedLabels); shifted.Accuracy != float64(correct)/n || shifted.Accuracy > 0.02 {
		t.Errorf("accuracy %.4f with shifted labels, want %d/%d ≤ 0.02", shifted.Accuracy, correct, n)
	}
	// The whole set is the same, so are its scores.
	if shifted.Scores.FrechetDistance != real.Scores.FrechetDistance {
		t.Errorf("whole-set distance %g with shifted labels, %g with true ones", shifted.Scores.FrechetDistance,
			real.Scores.FrechetDistance)
	}

	// Uniform noise requested as the true labels: what a generator that learned nothing gets.
	rng := rand.New(rand.NewPCG(1, 1))
	noiseImages := make([]float32, len(images))
	for i := range noiseImages {
		noiseImages[i] = 2*rng.Float32() - 1
	}
	noise, err := c.ConditionalScores(noiseImages, n, labels)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("noise: accuracy %.4f, Fréchet per class %.1f", noise.Accuracy, noise.PerClassFrechet)
	for k := range NumClasses {
		r, s, z := real.PerClassFrechet[k], shifted.PerClassFrechet[k], noise.PerClassFrechet[k]
		// With ~30 images a class the distances are biased upwards (see ConditionalReport.PerClassFrechet):
		// 122-346 for real images, 1,800-3,700 for noise, 2,400-5,400 for shifted labels; a ratio of 4 leaves
		// room under the smallest ratio seen (6.2, class 8 against noise).
		if !(r > 0) || s < 4*r || z < 4*r {
			t.Errorf("class %d: per-class distance %.1f with true labels, want it well below %.1f (shifted labels) "+
				"and %.1f (noise)", k, r, s, z)
		}
	}
}

func TestConditionalScoresGuards(t *testing.T) {
	c, images, labels, _ := mnistSamples(t, 30)
	for _, tc := range []struct {
		name      string
		n         int
		requested []int
	}{
		{"too few labels", 30, labels[:29]},
		{"label 10", 30, append(slices.Clone(labels[:29]), 10)},
		{"label -1", 30, append([]int{-1}, labels[1:]...)},
		{"one image", 1, labels[:1]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := c.ConditionalScores(images[:tc.n*ImageSize*ImageSize], tc.n, tc.requested)
			t.Logf("error: %v", err)
			if err == nil {
				t.Error("want an error")
			}
		})
	}
	if _, err := c.ConditionalScores(images[:100], 30, labels); err == nil {
		t.Error("100 values for 30 images: want an error")
	}

	t.Run("rare classes give NaN", func(t *testing.T) {
		// Nothing requested as 8, one image as 9: their distances cannot be computed, nor class 8's accuracy.
		requested := slices.Clone(labels)
		kept9 := false
		for i, k := range requested {
			switch {
			case k == 8, k == 9 && kept9:
				requested[i] = 0
			case k == 9:
				kept9 = true
			}
		}
		r, err := c.ConditionalScores(images, 30, requested)
		if err != nil {
			t.Fatal(err)
		}
		if r.PerClassCount[8] != 0 || r.PerClassCount[9] != 1 {
			t.Fatalf("per-class counts %v, want 0 for class 8 and 1 for class 9", r.PerClassCount)
		}
		if !math.IsNaN(r.PerClassAccuracy[8]) || math.IsNaN(r.PerClassAccuracy[9]) {
			t.Errorf("per-class accuracy %v: want NaN for class 8 only", r.PerClassAccuracy)
		}
		if !math.IsNaN(r.PerClassFrechet[8]) || !math.IsNaN(r.PerClassFrechet[9]) || math.IsNaN(r.PerClassFrechet[0]) {
			t.Errorf("per-class distances %v: want NaN for classes 8 and 9 only", r.PerClassFrechet)
		}
		b, err := json.Marshal(r)
		if err != nil {
			t.Fatalf("json.Marshal with NaN values: %v", err)
		}
		if !strings.Contains(string(b), "null]") {
			t.Errorf("JSON %s: want null for the NaN values", b)
		}
	})
}

func TestCodeAccuracy(t *testing.T) {
	const n = 300
	c, images, labels, predicted := mnistSamples(t, n)
	correct := 0
	for i := range n {
		if predicted[i] == labels[i] {
			correct++
		}
	}
	// An InfoGAN whose code value perm[k] draws digit k: the mapping must find perm's inverse, and the accuracy
	// is the classifier's.
	perm := rand.New(rand.NewPCG(7, 8)).Perm(NumClasses)
	codes := make([]int, n)
	for i, label := range labels {
		codes[i] = perm[label]
	}
	acc, mapping, confusion, err := c.CodeAccuracy(images, n, codes, NumClasses)
	if err != nil {
		t.Fatalf("CodeAccuracy: %+v", err)
	}
	t.Logf("code = %v[label]: accuracy %.4f, mapping %v", perm, acc, mapping)
	if want := float64(correct) / n; acc != want {
		t.Errorf("accuracy %.6f, want the classifier's %d/%d", acc, correct, n)
	}
	for k := range NumClasses {
		if mapping[perm[k]] != k {
			t.Fatalf("mapping %v does not send code %d back to digit %d", mapping, perm[k], k)
		}
	}
	for i := range n {
		confusion[codes[i]][predicted[i]]--
	}
	for _, row := range confusion {
		for _, count := range row {
			if count != 0 {
				t.Fatalf("confusion is not the count of (code, predicted class) pairs: %v left", confusion)
			}
		}
	}

	t.Run("more codes than classes", func(t *testing.T) {
		// Codes 10 and 11 are never generated: they get no class, and nothing else changes.
		acc12, mapping12, confusion12, err := c.CodeAccuracy(images, n, codes, 12)
		if err != nil {
			t.Fatal(err)
		}
		if acc12 != acc || !slices.Equal(mapping12[:NumClasses], mapping) || mapping12[10] != -1 ||
			mapping12[11] != -1 || len(confusion12) != 12 {
			t.Errorf("12 codes: accuracy %g, mapping %v, %d confusion rows; want %g, %v then -1 -1, 12 rows",
				acc12, mapping12, len(confusion12), acc, mapping)
		}
	})

	t.Run("ignored code", func(t *testing.T) {
		// Codes drawn independently of the images: the best mapping still matches a few by chance, about 1/10
		// plus what the best of 10! mappings picks out of 300 samples' noise (0.16 with this seed).
		rng := rand.New(rand.NewPCG(9, 10))
		random := make([]int, n)
		for i := range random {
			random[i] = rng.IntN(NumClasses)
		}
		acc, _, _, err := c.CodeAccuracy(images, n, random, NumClasses)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("random codes: accuracy %.4f", acc)
		if acc > 0.3 {
			t.Errorf("accuracy %.4f of a code unrelated to the images, want about 0.1-0.2", acc)
		}
	})

	t.Run("errors", func(t *testing.T) {
		bad := slices.Clone(codes)
		bad[5] = NumClasses
		for name, call := range map[string]func() error{
			"code out of range": func() error { _, _, _, err := c.CodeAccuracy(images, n, bad, NumClasses); return err },
			"too few codes": func() error {
				_, _, _, err := c.CodeAccuracy(images, n, codes[:n-1], NumClasses)
				return err
			},
			"no code values": func() error { _, _, _, err := c.CodeAccuracy(images, n, codes, 0); return err },
			"no images":      func() error { _, _, _, err := c.CodeAccuracy(nil, 0, nil, NumClasses); return err },
			"wrong size":     func() error { _, _, _, err := c.CodeAccuracy(images[:10], n, codes, NumClasses); return err },
		} {
			if err := call(); err == nil {
				t.Errorf("%s: want an error", name)
			} else {
				t.Logf("%s: %v", name, err)
			}
		}
	})
}

// The one-to-one mapping of code values to classes, and its accuracy, from a confusion matrix.
func ExampleBestMapping() {
	// Four InfoGAN code values, three classes: confusion[code][class] counts the samples.
	confusion := [][]int{
		{20, 0, 0},
		{0, 15, 0},
		{5, 0, 0}, // a second code for class 0: its samples count as errors
		{0, 0, 10},
	}
	mapping, accuracy := BestMapping(confusion)
	fmt.Println(mapping, accuracy)
	// Output: [0 1 -1 2] 0.9
}
