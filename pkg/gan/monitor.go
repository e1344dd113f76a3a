// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"

	"github.com/ganbook/ganbook/pkg/data"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the monitor's graph reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// Names of the monitor's measures in a run's history (metrics.json) and progress lines.
const (
	MetricDRealTrain   = "d_real_train"
	MetricDRealHeldOut = "d_real_heldout"
)

// Monitor measures whether D remembers its training images: its mean verdict (MeanOutput: σ(logit) for the
// sigmoid losses) on one fixed batch of the training images and on one of the held-out (test) images, each with
// the conditions the step gives real images (their labels, their captions), in inference mode (no DiffAugment,
// nothing updated). On a few thousand images D learns to tell the ones it trains on from all others: the first
// climbs while the second falls (Karras et al. 2020, ADA, figure 1; Zhao et al. 2020, DiffAugment, figure 1).
// Train records both in the history (at the first log step, then once per checkpoint interval) when the dataset
// has a test split.
type Monitor struct {
	t           *Trainer
	train, held *data.Sampler
	// exec is the graph of the verdicts, in inference mode: rebuilt when the weights changed (builtAt: the
	// Trainer's count of updates then), as the pure-Go backend embeds an inference graph's variables.
	exec    *model.Exec
	builtAt int64
}

// NewMonitor makes the monitor of t on test, the held-out split of its data.
func NewMonitor(t *Trainer, test *data.Set) (*Monitor, error) {
	if t.sampler == nil {
		return nil, errors.New("gan: the monitor needs a Trainer on a dataset")
	}
	if s := t.Config.Family.Shape(); test.Height != s.Height || test.Width != s.Width || test.Channels != s.Channels {
		return nil, errors.Errorf("gan: the held-out images are %dx%dx%d, the model's %dx%dx%d", test.Height, test.Width, test.Channels, s.Height, s.Width, s.Channels)
	}
	n := min(t.Config.BatchSize, test.N)
	m := &Monitor{t: t, train: &data.Sampler{Set: t.sampler.Set, BatchSize: n, Seed: uint64(t.Config.Seed) + 1},
		held: &data.Sampler{Set: test, BatchSize: n, Seed: uint64(t.Config.Seed) + 1}}
	if err := m.held.Validate(); err != nil {
		return nil, err
	}
	return m, nil
}

// build makes the graph of the verdicts.
func (m *Monitor) build() error {
	fam, cfg := m.t.Config.Family, &m.t.Config
	exec, err := model.NewExec(m.t.Backend, m.t.Store, func(scope *model.Scope, inputs []*Node) *Node {
		d := Data{Images: inputs[0], Labels: inputs[1], Inputs: inputs[2:]}
		scope.Store().SetTraining(d.Images.Graph(), false)
		b := fam.Batch(scope, d)
		out, _ := fam.Discriminator(scope.In(ScopeDiscriminator), b.Real, b.RealCond)
		return MeanOutput(cfg.Loss, out)
	})
	if err != nil {
		return errors.WithMessage(err, "gan: building the monitor")
	}
	if m.exec != nil {
		m.exec.Finalize()
	}
	m.exec, m.builtAt = exec, m.t.updates
	return nil
}

// Measure returns D's mean verdict on the fixed training batch and on the fixed held-out batch. The random
// numbers a family's Batch draws are given back, so a run measured is the run unmeasured.
func (m *Monitor) Measure() (train, heldOut float64, err error) {
	if m.exec == nil || m.builtAt != m.t.updates {
		if err := m.build(); err != nil {
			return 0, 0, err
		}
	}
	rng := m.t.Store.GetVariable("/" + model.RNGStateVariableName)
	var saved *tensors.Tensor
	if rng != nil {
		v, err := rng.Value()
		if err != nil {
			return 0, 0, err
		}
		if saved, err = v.LocalClone(); err != nil {
			return 0, 0, err
		}
	}
	defer func() {
		if saved != nil {
			if e := rng.SetValue(saved); e != nil && err == nil {
				err = e
			}
		}
	}()
	out := [2]float64{}
	for i, s := range []*data.Sampler{m.train, m.held} {
		images, labels := s.Batch(0)
		args := []any{images, labels}
		if h, ok := m.t.Config.Family.(HostInputs); ok {
			n := s.BatchSize
			keys := make([]uint64, n)
			for k := range keys {
				keys[k] = uint64(k)
			}
			hb := HostBatch{Images: tensors.MustCopyFlatData[float32](images), N: n, Set: s.Set, Rows: s.Indices(0), Keys: keys, Seed: uint64(m.t.Config.Seed)}
			for _, in := range h.HostInputs(&m.t.Config, hb) {
				args = append(args, in)
			}
		}
		res, err := m.exec.Call(args...)
		for _, a := range args {
			a.(*tensors.Tensor).MustFinalizeAll()
		}
		if err != nil {
			return 0, 0, errors.WithMessage(err, "gan: the monitor")
		}
		out[i] = float64(tensors.ToScalar[float32](res[0]))
		res[0].MustFinalizeAll()
		if math.IsNaN(out[i]) {
			return 0, 0, errors.New("gan: the monitor's verdict is not a number")
		}
	}
	return out[0], out[1], nil
}
