// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"

	"github.com/pkg/errors"
)

// DCheck compares a trained discriminator with the optimal one on a 1-D grid: claims (a) and (b).
type DCheck struct {
	X, D, DStar []float64 // the grid, the trained D(x) and D*(x) = p_data(x) / (p_data(x) + p_g(x))
	Weight      []float64 // w(x) = (p_data(x) + p_g(x)) / 2, the mass the error is averaged over

	MAE    float64 // Σ w·|D - D*| / Σ w: the mean error over the mass of p_data and p_g
	MaxErr float64 // max |D - D*| where w is at least 1% of its maximum (the bulk of the mass)

	V     float64 // Monte Carlo estimate of V(D, G) for the trained D (GAN.Value)
	VStar float64 // -log 4 + 2·JSD(p_data ‖ p_g): V at D* (theorem 1)
	JSD   float64 // JSD(p_data ‖ p_g) in nats, by Simpson's rule on [lo - (hi-lo), hi + (hi-lo)], step (hi-lo)/4,000
}

// CheckOptimalD1D evaluates the trained D on n grid points of [lo, hi] and compares it with D*, and the Monte
// Carlo value of the game (on mcSamples points of each distribution) with -log 4 + 2·JSD. The data must be a
// Distribution1D. pG is the generator's density: nil takes it from the fixed generator (NewFixedGenerator with a
// Distribution1D); for a learned generator pass an estimate, e.g. KDE1D(Column(samples, 0), 0), whose error
// passes into DStar, JSD and VStar (with a KDE of 5,000 samples VStar came out ~0.015 below the Monte Carlo V,
// which the true V(D*, G) cannot be), and which costs O(samples) per evaluation: keep a few thousand samples.
// Only for the sigmoid losses.
func (t *GAN) CheckOptimalD1D(pG func(float64) float64, lo, hi float64, n, mcSamples int) (DCheck, error) {
	data, ok := t.Data.(Distribution1D)
	if !ok {
		return DCheck{}, errors.New("toy: CheckOptimalD1D needs 1-D data with a PDF (a Distribution1D)")
	}
	if pG == nil {
		fixed, ok := t.FixedG.(Distribution1D)
		if !ok {
			return DCheck{}, errors.New("toy: CheckOptimalD1D needs p_g: pass its density (e.g. a KDE1D)")
		}
		pG = fixed.PDF
	}
	c := DCheck{X: Linspace(lo, hi, n)}
	var err error
	if c.D, err = t.Discriminator(Points(c.X)); err != nil {
		return c, err
	}
	if c.V, err = t.Value(mcSamples); err != nil {
		return c, err
	}
	c.DStar, c.Weight = make([]float64, n), make([]float64, n)
	var sumW, sumErr, maxW float64
	for i, x := range c.X {
		a, b := data.PDF(x), pG(x)
		c.DStar[i], c.Weight[i] = OptimalD(a, b), (a+b)/2
		sumW += c.Weight[i]
		sumErr += c.Weight[i] * math.Abs(c.D[i]-c.DStar[i])
		maxW = max(maxW, c.Weight[i])
	}
	c.MAE = sumErr / sumW
	for i := range c.X {
		if c.Weight[i] >= 0.01*maxW {
			c.MaxErr = max(c.MaxErr, math.Abs(c.D[i]-c.DStar[i]))
		}
	}
	c.JSD = JSD1D(data.PDF, pG, lo-(hi-lo), hi+(hi-lo), 12000)
	c.VStar = ValueFromJSD(c.JSD)
	return c, nil
}
