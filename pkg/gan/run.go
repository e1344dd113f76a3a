// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/ganbook/ganbook/internal/runloop"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// Files a run writes besides its checkpoint.
const (
	MetricsFile  = "metrics.json"
	LossPlotFile = "losses.svg"
	SamplesDir   = "samples"
)

// RunOptions configure Train.
type RunOptions struct {
	Dir      string         // the run directory (created if missing)
	Resume   bool           // continue the run in Dir from its checkpoint and config.json
	LogEvery int            // steps averaged into one metrics entry and one Progress call; 0 means 50
	Progress func(Progress) // called every LogEvery steps and at the end; may be nil
	Set      *data.Set      // training data; nil loads cfg.Dataset's training split
	Warn     func(string)   // told of what the run recovered from (a damaged checkpoint or history); may be nil
	// Budget, when positive, ends the session once it has trained this long (a checkpoint and the latest
	// grid are saved as at the end; --resume goes on): a run's length on a slow machine follows a time budget.
	Budget time.Duration
	// NoMonitor leaves out the monitor's measures of D on training and held-out images (Monitor), which the
	// history otherwise holds at the first log step and once per checkpoint interval, where the dataset has a
	// test split.
	NoMonitor bool
	// Stored, with Resume, is the run's config.json as the caller read it (ReadStoredConfig), so that it is read
	// once; nil reads it here.
	Stored *Config
}

// KeptDir is where a run keeps its generator of step (Config.KeepEvery): a run folder of its own (config.json,
// G and its weight average, D where the family's export keeps it, the history up to then; no optimizer state),
// what ExportAverage averages or `ganbook export` exports.
func KeptDir(runDir string, step int64) string {
	return filepath.Join(runDir, "kept", fmt.Sprintf("step-%07d", step))
}

// keep writes t's generator into KeptDir(runDir, step) unless it is there, with the run's history up to then
// (metrics.json and the loss plot), which an export of the kept folder carries.
func keep(t *Trainer, runDir string, step int64, metrics *Metrics) error {
	dir := KeptDir(runDir, step)
	if HasCheckpoint(dir) {
		return nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "gan: keeping the generator")
	}
	keepD := false
	if k, ok := t.Config.Family.(DKeeper); ok {
		keepD = k.ExportKeepsD()
	}
	if err := WriteConfig(filepath.Join(dir, ConfigFile), t.Config); err != nil {
		return err
	}
	if err := writeMetrics(dir, metrics); err != nil {
		return err
	}
	return errors.WithMessage(exportVariables(t.Store, dir, keepD, false), "gan: keeping the generator")
}

// Progress reports a training run's state to a progress bar.
type Progress struct {
	Step, Total  int64
	StepsPerSec  float64
	ETA          time.Duration
	Last         MetricsEntry // the averages over the last LogEvery steps
	Checkpointed bool         // a checkpoint was written at this step
}

// Train runs (or resumes) a training run in opts.Dir: it writes config.json, a checkpoint every
// cfg.CheckpointEvery steps and at the end, a sample grid every cfg.SampleEvery steps (samples/step-NNNNNNN.png
// and samples/latest.png: the family's Gridder, or 64 samples of its Latent for the run's seed), metrics.json
// and losses.svg. Cancelling ctx (Ctrl-C) stops after the current step and saves a checkpoint. A diverging run
// stops with an error naming the step and keeps the checkpoints saved before it. With opts.Resume the run
// continues from its checkpoint at the same global step with the stored config; cfg.Steps may raise the total.
func Train(ctx context.Context, b compute.Backend, cfg Config, opts RunOptions) (*Trainer, error) {
	if opts.Dir == "" {
		return nil, errors.New("gan: Train needs a run directory")
	}
	if opts.LogEvery <= 0 {
		opts.LogEvery = 50
	}
	unlock, err := LockRun(opts.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := CleanStale(opts.Dir); err != nil {
		return nil, err
	}
	warn := opts.Warn
	if warn == nil {
		warn = func(string) {}
	}
	var metrics Metrics
	var changes []SettingChange
	if opts.Resume {
		var stored Config
		if opts.Stored != nil {
			stored = *opts.Stored
		} else if stored, err = ReadStoredConfig(opts.Dir); err != nil {
			return nil, err
		}
		if cfg.Family != nil {
			if stored, changes, err = ResumeConfig(stored, cfg); err != nil {
				return nil, errors.WithMessagef(err, "gan: resuming %s", opts.Dir)
			}
		}
		cfg = stored
		h, err := ReadMetrics(opts.Dir)
		switch {
		case err == nil:
			metrics.History, metrics.Seconds, metrics.StepsPerSec, metrics.Changes = h.History, h.Seconds, h.StepsPerSec, h.Changes
		case exists(filepath.Join(opts.Dir, MetricsFile)):
			damaged := filepath.Join(opts.Dir, MetricsFile+".damaged")
			if rerr := os.Rename(filepath.Join(opts.Dir, MetricsFile), damaged); rerr != nil {
				return nil, errors.Wrapf(rerr, "gan: %s is damaged (%v) and cannot be moved aside", MetricsFile, err)
			}
			warn(fmt.Sprintf("%s is damaged (%s): moved to %s; the history restarts at this session", MetricsFile, firstLine(err), damaged))
		}
	} else if HasCheckpoint(opts.Dir) {
		return nil, errors.Errorf("gan: %s already holds a run: pass --resume to continue it, or choose another --out", opts.Dir)
	}
	if err := cfg.Validate(); err != nil { // once, on the config the run goes on with
		if opts.Resume {
			err = errors.WithMessagef(err, "in %s", filepath.Join(opts.Dir, ConfigFile))
		}
		return nil, err
	}
	set := opts.Set
	if set == nil && !ownsData(cfg.Family) {
		var err error
		if set, err = data.Load(cfg.Dataset, "train"); err != nil {
			return nil, err
		}
	}
	t, err := newTrainer(b, cfg, set)
	if err != nil {
		return nil, err
	}
	if opts.Resume {
		loaded, err := t.LoadCheckpoint(opts.Dir)
		if err != nil {
			return nil, err
		}
		if w := loaded.Warning(); w != "" {
			warn(w + "; resuming from there")
		}
		for _, c := range changes {
			c.Step = t.GlobalStep()
			metrics.Changes = append(metrics.Changes, c)
		}
		// The optimizers keep their learning rates in the checkpoint: set the config's (changed or not).
		if err := t.SetLearningRates(cfg.LearningRateG, cfg.LearningRateD); err != nil {
			return nil, err
		}
		metrics.History = runloop.TrimHistory(metrics.History, t.GlobalStep(), func(e MetricsEntry) int64 { return e.Step })
	}
	metrics.Config = cfg
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, errors.Wrap(err, "gan: creating the run directory")
	}
	if err := WriteConfig(filepath.Join(opts.Dir, ConfigFile), cfg); err != nil {
		return nil, err
	}
	// D's verdicts on training and held-out images go into the history where the data has a held-out split.
	var monitor *Monitor
	monitored := int64(-1) // the step measured last
	if test, err := data.Load(cfg.Dataset, "test"); err == nil && opts.Set == nil && t.sampler != nil && !opts.NoMonitor {
		if monitor, err = NewMonitor(t, test); err != nil {
			warn(fmt.Sprintf("no monitor of D: %s", firstLine(err)))
		}
	}
	kept, every := t.GlobalStep(), int64(cfg.KeepEvery) // the step of the last generator kept, and the spacing
	loop := runloop.Loop[MetricsEntry]{
		Start: t.GlobalStep(), Total: int64(cfg.Steps), Deadline: deadline(opts.Budget),
		LogEvery: int64(opts.LogEvery), CheckpointEvery: int64(cfg.CheckpointEvery), SampleEvery: int64(cfg.SampleEvery),
		Step: func() (MetricsEntry, int64, error) {
			m, err := t.Step()
			return MetricsEntry{DLoss: m.DLoss, GLoss: m.GLoss, DReal: m.DReal, DFake: m.DFake, Extra: m.Extra}, m.Step, err
		},
		Add:  func(a, m MetricsEntry) MetricsEntry { return a.plus(m) },
		Mean: func(a MetricsEntry, n int, step int64) MetricsEntry { return a.scaled(1/float64(n), step) },
		Log: func(e MetricsEntry) {
			// D on training and on held-out images, for the history: at the first log step and then once per
			// checkpoint interval (the monitor's graph is compiled anew for the weights it measures).
			if monitor != nil && (monitored < 0 || e.Step-monitored >= int64(cfg.CheckpointEvery)) {
				monitored = e.Step
				train, held, err := monitor.Measure()
				if err != nil {
					warn(fmt.Sprintf("the monitor stops: %s", firstLine(err)))
					monitor = nil
				} else {
					if e.Extra == nil {
						e.Extra = map[string]float64{}
					}
					e.Extra[MetricDRealTrain], e.Extra[MetricDRealHeldOut] = train, held
				}
			}
			metrics.History = append(metrics.History, e)
		},
		Save: func() error {
			// The history first: a kill between the two leaves a history ahead of the checkpoint, which a resumed
			// session trims, never one behind it with steps missing.
			if err := writeMetrics(opts.Dir, &metrics); err != nil {
				return err
			}
			if err := SaveCheckpoint(t.Store, opts.Dir); err != nil {
				return err
			}
			if step := t.GlobalStep(); every > 0 && step/every > kept/every {
				kept = step
				return keep(t, opts.Dir, step, &metrics)
			}
			return nil
		},
		Sample: func(name string) error {
			return t.SaveGrid(uint64(cfg.Seed), filepath.Join(opts.Dir, SamplesDir, name))
		},
		Seconds: &metrics.Seconds, StepsPerSec: &metrics.StepsPerSec,
	}
	if opts.Progress != nil {
		loop.Progress = func(p runloop.Progress[MetricsEntry]) { opts.Progress(Progress(p)) }
	}
	return t, loop.Run(ctx)
}

func deadline(budget time.Duration) time.Time {
	if budget <= 0 {
		return time.Time{}
	}
	return time.Now().Add(budget)
}

// LoadRun opens a run directory of any registered family for sampling and scoring: its config and its latest
// checkpoint (a full one, or one written by Export).
func LoadRun(b compute.Backend, dir string) (*Trainer, error) {
	cfg, err := ReadConfig(filepath.Join(dir, ConfigFile))
	if err != nil {
		return nil, err
	}
	t, err := NewTrainer(b, cfg, nil)
	if err != nil {
		return nil, err
	}
	if _, err := t.LoadCheckpoint(dir); err != nil {
		return nil, err
	}
	return t, nil
}
