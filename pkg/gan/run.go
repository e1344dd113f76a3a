// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"os"
	"path/filepath"
	"slices"
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
	Warn     func(string)   // told of what the run recovered from (a damaged checkpoint or history); may be nil
	// Budget, when positive, ends the session once it has trained this long (a checkpoint and the latest
	// grid are saved as at the end; --resume goes on): a run's length on a slow machine follows a time budget.
	Budget time.Duration
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
		Log:  func(e MetricsEntry) { metrics.History = append(metrics.History, e) },
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

// Grid is the picture a run saves as it trains: the family's Gridder's, or a grid of 64 samples of its Latent
// for seed.
func (t *Trainer) Grid(seed uint64) (image.Image, error) {
	if g, ok := t.Config.Family.(Gridder); ok {
		return g.Grid(t, seed)
	}
	images, _, err := t.Sample(64, seed)
	if err != nil {
		return nil, err
	}
	s := t.Config.Family.Shape()
	return viz.GridFromFlat(images, 64, s.Height, s.Width, s.Channels, 0, 2)
}

// SaveGrid writes Grid(seed) as a PNG to path.
func (t *Trainer) SaveGrid(seed uint64, path string) error {
	img, err := t.Grid(seed)
	if err != nil {
		return err
	}
	return viz.SavePNG(path, img)
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

// Sample generates n images from the family's Latent for seed, in batches of at most 256, and returns them flat
// ([n·H·W·C] float32 in [-1, 1]) with the Latent they came from (its Labels: what each sample was asked for).
func (t *Trainer) Sample(n int, seed uint64) ([]float32, Latent, error) {
	if n <= 0 {
		return nil, Latent{}, errors.Errorf("gan: Sample needs n > 0, got %d", n)
	}
	lat, err := t.Config.Family.Latent(&t.Config, n, seed)
	if err != nil {
		return nil, Latent{}, err
	}
	images, err := t.GenerateFlat(lat.Z, n)
	return images, lat, err
}

// GenerateFlat maps n generator inputs z (flat, [n·Shape().Input]) to images, in batches of EvalBatchFor, and
// returns them flat ([n·H·W·C] float32 in [-1, 1]).
func (t *Trainer) GenerateFlat(z []float32, n int) ([]float32, error) {
	s := t.Config.Family.Shape()
	if len(z) != n*s.Input {
		return nil, errors.Errorf("gan: %d inputs of width %d need %d numbers, got %d", n, s.Input, n*s.Input, len(z))
	}
	var out []float32
	batch := EvalBatchFor(s)
	err := forBatches(z, n, s.Input, batch, func(chunk []float32, _, m int) error {
		images, err := t.Generate(tensorFrom(chunk, batch, s.Input))
		if err != nil {
			return err
		}
		out = append(out, tensors.MustCopyFlatData[float32](images)[:m*s.Size()]...)
		images.MustFinalizeAll()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// evalBatch is the batch size of GenerateFlat and Discriminate for images of up to evalPixels/evalBatch pixels.
const evalBatch = 256

// evalPixels bounds the pixels of one such batch: 256 images of 64×64. The pure-Go backend's convolutions gather
// patches, so a graph's memory grows with the pixels it holds: a batch of 256 StackGAN Stage-II images of
// 256×256 was killed for want of memory at 21 GB on a 23 GiB machine.
const evalPixels = evalBatch * 64 * 64

// EvalBatchFor is the number of images of shape s that GenerateFlat and Discriminate hand a graph at a time:
// 256 up to 64×64, fewer for larger images (16 at 256×256), at least 1.
func EvalBatchFor(s Shape) int {
	return max(1, min(evalBatch, evalPixels/max(1, s.Height*s.Width)))
}

// EvalBatch is the number of items ForBatches hands a graph at a time (for a family's own inference graphs).
const EvalBatch = evalBatch

// forBatches calls fn on n items of width numbers each (flat), batch items at a time: chunk holds items i to
// i+m-1 followed by zeros, so that every call has the same shape and one compiled graph serves them all.
func forBatches(flat []float32, n, width, batch int, fn func(chunk []float32, i, m int) error) error {
	for i := 0; i < n; i += batch {
		m := min(batch, n-i)
		chunk := make([]float32, batch*width)
		copy(chunk, flat[i*width:(i+m)*width])
		if err := fn(chunk, i, m); err != nil {
			return err
		}
	}
	return nil
}

// ForBatches is forBatches for a family's own inference graphs (InfoGAN's Q): fn sees EvalBatch items at a
// time, the last chunk padded with zeros.
func ForBatches(flat []float32, n, width int, fn func(chunk []float32, i, m int) error) error {
	if len(flat) != n*width {
		return errors.Errorf("gan: %d items of %d values need %d numbers, got %d", n, width, n*width, len(flat))
	}
	return forBatches(flat, n, width, EvalBatch, fn)
}

// AppendOneHot appends the one-hot code of v among k values to z.
func AppendOneHot(z []float32, v, k int) []float32 {
	for j := range k {
		if j == v {
			z = append(z, 1)
		} else {
			z = append(z, 0)
		}
	}
	return z
}

// WriteSamplesIDX writes n samples (flat, [-1, 1]) as an idx3-ubyte file at path (uint8 N×H×W, or N×H×W×C for
// colour), for outside tools, and, when the Latent they came from has Labels, what each sample was asked for as
// an idx1-ubyte file path.<LabelKind> (a cGAN's labels, an InfoGAN's first categorical code). It returns the
// side file's path ("" when there is none). Both are written atomically.
func WriteSamplesIDX(path string, images []float32, n int, s Shape, lat Latent) (side string, err error) {
	if len(images) != n*s.Size() {
		return "", errors.Errorf("gan: %d samples of %dx%dx%d need %d values, got %d", n, s.Height, s.Width, s.Channels, n*s.Size(), len(images))
	}
	dims := []int{n, s.Height, s.Width}
	if s.Channels > 1 {
		dims = append(dims, s.Channels)
	}
	pix := make([]byte, len(images))
	for i, v := range images {
		pix[i] = byte(min(max((v+1)*127.5+0.5, 0), 255))
	}
	var buf bytes.Buffer
	if err := data.WriteIDX(&buf, dims, pix); err != nil {
		return "", err
	}
	if err := atomicfile.WriteFile(path, buf.Bytes()); err != nil {
		return "", errors.WithMessagef(err, "gan: writing %s", path)
	}
	if lat.Labels == nil {
		return "", nil
	}
	if len(lat.Labels) != n {
		return "", errors.Errorf("gan: %d labels for %d samples", len(lat.Labels), n)
	}
	labels := make([]byte, n)
	for i, c := range lat.Labels[:n] {
		if c < 0 || c > 255 {
			return "", errors.Errorf("gan: label %d does not fit an idx1-ubyte file", c)
		}
		labels[i] = byte(c)
	}
	buf.Reset()
	if err := data.WriteIDX(&buf, []int{n}, labels); err != nil {
		return "", err
	}
	side = path + "." + lat.LabelKind
	if err := atomicfile.WriteFile(side, buf.Bytes()); err != nil {
		return "", errors.WithMessagef(err, "gan: writing %s", side)
	}
	return side, nil
}
