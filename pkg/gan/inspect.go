// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"image"
	"math"
	"strings"

	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// Variable is one variable of a network: its path in the store and its shape.
type Variable struct {
	Path  string
	Shape shapes.Shape
}

// Parameters lists the variables of one network (ScopeGenerator or ScopeDiscriminator, with the heads inside it)
// in the store's order: its weights and BatchNorm statistics, not the optimizers' state (Adam's moments, step and
// learning rate), and the number of values they hold.
func Parameters(store *model.Store, network string) (params []Variable, total int) {
	for v := range store.Scope("/" + network).IterVariables() {
		inside := v.Scope() == "/"+network || strings.HasPrefix(v.Scope(), "/"+network+"/")
		if !inside || strings.Contains(v.Scope(), "Optimizer") || strings.Contains(v.Scope(), "/optimizers") {
			continue
		}
		params = append(params, Variable{Path: v.Path(), Shape: v.Shape()})
		total += v.Shape().Size()
	}
	return params, total
}

// Averager averages StepMetrics over a window of steps, as Train's history does: a notebook's live view adds
// each step and takes the mean every few.
type Averager struct {
	sum MetricsEntry
	n   int
	// History is every mean taken so far.
	History History
}

// Add adds one step's metrics.
func (a *Averager) Add(m StepMetrics) {
	a.sum = a.sum.plus(MetricsEntry{DLoss: m.DLoss, GLoss: m.GLoss, DReal: m.DReal, DFake: m.DFake, Extra: m.Extra})
	a.n++
}

// Mean returns the mean of the steps added since the last Mean, as the entry of step, appends it to History
// and starts a new window.
func (a *Averager) Mean(step int64) MetricsEntry {
	e := a.sum.scaled(1/float64(max(a.n, 1)), step)
	a.History.History = append(a.History.History, e)
	a.sum, a.n = MetricsEntry{}, 0
	return e
}

// PlotSeries is History's series of one metric as a plot's line ("d_loss", "g_loss", "d_real", "d_fake" or an extra),
// named name for the legend.
func (h History) PlotSeries(metric, name string) viz.Series {
	x, y := h.Series(metric)
	return viz.Series{Name: name, X: x, Y: y}
}

// Until is the history up to step.
func (h History) Until(step int64) History {
	out := History{Seconds: h.Seconds, StepsPerSec: h.StepsPerSec}
	for _, e := range h.History {
		if e.Step <= step {
			out.History = append(out.History, e)
		}
	}
	return out
}

// GridOf generates the rows×cols images of the flat inputs z (row by row) and draws them as a labelled grid
// (viz.TraversalGrid, cells enlarged twice): a traversal, a class-by-noise table, an interpolation.
func (t *Trainer) GridOf(z []float32, rows, cols int, rowLabels, colLabels []string) (image.Image, error) {
	s := t.Config.Family.Shape()
	if rows <= 0 || cols <= 0 {
		return nil, errors.Errorf("gan: a grid of %d×%d", rows, cols)
	}
	flat, err := t.GenerateFlat(z, rows*cols)
	if err != nil {
		return nil, err
	}
	images := tensors.FromFlatDataAndDimensions(flat, rows*cols, s.Height, s.Width, s.Channels)
	return viz.TraversalGrid(images, rows, cols, rowLabels, colLabels, viz.GridOptions{Pad: 2, Scale: 2})
}

// LayerSigma is a weight of D and its largest singular value, read as SpectralNormalize reads it (a matrix of its
// last axis against the others).
type LayerSigma struct {
	Path  string  // the variable, "/discriminator/conv1/weights"
	Sigma float64 // σ₁ of the stored weight W, by an SVD (nn.LargestSingularValue)
	// Normalized is σ₁ of what D computes with, W/σ̂ with σ̂ the power iteration's estimate from its stored
	// vector u (1 when the estimate has converged); 0 for a weight without spectral normalization.
	Normalized float64
}

// DiscriminatorSigmas lists D's weights of rank 2 or more (kernels, dense layers) with their largest singular
// values: each bounds how much its layer can stretch a change of its input, so their product bounds D's
// Lipschitz constant (with 1-Lipschitz activations). Spectral normalization (Config.SpectralNorm) keeps each near
// 1; without it they grow as D learns to separate its training images.
func DiscriminatorSigmas(t *Trainer) ([]LayerSigma, error) {
	var out []LayerSigma
	for v := range t.Store.Scope("/" + ScopeDiscriminator).IterVariables() {
		if !strings.HasSuffix(v.Path(), "/"+nn.KernelName) || v.Shape().Rank() < 2 || !v.Shape().DType.IsFloat() {
			continue
		}
		val, err := v.Value()
		if err != nil {
			return nil, err
		}
		dims := v.Shape().Dimensions
		cols := dims[len(dims)-1]
		rows := v.Shape().Size() / cols
		w64 := make([]float64, rows*cols)
		for i, x := range tensors.MustCopyFlatData[float32](val) {
			w64[i] = float64(x)
		}
		ls := LayerSigma{Path: v.Path(), Sigma: nn.LargestSingularValue(w64, rows, cols)}
		if u := t.Store.GetVariable(v.Path() + nn.SpectralStateName); u != nil {
			ls.Normalized = ls.Sigma / powerEstimate(w64, rows, cols, tensors.MustCopyFlatData[float32](u.MustValue()))
		}
		out = append(out, ls)
	}
	return out, nil
}

// powerEstimate is σ̂ = vᵀWu' from one step of power iteration from u, as nn.SpectralNormalize computes it.
func powerEstimate(w []float64, rows, cols int, u []float32) float64 {
	norm := func(x []float64) []float64 {
		s := 0.0
		for _, v := range x {
			s += v * v
		}
		s = math.Max(math.Sqrt(s), 1e-12)
		for i := range x {
			x[i] /= s
		}
		return x
	}
	v := make([]float64, rows) // W u
	for i := range rows {
		for j := range cols {
			v[i] += w[i*cols+j] * float64(u[j])
		}
	}
	norm(v)
	u2 := make([]float64, cols) // Wᵀ v
	for i := range rows {
		for j := range cols {
			u2[j] += w[i*cols+j] * v[i]
		}
	}
	norm(u2)
	sigma := 0.0
	for i := range rows {
		for j := range cols {
			sigma += v[i] * w[i*cols+j] * u2[j]
		}
	}
	return sigma
}
