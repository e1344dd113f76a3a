// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"image"
	"strings"

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
