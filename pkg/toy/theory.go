// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"slices"
)

// OptimalD is the best discriminator for a fixed generator at a point whose densities are pData and pG
// (Goodfellow et al. 2014, proposition 1):
//
//	D*(x) = p_data(x) / (p_data(x) + p_g(x))
//
// It maximizes p_data·log D + p_g·log(1 - D) pointwise. Where both densities are 0 it returns ½ (any D is optimal
// there: the point carries no mass).
func OptimalD(pData, pG float64) float64 {
	if pData+pG == 0 {
		return 0.5
	}
	return pData / (pData + pG)
}

// ValueFromJSD is the value of the GAN game at the optimal discriminator (Goodfellow et al. 2014, theorem 1):
//
//	V(D*, G) = E_{x~p_data}[log D*(x)] + E_{x~p_g}[log(1 - D*(x))] = -log 4 + 2·JSD(p_data ‖ p_g)
//
// with JSD in nats. It is -log 4 ≈ -1.386 when p_g = p_data and 0 when their supports are disjoint.
func ValueFromJSD(jsd float64) float64 {
	return -math.Log(4) + 2*jsd
}

// xlogy is x·log(y), with 0·log(anything) = 0.
func xlogy(x, y float64) float64 {
	if x == 0 {
		return 0
	}
	return x * math.Log(y)
}

// simpson integrates f on [lo, hi] with the composite Simpson rule on n intervals (rounded up to an even
// number, at least 2).
func simpson(f func(float64) float64, lo, hi float64, n int) float64 {
	n = max(n, 2)
	if n%2 == 1 {
		n++
	}
	h := (hi - lo) / float64(n)
	s := f(lo) + f(hi)
	for i := 1; i < n; i++ {
		w := 2.0
		if i%2 == 1 {
			w = 4
		}
		s += w * f(lo+float64(i)*h)
	}
	return s * h / 3
}

// JSD1D is the Jensen-Shannon divergence of two densities on the line, in nats, by Simpson's rule on n
// intervals of [lo, hi] (choose the interval to hold all the mass of both):
//
//	JSD(p ‖ q) = ½·KL(p ‖ m) + ½·KL(q ‖ m),   m = (p + q)/2
//	           = ½ ∫ [p·log(2p/(p+q)) + q·log(2q/(p+q))] dx
//
// It lies in [0, log 2]: 0 exactly when p = q, log 2 when the supports are disjoint.
func JSD1D(p, q func(float64) float64, lo, hi float64, n int) float64 {
	return simpson(func(x float64) float64 {
		a, b := p(x), q(x)
		m := a + b
		return 0.5 * (xlogy(a, 2*a/m) + xlogy(b, 2*b/m))
	}, lo, hi, n)
}

// KL1D is the Kullback-Leibler divergence KL(p ‖ q) = ∫ p·log(p/q) dx in nats, by Simpson's rule on n intervals
// of [lo, hi]. It is infinite where q = 0 < p.
func KL1D(p, q func(float64) float64, lo, hi float64, n int) float64 {
	return simpson(func(x float64) float64 {
		a := p(x)
		return xlogy(a, a/q(x))
	}, lo, hi, n)
}

// OptimalValue1D integrates the value of the game at the optimal discriminator directly, by Simpson's rule:
//
//	V(D*, G) = ∫ [p_data(x)·log D*(x) + p_g(x)·log(1 - D*(x))] dx
//
// Theorem 1 says it equals ValueFromJSD(JSD1D(pData, pG, ...)); computing both is a numeric check of the theorem.
func OptimalValue1D(pData, pG func(float64) float64, lo, hi float64, n int) float64 {
	return simpson(func(x float64) float64 {
		// log D* = log p_data - log(p_data + p_g), and log(1 - D*) alike: D* itself may underflow to 0.
		a, b := pData(x), pG(x)
		v := 0.0
		if a > 0 {
			v += a * (math.Log(a) - math.Log(a+b))
		}
		if b > 0 {
			v += b * (math.Log(b) - math.Log(a+b))
		}
		return v
	}, lo, hi, n)
}

// meanStd is the mean and the (population) standard deviation.
func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)))
}

// quantileSorted is the u-quantile of sorted values, by linear interpolation.
func quantileSorted(sorted []float64, u float64) float64 {
	pos := u * float64(len(sorted)-1)
	i := int(pos)
	if i >= len(sorted)-1 {
		return sorted[len(sorted)-1]
	}
	return sorted[i] + (pos-float64(i))*(sorted[i+1]-sorted[i])
}

// SilvermanBandwidth is Silverman's rule of thumb for a Gaussian kernel (Silverman 1986, eq. 3.31):
// h = 0.9·min(σ̂, IQR/1.34)·n^(-1/5).
func SilvermanBandwidth(samples []float64) float64 {
	sorted := slices.Sorted(slices.Values(samples))
	_, std := meanStd(samples)
	spread := std
	if iqr := (quantileSorted(sorted, 0.75) - quantileSorted(sorted, 0.25)) / 1.34; iqr > 0 {
		spread = min(std, iqr)
	}
	return 0.9 * spread * math.Pow(float64(len(samples)), -0.2)
}

// KDE1D is the Gaussian kernel density estimate of samples, p̂(x) = (1/n)·Σ_i N(x; x_i, h²), used as p_g when the
// generator is a network and its density is unknown. A bandwidth h ≤ 0 selects SilvermanBandwidth. Each call of
// the returned function costs O(n).
func KDE1D(samples []float64, bandwidth float64) func(x float64) float64 {
	h := bandwidth
	if h <= 0 {
		h = SilvermanBandwidth(samples)
	}
	xs := slices.Clone(samples)
	return func(x float64) float64 {
		p := 0.0
		for _, xi := range xs {
			z := (x - xi) / h
			p += math.Exp(-0.5 * z * z)
		}
		return p / (float64(len(xs)) * h * math.Sqrt(2*math.Pi))
	}
}

// Histogram1D is the histogram density of samples on bins equal bins of [lo, hi]: centres[i] is the middle of
// bin i and density[i] = count_i / (n·width), so that Σ density·width is the share of samples inside [lo, hi].
func Histogram1D(samples []float64, lo, hi float64, bins int) (centres, density []float64) {
	width := (hi - lo) / float64(bins)
	centres, density = make([]float64, bins), make([]float64, bins)
	for i := range centres {
		centres[i] = lo + (float64(i)+0.5)*width
	}
	for _, x := range samples {
		if x < lo || x > hi {
			continue
		}
		density[min(int((x-lo)/width), bins-1)]++
	}
	for i := range density {
		density[i] /= float64(len(samples)) * width
	}
	return centres, density
}

// Wasserstein1D is the Wasserstein-1 (earth mover's) distance between the empirical distributions of two samples
// (of any sizes), computed exactly as W1 = ∫ |F_a(x) - F_b(x)| dx over the merged sorted values. For samples of
// equal size it is the mean of |a_(i) - b_(i)| over the sorted values. It is NaN if a sample is empty.
func Wasserstein1D(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	sa, sb := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	var w float64
	i, j := 0, 0
	prev := math.Min(sa[0], sb[0])
	for i < len(sa) || j < len(sb) {
		var x float64
		if j >= len(sb) || (i < len(sa) && sa[i] <= sb[j]) {
			x = sa[i]
		} else {
			x = sb[j]
		}
		fa, fb := float64(i)/float64(len(sa)), float64(j)/float64(len(sb))
		w += math.Abs(fa-fb) * (x - prev)
		prev = x
		for i < len(sa) && sa[i] == x {
			i++
		}
		for j < len(sb) && sb[j] == x {
			j++
		}
	}
	return w
}

// KS2 is the two-sample Kolmogorov-Smirnov statistic sup_x |F_a(x) - F_b(x)| of the empirical CDFs, in [0, 1]
// (NaN if a sample is empty).
func KS2(a, b []float64) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	sa, sb := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b))
	var d float64
	i, j := 0, 0
	for i < len(sa) && j < len(sb) {
		x := math.Min(sa[i], sb[j])
		for i < len(sa) && sa[i] == x {
			i++
		}
		for j < len(sb) && sb[j] == x {
			j++
		}
		d = math.Max(d, math.Abs(float64(i)/float64(len(sa))-float64(j)/float64(len(sb))))
	}
	return d
}

// KS1 is the one-sample Kolmogorov-Smirnov statistic sup_x |F_n(x) - F(x)| of a sample against a CDF. For n
// samples drawn from F, KS1 exceeds 1.36/√n with probability about 5%.
func KS1(samples []float64, cdf func(float64) float64) float64 {
	s := slices.Sorted(slices.Values(samples))
	n := float64(len(s))
	var d float64
	for i, x := range s {
		f := cdf(x)
		d = math.Max(d, math.Max(float64(i+1)/n-f, f-float64(i)/n))
	}
	return d
}

// Coverage is how a set of samples covers the modes of a mixture (see ModeCoverage).
type Coverage struct {
	Modes       int     // K, the number of modes of the target
	Covered     int     // modes that received at least MinCount high-quality samples
	HighQuality float64 // share of the samples within NumStd standard deviations of their nearest mode
	Counts      []int   // high-quality samples per mode
	MinCount    int     // the threshold used for Covered
	NumStd      float64 // the radius, in standard deviations, used for HighQuality

	// Assigned counts all the samples by nearest mode, whatever their distance, and KLToUniform is
	// KL(q ‖ uniform) = Σ_k q_k·log(K·q_k) of their shares q_k: 0 when the mass is spread evenly over the modes,
	// log K when it all sits by one mode. Unlike Covered, it measures mode dropping apart from sharpness.
	Assigned    []int
	KLToUniform float64
}

// ModeCoverage measures mode collapse on a mixture of isotropic Gaussians (Ring2D, Grid2D) with the protocol of
// the Unrolled GAN, VEEGAN and PacGAN papers (Metz et al. 2017; Srivastava et al. 2017, section 5.1; Lin et al.
// 2018, section 5):
//
//   - each sample is assigned to its nearest mode; it is "high quality" when within 3σ of it (Euclidean
//     distance ≤ 3·ModeStd);
//   - a mode is "covered" when it receives at least MinCount = ⌈0.2·n/K⌉ high-quality samples, a fifth of what a
//     perfect generator puts there. This is PacGAN's threshold (a mode is lost with fewer than 20 of 2,500
//     samples on the 25-mode grid) scaled to any n and K; a single stray sample does not cover a mode.
//
// Use at least a few thousand samples (2,500 in the papers) so that MinCount is well above 1.
func ModeCoverage(samples [][]float64, m Modal) Coverage {
	minCount := max(1, int(math.Ceil(0.2*float64(len(samples))/float64(len(m.Modes())))))
	return ModeCoverageWith(samples, m.Modes(), m.ModeStd(), 3, minCount)
}

// ModeCoverageWith is ModeCoverage with explicit modes, standard deviation, radius numStd (in standard deviations)
// for a high-quality sample, and the number of high-quality samples minCount that covers a mode.
func ModeCoverageWith(samples, modes [][]float64, std, numStd float64, minCount int) Coverage {
	c := Coverage{Modes: len(modes), Counts: make([]int, len(modes)), MinCount: minCount, NumStd: numStd,
		Assigned: make([]int, len(modes))}
	good := 0
	for _, s := range samples {
		k, d := nearest(s, modes)
		c.Assigned[k]++
		if d <= numStd*std {
			good++
			c.Counts[k]++
		}
	}
	for _, n := range c.Counts {
		if n >= minCount {
			c.Covered++
		}
	}
	if len(samples) > 0 {
		c.HighQuality = float64(good) / float64(len(samples))
		for _, n := range c.Assigned {
			q := float64(n) / float64(len(samples))
			c.KLToUniform += xlogy(q, q*float64(len(modes)))
		}
	}
	return c
}

// MeanDistanceToModes is the mean Euclidean distance from each sample to its nearest mode: it falls as the
// generated points move onto the data during training.
func MeanDistanceToModes(samples, modes [][]float64) float64 {
	s := 0.0
	for _, x := range samples {
		_, d := nearest(x, modes)
		s += d
	}
	return s / float64(len(samples))
}

// nearest returns the index of the mode nearest to x and its distance.
func nearest(x []float64, modes [][]float64) (int, float64) {
	best, bestD := 0, math.Inf(1)
	for k, m := range modes {
		d := 0.0
		for j := range x {
			d += (x[j] - m[j]) * (x[j] - m[j])
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best, math.Sqrt(bestD)
}
