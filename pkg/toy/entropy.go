// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import "math"

// The cross-entropy form of the Kullback-Leibler divergence (the tutorial's appendix, trick 2):
//
//	D_KL(P ‖ Q) = H(P, Q) − H(P) ≥ 0,   H(P, Q) = −E_P[log Q],   H(P) = H(P, P) = −E_P[log P]
//
// Coding P's outcomes with a code built for Q costs H(P, Q) nats on average, at least the H(P) of P's own code;
// the excess is the divergence. InfoGAN's bound is this inequality with P the unknown posterior p(c|x) and Q
// the network Q(c|x): E_P[log Q] ≤ E_P[log P]. Entropy, CrossEntropy and KL compute the three for discrete
// distributions, Entropy1D and CrossEntropy1D for densities on the line (KL1D is the divergence there).

// Entropy is H(p) = −Σ p_i·log p_i in nats of a discrete distribution (terms with p_i = 0 count 0).
func Entropy(p []float64) float64 { return CrossEntropy(p, p) }

// CrossEntropy is H(p, q) = −Σ p_i·log q_i in nats: infinite where q_i = 0 < p_i. It panics, with a message
// starting "toy: CrossEntropy", if p and q differ in length.
func CrossEntropy(p, q []float64) float64 {
	if len(p) != len(q) {
		panic("toy: CrossEntropy of distributions of different lengths")
	}
	var h float64
	for i := range p {
		h -= xlogy(p[i], q[i])
	}
	return h
}

// KL is D_KL(p ‖ q) = Σ p_i·log(p_i/q_i) in nats, computed directly (not as CrossEntropy − Entropy, so that
// the two forms can be compared). It panics, with a message starting "toy: KL", if p and q differ in length.
func KL(p, q []float64) float64 {
	if len(p) != len(q) {
		panic("toy: KL of distributions of different lengths")
	}
	var d float64
	for i := range p {
		d += xlogy(p[i], p[i]/q[i])
	}
	return d
}

// Entropy1D is the differential entropy H(p) = −∫ p·log p dx in nats, by Simpson's rule on n intervals of
// [lo, hi]; ½·log(2πe·σ²) for N(μ, σ²).
func Entropy1D(p func(float64) float64, lo, hi float64, n int) float64 {
	return CrossEntropy1D(p, p, lo, hi, n)
}

// CrossEntropy1D is H(p, q) = −∫ p·log q dx in nats, by Simpson's rule on n intervals of [lo, hi]; for two
// normals ½·log(2π·σ_q²) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²).
func CrossEntropy1D(p, q func(float64) float64, lo, hi float64, n int) float64 {
	return simpson(func(x float64) float64 { return -xlogy(p(x), q(x)) }, lo, hi, n)
}

// GaussianKL is the closed form of D_KL(N(μ_p, σ_p²) ‖ N(μ_q, σ_q²)) = log(σ_q/σ_p) + (σ_p² + (μ_p − μ_q)²)/(2σ_q²) − ½,
// to check the numerical forms against.
func GaussianKL(p, q Gaussian1D) float64 {
	d := p.Mean - q.Mean
	return math.Log(q.Std/p.Std) + (p.Std*p.Std+d*d)/(2*q.Std*q.Std) - 0.5
}
