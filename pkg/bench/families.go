// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"slices"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	_ "github.com/ganbook/ganbook/pkg/families" // every family, by name
	"github.com/ganbook/ganbook/pkg/gan"
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
// (gan.DefaultFor) at batch size batch on MNIST's training split, one family after the other: a slowdown in any
// family's step shows up as a figure.
func RunFamilies(b compute.Backend, batch, warmup, steps int) (*FamiliesReport, error) {
	if batch <= 0 || steps <= 0 || warmup < 0 {
		return nil, errors.Errorf("bench: families needs batch > 0, steps > 0 and warmup ≥ 0")
	}
	set, err := data.Load("mnist", "train")
	if err != nil {
		return nil, err
	}
	rep := &FamiliesReport{Backend: backend.Describe(b)}
	for _, name := range gan.Families() {
		cfg, err := gan.DefaultFor(name)
		if err != nil {
			return nil, err
		}
		cfg.BatchSize = batch
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
