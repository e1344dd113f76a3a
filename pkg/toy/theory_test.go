// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"testing"
)

// bimodal is the 1-D data of the tests: a two-component mixture with unequal weights and widths.
var bimodal = Mixture1D{Weights: []float64{0.3, 0.7}, Means: []float64{-2, 1.5}, Stds: []float64{0.5, 0.8}}

func near(t *testing.T, name string, got, want, tol float64) {
	t.Helper()
	if math.IsNaN(got) || math.Abs(got-want) > tol {
		t.Errorf("%s = %.10g, want %.10g ± %g", name, got, want, tol)
	}
}

func TestDensitiesIntegrateToOne(t *testing.T) {
	for name, d := range map[string]Distribution1D{
		"gaussian": Gaussian1D{Mean: 1, Std: 2},
		"mixture":  bimodal,
	} {
		near(t, name, simpson(d.PDF, -30, 30, 20000), 1, 1e-9)
	}
	// 2-D: a midpoint sum on a grid of step h covering all the mass.
	for name, d := range map[string]Modal{
		"ring":  Ring2D{K: 8, Radius: 2, Std: 0.1},
		"ring8": EightGaussians(),
		"grid":  Grid2D{Side: 3, Spacing: 2, Std: 0.1},
	} {
		h := d.ModeStd() / 3 // the midpoint rule on a Gaussian is accurate to ~exp(-2π²σ²/h²)
		sum := 0.0
		for x := -3 + h/2; x < 3; x += h {
			for y := -3 + h/2; y < 3; y += h {
				sum += d.Density([]float64{x, y})
			}
		}
		near(t, name, sum*h*h, 1, 1e-6)
	}
}

func TestModesAndSamples(t *testing.T) {
	ring := EightGaussians()
	modes := ring.Modes()
	near(t, "mode 0 x", modes[0][0], 2, 1e-12)
	near(t, "mode 2 y", modes[2][1], 2, 1e-12) // 90°
	near(t, "mode 1 radius", math.Hypot(modes[1][0], modes[1][1]), 2, 1e-12)
	grid := Grid25().Modes()
	if len(grid) != 25 || grid[0][0] != -4 || grid[24][1] != 4 || grid[12][0] != 0 {
		t.Errorf("Grid25 modes: %d modes, first %v, centre %v, last %v", len(grid), grid[0], grid[12], grid[24])
	}
	// The mean distance of ring samples to their mode is σ·√(π/2), the mean of a Rayleigh distribution.
	samples := ring.Sample(20000, NewRand(1))
	near(t, "mean distance to modes", MeanDistanceToModes(samples, modes), 0.02*math.Sqrt(math.Pi/2), 5e-4)
	// Same seed, same points.
	if a, b := bimodal.Sample(3, NewRand(7)), bimodal.Sample(3, NewRand(7)); a[2][0] != b[2][0] {
		t.Errorf("Sample is not deterministic: %v vs %v", a, b)
	}
	// 1-D samples follow their CDF: the KS statistic of 10,000 samples is below 1.36/√n (5% level) = 0.0136.
	for name, d := range map[string]Distribution1D{"gaussian": Gaussian1D{Mean: -1, Std: 0.5}, "mixture": bimodal} {
		if ks := KS1(Column(d.Sample(10000, NewRand(2)), 0), d.CDF); ks > 0.0136 {
			t.Errorf("%s: KS of its own samples = %.4f, want < 0.0136", name, ks)
		}
	}
}

func TestQuantileInvertsCDF(t *testing.T) {
	for _, u := range []float64{1e-9, 0.001, 0.1, 0.3, 0.5, 0.77, 0.999, 1 - 1e-9} {
		near(t, "Φ(Φ⁻¹(u))", NormalCDF(NormalQuantile(u)), u, 1e-15+1e-12*u)
		near(t, "mixture F(F⁻¹(u))", bimodal.CDF(bimodal.Quantile(u)), u, 1e-11)
	}
	for _, x := range []float64{-4, -2, -0.3, 0, 1.5, 3.7} {
		near(t, "mixture F⁻¹(F(x))", bimodal.Quantile(bimodal.CDF(x)), x, 1e-9)
		g := Gaussian1D{Mean: 0.5, Std: 3}
		near(t, "gaussian F⁻¹(F(x))", g.Quantile(g.CDF(x)), x, 1e-12)
	}
	near(t, "Φ⁻¹(0.975)", NormalQuantile(0.975), 1.959963984540054, 1e-14) // the textbook 1.96
	// The transport map sends N(0, 1) to the target: KS of 10,000 mapped normals against the target's CDF.
	tmap := TransportMap1D(bimodal)
	z := Column(Gaussian1D{Std: 1}.Sample(10000, NewRand(3)), 0)
	for i := range z {
		z[i] = tmap(z[i])
	}
	if ks := KS1(z, bimodal.CDF); ks > 0.0136 {
		t.Errorf("KS of F⁻¹(Φ(z)) against F = %.4f, want < 0.0136", ks)
	}
}

func TestJSD(t *testing.T) {
	n01, n12 := Gaussian1D{Std: 1}, Gaussian1D{Mean: 1, Std: 2}
	near(t, "JSD(p ‖ p)", JSD1D(bimodal.PDF, bimodal.PDF, -10, 10, 2000), 0, 1e-15)
	far := Gaussian1D{Mean: 40, Std: 1}
	near(t, "JSD of disjoint Gaussians", JSD1D(n01.PDF, far.PDF, -20, 60, 40000), math.Log(2), 1e-9)
	uniform := func(a float64) func(float64) float64 {
		return func(x float64) float64 {
			if x >= a && x <= a+1 {
				return 1
			}
			return 0
		}
	}
	// The jumps of the uniform densities cost Simpson's rule O(h) = 5e-5.
	near(t, "JSD of disjoint uniforms", JSD1D(uniform(0), uniform(2), -1, 4, 100000), math.Log(2), 1e-4)
	// References computed with mpmath.quad at 30 digits (mp.dps = 30) on (-∞, -5, 0, 5, ∞):
	// JSD(N(0,1) ‖ N(1,2²)) = 0.128174973054398010424818075775,
	// JSD(bimodal ‖ N(0,1.5²)) = 0.108813019843159678911364148703.
	near(t, "JSD(N(0,1) ‖ N(1,4))", JSD1D(n01.PDF, n12.PDF, -25, 25, 20000), 0.128174973054398010, 1e-10)
	near(t, "JSD(bimodal ‖ N(0,2.25))", JSD1D(bimodal.PDF, Gaussian1D{Std: 1.5}.PDF, -20, 20, 20000),
		0.108813019843159679, 1e-10)
	// KL(N(0,1) ‖ N(1,2²)) = log(σ₂/σ₁) + (σ₁² + (μ₁-μ₂)²)/(2σ₂²) - ½ = log 2 + 2/8 - ½ (closed form).
	near(t, "KL(N(0,1) ‖ N(1,4))", KL1D(n01.PDF, n12.PDF, -25, 25, 20000), math.Log(2)-0.25, 1e-10)
}

// TestValueAtOptimalD checks theorem 1 numerically: ∫ p·log D* + q·log(1 - D*) = -log 4 + 2·JSD(p ‖ q).
func TestValueAtOptimalD(t *testing.T) {
	pairs := []struct {
		name string
		p, q func(float64) float64
	}{
		{"p = q", bimodal.PDF, bimodal.PDF},
		{"bimodal vs N(0,2.25)", bimodal.PDF, Gaussian1D{Std: 1.5}.PDF},
		{"N(0,1) vs N(1,4)", Gaussian1D{Std: 1}.PDF, Gaussian1D{Mean: 1, Std: 2}.PDF},
		{"disjoint", Gaussian1D{Std: 1}.PDF, Gaussian1D{Mean: 40, Std: 1}.PDF},
	}
	for _, c := range pairs {
		v := OptimalValue1D(c.p, c.q, -20, 60, 40000)
		near(t, c.name, v, ValueFromJSD(JSD1D(c.p, c.q, -20, 60, 40000)), 1e-10)
	}
	near(t, "V at p_g = p_data", ValueFromJSD(0), -math.Log(4), 0)
	near(t, "V at disjoint supports", ValueFromJSD(math.Log(2)), 0, 1e-15)
}

func TestOptimalD(t *testing.T) {
	for _, c := range []struct{ p, q, want float64 }{
		{1, 1, 0.5}, {3, 1, 0.75}, {0, 2, 0}, {2, 0, 1}, {0, 0, 0.5}, {0.1, 0.3, 0.25},
	} {
		near(t, "OptimalD", OptimalD(c.p, c.q), c.want, 1e-15)
	}
	// D* maximizes a·log D + b·log(1 - D): no value on a fine grid does better.
	a, b := 0.3, 0.9
	best := a*math.Log(OptimalD(a, b)) + b*math.Log(1-OptimalD(a, b))
	for _, d := range Linspace(0.001, 0.999, 999) {
		if v := a*math.Log(d) + b*math.Log(1-d); v > best+1e-15 {
			t.Errorf("D = %g gives %g > %g at D* = %g", d, v, best, OptimalD(a, b))
		}
	}
}

func TestDensityEstimates(t *testing.T) {
	xs := Column(Gaussian1D{Std: 1}.Sample(20000, NewRand(4)), 0)
	kde := KDE1D(xs, 0)
	near(t, "KDE at 0", kde(0), 1/math.Sqrt(2*math.Pi), 0.01)
	near(t, "KDE at 1", kde(1), math.Exp(-0.5)/math.Sqrt(2*math.Pi), 0.01)
	near(t, "∫ KDE", simpson(KDE1D(xs[:2000], 0), -8, 8, 800), 1, 1e-6)
	// Silverman's rule for n = 20,000 standard normals: 0.9·1·20000^(-1/5) ≈ 0.1245.
	near(t, "Silverman bandwidth", SilvermanBandwidth(xs), 0.9*math.Pow(20000, -0.2), 0.005)
	centres, dens := Histogram1D(xs, -10, 10, 200)
	sum := 0.0
	for i := range dens {
		sum += dens[i] * 0.1
	}
	near(t, "∫ histogram", sum, 1, 1e-12)
	near(t, "histogram centre", centres[100], 0.05, 1e-12)
}

func TestSampleDistances(t *testing.T) {
	a := Column(bimodal.Sample(1000, NewRand(5)), 0)
	shifted := make([]float64, len(a))
	for i := range a {
		shifted[i] = a[i] + 0.7
	}
	near(t, "W1(a, a + 0.7)", Wasserstein1D(a, shifted), 0.7, 1e-12)
	near(t, "W1(a, a)", Wasserstein1D(a, a), 0, 0)
	near(t, "W1({0}, {0, 1})", Wasserstein1D([]float64{0}, []float64{0, 1}), 0.5, 1e-15)
	near(t, "W1({0,1,2,3}, {0.5, 2.5})", Wasserstein1D([]float64{0, 1, 2, 3}, []float64{0.5, 2.5}), 0.5, 1e-15)
	near(t, "KS(a, a)", KS2(a, a), 0, 0)
	near(t, "KS(disjoint)", KS2([]float64{0, 1}, []float64{2, 3}), 1, 0)
	near(t, "KS({0,1,2,3}, {0.5, 2.5})", KS2([]float64{0, 1, 2, 3}, []float64{0.5, 2.5}), 0.25, 1e-15)
	near(t, "KS1 of one point", KS1([]float64{0}, NormalCDF), 0.5, 1e-15)
}

func TestModeCoverage(t *testing.T) {
	ring := EightGaussians()
	full := ring.Sample(10000, NewRand(6))
	c := ModeCoverage(full, ring)
	if c.Covered != 8 || c.Modes != 8 || c.MinCount != 250 {
		t.Errorf("data itself: covered %d of %d (min count %d), want 8 of 8 (250)", c.Covered, c.Modes, c.MinCount)
	}
	// A 2-D Gaussian puts P(‖x - μ‖ ≤ 3σ) = 1 - exp(-9/2) = 0.98889 within 3σ (Rayleigh CDF).
	near(t, "high-quality share of the data", c.HighQuality, 1-math.Exp(-4.5), 0.004)
	near(t, "KL to uniform of the data", c.KLToUniform, 0, 0.005)

	// Collapse to mode 3: every sample near one mode.
	mode := ring.Modes()[3]
	one := Ring2D{K: 1, Radius: 0, Std: ring.Std}.Sample(2000, NewRand(7))
	for _, p := range one {
		p[0] += mode[0]
		p[1] += mode[1]
	}
	c = ModeCoverage(one, ring)
	if c.Covered != 1 || c.Counts[3] < 1900 || c.Assigned[3] != 2000 {
		t.Errorf("collapsed to one mode: covered %d, counts %v, assigned %v", c.Covered, c.Counts, c.Assigned)
	}
	near(t, "KL to uniform of one mode", c.KLToUniform, math.Log(8), 1e-12)
	// Seven modes, plus a few samples on the eighth: below MinCount, it is not covered.
	seven := make([][]float64, 0, 2000)
	for _, p := range full[:5000] {
		if k, _ := nearest(p, ring.Modes()); k != 0 {
			seven = append(seven, p)
		}
	}
	seven = append(seven, ring.Modes()[0], ring.Modes()[0], ring.Modes()[0])
	c = ModeCoverage(seven, ring)
	if c.Covered != 7 || c.Counts[0] != 3 {
		t.Errorf("7 modes and 3 stray samples: covered %d, counts %v (min count %d)", c.Covered, c.Counts, c.MinCount)
	}
	// Points between the modes (at the origin, and on the circle halfway between two modes) are low quality.
	between := [][]float64{{0, 0}, {2 * math.Cos(math.Pi/8), 2 * math.Sin(math.Pi/8)}}
	if c = ModeCoverage(between, ring); c.Covered != 0 || c.HighQuality != 0 {
		t.Errorf("points between modes: covered %d, high quality %g, want 0 and 0", c.Covered, c.HighQuality)
	}
}
