// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"math"
	"math/rand/v2"
	"testing"
)

// TestGaussianCodesMI: the exact mutual information at its limits and the bound's identity L_I + gap = I.
func TestGaussianCodesMI(t *testing.T) {
	far := GaussianCodes{Means: []float64{-30, 0, 30}, Sigma: 1}
	if got := far.MutualInformation(); math.Abs(got-math.Log(3)) > 1e-6 {
		t.Errorf("separated codes: I = %.8f, want ln 3 = %.8f", got, math.Log(3))
	}
	same := GaussianCodes{Means: []float64{1, 1, 1, 1}, Sigma: 2}
	if got := same.MutualInformation(); math.Abs(got) > 1e-9 {
		t.Errorf("indistinguishable codes: I = %g, want 0", got)
	}
	// Two codes at ±1 with σ = 1: p(c=1|x) = sigmoid(2x), so I lies strictly between 0 and ln 2; the identity
	// below pins it to the bound of the exact Q.
	g := GaussianCodes{Means: []float64{-1, 1}, Sigma: 1}
	mi := g.MutualInformation()
	if mi <= 0.3 || mi >= math.Ln2 {
		t.Fatalf("I = %g out of (0.3, ln 2)", mi)
	}
	// The true posterior is logistic: W = ±μ/σ² = ±1, B = 0 makes Q exact, the bound tight and the gap 0.
	exact := &LogisticQ{W: []float64{-1, 1}, B: []float64{0, 0}}
	bound, gap := g.Bound(exact)
	if math.Abs(bound-mi) > 1e-6 || math.Abs(gap) > 1e-6 {
		t.Errorf("exact Q: L_I %.7f, gap %.2g, want I = %.7f and 0", bound, gap, mi)
	}
	// Any other Q: L_I + gap = I and L_I < I.
	for _, q := range []*LogisticQ{NewLogisticQ(2), {W: []float64{0.3, -0.2}, B: []float64{1, 0}}} {
		bound, gap := g.Bound(q)
		if math.Abs(bound+gap-mi) > 1e-6 || bound >= mi || gap <= 0 {
			t.Errorf("Q %+v: L_I %.6f + gap %.6f != I %.6f, or not below it", q, bound, gap, mi)
		}
	}
	if b, _ := g.Bound(NewLogisticQ(2)); math.Abs(b) > 1e-9 {
		t.Errorf("a uniform Q gives L_I = %g, want 0 (E log(1/K) + ln K)", b)
	}
}

// TestQTightensTheBound: training Q by gradient ascent on sampled batches closes the gap.
func TestQTightensTheBound(t *testing.T) {
	g := GaussianCodes{Means: []float64{-2, 0, 2.5}, Sigma: 1}
	mi := g.MutualInformation()
	q := NewLogisticQ(3)
	rng := rand.New(rand.NewPCG(1, 2))
	prev, _ := g.Bound(q)
	for epoch := range 6 {
		lr := 0.5 / float64(1+epoch) // decaying, so that batch noise does not undo the progress
		for range 100 {
			codes, xs := g.Sample(64, rng)
			q.Step(codes, xs, lr)
		}
		b, _ := g.Bound(q)
		if b < prev-5e-3 || b > mi+1e-9 {
			t.Errorf("epoch %d: L_I %.5f (before %.5f), I = %.5f: it must rise and stay below I", epoch, b, prev, mi)
		}
		prev = b
	}
	if mi-prev > 0.01 {
		t.Errorf("after training the gap is %.4f nats (L_I %.4f, I %.4f), want below 0.01", mi-prev, prev, mi)
	}
}

// TestGradientEstimators: both estimators of d/dμ E[x²] = 2μ are unbiased; the pathwise one has a far smaller
// variance (exactly 4σ² here, against σ⁻²E[x⁴(x-μ)²]-4μ² for the score function).
func TestGradientEstimators(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	const mu, sigma, n = 1.5, 1.0, 200000
	sm, sv := ScoreFunctionGradient(mu, sigma, func(x float64) float64 { return x * x }, n, rng)
	pm, pv := PathwiseGradient(mu, sigma, func(x float64) float64 { return 2 * x }, n, rng)
	if math.Abs(pm-2*mu) > 5*math.Sqrt(pv/n) || math.Abs(sm-2*mu) > 5*math.Sqrt(sv/n) {
		t.Errorf("means %.4f (pathwise) and %.4f (score), want 2μ = %g", pm, sm, 2*mu)
	}
	if math.Abs(pv-4*sigma*sigma) > 0.1 {
		t.Errorf("pathwise variance %.3f, want 4σ² = 4", pv)
	}
	// Score-function variance: E[x⁴(x-μ)²]/σ² - (2μ)² with x = μ + ε, σ = 1: E[ε²(μ+ε)⁴] = μ⁴ + 18μ² + 15
	// (the odd moments vanish, E ε² = 1, E ε⁴ = 3, E ε⁶ = 15) = 60.5625 for μ = 1.5, minus 9.
	if want := 60.5625 - 9; math.Abs(sv-want) > 0.05*want {
		t.Errorf("score-function variance %.2f, want %.2f", sv, want)
	}
}
