// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"context"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"time"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/internal/runloop"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/pkg/errors"
)

// RunOptions configure Train.
type RunOptions struct {
	Dir       string         // the run directory (created if missing)
	Resume    bool           // continue the run in Dir from its checkpoint and config.json
	LogEvery  int            // steps averaged into one metrics entry and one Progress call; 0 means 50
	Progress  func(Progress) // called every LogEvery steps and at the end; may be nil
	Set       *data.Set      // training images; nil loads cfg.Dataset's training split
	SampleSet *data.Set      // the sample grids' images (its first SampleCount); nil loads the test split
}

// Progress reports a training run's state to a progress bar.
type Progress struct {
	Step, Total  int64
	StepsPerSec  float64
	ETA          time.Duration
	Last         StepMetrics // the averages over the last LogEvery steps
	Checkpointed bool        // a checkpoint was written at this step
}

// Metrics is the content of metrics.json.
type Metrics struct {
	Config      Config        `json:"config"`
	History     []StepMetrics `json:"history"`
	Seconds     float64       `json:"training_seconds"` // wall time spent in training steps, over all sessions
	StepsPerSec float64       `json:"steps_per_sec"`    // of the last session
}

// SampleCount is the number of input | output | target triplets in a run's sample grids.
const SampleCount = 16

// Train runs (or resumes) a training run in opts.Dir, as pkg/gan's Train does: config.json, a checkpoint
// (gan.SaveCheckpoint: atomic, with checkpoint.old) every cfg.CheckpointEvery steps and at the end, a grid of
// input | output | target triplets of SampleCount fixed images every cfg.SampleEvery steps
// (samples/step-NNNNNNN.png, samples/latest.png), metrics.json and losses.svg. Cancelling ctx (Ctrl-C) stops after
// the current step and saves a checkpoint. A diverging run stops with an error naming the step and keeps its
// last good checkpoint. With opts.Resume the run continues from its checkpoint at the same global step with the
// stored config; cfg.Steps may raise the total.
func Train(ctx context.Context, b compute.Backend, cfg Config, opts RunOptions) (*Trainer, error) {
	if opts.Dir == "" {
		return nil, errors.New("imagegan: Train needs a run directory")
	}
	if opts.LogEvery <= 0 {
		opts.LogEvery = 50
	}
	var metrics Metrics
	if opts.Resume {
		stored, err := ReadConfig(filepath.Join(opts.Dir, gan.ConfigFile))
		if err != nil {
			return nil, errors.WithMessage(err, "imagegan: --resume needs a run directory made by `ganbook train pix2pix|srgan`")
		}
		stored.Steps = max(stored.Steps, cfg.Steps)
		cfg = stored
		runloop.ReadHistory(filepath.Join(opts.Dir, gan.MetricsFile), &metrics)
	} else if gan.HasCheckpoint(opts.Dir) {
		return nil, errors.Errorf("imagegan: %s already holds a run: pass --resume to continue it, or choose another --out", opts.Dir)
	}
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	set, samples := opts.Set, opts.SampleSet
	var err error
	if set == nil {
		if set, err = data.Load(cfg.Dataset, "train"); err != nil {
			return nil, err
		}
	}
	if samples == nil {
		if samples, err = data.Load(cfg.Dataset, "test"); err != nil {
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
		metrics.History = runloop.TrimHistory(metrics.History, t.GlobalStep(), func(e StepMetrics) int64 { return e.Step })
	}
	metrics.Config = cfg
	if err := os.MkdirAll(opts.Dir, 0o755); err != nil {
		return nil, errors.Wrap(err, "imagegan: creating the run directory")
	}
	if err := WriteConfig(filepath.Join(opts.Dir, gan.ConfigFile), cfg); err != nil {
		return nil, err
	}
	sampleIdx := make([]int, min(SampleCount, samples.N))
	for i := range sampleIdx {
		sampleIdx[i] = i
	}
	loop := runloop.Loop[StepMetrics]{
		Start: t.GlobalStep(), Total: int64(cfg.Steps),
		LogEvery: int64(opts.LogEvery), CheckpointEvery: int64(cfg.CheckpointEvery), SampleEvery: int64(cfg.SampleEvery),
		Step: func() (StepMetrics, int64, error) {
			m, err := t.Step()
			return m, m.Step, err
		},
		Add: addMetrics,
		Mean: func(sum StepMetrics, n int, step int64) StepMetrics {
			entry := scaleMetrics(sum, 1/float64(n))
			entry.Step = step
			return entry
		},
		Log: func(e StepMetrics) { metrics.History = append(metrics.History, e) },
		Save: func() error {
			if err := gan.SaveCheckpoint(t.Store, opts.Dir); err != nil {
				return err
			}
			return writeMetrics(opts.Dir, &metrics)
		},
		Sample: func(name string) error {
			return t.SaveTriplets(samples, sampleIdx, filepath.Join(opts.Dir, gan.SamplesDir, name))
		},
		Seconds: &metrics.Seconds, StepsPerSec: &metrics.StepsPerSec,
	}
	if opts.Progress != nil {
		loop.Progress = func(p runloop.Progress[StepMetrics]) { opts.Progress(Progress(p)) }
	}
	return t, loop.Run(ctx)
}

func addMetrics(a, b StepMetrics) StepMetrics {
	return StepMetrics{Step: b.Step, DLoss: a.DLoss + b.DLoss, GLoss: a.GLoss + b.GLoss, Adv: a.Adv + b.Adv, L1: a.L1 + b.L1,
		MSE: a.MSE + b.MSE, Content: a.Content + b.Content, DReal: a.DReal + b.DReal, DFake: a.DFake + b.DFake}
}

func scaleMetrics(a StepMetrics, f float64) StepMetrics {
	return StepMetrics{Step: a.Step, DLoss: a.DLoss * f, GLoss: a.GLoss * f, Adv: a.Adv * f, L1: a.L1 * f,
		MSE: a.MSE * f, Content: a.Content * f, DReal: a.DReal * f, DFake: a.DFake * f}
}

// writeMetrics writes metrics.json and the loss plot.
func writeMetrics(dir string, m *Metrics) error {
	if err := atomicfile.WriteJSON(filepath.Join(dir, gan.MetricsFile), m); err != nil {
		return errors.WithMessage(err, "imagegan: saving the metrics")
	}
	var steps, dl, adv, rec []float64
	recName := "L1 (×λ)"
	if m.Config.Family == FamilySRGAN {
		recName = "content + pixel (weighted)"
	}
	for _, e := range m.History {
		steps, dl, adv = append(steps, float64(e.Step)), append(dl, e.DLoss), append(adv, e.Adv)
		if m.Config.Family == FamilySRGAN {
			rec = append(rec, m.Config.ContentWeight*e.Content+m.Config.PixelWeight*e.MSE)
		} else {
			rec = append(rec, m.Config.LambdaL1*e.L1)
		}
	}
	series := []viz.Series{{Name: "D loss", X: steps, Y: dl}, {Name: "G adversarial", X: steps, Y: adv},
		{Name: recName, X: steps, Y: rec}}
	title := fmt.Sprintf("%s (%s) on %s", m.Config.Family, m.Config.Task, m.Config.Dataset)
	return viz.SaveSVG(filepath.Join(dir, gan.LossPlotFile), viz.LinePlotSVG(title, "step", series, 720, 360))
}

// LoadRun opens a run directory for generating and scoring: its config and its latest checkpoint.
func LoadRun(b compute.Backend, dir string) (*Trainer, error) {
	cfg, err := ReadConfig(filepath.Join(dir, gan.ConfigFile))
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

// EvalSeed seeds the corruptions of the test images that Evaluate and the sample grids use (with each test
// image's index as its key), so that every run is scored on the same inputs.
const EvalSeed = 1

// TestInputs returns the true images of set at indices (flat, [-1, 1]) and G's inputs made from them
// (MakeInputs with the indices as keys and EvalSeed).
func (t *Trainer) TestInputs(set *data.Set, indices []int) (inputs, targets []float32) {
	targets = set.ImagesFloat(indices)
	keys := make([]uint64, len(indices))
	for i, idx := range indices {
		keys[i] = uint64(idx)
	}
	return t.Config.MakeInputs(targets, len(indices), keys, EvalSeed), targets
}

// Triplets returns, for each image of set at indices, G's input (enlarged to 28×28 by repeating pixels for
// srgan), G's output and the true image: 3·len(indices) images of 28×28, flat, in that order.
func (t *Trainer) Triplets(set *data.Set, indices []int) ([]float32, error) {
	if len(indices) == 0 {
		return nil, errors.New("imagegan: Triplets needs at least one image")
	}
	inputs, targets := t.TestInputs(set, indices)
	outputs, err := t.Generate(inputs, len(indices))
	if err != nil {
		return nil, err
	}
	const size = ImageSize * ImageSize
	s := t.Config.InputSize()
	var flat []float32
	for i := range indices {
		flat = append(flat, UpsampleNearest(inputs[i*s*s:(i+1)*s*s], s, s, ImageSize/s)...)
		flat = append(flat, outputs[i*size:(i+1)*size]...)
		flat = append(flat, targets[i*size:(i+1)*size]...)
	}
	return flat, nil
}

// TripletsPerRow is the number of input | output | target triplets in each row of a triplet grid.
const TripletsPerRow = 4

// TripletGrid draws Triplets as a PNG-ready picture: TripletsPerRow triplets per row, each column labelled.
func (t *Trainer) TripletGrid(set *data.Set, indices []int) (image.Image, error) {
	flat, err := t.Triplets(set, indices)
	if err != nil {
		return nil, err
	}
	n := len(indices)
	perRow := min(TripletsPerRow, n)
	rows := (n + perRow - 1) / perRow
	// Pad the last row with blank (black) cells so the grid is rows×cols.
	flat = append(flat, make([]float32, (rows*perRow-n)*3*ImageSize*ImageSize)...)
	for i := n * 3 * ImageSize * ImageSize; i < len(flat); i++ {
		flat[i] = -1
	}
	var labels []string
	for range perRow {
		labels = append(labels, "input", "output", "target")
	}
	images := tensors.FromFlatDataAndDimensions(flat, rows*perRow*3, ImageSize, ImageSize, Channels)
	return viz.TraversalGrid(images, rows, perRow*3, nil, labels, viz.GridOptions{Pad: 2, Scale: 2})
}

// SaveTriplets writes TripletGrid as a PNG to path.
func (t *Trainer) SaveTriplets(set *data.Set, indices []int, path string) error {
	img, err := t.TripletGrid(set, indices)
	if err != nil {
		return err
	}
	return viz.SavePNG(path, img)
}
