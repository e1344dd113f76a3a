// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import "math"

// HistogramJSD estimates the Jensen-Shannon divergence, in nats, between the distributions of two sets of 2-D
// points from their histograms on bins×bins equal cells of view = [x0, x1, y0, y1] (plus one cell for every
// point outside it):
//
//	JSD(p ‖ q) = ½ Σ_c [p_c·log(2p_c/(p_c+q_c)) + q_c·log(2q_c/(p_c+q_c))]
//
// the formula chapter 01 integrates (toy.JSD1D) on densities, here on the cells' shares p_c and q_c. It lies in
// [0, log 2]: 0 for identical sets (the same shares), log 2 ≈ 0.693 when no cell holds points of both. On finite
// samples of one distribution it is above 0 (more so with more cells per point); it is the trend across
// training that it shows, as GAN Lab's own estimate does. It is NaN if a set is empty.
func HistogramJSD(a, b [][]float64, view [4]float64, bins int) float64 {
	if len(a) == 0 || len(b) == 0 {
		return math.NaN()
	}
	bins = max(bins, 1)
	ha, hb := histogram(a, view, bins), histogram(b, view, bins)
	var jsd float64
	for c := range ha {
		p, q := ha[c]/float64(len(a)), hb[c]/float64(len(b))
		m := p + q
		if p > 0 {
			jsd += p * math.Log(2*p/m)
		}
		if q > 0 {
			jsd += q * math.Log(2*q/m)
		}
	}
	return jsd / 2
}

// histogram counts the points in each of bins×bins cells of view, and those outside it in one more cell.
func histogram(pts [][]float64, view [4]float64, bins int) []float64 {
	h := make([]float64, bins*bins+1)
	for _, p := range pts {
		i := int(math.Floor((p[0] - view[0]) / (view[1] - view[0]) * float64(bins)))
		j := int(math.Floor((p[1] - view[2]) / (view[3] - view[2]) * float64(bins)))
		if i < 0 || j < 0 || i >= bins || j >= bins || math.IsNaN(p[0]) || math.IsNaN(p[1]) {
			h[bins*bins]++
			continue
		}
		h[j*bins+i]++
	}
	return h
}
