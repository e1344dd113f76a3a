// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"math"
	"math/rand/v2"
)

// GaussianCodes is a toy problem whose mutual information is known exactly, to check InfoGAN's bound by hand
// (chapter 03): a categorical code c uniform over K values and an "image" x | c ~ N(Means[c], Sigma²) in one
// dimension. Its posterior p(c|x) ∝ exp(-(x-μ_c)²/2σ²) is a softmax of a linear function of x, so a
// multinomial logistic regression Q (LogisticQ) can match it exactly and the bound L_I can become tight.
type GaussianCodes struct {
	Means []float64
	Sigma float64
}

// K is the number of code values.
func (g GaussianCodes) K() int { return len(g.Means) }

// Sample draws n pairs (c, x).
func (g GaussianCodes) Sample(n int, rng *rand.Rand) (codes []int, xs []float64) {
	for range n {
		c := rng.IntN(g.K())
		codes = append(codes, c)
		xs = append(xs, g.Means[c]+g.Sigma*rng.NormFloat64())
	}
	return codes, xs
}

// density is p(x|c).
func (g GaussianCodes) density(x float64, c int) float64 {
	d := (x - g.Means[c]) / g.Sigma
	return math.Exp(-d*d/2) / (g.Sigma * math.Sqrt(2*math.Pi))
}

// Posterior is p(c|x) for every c.
func (g GaussianCodes) Posterior(x float64) []float64 {
	p := make([]float64, g.K())
	var sum float64
	for c := range p {
		p[c] = g.density(x, c)
		sum += p[c]
	}
	for c := range p {
		p[c] /= sum
	}
	return p
}

// integrate computes E_x[f(x)] under p(x) = (1/K) Σ_c p(x|c) on a fine grid over ±8σ around the means.
func (g GaussianCodes) integrate(f func(x float64) float64) float64 {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, m := range g.Means {
		lo, hi = math.Min(lo, m-8*g.Sigma), math.Max(hi, m+8*g.Sigma)
	}
	const n = 20000
	dx := (hi - lo) / n
	var sum float64
	for i := range n {
		x := lo + (float64(i)+0.5)*dx
		var px float64
		for c := range g.Means {
			px += g.density(x, c)
		}
		px /= float64(g.K())
		sum += px * f(x) * dx
	}
	return sum
}

// MutualInformation is I(c; x) = H(c) - E_x H(c|x) in nats, by numeric integration (error below 1e-6).
func (g GaussianCodes) MutualInformation() float64 {
	return math.Log(float64(g.K())) - g.integrate(func(x float64) float64 {
		var h float64
		for _, p := range g.Posterior(x) {
			if p > 0 {
				h -= p * math.Log(p)
			}
		}
		return h
	})
}

// Bound is InfoGAN's L_I = E_{c,x}[log Q(c|x)] + H(c) for the given Q, exactly (by integration), and Gap is
// E_x KL(p(·|x) || Q(·|x)): L_I + Gap = I(c; x), the step of the derivation where KL ≥ 0 is dropped.
func (g GaussianCodes) Bound(q *LogisticQ) (bound, gap float64) {
	h := math.Log(float64(g.K()))
	logQ := g.integrate(func(x float64) float64 {
		p, lq := g.Posterior(x), q.LogProbs(x)
		var s float64
		for c := range p {
			s += p[c] * lq[c]
		}
		return s
	})
	gap = g.integrate(func(x float64) float64 {
		p, lq := g.Posterior(x), q.LogProbs(x)
		var kl float64
		for c := range p {
			if p[c] > 0 {
				kl += p[c] * (math.Log(p[c]) - lq[c])
			}
		}
		return kl
	})
	return logQ + h, gap
}

// LogisticQ is Q(c|x) = softmax(W_c·x + B_c): the auxiliary distribution of the toy problem.
type LogisticQ struct {
	W, B []float64
}

// NewLogisticQ is a Q that knows nothing yet: uniform over k values.
func NewLogisticQ(k int) *LogisticQ { return &LogisticQ{W: make([]float64, k), B: make([]float64, k)} }

// LogProbs is log Q(c|x) for every c.
func (q *LogisticQ) LogProbs(x float64) []float64 {
	out := make([]float64, len(q.W))
	maxv := math.Inf(-1)
	for c := range out {
		out[c] = q.W[c]*x + q.B[c]
		maxv = math.Max(maxv, out[c])
	}
	var sum float64
	for _, v := range out {
		sum += math.Exp(v - maxv)
	}
	lse := maxv + math.Log(sum)
	for c := range out {
		out[c] -= lse
	}
	return out
}

// Step does one step of gradient ascent on the batch estimate of E[log Q(c|x)] (what InfoGAN's Q maximises)
// and returns that estimate.
func (q *LogisticQ) Step(codes []int, xs []float64, lr float64) float64 {
	gw, gb := make([]float64, len(q.W)), make([]float64, len(q.B))
	var ll float64
	for i, x := range xs {
		lp := q.LogProbs(x)
		ll += lp[codes[i]]
		for c := range lp {
			d := -math.Exp(lp[c]) // ∂ log softmax_y / ∂ logit_c = 1[c = y] - Q(c|x)
			if c == codes[i] {
				d++
			}
			gw[c] += d * x
			gb[c] += d
		}
	}
	n := float64(len(xs))
	for c := range q.W {
		q.W[c] += lr * gw[c] / n
		q.B[c] += lr * gb[c] / n
	}
	return ll / n
}

// ScoreFunctionGradient estimates d/dμ E_{x~N(μ,σ²)}[f(x)] from n samples with the score-function
// (REINFORCE) estimator f(x)·∂log p(x)/∂μ = f(x)·(x-μ)/σ², returning the mean and the variance of one sample's
// estimate.
func ScoreFunctionGradient(mu, sigma float64, f func(float64) float64, n int, rng *rand.Rand) (mean, variance float64) {
	return meanVar(n, func() float64 {
		x := mu + sigma*rng.NormFloat64()
		return f(x) * (x - mu) / (sigma * sigma)
	})
}

// PathwiseGradient estimates the same derivative with the reparametrization trick (InfoGAN's continuous codes
// and StackGAN's conditioning augmentation use it): x = μ + σ·ε with ε ~ N(0, 1), so d/dμ f(x) = f'(x).
func PathwiseGradient(mu, sigma float64, fPrime func(float64) float64, n int, rng *rand.Rand) (mean, variance float64) {
	return meanVar(n, func() float64 { return fPrime(mu + sigma*rng.NormFloat64()) })
}

func meanVar(n int, draw func() float64) (mean, variance float64) {
	var s, s2 float64
	for range n {
		v := draw()
		s += v
		s2 += v * v
	}
	mean = s / float64(n)
	return mean, s2/float64(n) - mean*mean
}
