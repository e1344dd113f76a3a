// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"context"
	"os"
	"path/filepath"
	"runtime/debug"
	"slices"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/data"
	_ "github.com/ganbook/ganbook/pkg/families" // every family, by name
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/stackgan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// FamilyStep is the speed of one family's training step, its default config at a given batch.
type FamilyStep struct {
	Family      string  `json:"family"`
	Run         string  `json:"run,omitempty"` // RunRuns: the run whose config was timed
	Batch       int     `json:"batch"`
	DSteps      int     `json:"d_steps"`
	MSPerStep   float64 `json:"ms_per_step"` // median, a step being DSteps D updates and one G update
	StepsPerSec float64 `json:"steps_per_sec"`
	// PeakMiB is the process's peak resident memory while the step was built and timed, in MiB (Linux only, 0
	// elsewhere): what was already held (the datasets) included, earlier families' garbage returned first.
	PeakMiB float64 `json:"peak_mib,omitempty"`
}

// peakMeter measures the peak resident memory of what runs between its start and its read.
type peakMeter struct{ ok bool }

// startPeak returns the garbage to the system and starts the peak from what the process holds now.
func startPeak() peakMeter {
	debug.FreeOSMemory()
	return peakMeter{ok: resetPeakRSS() == nil}
}

// MiB is the peak since startPeak, in MiB; 0 where it cannot be measured.
func (m peakMeter) MiB() float64 {
	if !m.ok {
		return 0
	}
	b, err := peakRSS()
	if err != nil {
		return 0
	}
	return float64(b) / (1 << 20)
}

// FamiliesReport is what `ganbook bench families --json` prints.
type FamiliesReport struct {
	Backend  string       `json:"backend"`
	Families []FamilyStep `json:"families"`
}

// RunFamilies times steps training steps (after warmup ones) of every registered family's default config
// (gan.DefaultFor), or of the families named in only, at batch size batch on the family's dataset (MNIST's
// training split; text2img: capmnist's, with the text encoder's own step timed beside it and the step with the
// text-matching term as "text2img-match"; stackgan: Stage-I on
// capmnist16, then Stage-II on capmnist64 as "stackgan-stage2"), one family after the other: a slowdown in any
// family's step shows up as a figure.
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
		if tf, ok := cfg.Family.(text2img.TextFamily); ok {
			// A text-to-image step reads a trained encoder: one step of one is enough to time the GAN's, and its
			// own step is timed next to it (once).
			base := captions.Base(cfg.Dataset)
			encDir := filepath.Join(tmp, "textenc-"+base)
			if !gan.HasCheckpoint(encDir) {
				ec := textenc.DefaultConfig(base)
				ec.Steps, ec.BatchSize = 1, batch
				if _, err := textenc.Train(context.Background(), b, ec, textenc.RunOptions{Dir: encDir}); err != nil {
					return nil, errors.WithMessage(err, "bench: an encoder for "+name)
				}
				step, err := timeEncoder(b, ec, warmup, steps)
				if err != nil {
					return nil, err
				}
				rep.Families = append(rep.Families, step)
			}
			if err := tf.TextConfig().UseEncoder(encDir); err != nil {
				return nil, err
			}
		}
		t, step, err := timeFamily(b, name, cfg, sets, warmup, steps)
		if err != nil {
			return nil, err
		}
		rep.Families = append(rep.Families, step)
		if name == text2img.Name {
			// The showcase's recipe: the same step with the text-matching term (the image encoder's pass on G's
			// images and its gradient).
			cfgM, _ := gan.DefaultFor(name)
			cfgM.BatchSize = batch
			m := cfgM.Family.(*text2img.Config)
			m.Match = 1
			if err := m.UseEncoder(filepath.Join(tmp, "textenc-"+captions.Base(cfgM.Dataset))); err != nil {
				return nil, err
			}
			if _, step, err = timeFamily(b, name+"-match", cfgM, sets, warmup, steps); err != nil {
				return nil, err
			}
			rep.Families = append(rep.Families, step)
		}
		if name != stackgan.Name {
			continue
		}
		// StackGAN's Stage-II refines a Stage-I run: the one just timed, saved.
		s1 := filepath.Join(tmp, "stackgan-stage1")
		if err := gan.WriteConfig(filepath.Join(s1, gan.ConfigFile), cfg); err != nil {
			return nil, err
		}
		if err := gan.SaveCheckpoint(t.Store, s1); err != nil {
			return nil, err
		}
		cfg2, _ := gan.DefaultFor(name)
		cfg2.BatchSize = batch
		if err := cfg2.Family.(*stackgan.Config).UseStage1(&cfg2, s1); err != nil {
			return nil, err
		}
		_, step, err = timeFamily(b, name+"-stage2", cfg2, sets, warmup, steps)
		if err != nil {
			return nil, err
		}
		rep.Families = append(rep.Families, step)
	}
	return rep, nil
}

// RunRuns times steps training steps (after warmup ones) of each run's own config (its config.json: family,
// networks, terms, batch size, dataset), with fresh weights: the step that run takes, so that runs of different
// families or recipes can be put on one time scale (StackGAN's two stages against one stage at the full size).
// A run that reads others (a text encoder, a Stage-I run) needs them where its config points.
func RunRuns(b compute.Backend, warmup, steps int, dirs ...string) (*FamiliesReport, error) {
	if steps <= 0 || warmup < 0 || len(dirs) == 0 {
		return nil, errors.Errorf("bench: runs needs at least one run, steps > 0 and warmup ≥ 0")
	}
	sets := map[string]*data.Set{}
	rep := &FamiliesReport{Backend: backend.Describe(b)}
	for _, dir := range dirs {
		cfg, err := gan.ReadConfig(filepath.Join(dir, gan.ConfigFile))
		if err != nil {
			return nil, errors.WithMessage(err, "bench")
		}
		_, step, err := timeFamily(b, dir, cfg, sets, warmup, steps)
		if err != nil {
			return nil, err
		}
		step.Family, step.Run = cfg.FamilyName(), dir
		rep.Families = append(rep.Families, step)
	}
	return rep, nil
}

// timeFamily times a Trainer of cfg on its dataset's train split (kept in sets).
func timeFamily(b compute.Backend, name string, cfg gan.Config, sets map[string]*data.Set, warmup, steps int) (*gan.Trainer, FamilyStep, error) {
	set, ok := sets[cfg.Dataset]
	if !ok {
		var err error
		if set, err = data.Load(cfg.Dataset, "train"); err != nil {
			return nil, FamilyStep{}, err
		}
		sets[cfg.Dataset] = set
	}
	peak := startPeak()
	t, err := gan.NewTrainer(b, cfg, set)
	if err != nil {
		return nil, FamilyStep{}, errors.WithMessagef(err, "bench: %s", name)
	}
	var times []time.Duration
	for i := range warmup + steps {
		t0 := time.Now()
		if _, err := t.Step(); err != nil {
			return nil, FamilyStep{}, errors.WithMessagef(err, "bench: %s", name)
		}
		if i >= warmup {
			times = append(times, time.Since(t0))
		}
	}
	slices.Sort(times)
	med := times[len(times)/2]
	return t, FamilyStep{Family: name, Batch: cfg.BatchSize, DSteps: cfg.DSteps, MSPerStep: ms(med), StepsPerSec: 1 / med.Seconds(),
		PeakMiB: peak.MiB()}, nil
}

// timeEncoder times the text encoder's training step (the char-CNN-RNN and the baseline, both encoders).
func timeEncoder(b compute.Backend, cfg textenc.Config, warmup, steps int) (FamilyStep, error) {
	peak := startPeak()
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
	return FamilyStep{Family: textenc.Kind, Batch: cfg.BatchSize, DSteps: 0, MSPerStep: ms(med), StepsPerSec: 1 / med.Seconds(),
		PeakMiB: peak.MiB()}, nil
}
