// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestInceptionScore(t *testing.T) {
	oneHot := func(class int) []float64 {
		p := make([]float64, 10)
		p[class] = 1
		return p
	}
	uniform := slices.Repeat([]float64{0.1}, 10)
	for _, tc := range []struct {
		name  string
		probs [][]float64
		want  float64
		// Source of want.
	}{
		// Every image certain of class 3: p(y) = p(y|x), every KL is 0, exp(0) = 1.
		{"all one class", [][]float64{oneHot(3), oneHot(3), oneHot(3)}, 1},
		// Every image uncertain in the same way: p(y|x) = p(y), exp(0) = 1.
		{"all uniform", [][]float64{uniform, uniform}, 1},
		// Ten images, each certain of a different class: p(y) = 1/10, KL = log 10 for each: exp(log 10) = 10.
		{"one of each class", [][]float64{oneHot(0), oneHot(1), oneHot(2), oneHot(3), oneHot(4), oneHot(5),
			oneHot(6), oneHot(7), oneHot(8), oneHot(9)}, 10},
		// By hand: p(y) = (0.75, 0.25); KL1 = log(1/0.75) = log(4/3); KL2 = 0.5·log(0.5/0.75) + 0.5·log(0.5/0.25)
		// = 0.5·log(4/3); mean = 0.75·log(4/3), so the score is (4/3)^0.75 = 1.24081...
		{"two classes by hand", [][]float64{{1, 0}, {0.5, 0.5}}, math.Pow(4.0/3, 0.75)},
		// By hand: p(y) = (0.5, 0.5); KL of (0.9, 0.1) to it is 0.9·log 1.8 + 0.1·log 0.2 = 0.36806..., the same
		// for (0.1, 0.9); the score is 1.8^0.9 · 0.2^0.1 = 1.44497...
		{"symmetric pair by hand", [][]float64{{0.9, 0.1}, {0.1, 0.9}}, math.Pow(1.8, 0.9) * math.Pow(0.2, 0.1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := InceptionScore(tc.probs); math.Abs(got-tc.want) > 1e-12 {
				t.Errorf("InceptionScore = %.15g, want %.15g", got, tc.want)
			}
		})
	}
	if got := InceptionScore(nil); !math.IsNaN(got) {
		t.Errorf("InceptionScore(nil) = %g, want NaN", got)
	}
}

// TestSymEigen checks A·v = λ·v, VᵀV = I and the eigenvalues of a matrix whose spectrum is known.
func TestSymEigen(t *testing.T) {
	// [[2,1],[1,2]] has eigenvalues 1 and 3 (by hand: (2-λ)² = 1).
	values, _ := symEigen([]float64{2, 1, 1, 2}, 2)
	slices.Sort(values)
	if math.Abs(values[0]-1) > 1e-14 || math.Abs(values[1]-3) > 1e-14 {
		t.Errorf("eigenvalues of [[2,1],[1,2]] = %v, want [1 3]", values)
	}

	// A random symmetric 40x40 matrix: check the decomposition itself.
	const n = 40
	rng := rand.New(rand.NewPCG(1, 2))
	a := make([]float64, n*n)
	for i := range n {
		for j := i; j < n; j++ {
			v := rng.NormFloat64()
			a[i*n+j], a[j*n+i] = v, v
		}
	}
	values, vectors := symEigen(a, n)
	for k := range n {
		for i := range n {
			var av float64
			for j := range n {
				av += a[i*n+j] * vectors[j*n+k]
			}
			if d := math.Abs(av - values[k]*vectors[i*n+k]); d > 1e-10 {
				t.Fatalf("(A·v_%d)[%d] differs from λ·v by %g", k, i, d)
			}
		}
		for l := range n {
			var dot float64
			for i := range n {
				dot += vectors[i*n+k] * vectors[i*n+l]
			}
			want := 0.0
			if k == l {
				want = 1
			}
			if math.Abs(dot-want) > 1e-12 {
				t.Fatalf("v_%d·v_%d = %g, want %g", k, l, dot, want)
			}
		}
	}
	// The trace is the sum of the eigenvalues.
	var sum float64
	for _, v := range values {
		sum += v
	}
	if math.Abs(sum-trace(a, n)) > 1e-10 {
		t.Errorf("sum of eigenvalues %g != trace %g", sum, trace(a, n))
	}
}

func TestSymSqrt(t *testing.T) {
	// A random SPD matrix B·Bᵀ: its root R must be symmetric with R·R = A.
	const n = 30
	rng := rand.New(rand.NewPCG(3, 4))
	b := make([]float64, n*n)
	for i := range b {
		b[i] = rng.NormFloat64()
	}
	bt := make([]float64, n*n)
	for i := range n {
		for j := range n {
			bt[j*n+i] = b[i*n+j]
		}
	}
	a := matMul(b, bt, n)
	r := symSqrt(a, n)
	rr := matMul(r, r, n)
	for i := range a {
		if d := math.Abs(rr[i] - a[i]); d > 1e-9*math.Max(1, math.Abs(a[i])) {
			t.Fatalf("(R·R)[%d] = %g, want %g", i, rr[i], a[i])
		}
	}
}

// fourPoints returns the 4 vectors center ± u, center ± v: their sample mean is center and their sample
// covariance (n-1 = 3 denominator) is exactly (2·u·uᵀ + 2·v·vᵀ) / 3.
func fourPoints(center, u, v []float64) [][]float64 {
	var rows [][]float64
	for _, dir := range [][]float64{u, v} {
		for _, sign := range []float64{1, -1} {
			row := make([]float64, len(center))
			for i := range row {
				row[i] = center[i] + sign*dir[i]
			}
			rows = append(rows, row)
		}
	}
	return rows
}

func TestFrechetDistance(t *testing.T) {
	t.Run("diagonal by hand", func(t *testing.T) {
		// a: mean (0,0), covariance diag(2·1²/3, 2·2²/3). b: mean (1,2), covariance diag(2·3²/3, 2·1²/3).
		// For commuting (here diagonal) covariances the trace term is Σ_i (σa_i - σb_i)², so
		// FD = (1² + 2²) + (2/3)·(1-3)² + (2/3)·(2-1)² = 5 + 8/3 + 2/3 = 25/3.
		a := fourPoints([]float64{0, 0}, []float64{1, 0}, []float64{0, 2})
		b := fourPoints([]float64{1, 2}, []float64{3, 0}, []float64{0, 1})
		got, err := FrechetDistance(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if want := 25.0 / 3; math.Abs(got-want) > 1e-12 {
			t.Errorf("FrechetDistance = %.15g, want %.15g", got, want)
		}
	})

	t.Run("non-commuting 2x2 closed form", func(t *testing.T) {
		// For 2x2 SPD matrices, Tr(M^{1/2}) = sqrt(Tr M + 2·sqrt(det M)) (the two roots' sum, squared, is
		// λ1 + λ2 + 2·sqrt(λ1·λ2)), so FD = |Δμ|² + Tr A + Tr B - 2·sqrt(Tr(AB) + 2·sqrt(det A · det B)).
		// This does not use the eigenvalue code it checks.
		a := fourPoints([]float64{0.5, -1}, []float64{1, 1}, []float64{0, 2})
		b := fourPoints([]float64{0, 0}, []float64{2, -1}, []float64{0.5, 0.5})
		cov := func(u, v []float64) [4]float64 {
			var c [4]float64
			for i := range 2 {
				for j := range 2 {
					c[i*2+j] = (2*u[i]*u[j] + 2*v[i]*v[j]) / 3
				}
			}
			return c
		}
		A, B := cov([]float64{1, 1}, []float64{0, 2}), cov([]float64{2, -1}, []float64{0.5, 0.5})
		det := func(m [4]float64) float64 { return m[0]*m[3] - m[1]*m[2] }
		trAB := A[0]*B[0] + A[1]*B[2] + A[2]*B[1] + A[3]*B[3]
		want := 0.5*0.5 + 1*1 + (A[0] + A[3]) + (B[0] + B[3]) - 2*math.Sqrt(trAB+2*math.Sqrt(det(A)*det(B)))
		got, err := FrechetDistance(a, b)
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(got-want) > 1e-12 {
			t.Errorf("FrechetDistance = %.15g, want %.15g", got, want)
		}
		// The distance is symmetric.
		if back, _ := FrechetDistance(b, a); math.Abs(back-got) > 1e-12 {
			t.Errorf("FrechetDistance(b, a) = %.15g, but (a, b) = %.15g", back, got)
		}
	})

	t.Run("a set with itself is 0", func(t *testing.T) {
		// 500 correlated 128-d vectors (the size of the classifier's features).
		rng := rand.New(rand.NewPCG(5, 6))
		rows := make([][]float64, 500)
		for i := range rows {
			rows[i] = make([]float64, FeatureDim)
			var acc float64
			for j := range rows[i] {
				acc = 0.7*acc + rng.NormFloat64()
				rows[i][j] = acc + float64(j)/10
			}
		}
		got, err := FrechetDistance(rows, rows)
		if err != nil {
			t.Fatal(err)
		}
		if got > 1e-8 {
			t.Errorf("FrechetDistance(x, x) = %g, want ~0", got)
		}
		// Shifting every vector by δ in each coordinate adds exactly |δ|² = 128·δ².
		shifted := make([][]float64, len(rows))
		for i, r := range rows {
			shifted[i] = make([]float64, len(r))
			for j, v := range r {
				shifted[i][j] = v + 0.5
			}
		}
		got, err = FrechetDistance(rows, shifted)
		if err != nil {
			t.Fatal(err)
		}
		if want := FeatureDim * 0.25; math.Abs(got-want) > 1e-7 {
			t.Errorf("FrechetDistance(x, x+0.5) = %.10g, want %g", got, want)
		}
	})

	t.Run("errors", func(t *testing.T) {
		if _, err := FrechetDistance([][]float64{{1, 2}}, [][]float64{{1, 2}, {3, 4}}); err == nil {
			t.Error("one vector: want an error")
		}
		if _, err := FrechetDistance([][]float64{{1, 2}, {3, 4}}, [][]float64{{1, 2, 3}, {3, 4, 5}}); err == nil {
			t.Error("dimensions 2 and 3: want an error")
		}
		if _, err := FrechetDistance([][]float64{{1, 2}, {3}}, [][]float64{{1, 2}, {3, 4}}); err == nil {
			t.Error("ragged rows: want an error")
		}
		if _, err := FrechetDistance([][]float64{{1, math.NaN()}, {3, 4}}, [][]float64{{1, 2}, {3, 4}}); err == nil {
			t.Error("NaN: want an error")
		}
	})
}

// TestKernelDistance checks the unbiased MMD² by hand: a = {(1, 0), (0, 1)}, b = {(1, 1), (0, 0)}, d = 2, so
// k = (xᵀy/2 + 1)³: within a k(a₁, a₂) = 1, within b k(b₁, b₂) = 1, across (1.5³ + 1 + 1.5³ + 1)/4 = 2.1875:
// MMD² = 1 + 1 − 2·2.1875 = −2.375.
func TestKernelDistance(t *testing.T) {
	got, err := KernelDistance([][]float64{{1, 0}, {0, 1}}, [][]float64{{1, 1}, {0, 0}})
	if err != nil || math.Abs(got+2.375) > 1e-12 {
		t.Errorf("KernelDistance = %g, %v; want -2.375", got, err)
	}
	if _, err := KernelDistance([][]float64{{1}}, [][]float64{{1}, {2}}); err == nil {
		t.Error("a set of one vector was accepted")
	}
}

// TestAUC against counting pairs by hand, ties counting half.
func TestAUC(t *testing.T) {
	pos, neg := []float64{3, 1, 2, 2}, []float64{0, 2, 1}
	var want float64
	for _, p := range pos {
		for _, q := range neg {
			switch {
			case p > q:
				want++
			case p == q:
				want += 0.5
			}
		}
	}
	want /= float64(len(pos) * len(neg))
	if got := AUC(pos, neg); math.Abs(got-want) > 1e-12 {
		t.Errorf("AUC = %g, by hand %g", got, want)
	}
	if AUC([]float64{1, 2}, []float64{3, 4}) != 0 || AUC([]float64{5}, []float64{1}) != 1 {
		t.Error("AUC of separated scores is not 0 or 1")
	}
}

// TestSpread: three images of one value each, 1, -1 and 1 (in [0, 1]: 1, 0, 1): the pairs are 1, 0 and 1 apart,
// a mean of 2/3.
func TestSpread(t *testing.T) {
	images := []float32{1, 1, -1, -1, 1, 1}
	if got := Spread(images, 3, 2); math.Abs(got-2.0/3) > 1e-12 {
		t.Errorf("Spread = %g, want 2/3", got)
	}
}

// TestCheckerboardShare: a pure checkerboard has all its variance at (π, π); stripes of period two at (π, 0);
// a ramp 0, 1, 2, 3 along the columns (the same on the 4 rows) by hand: centred [-1.5, -0.5, 0.5, 1.5], its
// coefficient at (0, π) is 4·(-1.5 + 0.5 + 0.5 - 1.5) = -8, power 64/16 = 4, of a variance 4·5 = 20: 0.2.
func TestCheckerboardShare(t *testing.T) {
	board, stripes, ramp := make([]float32, 16), make([]float32, 16), make([]float32, 16)
	for i := range 4 {
		for j := range 4 {
			board[i*4+j] = float32(1 - 2*((i+j)%2))
			stripes[i*4+j] = float32(1 - 2*(i%2))
			ramp[i*4+j] = float32(j)
		}
	}
	for _, c := range []struct {
		name string
		img  []float32
		want float64
	}{{"checkerboard", board, 1}, {"stripes", stripes, 1}, {"ramp", ramp, 0.2}} {
		if got := CheckerboardShare(c.img, 1, 4, 4, 1); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("%s: %g, want %g", c.name, got, c.want)
		}
	}
}

// TestFlatSquareShare: of three 6×6 images, one with a grey 3×3 square, one with a grey 3×2 patch (not a square of
// 3) and one all black, one holds a 3×3 square.
func TestFlatSquareShare(t *testing.T) {
	imgs := make([]float32, 3*36)
	for i := range imgs {
		imgs[i] = -1
	}
	for i := 1; i < 4; i++ {
		for j := 2; j < 5; j++ {
			imgs[i*6+j] = 0.01 // the first image's square
		}
	}
	for i := 0; i < 3; i++ {
		for j := 0; j < 2; j++ {
			imgs[36+i*6+j] = 0 // the second image's patch, two wide
		}
	}
	if got := FlatSquareShare(imgs, 3, 6, 6, 3, 0.05); math.Abs(got-1.0/3) > 1e-12 {
		t.Errorf("FlatSquareShare = %g, want 1/3", got)
	}
	if got := FlatSquareShare(imgs, 3, 6, 6, 3, 0.001); got != 0 {
		t.Errorf("with a tolerance below the square's 0.01: %g, want 0", got)
	}
}

func TestTotalVariance(t *testing.T) {
	// The corners of a square of side 2: each coordinate is 0 twice and 2 twice, a variance of 4·1/(4-1) = 4/3
	// with the n-1 denominator; two coordinates, 8/3.
	got, err := TotalVariance([][]float64{{0, 0}, {2, 0}, {0, 2}, {2, 2}})
	if err != nil || math.Abs(got-8.0/3) > 1e-12 {
		t.Errorf("TotalVariance(square) = %v, %v; want 8/3", got, err)
	}
	if _, err := TotalVariance([][]float64{{1, 2}}); err == nil {
		t.Error("TotalVariance of one vector gave no error")
	}
}
