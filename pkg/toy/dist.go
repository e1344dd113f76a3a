// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"math/rand/v2"

	"github.com/pkg/errors"
)

// Distribution is a probability distribution on R^Dim with a known density: the data p_data of a toy GAN, or a
// fixed generator distribution p_g.
type Distribution interface {
	// Dim is the dimension d of a point.
	Dim() int
	// Sample draws n independent points, each a []float64 of length Dim. The same rng state gives the same points.
	Sample(n int, rng *rand.Rand) [][]float64
	// Density is the probability density p(x) at a point x of length Dim.
	Density(x []float64) float64
}

// Distribution1D is a distribution on the real line with its density, cumulative distribution function and
// quantile function (the inverse CDF), which give the optimal transport map of claim (c): x = F⁻¹(Φ(z)).
type Distribution1D interface {
	Distribution
	PDF(x float64) float64      // p(x)
	CDF(x float64) float64      // F(x) = P(X ≤ x)
	Quantile(u float64) float64 // F⁻¹(u) for u in (0, 1)
}

// Modal is a mixture of K isotropic Gaussians of equal weight and one standard deviation (Ring2D, Grid2D): the
// toy problems on which mode collapse is measured (Metz et al. 2017; Srivastava et al. 2017).
type Modal interface {
	Distribution
	Modes() [][]float64 // the K means
	ModeStd() float64   // the standard deviation σ of every component, on each axis
}

// NewRand returns a random-number generator seeded by seed (PCG), for Sample.
func NewRand(seed uint64) *rand.Rand {
	return rand.New(rand.NewPCG(seed, 0x746f79)) // "toy"
}

// NormalCDF is the standard normal CDF Φ(z) = ½·(1 + erf(z/√2)).
func NormalCDF(z float64) float64 {
	return 0.5 * math.Erfc(-z/math.Sqrt2)
}

// NormalQuantile is the standard normal quantile Φ⁻¹(u) = √2·erf⁻¹(2u - 1), for u in (0, 1).
func NormalQuantile(u float64) float64 {
	return -math.Sqrt2 * math.Erfcinv(2*u)
}

// normalPDF is the N(mean, std²) density.
func normalPDF(x, mean, std float64) float64 {
	z := (x - mean) / std
	return math.Exp(-0.5*z*z) / (std * math.Sqrt(2*math.Pi))
}

// Gaussian1D is the normal distribution N(Mean, Std²) on the real line.
type Gaussian1D struct {
	Mean, Std float64
}

// Dim is 1.
func (g Gaussian1D) Dim() int { return 1 }

// PDF is exp(-(x-μ)²/2σ²) / (σ√(2π)).
func (g Gaussian1D) PDF(x float64) float64 { return normalPDF(x, g.Mean, g.Std) }

// CDF is Φ((x-μ)/σ).
func (g Gaussian1D) CDF(x float64) float64 { return NormalCDF((x - g.Mean) / g.Std) }

// Quantile is μ + σ·Φ⁻¹(u).
func (g Gaussian1D) Quantile(u float64) float64 { return g.Mean + g.Std*NormalQuantile(u) }

// Density is PDF(x[0]).
func (g Gaussian1D) Density(x []float64) float64 { return g.PDF(x[0]) }

// Sample draws n points μ + σ·ε, ε ~ N(0, 1).
func (g Gaussian1D) Sample(n int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = []float64{g.Mean + g.Std*rng.NormFloat64()}
	}
	return out
}

// Mixture1D is a mixture of Gaussians on the real line, p(x) = Σ_k w_k·N(x; μ_k, σ_k²). The weights are
// normalized to sum to 1 (Validate checks they are positive). Its quantile function has no closed form and is
// found by bisection of the CDF.
type Mixture1D struct {
	Weights, Means, Stds []float64
}

// Validate checks that the three slices have one positive entry per component.
func (m Mixture1D) Validate() error {
	if len(m.Weights) == 0 || len(m.Means) != len(m.Weights) || len(m.Stds) != len(m.Weights) {
		return errors.Errorf("toy: Mixture1D needs as many weights, means and stds (at least one), got %d, %d, %d",
			len(m.Weights), len(m.Means), len(m.Stds))
	}
	for k := range m.Weights {
		if !(m.Weights[k] > 0) || !(m.Stds[k] > 0) {
			return errors.Errorf("toy: Mixture1D component %d has weight %g and std %g: both must be positive",
				k, m.Weights[k], m.Stds[k])
		}
	}
	return nil
}

func (m Mixture1D) totalWeight() float64 {
	s := 0.0
	for _, w := range m.Weights {
		s += w
	}
	return s
}

// Dim is 1.
func (m Mixture1D) Dim() int { return 1 }

// PDF is Σ_k w_k·N(x; μ_k, σ_k²).
func (m Mixture1D) PDF(x float64) float64 {
	p := 0.0
	for k, w := range m.Weights {
		p += w * normalPDF(x, m.Means[k], m.Stds[k])
	}
	return p / m.totalWeight()
}

// CDF is Σ_k w_k·Φ((x-μ_k)/σ_k).
func (m Mixture1D) CDF(x float64) float64 {
	c := 0.0
	for k, w := range m.Weights {
		c += w * NormalCDF((x-m.Means[k])/m.Stds[k])
	}
	return c / m.totalWeight()
}

// Quantile is F⁻¹(u), found by bisection of the CDF on [min μ_k - 40·max σ, max μ_k + 40·max σ] to 1e-12.
func (m Mixture1D) Quantile(u float64) float64 {
	maxStd := 0.0
	lo, hi := math.Inf(1), math.Inf(-1)
	for k := range m.Means {
		lo, hi, maxStd = min(lo, m.Means[k]), max(hi, m.Means[k]), max(maxStd, m.Stds[k])
	}
	lo, hi = lo-40*maxStd, hi+40*maxStd
	for range 200 {
		if hi-lo < 1e-12 {
			break
		}
		mid := 0.5 * (lo + hi)
		if m.CDF(mid) < u {
			lo = mid
		} else {
			hi = mid
		}
	}
	return 0.5 * (lo + hi)
}

// Density is PDF(x[0]).
func (m Mixture1D) Density(x []float64) float64 { return m.PDF(x[0]) }

// Sample draws a component k with probability w_k, then μ_k + σ_k·ε.
func (m Mixture1D) Sample(n int, rng *rand.Rand) [][]float64 {
	total := m.totalWeight()
	out := make([][]float64, n)
	for i := range out {
		k := pick(m.Weights, total, rng)
		out[i] = []float64{m.Means[k] + m.Stds[k]*rng.NormFloat64()}
	}
	return out
}

// pick draws an index with probability weights[k]/total.
func pick(weights []float64, total float64, rng *rand.Rand) int {
	u := rng.Float64() * total
	for k, w := range weights {
		if u < w {
			return k
		}
		u -= w
	}
	return len(weights) - 1
}

// Ring2D is K Gaussians of standard deviation Std, with equal weights, centred on a circle of radius Radius:
// mode k is at Radius·(cos 2πk/K, sin 2πk/K). EightGaussians is the classic instance.
type Ring2D struct {
	K           int
	Radius, Std float64
}

// EightGaussians is the 8-mode ring of radius 2 and standard deviation 0.02 of the Unrolled GAN paper (Metz et
// al. 2017, section 3.1) and VEEGAN (Srivastava et al. 2017, section 5.1).
func EightGaussians() Ring2D { return Ring2D{K: 8, Radius: 2, Std: 0.02} }

// Dim is 2.
func (r Ring2D) Dim() int { return 2 }

// Modes are the K centres on the circle.
func (r Ring2D) Modes() [][]float64 {
	out := make([][]float64, r.K)
	for k := range out {
		a := 2 * math.Pi * float64(k) / float64(r.K)
		out[k] = []float64{r.Radius * math.Cos(a), r.Radius * math.Sin(a)}
	}
	return out
}

// ModeStd is Std.
func (r Ring2D) ModeStd() float64 { return r.Std }

// Density is (1/K)·Σ_k N(x; μ_k, σ²I).
func (r Ring2D) Density(x []float64) float64 { return modalDensity(r.Modes(), r.Std, x) }

// Sample picks a mode uniformly and adds N(0, σ²I) noise.
func (r Ring2D) Sample(n int, rng *rand.Rand) [][]float64 {
	return modalSample(r.Modes(), r.Std, n, rng)
}

// Grid2D is Side×Side Gaussians of standard deviation Std, with equal weights, on a square grid of step Spacing
// centred at the origin. Grid25 is the classic instance.
type Grid2D struct {
	Side         int
	Spacing, Std float64
}

// Grid25 is the 5×5 grid with modes at {-4, -2, 0, 2, 4}² and standard deviation 0.05 of VEEGAN (Srivastava et
// al. 2017, section 5.1) and PacGAN (Lin et al. 2018).
func Grid25() Grid2D { return Grid2D{Side: 5, Spacing: 2, Std: 0.05} }

// Dim is 2.
func (g Grid2D) Dim() int { return 2 }

// Modes are the Side² grid points, row by row.
func (g Grid2D) Modes() [][]float64 {
	out := make([][]float64, 0, g.Side*g.Side)
	c := float64(g.Side-1) / 2
	for i := range g.Side {
		for j := range g.Side {
			out = append(out, []float64{(float64(i) - c) * g.Spacing, (float64(j) - c) * g.Spacing})
		}
	}
	return out
}

// ModeStd is Std.
func (g Grid2D) ModeStd() float64 { return g.Std }

// Density is (1/K)·Σ_k N(x; μ_k, σ²I).
func (g Grid2D) Density(x []float64) float64 { return modalDensity(g.Modes(), g.Std, x) }

// Sample picks a mode uniformly and adds N(0, σ²I) noise.
func (g Grid2D) Sample(n int, rng *rand.Rand) [][]float64 {
	return modalSample(g.Modes(), g.Std, n, rng)
}

func modalDensity(modes [][]float64, std float64, x []float64) float64 {
	p := 0.0
	for _, m := range modes {
		dx, dy := x[0]-m[0], x[1]-m[1]
		p += math.Exp(-(dx*dx + dy*dy) / (2 * std * std))
	}
	return p / (2 * math.Pi * std * std * float64(len(modes)))
}

func modalSample(modes [][]float64, std float64, n int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		m := modes[rng.IntN(len(modes))]
		out[i] = []float64{m[0] + std*rng.NormFloat64(), m[1] + std*rng.NormFloat64()}
	}
	return out
}

// TransportMap1D is the map T(z) = F⁻¹(Φ(z)) that sends a standard normal z to the target distribution: if
// z ~ N(0, 1) then Φ(z) ~ U(0, 1) and F⁻¹(U) has CDF F (the inverse-transform method). It is the increasing map
// a generator with one noise dimension can learn (its mirror F⁻¹(1 - Φ(z)) is the decreasing one).
func TransportMap1D(target Distribution1D) func(z float64) float64 {
	return func(z float64) float64 {
		// Clamp u away from 0 and 1 so that |z| > 8.3 gives a finite quantile.
		return target.Quantile(min(max(NormalCDF(z), 1e-16), 1-1e-16))
	}
}

// Points turns 1-D values into points [[x0], [x1], ...], as Discriminator and the Distribution interface take.
func Points(xs []float64) [][]float64 {
	out := make([][]float64, len(xs))
	for i, x := range xs {
		out[i] = []float64{x}
	}
	return out
}

// Column returns coordinate j of every point: Column(pts, 0) turns 1-D points back into values.
func Column(pts [][]float64, j int) []float64 {
	out := make([]float64, len(pts))
	for i, p := range pts {
		out[i] = p[j]
	}
	return out
}

// Linspace returns n evenly spaced values from lo to hi inclusive (n ≥ 2), the grid on which to plot D and D*.
func Linspace(lo, hi float64, n int) []float64 {
	out := make([]float64, n)
	for i := range out {
		out[i] = lo + (hi-lo)*float64(i)/float64(n-1)
	}
	return out
}
