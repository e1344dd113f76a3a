// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/ganbook/ganbook/internal/atomicfile"
	"os"
	"path/filepath"
	"time"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
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
}

// Progress reports a training run's state to a progress bar.
type Progress struct {
	Step, Total  int64
	StepsPerSec  float64
	ETA          time.Duration
	Last         MetricsEntry // the averages over the last LogEvery steps
	Checkpointed bool         // a checkpoint was written at this step
}

// MetricsEntry averages the StepMetrics of LogEvery steps ending at Step.
type MetricsEntry struct {
	Step  int64   `json:"step"`
	DLoss float64 `json:"d_loss"`
	GLoss float64 `json:"g_loss"`
	DReal float64 `json:"d_real"`
	DFake float64 `json:"d_fake"`
}

// Metrics is the content of metrics.json.
type Metrics struct {
	Config      Config         `json:"config"`
	History     []MetricsEntry `json:"history"`
	Seconds     float64        `json:"training_seconds"` // wall time spent in training steps, over all sessions
	StepsPerSec float64        `json:"steps_per_sec"`    // of the last session
}

// Train runs (or resumes) a training run in opts.Dir: it writes config.json, a checkpoint every
// cfg.CheckpointEvery steps and at the end, a sample grid from fixed noise every cfg.SampleEvery steps
// (samples/step-NNNNNNN.png and samples/latest.png), metrics.json and losses.svg. Cancelling ctx (Ctrl-C)
// stops after the current step and saves a checkpoint. A diverging run stops with an error naming the step and
// keeps its last good checkpoint. With opts.Resume the run continues from its checkpoint at the same global step
// with the stored config; cfg.Steps may raise the total.
func Train(ctx context.Context, b compute.Backend, cfg Config, opts RunOptions) (*Trainer, error) {
	if opts.Dir == "" {
		return nil, errors.New("gan: Train needs a run directory")
	}
	if opts.LogEvery <= 0 {
		opts.LogEvery = 50
	}
	var metrics Metrics
	if opts.Resume {
		stored, err := ReadConfig(filepath.Join(opts.Dir, ConfigFile))
		if err != nil {
			return nil, errors.WithMessage(err, "gan: --resume needs a run directory made by `ganbook train`")
		}
		stored.Steps = max(stored.Steps, cfg.Steps)
		cfg = stored
		if b, err := os.ReadFile(filepath.Join(opts.Dir, MetricsFile)); err == nil {
			_ = json.Unmarshal(b, &metrics) // a damaged metrics.json only loses the history plot
		}
	} else if HasCheckpoint(opts.Dir) {
		return nil, errors.Errorf("gan: %s already holds a run: pass --resume to continue it, or choose another --out", opts.Dir)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set := opts.Set
	if set == nil {
		var err error
		if set, err = data.Load(cfg.Dataset, "train"); err != nil {
			return nil, err
		}
	}
	t, err := NewTrainer(b, cfg, set)
	if err != nil {
		return nil, err
	}
	if opts.Resume {
		if _, err := t.LoadCheckpoint(opts.Dir); err != nil {
			return nil, err
		}
		// Keep the history up to the checkpoint: entries after it will be trained again.
		step := t.GlobalStep()
		for len(metrics.History) > 0 && metrics.History[len(metrics.History)-1].Step > step {
			metrics.History = metrics.History[:len(metrics.History)-1]
		}
	}
	metrics.Config = cfg
	if err := WriteConfig(filepath.Join(opts.Dir, ConfigFile), cfg); err != nil {
		return nil, err
	}
	fixedNoise := Noise(64, cfg.LatentDim, uint64(cfg.Seed))
	defer fixedNoise.MustFinalizeAll()

	save := func() error {
		if err := SaveCheckpoint(t.Store, opts.Dir); err != nil {
			return err
		}
		return writeMetrics(opts.Dir, &metrics)
	}
	total, start := int64(cfg.Steps), t.GlobalStep()
	sessionStart := time.Now()
	var acc MetricsEntry
	var accN int
	for t.GlobalStep() < total {
		if ctx.Err() != nil {
			break
		}
		t0 := time.Now()
		m, err := t.Step()
		metrics.Seconds += time.Since(t0).Seconds()
		if err != nil {
			return t, err // the last good checkpoint stays as it was
		}
		acc.DLoss, acc.GLoss, acc.DReal, acc.DFake = acc.DLoss+m.DLoss, acc.GLoss+m.GLoss, acc.DReal+m.DReal, acc.DFake+m.DFake
		accN++
		step := m.Step
		checkpointed := false
		if step%int64(opts.LogEvery) == 0 || step == total {
			n := float64(accN)
			entry := MetricsEntry{Step: step, DLoss: acc.DLoss / n, GLoss: acc.GLoss / n, DReal: acc.DReal / n, DFake: acc.DFake / n}
			metrics.History = append(metrics.History, entry)
			acc, accN = MetricsEntry{}, 0
			if step%int64(cfg.CheckpointEvery) == 0 {
				if err := save(); err != nil {
					return t, err
				}
				checkpointed = true
			}
			if opts.Progress != nil {
				elapsed := time.Since(sessionStart).Seconds()
				rate := float64(step-start) / elapsed
				metrics.StepsPerSec = rate
				opts.Progress(Progress{Step: step, Total: total, StepsPerSec: rate,
					ETA: time.Duration(float64(total-step) / rate * float64(time.Second)), Last: entry, Checkpointed: checkpointed})
			}
		}
		if step%int64(cfg.SampleEvery) == 0 {
			if err := t.SaveSamples(fixedNoise, filepath.Join(opts.Dir, SamplesDir, fmt.Sprintf("step-%07d.png", step))); err != nil {
				return t, err
			}
		}
	}
	if elapsed := time.Since(sessionStart).Seconds(); t.GlobalStep() > start {
		metrics.StepsPerSec = float64(t.GlobalStep()-start) / elapsed
	}
	if err := save(); err != nil {
		return t, err
	}
	if err := t.SaveSamples(fixedNoise, filepath.Join(opts.Dir, SamplesDir, "latest.png")); err != nil {
		return t, err
	}
	return t, ctx.Err()
}

// SaveSamples generates images from z and writes them as a PNG grid to path.
func (t *Trainer) SaveSamples(z *tensors.Tensor, path string) error {
	images, err := t.Generate(z)
	if err != nil {
		return err
	}
	defer images.MustFinalizeAll()
	img, err := viz.Grid(images, 0, 2)
	if err != nil {
		return err
	}
	return viz.SavePNG(path, img)
}

// writeMetrics writes metrics.json and the loss plot.
func writeMetrics(dir string, m *Metrics) error {
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return errors.Wrap(err, "gan: encoding metrics")
	}
	if err := atomicfile.WriteFile(filepath.Join(dir, MetricsFile), append(b, '\n')); err != nil {
		return errors.WithMessage(err, "gan: saving the metrics")
	}
	var steps, dl, gl []float64
	for _, e := range m.History {
		steps, dl, gl = append(steps, float64(e.Step)), append(dl, e.DLoss), append(gl, e.GLoss)
	}
	svg := viz.LinePlotSVG(fmt.Sprintf("%s on %s (%s loss)", m.Config.Model, m.Config.Dataset, m.Config.Loss), "step",
		[]viz.Series{{Name: "D loss", X: steps, Y: dl}, {Name: "G loss", X: steps, Y: gl}}, 720, 360)
	return viz.SaveSVG(filepath.Join(dir, LossPlotFile), svg)
}

// LoadRun opens a run directory for sampling: its config and its latest checkpoint (a full one, or one
// written by ExportGenerator).
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

// Sample generates n images from noise drawn with seed, in batches of at most 256, and returns them flat
// ([n·H·W·C] float32 in [-1, 1]).
func (t *Trainer) Sample(n int, seed uint64) ([]float32, error) {
	const batch = 256
	z := tensors.MustCopyFlatData[float32](Noise(n, t.Config.LatentDim, seed))
	var out []float32
	for i := 0; i < n; i += batch {
		m := min(batch, n-i)
		// Every call uses the same batch shape (padded with zeros) so one graph serves all.
		chunk := make([]float32, batch*t.Config.LatentDim)
		copy(chunk, z[i*t.Config.LatentDim:(i+m)*t.Config.LatentDim])
		images, err := t.Generate(tensorFrom(chunk, batch, t.Config.LatentDim))
		if err != nil {
			return nil, err
		}
		flat := tensors.MustCopyFlatData[float32](images)
		images.MustFinalizeAll()
		out = append(out, flat[:m*t.Config.Height*t.Config.Width*t.Config.Channels]...)
	}
	return out, nil
}
