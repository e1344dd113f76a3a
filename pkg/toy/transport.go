// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"math/rand/v2"
)

// TransportMap2D is a map that sends two independent standard normals (z₁, z₂) to a mixture of isotropic
// Gaussians in the plane with equal weights (Ring2D, Grid2D): claim (c) in two dimensions, made explicit.
// It is the Knothe-Rosenblatt map (Rosenblatt 1952; Villani 2009, "Optimal Transport", chapter 1), the
// inverse-transform method coordinate by coordinate with conditional CDFs:
//
//	x₁ = F₁⁻¹(Φ(z₁)),   x₂ = F₂|₁⁻¹(Φ(z₂) | x₁)
//
// F₁ is the CDF of x₁, the mixture of N(μ_k1, σ²) over the modes k; given x₁, x₂ is the mixture of
// N(μ_k2, σ²) with weights ∝ N(x₁; μ_k1, σ²) (how likely each mode made that x₁). Both are Mixture1D, inverted
// by bisection. The map is continuous, but steep where it crosses from one mode to the next.
//
// It panics, with a message starting "toy: TransportMap2D", if m is not 2-D.
func TransportMap2D(m Modal) func(z []float64) []float64 {
	if m.Dim() != 2 {
		panic("toy: TransportMap2D needs a 2-D mixture")
	}
	modes, std := m.Modes(), m.ModeStd()
	k := len(modes)
	ones, stds, xs, ys := make([]float64, k), make([]float64, k), make([]float64, k), make([]float64, k)
	for i, mu := range modes {
		ones[i], stds[i], xs[i], ys[i] = 1, std, mu[0], mu[1]
	}
	first := TransportMap1D(Mixture1D{Weights: ones, Means: xs, Stds: stds})
	return func(z []float64) []float64 {
		x1 := first(z[0])
		// The conditional weights, by log-sum-exp: far from every mode's x the densities underflow.
		logs := make([]float64, k)
		top := math.Inf(-1)
		for i := range k {
			d := (x1 - xs[i]) / std
			logs[i] = -0.5 * d * d
			top = max(top, logs[i])
		}
		w := make([]float64, k)
		for i := range k {
			w[i] = math.Exp(logs[i] - top)
		}
		x2 := TransportMap1D(Mixture1D{Weights: w, Means: ys, Stds: stds})(z[1])
		return []float64{x1, x2}
	}
}

// SlicedWasserstein is the sliced Wasserstein-1 distance between two samples of points in R^d (Rabin et al.
// 2011; Bonneel et al. 2015): the mean, over directions θ on the unit sphere, of the 1-D Wasserstein-1 distance
// between the samples projected on θ (Wasserstein1D),
//
//	SW₁(a, b) = E_θ W₁(θ·a, θ·b)
//
// It is 0 for identical samples and a metric between distributions; between two samples of one distribution
// it is small but not 0 (it shrinks like 1/√n). In 2-D the directions are the given number of angles evenly
// spread over [0, π) (rng is not used, so the value is exact for those directions); in other dimensions they
// are drawn from rng (NewRand(1) if nil). NaN if a sample is empty; it panics, with a message starting
// "toy: SlicedWasserstein", if the points' dimensions differ.
func SlicedWasserstein(a, b [][]float64, directions int, rng *rand.Rand) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	d := len(a[0])
	for _, p := range append(append([][]float64(nil), a...), b...) {
		if len(p) != d {
			panic("toy: SlicedWasserstein of points of different dimensions")
		}
	}
	directions = max(directions, 1)
	if rng == nil {
		rng = NewRand(1)
	}
	project := func(pts [][]float64, theta []float64) []float64 {
		out := make([]float64, len(pts))
		for i, p := range pts {
			for j := range p {
				out[i] += p[j] * theta[j]
			}
		}
		return out
	}
	var sum float64
	theta := make([]float64, d)
	for k := range directions {
		if d == 2 {
			angle := math.Pi * (float64(k) + 0.5) / float64(directions)
			theta[0], theta[1] = math.Cos(angle), math.Sin(angle)
		} else {
			var norm float64
			for norm == 0 {
				norm = 0
				for j := range theta {
					theta[j] = rng.NormFloat64()
					norm += theta[j] * theta[j]
				}
			}
			for j := range theta {
				theta[j] /= math.Sqrt(norm)
			}
		}
		sum += Wasserstein1D(project(a, theta), project(b, theta))
	}
	return sum / float64(directions)
}
