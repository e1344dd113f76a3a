// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/pkg/errors"
)

// MetricsEntry averages the StepMetrics of LogEvery steps ending at Step. In metrics.json its Extra values sit
// beside the core's fields under their names (InfoGAN's "info_bound", pix2pix's "l1", ...).
type MetricsEntry struct {
	Step  int64
	DLoss float64
	GLoss float64
	DReal float64
	DFake float64
	Extra map[string]float64
}

var coreMetricNames = []string{"step", "d_loss", "g_loss", "d_real", "d_fake"}

// plus is the sum of two entries, field by field (extras by name).
func (e MetricsEntry) plus(m MetricsEntry) MetricsEntry {
	sum := MetricsEntry{DLoss: e.DLoss + m.DLoss, GLoss: e.GLoss + m.GLoss, DReal: e.DReal + m.DReal, DFake: e.DFake + m.DFake}
	if len(e.Extra)+len(m.Extra) > 0 {
		sum.Extra = map[string]float64{}
		for k, v := range e.Extra {
			sum.Extra[k] += v
		}
		for k, v := range m.Extra {
			sum.Extra[k] += v
		}
	}
	return sum
}

// scaled is the entry times f, as the entry of step: a sum of n entries scaled by 1/n is their mean.
func (e MetricsEntry) scaled(f float64, step int64) MetricsEntry {
	out := MetricsEntry{Step: step, DLoss: e.DLoss * f, GLoss: e.GLoss * f, DReal: e.DReal * f, DFake: e.DFake * f}
	if len(e.Extra) > 0 {
		out.Extra = make(map[string]float64, len(e.Extra))
		for k, v := range e.Extra {
			out.Extra[k] = v * f
		}
	}
	return out
}

// MarshalJSON writes the entry as one flat object.
func (e MetricsEntry) MarshalJSON() ([]byte, error) {
	obj := map[string]any{"step": e.Step, "d_loss": e.DLoss, "g_loss": e.GLoss, "d_real": e.DReal, "d_fake": e.DFake}
	for k, v := range e.Extra {
		if slices.Contains(coreMetricNames, k) {
			return nil, errors.Errorf("gan: a family's metric may not be named %q", k)
		}
		obj[k] = v
	}
	return json.Marshal(obj)
}

// UnmarshalJSON reads a flat object: every number that is not a core field is an extra.
func (e *MetricsEntry) UnmarshalJSON(b []byte) error {
	var obj map[string]json.RawMessage
	if err := json.Unmarshal(b, &obj); err != nil {
		return err
	}
	*e = MetricsEntry{}
	for k, raw := range obj {
		var v float64
		if err := json.Unmarshal(raw, &v); err != nil {
			return errors.Errorf("gan: metric %q is not a number", k)
		}
		switch k {
		case "step":
			e.Step = int64(v)
		case "d_loss":
			e.DLoss = v
		case "g_loss":
			e.GLoss = v
		case "d_real":
			e.DReal = v
		case "d_fake":
			e.DFake = v
		default:
			if e.Extra == nil {
				e.Extra = map[string]float64{}
			}
			e.Extra[k] = v
		}
	}
	return nil
}

// Metrics is the content of metrics.json.
type Metrics struct {
	Config      Config          `json:"config"`
	History     []MetricsEntry  `json:"history"`
	Seconds     float64         `json:"training_seconds"`  // wall time spent in training steps, over all sessions
	StepsPerSec float64         `json:"steps_per_sec"`     // of the last session
	Changes     []SettingChange `json:"changes,omitempty"` // settings a resumed session changed
}

// History is what ReadMetrics reads of a metrics.json: everything but the config (which config.json holds).
type History struct {
	History     []MetricsEntry  `json:"history"`
	Seconds     float64         `json:"training_seconds"`
	StepsPerSec float64         `json:"steps_per_sec"`
	Changes     []SettingChange `json:"changes,omitempty"`
}

// ReadMetrics reads a run's metrics.json.
func ReadMetrics(runDir string) (History, error) {
	return ReadMetricsFile(filepath.Join(runDir, MetricsFile))
}

// ReadMetricsFile reads a metrics.json (or a copy of one kept under another name).
func ReadMetricsFile(path string) (History, error) {
	var h History
	b, err := os.ReadFile(path)
	if err != nil {
		return h, errors.Wrapf(err, "gan: reading the run's history")
	}
	if err := json.Unmarshal(b, &h); err != nil {
		return h, errors.Wrapf(err, "gan: %s is not a valid %s", path, MetricsFile)
	}
	return h, nil
}

// Series returns the values of one metric along the history ("d_loss", "g_loss", "d_real", "d_fake" or an
// extra's name): the steps and the values, with the entries that lack it left out.
func (h History) Series(name string) (steps, values []float64) {
	for _, e := range h.History {
		var v float64
		switch name {
		case "d_loss":
			v = e.DLoss
		case "g_loss":
			v = e.GLoss
		case "d_real":
			v = e.DReal
		case "d_fake":
			v = e.DFake
		default:
			x, ok := e.Extra[name]
			if !ok {
				continue
			}
			v = x
		}
		steps, values = append(steps, float64(e.Step)), append(values, v)
	}
	return steps, values
}

// writeMetrics writes metrics.json and the loss plot: D's and G's losses and every reported extra.
func writeMetrics(dir string, m *Metrics) error {
	if err := atomicfile.WriteJSON(filepath.Join(dir, MetricsFile), m); err != nil {
		return errors.WithMessage(err, "gan: saving the metrics")
	}
	h := History{History: m.History}
	var series []viz.Series
	for _, name := range append([]string{"d_loss", "g_loss"}, h.ExtraNames()...) {
		x, y := h.Series(name)
		series = append(series, viz.Series{Name: name, X: x, Y: y})
	}
	title := fmt.Sprintf("%s on %s (%s loss)", m.Config.FamilyName(), m.Config.Dataset, m.Config.Loss)
	svg := viz.LinePlotSVG(title, "step", series, 720, 360)
	return viz.SaveSVG(filepath.Join(dir, LossPlotFile), svg)
}

// ExtraNames lists the extras the history holds, sorted.
func (h History) ExtraNames() []string {
	seen := map[string]bool{}
	var names []string
	for _, e := range h.History {
		for k := range e.Extra {
			if !seen[k] {
				seen[k] = true
				names = append(names, k)
			}
		}
	}
	slices.Sort(names)
	return names
}
