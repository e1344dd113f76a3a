// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	_ "github.com/ganbook/ganbook/pkg/families" // every family, by name
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// FamilyStep is the speed of one family's training step, its default config at a given batch.
type FamilyStep struct {
	Family      string  `json:"family"`
	Batch       int     `json:"batch"`
	DSteps      int     `json:"d_steps"`
	MSPerStep   float64 `json:"ms_per_step"` // median, a step being DSteps D updates and one G update
	StepsPerSec float64 `json:"steps_per_sec"`
}

// FamiliesReport is what `ganbook bench families --json` prints.
type FamiliesReport struct {
	Backend  string       `json:"backend"`
	Families []FamilyStep `json:"families"`
}

// RunFamilies times steps training steps (after warmup ones) of every registered family's default config
// (gan.DefaultFor), or of the families named in only, at batch size batch on the family's dataset (MNIST's
// training split; text2img: capmnist's, with the text encoder's own step timed beside it), one family after the
// other: a slowdown in any family's step shows up as a figure.
func RunFamilies(b compute.Backend, batch, warmup, steps int, only ...string) (*FamiliesReport, error) {
	if batch <= 0 || steps <= 0 || warmup < 0 {
		return nil, errors.Errorf("bench: families needs batch > 0, steps > 0 and warmup ≥ 0")
	}
	sets := map[string]*data.Set{}
	rep := &FamiliesReport{Backend: backend.Describe(b)}
	tmp, err := os.MkdirTemp("", "ganbook-bench-")
	if err != nil {
		return nil, errors.Wrap(err, "bench: a temporary folder")
	}
	defer os.RemoveAll(tmp)
	for _, name := range gan.Families() {
		if len(only) > 0 && !slices.Contains(only, name) {
			continue
		}
		cfg, err := gan.DefaultFor(name)
		if err != nil {
			return nil, err
		}
		cfg.BatchSize = batch
		if c, ok := cfg.Family.(*text2img.Config); ok {
			// A text-to-image step reads a trained encoder: one step of one is enough to time the GAN's, and its
			// own step is timed next to it.
			encDir := filepath.Join(tmp, "textenc-"+cfg.Dataset)
			ec := textenc.DefaultConfig(cfg.Dataset)
			ec.Steps, ec.BatchSize = 1, batch
			if _, err := textenc.Train(context.Background(), b, ec, textenc.RunOptions{Dir: encDir}); err != nil {
				return nil, errors.WithMessage(err, "bench: an encoder for text2img")
			}
			if err := c.UseEncoder(encDir); err != nil {
				return nil, err
			}
			step, err := timeEncoder(b, ec, warmup, steps)
			if err != nil {
				return nil, err
			}
			rep.Families = append(rep.Families, step)
		}
		set, ok := sets[cfg.Dataset]
		if !ok {
			if set, err = data.Load(cfg.Dataset, "train"); err != nil {
				return nil, err
			}
			sets[cfg.Dataset] = set
		}
		t, err := gan.NewTrainer(b, cfg, set)
		if err != nil {
			return nil, errors.WithMessagef(err, "bench: %s", name)
		}
		var times []time.Duration
		for i := range warmup + steps {
			t0 := time.Now()
			if _, err := t.Step(); err != nil {
				return nil, errors.WithMessagef(err, "bench: %s", name)
			}
			if i >= warmup {
				times = append(times, time.Since(t0))
			}
		}
		slices.Sort(times)
		med := times[len(times)/2]
		rep.Families = append(rep.Families, FamilyStep{Family: name, Batch: batch, DSteps: cfg.DSteps,
			MSPerStep: ms(med), StepsPerSec: 1 / med.Seconds()})
	}
	return rep, nil
}

// timeEncoder times the text encoder's training step (the char-CNN-RNN and the baseline, both encoders).
func timeEncoder(b compute.Backend, cfg textenc.Config, warmup, steps int) (FamilyStep, error) {
	e, err := textenc.New(b, cfg)
	if err != nil {
		return FamilyStep{}, err
	}
	var times []time.Duration
	for i := range warmup + steps {
		t0 := time.Now()
		if _, _, err := e.Step(); err != nil {
			return FamilyStep{}, errors.WithMessage(err, "bench: textenc")
		}
		if i >= warmup {
			times = append(times, time.Since(t0))
		}
	}
	slices.Sort(times)
	med := times[len(times)/2]
	return FamilyStep{Family: textenc.Kind, Batch: cfg.BatchSize, DSteps: 0, MSPerStep: ms(med), StepsPerSec: 1 / med.Seconds()}, nil
}
