// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package textenc

import (
	"context"
	"encoding/json"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"time"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/internal/runloop"
	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the step reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
)

// Kind is what an encoder run's config.json says it is.
const Kind = "textenc"

// Variants is how many captions each training image draws from (Captioned.Caption's variant).
const Variants = 8

// Config is an encoder run, stored as config.json in its directory.
type Config struct {
	Kind string `json:"kind"` // Kind
	Networks
	Dataset         string  `json:"dataset"`          // a captioned dataset: capmnist, emoji, emoji64
	Steps           int     `json:"steps"`            // updates in the whole run
	BatchSize       int     `json:"batch_size"`       // 64
	LearningRate    float64 `json:"learning_rate"`    // Adam: 1e-3 (β 0.9, 0.999)
	Margin          float64 `json:"margin"`           // Δ of the hinge, on cosine scores: 0.2
	Seed            int64   `json:"seed"`             // weights, data order, caption variants
	CheckpointEvery int     `json:"checkpoint_every"` // steps between checkpoints
}

// DefaultConfig is an encoder for dataset, sized for it (captions of up to 80 characters; 32×32 or 64×64 RGB).
func DefaultConfig(dataset string) Config {
	n := DefaultNetworks()
	if dataset == "emoji64" {
		n.Height, n.Width, n.ImageChannels = 64, 64, []int{32, 64, 128, 128}
	}
	return Config{Kind: Kind, Networks: n, Dataset: dataset, Steps: 1500, BatchSize: 64, LearningRate: 1e-3, Margin: 0.2, Seed: 1,
		CheckpointEvery: 500}
}

// Validate reports the first bad setting.
func (c *Config) Validate() error {
	switch {
	case c.Kind != Kind:
		return errors.Errorf("textenc: this is not a text-encoder run (kind %q)", c.Kind)
	case !data.Known(c.Dataset):
		return errors.Errorf("textenc: unknown dataset %q: use one of %v", c.Dataset, captions.Names)
	case c.Steps < 1 || c.Steps > 1e8 || c.BatchSize < 2 || c.BatchSize > 4096 || c.CheckpointEvery < 1:
		return errors.Errorf("textenc: steps %d, batch_size %d (at least 2) and checkpoint_every %d must be positive and not huge",
			c.Steps, c.BatchSize, c.CheckpointEvery)
	case !(c.LearningRate > 0 && c.LearningRate < 1) || !(c.Margin > 0 && c.Margin <= 2):
		return errors.Errorf("textenc: learning_rate %g must be in (0, 1) and margin %g in (0, 2]", c.LearningRate, c.Margin)
	}
	return c.Networks.Validate()
}

// Files of an encoder run.
const (
	ConfigFile  = "config.json"
	MetricsFile = "metrics.json"
)

// Entry is one line of an encoder run's history: the mean losses of LogEvery steps.
type Entry struct {
	Step    int64   `json:"step"`
	Loss    float64 `json:"loss"`     // the char-CNN-RNN's DS-SJE
	BagLoss float64 `json:"bag_loss"` // the bag-of-characters baseline's
}

// Metrics is metrics.json.
type Metrics struct {
	History     []Entry `json:"history"`
	Seconds     float64 `json:"training_seconds"`
	StepsPerSec float64 `json:"steps_per_sec"`
}

// Encoder is a text encoder with its image encoder and the baseline, trained or loaded.
type Encoder struct {
	Config  Config
	Backend compute.Backend
	Store   *model.Store

	set     captions.Captioned
	sampler *data.Sampler
	step    *model.Exec
	embed   map[string]*model.Exec
}

// New makes an untrained encoder for cfg; it trains on cfg.Dataset's train split.
func New(b compute.Backend, cfg Config) (*Encoder, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	e := &Encoder{Config: cfg, Backend: b, Store: model.NewStore(), embed: map[string]*model.Exec{}}
	if err := e.Store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, err
	}
	return e, nil
}

// batch is the host side of step b: the images, one caption each (a variant drawn from the seed and the
// position), and which captions do not describe which images.
func (e *Encoder) batch(b int64) (images, codes, mismatch *tensors.Tensor, err error) {
	idx := e.sampler.Indices(b)
	n := len(idx)
	capts := make([]string, n)
	for i, j := range idx {
		rng := rand.New(rand.NewPCG(uint64(e.Config.Seed), uint64(b)*uint64(n)+uint64(i)))
		capts[i] = e.set.Caption(j, rng.IntN(Variants))
	}
	flat, err := EncodeAll(capts, e.Config.MaxLen)
	if err != nil {
		return nil, nil, nil, errors.WithMessagef(err, "textenc: a %s caption", e.Config.Dataset)
	}
	mm := make([]float32, n*n)
	for i := range n {
		for j := range n {
			if e.set.Mismatch(idx[i], idx[j]) {
				mm[i*n+j] = 1
			}
		}
	}
	images, _ = e.sampler.Set.Tensors(idx)
	return images, tensors.FromFlatDataAndDimensions(flat, n, e.Config.MaxLen), tensors.FromFlatDataAndDimensions(mm, n, n), nil
}

// stepGraph is one update of both encoders (and both baselines) against their DS-SJE losses.
func (e *Encoder) stepGraph(opt optimizer.Interface) func(scope *model.Scope, images, codes, mismatch *Node) (*Node, *Node) {
	n := &e.Config.Networks
	return func(scope *model.Scope, images, codes, mismatch *Node) (*Node, *Node) {
		g := images.Graph()
		scope.Store().SetTraining(g, true)
		loss := SJELoss(Image(scope.In(ScopeImage), n, images), Text(scope.In(ScopeText), n, codes), mismatch, e.Config.Margin)
		bag := SJELoss(Image(scope.In(ScopeBagImage), n, images), Bag(scope.In(ScopeBagText), n, codes), mismatch, e.Config.Margin)
		opt.UpdateGraph(scope, g, Add(loss, bag)) // the two share no variable: each learns from its own loss
		return loss, bag
	}
}

// Step trains one step and returns the two losses.
func (e *Encoder) Step() (loss, bag float64, err error) {
	if e.step == nil {
		if e.set == nil {
			if e.set, err = captions.Open(e.Config.Dataset, "train"); err != nil {
				return 0, 0, err
			}
			set := e.set.Images()
			if set.Height != e.Config.Height || set.Width != e.Config.Width || set.Channels != e.Config.Channels {
				return 0, 0, errors.Errorf("textenc: %s is %dx%dx%d but the image encoder reads %dx%dx%d", e.Config.Dataset,
					set.Height, set.Width, set.Channels, e.Config.Height, e.Config.Width, e.Config.Channels)
			}
			e.sampler = &data.Sampler{Set: set, BatchSize: e.Config.BatchSize, Seed: uint64(e.Config.Seed)}
			if err := e.sampler.Validate(); err != nil {
				return 0, 0, err
			}
		}
		opt := optimizer.Adam().LearningRate(e.Config.LearningRate).Done()
		if e.step, err = model.NewExec(e.Backend, e.Store, e.stepGraph(opt)); err != nil {
			return 0, 0, err
		}
	}
	images, codes, mismatch, err := e.batch(optimizer.GetGlobalStep(e.Store))
	if err != nil {
		return 0, 0, err
	}
	defer images.MustFinalizeAll()
	defer codes.MustFinalizeAll()
	defer mismatch.MustFinalizeAll()
	outs, err := e.step.Call(images, codes, mismatch)
	if err != nil {
		return 0, 0, errors.WithMessage(err, "textenc: training step")
	}
	loss, bag = float64(tensors.ToScalar[float32](outs[0])), float64(tensors.ToScalar[float32](outs[1]))
	for _, o := range outs {
		o.MustFinalizeAll()
	}
	if math.IsNaN(loss) || math.IsInf(loss, 0) || math.IsNaN(bag) || math.IsInf(bag, 0) {
		return loss, bag, errors.Errorf("textenc: the loss is %g (baseline %g) at step %d: the run diverged; lower --lr", loss, bag,
			optimizer.GetGlobalStep(e.Store))
	}
	return loss, bag, nil
}

// RunOptions are Train's.
type RunOptions struct {
	Dir      string
	Resume   bool
	Budget   time.Duration // stop after this much training (0: none)
	LogEvery int
	Progress func(step, total int64, stepsPerSec float64, last Entry)
}

// Train runs (or resumes) an encoder run in opts.Dir: config.json, a checkpoint every CheckpointEvery steps
// and at the end (atomic, as a GAN run's), metrics.json. Ctrl-C (ctx) stops after the step with a checkpoint.
func Train(ctx context.Context, b compute.Backend, cfg Config, opts RunOptions) (*Encoder, error) {
	if opts.Dir == "" {
		return nil, errors.New("textenc: Train needs a run directory")
	}
	if opts.LogEvery <= 0 {
		opts.LogEvery = 50
	}
	unlock, err := gan.LockRun(opts.Dir)
	if err != nil {
		return nil, err
	}
	defer unlock()
	if err := gan.CleanStale(opts.Dir); err != nil {
		return nil, err
	}
	var metrics Metrics
	if opts.Resume {
		stored, err := ReadConfig(opts.Dir)
		if err != nil {
			return nil, err
		}
		stored.Steps = cfg.Steps
		cfg = stored
		if raw, err := os.ReadFile(filepath.Join(opts.Dir, MetricsFile)); err == nil {
			_ = json.Unmarshal(raw, &metrics) // a damaged history restarts; the checkpoint is what matters
		}
	} else if gan.HasCheckpoint(opts.Dir) {
		return nil, errors.Errorf("textenc: %s already holds a run: pass --resume to continue it, or choose another --out", opts.Dir)
	}
	e, err := New(b, cfg)
	if err != nil {
		return nil, err
	}
	if opts.Resume {
		if _, err := gan.LoadCheckpoint(e.Store, opts.Dir); err != nil {
			return nil, err
		}
		metrics.History = runloop.TrimHistory(metrics.History, optimizer.GetGlobalStep(e.Store), func(x Entry) int64 { return x.Step })
	}
	if err := atomicfile.WriteJSON(filepath.Join(opts.Dir, ConfigFile), cfg); err != nil {
		return nil, errors.WithMessage(err, "textenc: saving the config")
	}
	var deadline time.Time
	if opts.Budget > 0 {
		deadline = time.Now().Add(opts.Budget)
	}
	loop := runloop.Loop[Entry]{
		Start: optimizer.GetGlobalStep(e.Store), Total: int64(cfg.Steps), Deadline: deadline,
		LogEvery: int64(opts.LogEvery), CheckpointEvery: int64(cfg.CheckpointEvery), SampleEvery: math.MaxInt64, // no samples
		Step: func() (Entry, int64, error) {
			l, bag, err := e.Step()
			return Entry{Loss: l, BagLoss: bag}, optimizer.GetGlobalStep(e.Store), err
		},
		Add: func(a, m Entry) Entry { return Entry{Loss: a.Loss + m.Loss, BagLoss: a.BagLoss + m.BagLoss} },
		Mean: func(a Entry, n int, step int64) Entry {
			return Entry{Step: step, Loss: a.Loss / float64(n), BagLoss: a.BagLoss / float64(n)}
		},
		Log: func(x Entry) { metrics.History = append(metrics.History, x) },
		Save: func() error {
			if err := atomicfile.WriteJSON(filepath.Join(opts.Dir, MetricsFile), metrics); err != nil {
				return errors.WithMessage(err, "textenc: saving the history")
			}
			return gan.SaveCheckpoint(e.Store, opts.Dir)
		},
		Sample:  func(string) error { return nil },
		Seconds: &metrics.Seconds, StepsPerSec: &metrics.StepsPerSec,
	}
	if opts.Progress != nil {
		loop.Progress = func(p runloop.Progress[Entry]) { opts.Progress(p.Step, p.Total, p.StepsPerSec, p.Last) }
	}
	return e, loop.Run(ctx)
}

// ReadConfig reads and checks an encoder run's config.json.
func ReadConfig(dir string) (Config, error) {
	var c Config
	raw, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return c, errors.Errorf("textenc: %s is not a text-encoder run (no readable %s): train one with `ganbook train textenc --out %s`",
			dir, ConfigFile, dir)
	}
	if err := json.Unmarshal(raw, &c); err != nil {
		return c, errors.Errorf("textenc: %s: %v", filepath.Join(dir, ConfigFile), err)
	}
	if err := c.Validate(); err != nil {
		return c, errors.WithMessagef(err, "in %s", filepath.Join(dir, ConfigFile))
	}
	return c, nil
}

// Load opens a trained encoder run.
func Load(b compute.Backend, dir string) (*Encoder, error) {
	cfg, err := ReadConfig(dir)
	if err != nil {
		return nil, err
	}
	e, err := New(b, cfg)
	if err != nil {
		return nil, err
	}
	if _, err := gan.LoadCheckpoint(e.Store, dir); err != nil {
		return nil, err
	}
	if e.Store.GetVariable("/"+ScopeText+"/embed/dense/weights") == nil {
		return nil, errors.Errorf("textenc: the checkpoint in %s holds no text encoder", dir)
	}
	return e, nil
}

// GlobalStep is the number of steps trained.
func (e *Encoder) GlobalStep() int64 { return optimizer.GetGlobalStep(e.Store) }

// Export writes the encoder's networks (both encoders and the baseline's, no optimizer state) with its
// config and history into dir, which must not hold a checkpoint: the form of the committed pretrained/ encoders.
func Export(e *Encoder, runDir, dir string) error {
	if gan.HasCheckpoint(dir) {
		return errors.Errorf("textenc: %s already holds a checkpoint: remove it first or choose another folder", dir)
	}
	out := model.NewStore()
	for _, scope := range []string{ScopeText, ScopeImage, ScopeBagText, ScopeBagImage} {
		for v := range e.Store.Scope("/" + scope).IterVariables() {
			value, err := v.Value()
			if err != nil {
				return err
			}
			clone, err := value.LocalClone()
			if err != nil {
				return err
			}
			if _, err := out.CreateVariable(v.Path(), clone); err != nil {
				return errors.WithMessage(err, "textenc: copying the encoder")
			}
		}
	}
	step := optimizer.GetGlobalStepVar(out)
	if err := step.SetValue(tensors.FromScalar(e.GlobalStep())); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Wrap(err, "textenc: export")
	}
	if err := gan.SaveCheckpoint(out, dir); err != nil {
		return err
	}
	if err := atomicfile.WriteJSON(filepath.Join(dir, ConfigFile), e.Config); err != nil {
		return err
	}
	if raw, err := os.ReadFile(filepath.Join(runDir, MetricsFile)); err == nil {
		return atomicfile.WriteFile(filepath.Join(dir, MetricsFile), raw)
	}
	return nil
}

// IsRun reports whether dir holds a text encoder run (its config.json says kind "textenc").
func IsRun(dir string) bool {
	raw, err := os.ReadFile(filepath.Join(dir, ConfigFile))
	if err != nil {
		return false
	}
	var head struct {
		Kind string `json:"kind"`
	}
	return json.Unmarshal(raw, &head) == nil && head.Kind == Kind
}
