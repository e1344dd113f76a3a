// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"math"
	"strings"
	"sync"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/loss"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/nn"
)

// Shapes of the classifier's inputs and outputs.
const (
	ImageSize  = 28  // Images are ImageSize x ImageSize x 1, in [-1, 1].
	NumClasses = 10  // MNIST and Fashion-MNIST both have 10 classes.
	FeatureDim = 128 // Size of the penultimate features that FrechetDistance compares.
)

// ScopeClassifier is the scope of the classifier's variables in its model.Store ("/classifier/conv1/weights", ...).
const ScopeClassifier = "classifier"

// PredictBatchSize is the number of images Predict runs through the network per call. The last batch is padded
// to this size, so only one graph is ever compiled for inference.
const PredictBatchSize = 500

// ClassifierConfig is how a classifier is trained. The zero value of a field means its default
// (DefaultClassifierConfig). It is saved with the weights, as params of the checkpoint.
type ClassifierConfig struct {
	Dataset      string  // "mnist" or "fashion" (data.Load's names); required.
	Steps        int     // Training steps (batches); 0 means 4000 (about 8.5 epochs of 128 images).
	BatchSize    int     // Images per step; 0 means 128.
	LearningRate float64 // Adam's initial learning rate, decayed to 0 along a cosine (Loshchilov & Hutter 2017); 0 means 1e-3.
	Dropout      float64 // Dropout rate on the penultimate features while training; 0 means 0.3, negative means none.
	Seed         int64   // Seeds the initial weights, the dropout masks and the order of the batches; 0 means 1.
}

// DefaultClassifierConfig returns the settings that made the committed weights of dataset (see the package doc).
func DefaultClassifierConfig(dataset string) ClassifierConfig {
	return ClassifierConfig{Dataset: dataset}.withDefaults()
}

// withDefaults replaces zero fields by their defaults.
func (c ClassifierConfig) withDefaults() ClassifierConfig {
	if c.Steps == 0 {
		c.Steps = 4000
	}
	if c.BatchSize == 0 {
		c.BatchSize = 128
	}
	if c.LearningRate == 0 {
		c.LearningRate = 1e-3
	}
	if c.Dropout == 0 {
		c.Dropout = 0.3
	}
	if c.Seed == 0 {
		c.Seed = 1
	}
	return c
}

// Validate returns an error, saying what to change, if the config (after defaults) cannot be trained.
func (c ClassifierConfig) Validate() error {
	c = c.withDefaults()
	switch {
	case c.Dataset != "mnist" && c.Dataset != "fashion":
		return errors.Errorf("eval: classifier dataset %q is not known: use \"mnist\" or \"fashion\"", c.Dataset)
	case c.Steps < 0:
		return errors.Errorf("eval: classifier Steps=%d: use a positive number of steps (e.g. 4000)", c.Steps)
	case c.BatchSize < 1 || c.BatchSize > 60000:
		return errors.Errorf("eval: classifier BatchSize=%d: use 1..60000 (e.g. 128)", c.BatchSize)
	case c.LearningRate < 0 || math.IsNaN(c.LearningRate) || math.IsInf(c.LearningRate, 0):
		return errors.Errorf("eval: classifier LearningRate=%g: use a positive learning rate (e.g. 1e-3)", c.LearningRate)
	case c.Dropout >= 1:
		return errors.Errorf("eval: classifier Dropout=%g: use a rate below 1 (e.g. 0.3), or a negative one for none", c.Dropout)
	}
	return nil
}

// Classifier is a small CNN trained on MNIST or Fashion-MNIST, used to score generated images (see Score).
// Its methods are safe for concurrent use; they run one at a time.
type Classifier struct {
	// Dataset the classifier was trained on: "mnist" or "fashion".
	Dataset string
	// Config it was trained with (read back from the checkpoint when loaded).
	Config ClassifierConfig

	backend compute.Backend
	store   *model.Store

	mu        sync.Mutex
	predict   *model.Exec   // inference graph, compiled on first use
	testSet   *data.Set     // the dataset's test split, loaded on first use
	testStats *featureStats // mean and covariance of the test set's features, computed on first use
	// testClassStats[k]: those of the test images of class k, computed with testStats
	testClassStats []*featureStats
}

// Network builds the classifier on images x [B, 28, 28, 1] in [-1, 1] under scope and returns its logits
// [B, 10] and penultimate features [B, 128]:
//
//	conv 5x5/2, 32 → ReLU → conv 5x5/2, 64 → ReLU → flatten → dense 128 (features) → ReLU → dropout → dense 10
//
// 454,922 parameters (1.8 MB of float32). The features are taken before the ReLU, so they are not clipped at 0.
// Dropout (rate dropout, ignored if ≤ 0) only acts when the graph is in training mode (scope.IsTraining).
func Network(scope *model.Scope, x *Node, dropout float64) (logits, features *Node) {
	if d := x.Shape().Dimensions; x.Rank() != 4 || d[1] != ImageSize || d[2] != ImageSize || d[3] != 1 {
		exceptions.Panicf("eval: the classifier takes images [B, %d, %d, 1], got %s", ImageSize, ImageSize, x.Shape())
	}
	batch := x.Shape().Dimensions[0]
	h := nn.Conv2D(scope.In("conv1"), x, 32).Kernel(5).Stride(2).Done() // [B, 14, 14, 32]
	h = activation.Relu(h)
	h = nn.Conv2D(scope.In("conv2"), h, 64).Kernel(5).Stride(2).Done() // [B, 7, 7, 64]
	h = activation.Relu(h)
	h = Reshape(h, batch, 7*7*64)                                 // [B, 3136]
	features = layers.Dense(scope.In("fc1"), h, true, FeatureDim) // [B, 128]
	h = activation.Relu(features)
	h = layers.DropoutStatic(scope, h, dropout)
	logits = layers.Dense(scope.In("logits"), h, true, NumClasses) // [B, 10]
	return logits, features
}

// TrainClassifier trains a classifier on the train split of cfg.Dataset with Adam and a cosine learning-rate
// decay, minimizing the softmax cross-entropy. progress, if not nil, is called after every step with the 1-based
// step and the batch's loss. The run is reproducible: the same cfg gives the same weights on the same backend.
func TrainClassifier(b compute.Backend, cfg ClassifierConfig, progress func(step int, loss float64)) (*Classifier, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	train, err := data.Load(cfg.Dataset, "train")
	if err != nil {
		return nil, err
	}
	if train.Height != ImageSize || train.Width != ImageSize || train.Channels != 1 {
		return nil, errors.Errorf("eval: %s has %dx%dx%d images; the classifier needs 28x28x1", cfg.Dataset,
			train.Height, train.Width, train.Channels)
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, errors.WithMessage(err, "eval: seeding the classifier's random numbers")
	}
	opt := optimizer.Adam().LearningRate(cfg.LearningRate).Done()
	step, err := model.NewExec(b, store, func(scope *model.Scope, images, labels *Node) *Node {
		g := images.Graph()
		store.SetTraining(g, true)
		logits, _ := Network(scope.In(ScopeClassifier), images, cfg.Dropout)
		labels = Reshape(ConvertDType(labels, dtypes.Int32), -1, 1) // [B, 1]
		l := ReduceAllMean(loss.SparseCategoricalCrossEntropyLogits([]*Node{labels}, []*Node{logits}))
		// Cosine decay (Loshchilov & Hutter 2017, without restarts): lr(t) = lr0 · (1 + cos(π·t/T)) / 2, where t is
		// the number of steps already taken; Adam reads the learning-rate variable's value set here.
		t := ConvertDType(optimizer.GetGlobalStepVar(store).NodeValue(g), dtypes.Float32)
		frac := MinScalar(DivScalar(t, float64(cfg.Steps)), 1)
		lrVar := optimizer.LearningRateVar(scope, dtypes.Float32, cfg.LearningRate)
		lrVar.SetNodeValue(MulScalar(OnePlus(Cos(MulScalar(frac, math.Pi))), cfg.LearningRate/2))
		opt.UpdateGraph(scope, g, l)
		return l
	})
	if err != nil {
		return nil, errors.WithMessage(err, "eval: building the classifier's training step")
	}
	defer step.Finalize()
	sampler := &data.Sampler{Set: train, BatchSize: cfg.BatchSize, Seed: uint64(cfg.Seed)}
	if err := sampler.Validate(); err != nil {
		return nil, err
	}
	for i := range cfg.Steps {
		images, labels := sampler.Batch(int64(i))
		lossT, err := step.Call1(images, labels)
		images.MustFinalizeAll()
		labels.MustFinalizeAll()
		if err != nil {
			return nil, errors.WithMessagef(err, "eval: classifier training step %d", i+1)
		}
		l := float64(lossT.Value().(float32))
		lossT.MustFinalizeAll()
		if math.IsNaN(l) || math.IsInf(l, 0) {
			return nil, errors.Errorf("eval: classifier loss is %g at step %d: lower the learning rate (now %g)",
				l, i+1, cfg.LearningRate)
		}
		if progress != nil {
			progress(i+1, l)
		}
	}
	return newClassifier(b, cfg, store), nil
}

func newClassifier(b compute.Backend, cfg ClassifierConfig, store *model.Store) *Classifier {
	return &Classifier{Dataset: cfg.Dataset, Config: cfg, backend: b, store: store}
}

// Predict runs the classifier (in inference mode: no dropout, nothing updated) on n images given as one flat
// slice of n·28·28 values in [-1, 1], [n, 28, 28, 1] row-major. It returns, for each image, the class
// probabilities p(y|x) (softmax of the logits, 10 values) and the 128 penultimate features.
func (c *Classifier) Predict(images []float32, n int) (probs [][]float64, features [][]float64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.predictLocked(images, n)
}

func (c *Classifier) predictLocked(images []float32, n int) (probs [][]float64, features [][]float64, err error) {
	const size = ImageSize * ImageSize
	if n < 0 || len(images) != n*size {
		return nil, nil, errors.Errorf("eval: Predict got %d values for n=%d images: pass n·28·28 = %d values",
			len(images), n, n*size)
	}
	if err := c.compile(); err != nil {
		return nil, nil, err
	}
	probs = make([][]float64, 0, n)
	features = make([][]float64, 0, n)
	batch := make([]float32, PredictBatchSize*size)
	for start := 0; start < n; start += PredictBatchSize {
		count := min(PredictBatchSize, n-start)
		copy(batch, images[start*size:(start+count)*size])
		clear(batch[count*size:]) // padding of the last batch; its outputs are dropped
		in := tensors.FromFlatDataAndDimensions(batch, PredictBatchSize, ImageSize, ImageSize, 1)
		p, f, err := c.predict.Call2(in)
		in.MustFinalizeAll()
		if err != nil {
			return nil, nil, errors.WithMessage(err, "eval: running the classifier")
		}
		probs = appendRows(probs, tensors.MustCopyFlatData[float32](p), NumClasses, count)
		features = appendRows(features, tensors.MustCopyFlatData[float32](f), FeatureDim, count)
		p.MustFinalizeAll()
		f.MustFinalizeAll()
	}
	return probs, features, nil
}

// compile builds and compiles the inference graph once, catching the panics of graph building (a checkpoint
// whose variables have the wrong shapes, say) as errors.
func (c *Classifier) compile() error {
	if c.predict != nil {
		return nil
	}
	return catch(func() error {
		exec, err := model.NewExec(c.backend, c.store, func(scope *model.Scope, x *Node) (probs, features *Node) {
			logits, features := Network(scope.In(ScopeClassifier), x, 0)
			return Softmax(logits), features
		})
		if err != nil {
			return errors.WithMessage(err, "eval: building the classifier")
		}
		if _, err := exec.Compile(shapes.Make(dtypes.Float32, PredictBatchSize, ImageSize, ImageSize, 1)); err != nil {
			return errors.WithMessage(err, "eval: compiling the classifier")
		}
		c.predict = exec
		return nil
	})
}

// appendRows appends the first count rows of the flat [*, width] matrix to rows, as float64.
func appendRows(rows [][]float64, flat []float32, width, count int) [][]float64 {
	for i := range count {
		row := make([]float64, width)
		for j, v := range flat[i*width : (i+1)*width] {
			row[j] = float64(v)
		}
		rows = append(rows, row)
	}
	return rows
}

// Accuracy returns the fraction of set's images whose most probable class is their label.
func (c *Classifier) Accuracy(set *data.Set) (float64, error) {
	if set == nil || set.N == 0 {
		return 0, errors.New("eval: Accuracy needs a non-empty *data.Set (from data.Load)")
	}
	if set.Height != ImageSize || set.Width != ImageSize || set.Channels != 1 {
		return 0, errors.Errorf("eval: %s/%s has %dx%dx%d images; the classifier needs 28x28x1",
			set.Name, set.Split, set.Height, set.Width, set.Channels)
	}
	probs, _, err := c.Predict(set.ImagesFloat(allIndices(set.N)), set.N)
	if err != nil {
		return 0, err
	}
	correct := 0
	for i, p := range probs {
		if argmax(p) == int(set.Labels[i]) {
			correct++
		}
	}
	return float64(correct) / float64(set.N), nil
}

// allIndices returns 0, 1, ..., n-1.
func allIndices(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// argmax returns the index of the largest value (the first one on ties).
func argmax(p []float64) int {
	best := 0
	for i, v := range p {
		if v > p[best] {
			best = i
		}
	}
	return best
}

// catch runs fn and turns a panic into an error.
func catch(fn func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			switch e := r.(type) {
			case error:
				err = errors.WithMessage(e, "eval")
			default:
				err = errors.Errorf("eval: %v", r)
			}
		}
	}()
	return fn()
}

// firstLine keeps the first line of a message (GoMLX errors may carry a stack trace).
func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
