// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // test graphs read best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// klByHand is ½ Σ (μ² + σ² − log σ² − 1), averaged over rows.
func klByHand(mu, logSigma [][]float32) float64 {
	var s float64
	for i := range mu {
		for k := range mu[i] {
			m, l := float64(mu[i][k]), float64(logSigma[i][k])
			s += 0.5 * (m*m + math.Exp(2*l) - 2*l - 1)
		}
	}
	return s / float64(len(mu))
}

func evalKL(t *testing.T, mu, logSigma [][]float32) (kl float64, gradMu, gradLogSigma []float32) {
	t.Helper()
	exec, err := model.NewExec(testenv.Backend(t), model.NewStore(), func(_ *model.Scope, m, l *Node) (*Node, *Node, *Node) {
		k := KL(m, l)
		g := Gradient(k, m, l)
		return k, g[0], g[1]
	})
	if err != nil {
		t.Fatal(err)
	}
	out, err := exec.Call(tensors.FromValue(mu), tensors.FromValue(logSigma))
	if err != nil {
		t.Fatal(err)
	}
	return float64(tensors.ToScalar[float32](out[0])), tensors.MustCopyFlatData[float32](out[1]), tensors.MustCopyFlatData[float32](out[2])
}

// TestKL: the closed form against the formula by hand, zero at μ = 0 and σ = 1 and positive elsewhere, its
// gradients (μ/B and (σ² − 1)/B for log σ), and a Monte Carlo estimate E[log q(c) − log p(c)] over 200,000 draws.
func TestKL(t *testing.T) {
	mu := [][]float32{{0.5, -1, 0}, {2, 0.1, -0.3}}
	ls := [][]float32{{0, -0.5, 0.7}, {0.2, 0.3, -1}}
	kl, gm, gl := evalKL(t, mu, ls)
	if want := klByHand(mu, ls); math.Abs(kl-want) > 1e-5 {
		t.Errorf("KL = %g, by hand %g", kl, want)
	}
	for i := range mu {
		for k := range mu[i] {
			wantM := float64(mu[i][k]) / 2
			wantL := (math.Exp(2*float64(ls[i][k])) - 1) / 2
			if math.Abs(float64(gm[i*3+k])-wantM) > 1e-5 || math.Abs(float64(gl[i*3+k])-wantL) > 1e-5 {
				t.Errorf("gradient at (%d, %d): μ %g (want %g), log σ %g (want %g)", i, k, gm[i*3+k], wantM, gl[i*3+k], wantL)
			}
		}
	}
	zero, _, _ := evalKL(t, [][]float32{{0, 0}}, [][]float32{{0, 0}})
	if zero != 0 {
		t.Errorf("KL at μ = 0, σ = 1: %g, want 0", zero)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 50 {
		m, l := [][]float32{{float32(rng.NormFloat64())}}, [][]float32{{float32(rng.NormFloat64())}}
		if k, _, _ := evalKL(t, m, l); k < 0 {
			t.Fatalf("KL(%v, %v) = %g < 0", m, l, k)
		}
	}
	// Monte Carlo: c ~ N(μ, σ²), KL = E[log q(c) − log p(c)].
	var mc float64
	const n = 200000
	for i := range mu {
		for k := range mu[i] {
			m, s := float64(mu[i][k]), math.Exp(float64(ls[i][k]))
			var sum float64
			for range n {
				e := rng.NormFloat64()
				c := m + s*e
				sum += (-0.5*e*e - math.Log(s)) - (-0.5 * c * c)
			}
			mc += sum / n
		}
	}
	mc /= float64(len(mu))
	if math.Abs(mc-kl) > 0.02*math.Max(1, kl) {
		t.Errorf("Monte Carlo KL %g against the closed form %g", mc, kl)
	}
}

// TestReparametrize: c = μ + σ·ε; gradients reach μ (1) and log σ (σ·ε), not ε; over many ε the samples have
// mean μ and standard deviation σ.
func TestReparametrize(t *testing.T) {
	exec, err := model.NewExec(testenv.Backend(t), model.NewStore(), func(_ *model.Scope, m, l, e *Node) (*Node, *Node, *Node) {
		c := Reparametrize(m, l, e)
		g := Gradient(ReduceAllSum(c), m, l, e)
		return c, g[0], Add(g[1], MulScalar(g[2], 1000)) // ε's gradient must be 0
	})
	if err != nil {
		t.Fatal(err)
	}
	const n = 20000
	rng := rand.New(rand.NewPCG(3, 4))
	mu, ls, eps := make([]float32, n), make([]float32, n), make([]float32, n)
	for i := range eps {
		mu[i], ls[i], eps[i] = 1.5, float32(math.Log(0.5)), float32(rng.NormFloat64())
	}
	out, err := exec.Call(tensors.FromFlatDataAndDimensions(mu, n, 1), tensors.FromFlatDataAndDimensions(ls, n, 1), tensors.FromFlatDataAndDimensions(eps, n, 1))
	if err != nil {
		t.Fatal(err)
	}
	c, gm, gl := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1]), tensors.MustCopyFlatData[float32](out[2])
	var mean, sq float64
	for i := range c {
		if gm[i] != 1 || math.Abs(float64(gl[i])-0.5*float64(eps[i])) > 1e-5 {
			t.Fatalf("sample %d: ∂c/∂μ %g (want 1), ∂c/∂log σ + 1000·∂c/∂ε %g (want σ·ε = %g)", i, gm[i], gl[i], 0.5*eps[i])
		}
		mean += float64(c[i]) / n
	}
	for i := range c {
		sq += (float64(c[i]) - mean) * (float64(c[i]) - mean) / n
	}
	if math.Abs(mean-1.5) > 0.02 || math.Abs(math.Sqrt(sq)-0.5) > 0.02 {
		t.Errorf("samples: mean %g (want 1.5), std %g (want 0.5)", mean, math.Sqrt(sq))
	}
}

// TestAugmentHalves: μ is the first half of the layer's output and log σ the second, each its own numbers.
func TestAugmentHalves(t *testing.T) {
	store := model.NewStore()
	exec, err := model.NewExec(testenv.Backend(t), store, func(scope *model.Scope, e, eps *Node) (*Node, *Node, *Node) {
		return Augment(scope, e, eps, 3)
	})
	if err != nil {
		t.Fatal(err)
	}
	e := [][]float32{{1, -2, 0.5, 3}, {0, 1, 1, -1}}
	eps := [][]float32{{0.1, -0.2, 0.3}, {1, 0, -1}}
	out, err := exec.Call(tensors.FromValue(e), tensors.FromValue(eps))
	if err != nil {
		t.Fatal(err)
	}
	w := tensors.MustCopyFlatData[float32](store.GetVariable("/ca/weights").MustValue()) // [4, 6]
	bias := tensors.MustCopyFlatData[float32](store.GetVariable("/ca/biases").MustValue())
	c, mu, ls := tensors.MustCopyFlatData[float32](out[0]), tensors.MustCopyFlatData[float32](out[1]), tensors.MustCopyFlatData[float32](out[2])
	leaky := func(x float64) float64 {
		if x < 0 {
			return 0.2 * x
		}
		return x
	}
	for i := range e {
		for k := range 6 {
			h := float64(bias[k])
			for j := range 4 {
				h += float64(e[i][j]) * float64(w[j*6+k])
			}
			h = leaky(h)
			got := mu
			idx := i*3 + k
			if k >= 3 {
				got, idx = ls, i*3+k-3
			}
			if math.Abs(float64(got[idx])-h) > 1e-5 {
				t.Fatalf("row %d output %d: %g, by hand %g", i, k, got[idx], h)
			}
		}
		for k := range 3 {
			want := float64(mu[i*3+k]) + math.Exp(float64(ls[i*3+k]))*float64(eps[i][k])
			if math.Abs(float64(c[i*3+k])-want) > 1e-5 {
				t.Errorf("c[%d,%d] = %g, want μ + σε = %g", i, k, c[i*3+k], want)
			}
		}
	}
}
