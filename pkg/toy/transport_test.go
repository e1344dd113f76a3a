// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"testing"
)

func TestSlicedWasserstein(t *testing.T) {
	a := EightGaussians().Sample(500, NewRand(3))
	near(t, "SW(a, a)", SlicedWasserstein(a, a, 16, nil), 0, 0)
	// Shifted by (s, 0), the projection on angle θ moves by s·cos θ: SW = s·mean |cos θ| over the angles.
	const s, n = 0.5, 64
	shifted := make([][]float64, len(a))
	for i, p := range a {
		shifted[i] = []float64{p[0] + s, p[1]}
	}
	var want float64
	for k := range n {
		want += s * math.Abs(math.Cos(math.Pi*(float64(k)+0.5)/n)) / n
	}
	near(t, "SW(a, a + (0.5, 0))", SlicedWasserstein(a, shifted, n, nil), want, 1e-12)
	near(t, "its many-direction limit 2s/π", want, 2*s/math.Pi, 1e-3)
	// In 3-D, with random directions: the same shift along the first axis gives s·E|θ₁| = s/2 on the sphere.
	a3, b3 := make([][]float64, 200), make([][]float64, 200)
	rng := NewRand(4)
	for i := range a3 {
		a3[i] = []float64{rng.NormFloat64(), rng.NormFloat64(), rng.NormFloat64()}
		b3[i] = []float64{a3[i][0] + s, a3[i][1], a3[i][2]}
	}
	near(t, "SW in 3-D", SlicedWasserstein(a3, b3, 4000, NewRand(5)), s/2, 0.01)
	if !math.IsNaN(SlicedWasserstein(nil, a, 4, nil)) {
		t.Error("SW of an empty sample is not NaN")
	}
}

func TestTransportMap2D(t *testing.T) {
	for _, m := range []Modal{EightGaussians(), Grid25()} {
		f := TransportMap2D(m)
		rng := NewRand(7)
		mapped := make([][]float64, 4000)
		noise := make([][]float64, len(mapped))
		for i := range mapped {
			noise[i] = []float64{rng.NormFloat64(), rng.NormFloat64()}
			mapped[i] = f(noise[i])
		}
		// In 2-D a Gaussian puts 1 - exp(-9/2) = 98.9% of its mass within 3σ of its mean.
		c := ModeCoverage(mapped, m)
		if c.Covered != len(m.Modes()) || c.HighQuality < 0.98 || c.KLToUniform > 0.01 {
			t.Errorf("%T: the mapped normals cover %d modes, %.3f within 3σ, KL to uniform %.4f; want all, ≥ 0.98, ≤ 0.01",
				m, c.Covered, c.HighQuality, c.KLToUniform)
		}
		data := m.Sample(4000, NewRand(8))
		floor := SlicedWasserstein(m.Sample(4000, NewRand(9)), data, 32, nil)
		got := SlicedWasserstein(mapped, data, 32, nil)
		if got > 2*floor+0.01 {
			t.Errorf("%T: SW(mapped, data) = %.4f, two samples of the data are %.4f apart", m, got, floor)
		}
		if raw := SlicedWasserstein(noise, data, 32, nil); raw < 10*got {
			t.Errorf("%T: SW(noise, data) = %.4f is not far above SW(mapped, data) = %.4f", m, raw, got)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("TransportMap2D of a 1-D distribution did not panic")
		}
	}()
	TransportMap2D(badModal{})
}

// badModal is a 1-D "mixture", which TransportMap2D refuses.
type badModal struct{ Gaussian1D }

func (badModal) Modes() [][]float64 { return [][]float64{{0}} }
func (badModal) ModeStd() float64   { return 1 }

func TestEntropies(t *testing.T) {
	p, q := []float64{0.5, 0.3, 0.2}, []float64{0.2, 0.5, 0.3}
	near(t, "H(p)", Entropy(p), -(0.5*math.Log(0.5) + 0.3*math.Log(0.3) + 0.2*math.Log(0.2)), 1e-15)
	near(t, "KL(p ‖ q) = H(p, q) - H(p)", KL(p, q), CrossEntropy(p, q)-Entropy(p), 1e-15)
	near(t, "KL(p ‖ p)", KL(p, p), 0, 0)
	near(t, "H(uniform of 10)", Entropy([]float64{.1, .1, .1, .1, .1, .1, .1, .1, .1, .1}), math.Log(10), 1e-15)
	if !math.IsInf(CrossEntropy([]float64{0.5, 0.5}, []float64{1, 0}), 1) {
		t.Error("H(p, q) with q = 0 < p is not +Inf")
	}
	a, b := Gaussian1D{Mean: 0.5, Std: 0.8}, Gaussian1D{Mean: -0.5, Std: 1.3}
	// Closed forms: H(N(μ, σ²)) = ½ log(2πe σ²); KL of two normals.
	near(t, "H(a)", Entropy1D(a.PDF, -12, 12, 4000), 0.5*math.Log(2*math.Pi*math.E*0.64), 1e-9)
	near(t, "H(a, b) - H(a)", CrossEntropy1D(a.PDF, b.PDF, -12, 12, 4000)-Entropy1D(a.PDF, -12, 12, 4000), GaussianKL(a, b), 1e-9)
	near(t, "KL1D(a, b)", KL1D(a.PDF, b.PDF, -12, 12, 4000), GaussianKL(a, b), 1e-9)
	near(t, "GaussianKL(a, a)", GaussianKL(a, a), 0, 1e-15)
}
