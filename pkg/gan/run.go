// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"time"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/internal/runloop"
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
	Info  float64 `json:"info_bound,omitempty"` // InfoGAN's L_I in nats (see StepMetrics.Info)
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
		runloop.ReadHistory(filepath.Join(opts.Dir, MetricsFile), &metrics)
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
		metrics.History = runloop.TrimHistory(metrics.History, t.GlobalStep(), func(e MetricsEntry) int64 { return e.Step })
	}
	metrics.Config = cfg
	if err := WriteConfig(filepath.Join(opts.Dir, ConfigFile), cfg); err != nil {
		return nil, err
	}
	fixedNoise := t.FixedLatent(uint64(cfg.Seed))
	defer fixedNoise.MustFinalizeAll()

	loop := runloop.Loop[MetricsEntry]{
		Start: t.GlobalStep(), Total: int64(cfg.Steps),
		LogEvery: int64(opts.LogEvery), CheckpointEvery: int64(cfg.CheckpointEvery), SampleEvery: int64(cfg.SampleEvery),
		Step: func() (MetricsEntry, int64, error) {
			m, err := t.Step()
			return MetricsEntry{DLoss: m.DLoss, GLoss: m.GLoss, DReal: m.DReal, DFake: m.DFake, Info: m.Info}, m.Step, err
		},
		Add: func(a, m MetricsEntry) MetricsEntry {
			return MetricsEntry{DLoss: a.DLoss + m.DLoss, GLoss: a.GLoss + m.GLoss, DReal: a.DReal + m.DReal,
				DFake: a.DFake + m.DFake, Info: a.Info + m.Info}
		},
		Mean: func(a MetricsEntry, n int, step int64) MetricsEntry {
			f := 1 / float64(n)
			return MetricsEntry{Step: step, DLoss: a.DLoss * f, GLoss: a.GLoss * f, DReal: a.DReal * f, DFake: a.DFake * f,
				Info: a.Info * f}
		},
		Log: func(e MetricsEntry) { metrics.History = append(metrics.History, e) },
		Save: func() error {
			if err := SaveCheckpoint(t.Store, opts.Dir); err != nil {
				return err
			}
			return writeMetrics(opts.Dir, &metrics)
		},
		Sample: func(name string) error {
			return t.SaveSamples(fixedNoise, filepath.Join(opts.Dir, SamplesDir, name))
		},
		Seconds: &metrics.Seconds, StepsPerSec: &metrics.StepsPerSec,
	}
	if opts.Progress != nil {
		loop.Progress = func(p runloop.Progress[MetricsEntry]) { opts.Progress(Progress(p)) }
	}
	return t, loop.Run(ctx)
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
	if err := atomicfile.WriteJSON(filepath.Join(dir, MetricsFile), m); err != nil {
		return errors.WithMessage(err, "gan: saving the metrics")
	}
	var steps, dl, gl, li, hc []float64
	for _, e := range m.History {
		steps, dl, gl = append(steps, float64(e.Step)), append(dl, e.DLoss), append(gl, e.GLoss)
		li, hc = append(li, e.Info), append(hc, m.Config.Info.Entropy())
	}
	series := []viz.Series{{Name: "D loss", X: steps, Y: dl}, {Name: "G loss", X: steps, Y: gl}}
	title := fmt.Sprintf("%s on %s (%s loss)", m.Config.Model, m.Config.Dataset, m.Config.Loss)
	if m.Config.Info.Enabled() {
		title = fmt.Sprintf("InfoGAN on %s (%s loss, λ %g/%g)", m.Config.Dataset, m.Config.Loss, m.Config.Info.WeightCat, m.Config.Info.WeightCont)
		series = append(series, viz.Series{Name: "L_I (nats)", X: steps, Y: li},
			viz.Series{Name: "H(c)", X: steps, Y: hc, Dashed: true})
	}
	svg := viz.LinePlotSVG(title, "step", series, 720, 360)
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

// Sample generates n images from noise (and, for InfoGAN, codes) drawn with seed, in batches of at most 256, and
// returns them flat ([n·H·W·C] float32 in [-1, 1]).
func (t *Trainer) Sample(n int, seed uint64) ([]float32, error) {
	images, _, err := t.SampleCodes(n, seed)
	return images, err
}

// SampleCodes is Sample that also returns, for InfoGAN, the value of each sample's first categorical code, and
// for a conditional GAN each sample's label (the classes in turn: 0, 1, ..., Classes-1, 0, ...); nil for other
// GANs.
func (t *Trainer) SampleCodes(n int, seed uint64) (images []float32, codes []int, err error) {
	if t.Config.Classes > 0 {
		labels := make([]int, n)
		for i := range labels {
			labels[i] = i % t.Config.Classes
		}
		images, err = t.SampleLabels(labels, seed)
		return images, labels, err
	}
	z, cats := t.Latent(n, seed)
	if len(cats) > 0 {
		codes = cats[0]
	}
	images, err = t.GenerateFlat(z, n)
	return images, codes, err
}

// SampleLabels generates one image of a conditional GAN per requested label, from noise drawn with seed.
func (t *Trainer) SampleLabels(labels []int, seed uint64) ([]float32, error) {
	z, err := t.LatentLabels(labels, seed)
	if err != nil {
		return nil, err
	}
	return t.GenerateFlat(z, len(labels))
}

// LatentLabels is a conditional GAN's generator input for the given labels: noise drawn with seed (as Noise),
// each followed by its one-hot label.
func (t *Trainer) LatentLabels(labels []int, seed uint64) ([]float32, error) {
	cfg := &t.Config
	if cfg.Classes <= 0 {
		return nil, errors.New("gan: labels need a conditional GAN (a run trained with `ganbook train cgan`)")
	}
	noise := tensors.MustCopyFlatData[float32](Noise(len(labels), cfg.LatentDim, seed))
	z := make([]float32, 0, len(labels)*cfg.GenInputDim())
	for i, y := range labels {
		if y < 0 || y >= cfg.Classes {
			return nil, errors.Errorf("gan: label %d is not one of the run's %d classes (0 to %d)", y, cfg.Classes, cfg.Classes-1)
		}
		z = append(z, noise[i*cfg.LatentDim:(i+1)*cfg.LatentDim]...)
		for j := range cfg.Classes {
			z = append(z, float32(b2f(j == y)))
		}
	}
	return z, nil
}

// Latent draws the generator's input for n samples from seed: z ~ N(0, I) (Noise(n, LatentDim, seed)), then
// for InfoGAN the codes from their priors, each categorical code's value returned in cats (one slice per code),
// and for a conditional GAN the one-hot labels 0, 1, ..., Classes-1, 0, ... (returned as cats[0]).
func (t *Trainer) Latent(n int, seed uint64) (z []float32, cats [][]int) {
	cfg := &t.Config
	if cfg.Classes > 0 {
		labels := make([]int, n)
		for i := range labels {
			labels[i] = i % cfg.Classes
		}
		z, _ := t.LatentLabels(labels, seed)
		return z, [][]int{labels}
	}
	noise := tensors.MustCopyFlatData[float32](Noise(n, cfg.LatentDim, seed))
	if !cfg.Info.Enabled() {
		return noise, nil
	}
	rng := rand.New(rand.NewPCG(seed, 0x636f_6465_73)) // "codes"
	cats = make([][]int, len(cfg.Info.Categorical))
	width := cfg.GenInputDim()
	z = make([]float32, 0, n*width)
	for i := range n {
		z = append(z, noise[i*cfg.LatentDim:(i+1)*cfg.LatentDim]...)
		for c, k := range cfg.Info.Categorical {
			v := rng.IntN(k)
			cats[c] = append(cats[c], v)
			for j := range k {
				z = append(z, float32(b2f(j == v)))
			}
		}
		for range cfg.Info.Continuous {
			z = append(z, float32(2*rng.Float64()-1))
		}
	}
	return z, cats
}

// FixedLatent is the input of the sample grids a run saves as it trains: 64 draws of Latent for seed, except
// that InfoGAN's first categorical code cycles through its values along each row of 8 (or 10 for 10 values)
// so that the grid shows what the code controls.
//
// A conditional GAN's grid has 100 samples, ten per class, the label changing along each row of 10.
func (t *Trainer) FixedLatent(seed uint64) *tensors.Tensor {
	cfg := &t.Config
	if cfg.Classes > 0 {
		labels := make([]int, 100)
		for i := range labels {
			labels[i] = i % cfg.Classes
		}
		z, _ := t.LatentLabels(labels, seed)
		return tensorFrom(z, len(labels), cfg.GenInputDim())
	}
	z, _ := t.Latent(64, seed)
	width := cfg.GenInputDim()
	if cfg.Info.Enabled() && len(cfg.Info.Categorical) > 0 {
		k := cfg.Info.Categorical[0]
		for i := range 64 {
			row := z[i*width+cfg.LatentDim : i*width+cfg.LatentDim+k]
			for j := range row {
				row[j] = float32(b2f(j == i%8%k))
			}
		}
	}
	return tensorFrom(z, 64, width)
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// GenerateFlat maps n generator inputs z (flat, [n·GenInputDim]) to images, in batches of evalBatch, and
// returns them flat ([n·H·W·C] float32 in [-1, 1]).
func (t *Trainer) GenerateFlat(z []float32, n int) ([]float32, error) {
	width := t.Config.GenInputDim()
	if len(z) != n*width {
		return nil, errors.Errorf("gan: %d inputs of width %d need %d numbers, got %d", n, width, n*width, len(z))
	}
	size := t.Config.Height * t.Config.Width * t.Config.Channels
	var out []float32
	err := forBatches(z, n, width, func(chunk []float32, _, m int) error {
		images, err := t.Generate(tensorFrom(chunk, evalBatch, width))
		if err != nil {
			return err
		}
		out = append(out, tensors.MustCopyFlatData[float32](images)[:m*size]...)
		images.MustFinalizeAll()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// evalBatch is the batch size of GenerateFlat, PredictCodes and Discriminate.
const evalBatch = 256

// forBatches calls fn on n items of width numbers each (flat), evalBatch items at a time: chunk holds items
// i to i+m-1 followed by zeros, so that every call has the same shape and one compiled graph serves them all.
func forBatches(flat []float32, n, width int, fn func(chunk []float32, i, m int) error) error {
	for i := 0; i < n; i += evalBatch {
		m := min(evalBatch, n-i)
		chunk := make([]float32, evalBatch*width)
		copy(chunk, flat[i*width:(i+m)*width])
		if err := fn(chunk, i, m); err != nil {
			return err
		}
	}
	return nil
}

// Traversal builds the generator inputs of an InfoGAN latent traversal (Chen et al. 2016, Figure 2), from one
// noise vector drawn with seed and the other codes at their centre (continuous codes 0, other categorical codes
// 0):
//
//   - cont ≥ 0: one row per value of the first categorical code, the continuous code cont swept from lo to hi
//     across cols columns (e.g. -2 to 2: beyond the training range [-1, 1], as the paper shows);
//   - cont < 0: one row per noise vector (rows of them, each drawn from seed+row), the first categorical code's
//     values across the columns.
//
// It returns the flat inputs [rows·cols·GenInputDim] and the grid's rows and cols.
func (t *Trainer) Traversal(cont, cols, rowsNoise int, lo, hi float64, seed uint64) (z []float32, rows, columns int, err error) {
	cfg := &t.Config
	if !cfg.Info.Enabled() || len(cfg.Info.Categorical) == 0 {
		return nil, 0, 0, errors.New("gan: a traversal needs an InfoGAN with a categorical code")
	}
	if cont >= cfg.Info.Continuous {
		return nil, 0, 0, errors.Errorf("gan: continuous code %d does not exist: the run has %d", cont, cfg.Info.Continuous)
	}
	k := cfg.Info.Categorical[0]
	width := cfg.GenInputDim()
	input := func(noise []float32, cat int, contValue float64) []float32 {
		v := make([]float32, 0, width)
		v = append(v, noise...)
		for c, kc := range cfg.Info.Categorical {
			for j := range kc {
				v = append(v, float32(b2f((c == 0 && j == cat) || (c > 0 && j == 0))))
			}
		}
		for j := range cfg.Info.Continuous {
			v = append(v, float32(b2f(j == cont)*contValue))
		}
		return v
	}
	if cont < 0 {
		rows, columns = rowsNoise, k
		for r := range rows {
			noise := tensors.MustCopyFlatData[float32](Noise(1, cfg.LatentDim, seed+uint64(r)))
			for c := range k {
				z = append(z, input(noise, c, 0)...)
			}
		}
		return z, rows, columns, nil
	}
	noise := tensors.MustCopyFlatData[float32](Noise(1, cfg.LatentDim, seed))
	rows, columns = k, cols
	for r := range k {
		for c := range cols {
			x := lo
			if cols > 1 {
				x = lo + (hi-lo)*float64(c)/float64(cols-1)
			}
			z = append(z, input(noise, r, x)...)
		}
	}
	return z, rows, columns, nil
}
