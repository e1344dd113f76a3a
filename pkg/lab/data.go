// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"math"
	"math/rand/v2"

	"github.com/ganbook/ganbook/pkg/toy"
)

// PointMixture is a mixture of equal isotropic Gaussians of standard deviation Std around given centres in the
// plane: the reader's clicked points (DataPoints), or many centres along a curve (TwoMoons). It is a
// toy.Modal, so toy.ModeCoverage can count how many of its centres G covers.
type PointMixture struct {
	Centres [][]float64
	Std     float64
}

// Dim is 2.
func (s PointMixture) Dim() int { return 2 }

// Modes are the centres.
func (s PointMixture) Modes() [][]float64 { return s.Centres }

// ModeStd is Std.
func (s PointMixture) ModeStd() float64 { return s.Std }

// Density is (1/K)·Σ_k N(x; c_k, σ²I).
func (s PointMixture) Density(x []float64) float64 {
	p := 0.0
	for _, c := range s.Centres {
		dx, dy := x[0]-c[0], x[1]-c[1]
		p += math.Exp(-(dx*dx + dy*dy) / (2 * s.Std * s.Std))
	}
	return p / (2 * math.Pi * s.Std * s.Std * float64(len(s.Centres)))
}

// Sample picks a centre uniformly and adds N(0, σ²I) noise.
func (s PointMixture) Sample(n int, rng *rand.Rand) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		c := s.Centres[rng.IntN(len(s.Centres))]
		out[i] = []float64{c[0] + s.Std*rng.NormFloat64(), c[1] + s.Std*rng.NormFloat64()}
	}
	return out
}

// TwoMoons is scikit-learn's make_moons as a density: two interleaved half circles of radius 1, the upper one
// centred at (0, 0), the lower one at (1, 0.5), each drawn as 100 centres with Gaussian noise σ around them.
func TwoMoons(std float64) PointMixture {
	const perMoon = 100
	s := PointMixture{Std: std}
	for i := range perMoon {
		a := math.Pi * float64(i) / (perMoon - 1)
		s.Centres = append(s.Centres, []float64{math.Cos(a), math.Sin(a)}, []float64{1 - math.Cos(a), 0.5 - math.Sin(a)})
	}
	return s
}

// distribution is the 2-D distribution of the settings' data, and the square of the plane the views show.
func distribution(s Settings) (toy.Modal, [4]float64) {
	switch s.Data {
	case DataGrid:
		return toy.Grid25(), [4]float64{-6, 6, -6, 6}
	case DataMoons:
		return TwoMoons(PointStd), square(-1.5, 2.5, -1.5, 2)
	case DataPoints:
		lo, hi := [2]float64{math.Inf(1), math.Inf(1)}, [2]float64{math.Inf(-1), math.Inf(-1)}
		for _, p := range s.Points {
			for j := range 2 {
				lo[j], hi[j] = min(lo[j], p[j]), max(hi[j], p[j])
			}
		}
		margin := max(0.5, 0.25*max(hi[0]-lo[0], hi[1]-lo[1]))
		return PointMixture{Centres: s.Points, Std: PointStd}, square(lo[0]-margin, hi[0]+margin, lo[1]-margin, hi[1]+margin)
	}
	return toy.EightGaussians(), [4]float64{-3, 3, -3, 3}
}

// square is the smallest square [x0, x1] × [y0, y1] with the same centre that holds the rectangle, so that the
// views keep circles round.
func square(x0, x1, y0, y1 float64) [4]float64 {
	half := max(x1-x0, y1-y0) / 2
	cx, cy := (x0+x1)/2, (y0+y1)/2
	return [4]float64{cx - half, cx + half, cy - half, cy + half}
}
