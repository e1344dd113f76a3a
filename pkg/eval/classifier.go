// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"math"
	"slices"
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
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/nn"
)

// Shapes of the classifier's inputs and outputs.
const (
	ImageSize  = 28  // MNIST's and Fashion-MNIST's images are ImageSize x ImageSize x 1, in [-1, 1].
	NumClasses = 10  // MNIST and Fashion-MNIST both have 10 classes (and emoji its 10 categories).
	FeatureDim = 128 // Size of the penultimate features that FrechetDistance compares.
)

// Datasets a classifier can be trained on: the two digit-like sets, and the emoji's categories (the judge of
// the text-to-image and StackGAN emoji runs, trained on the train split's emoji and measured on held-out ones).
var Datasets = []string{"mnist", "fashion", "emoji"}

// imageShape is the shape of the images of a classifier's dataset and its number of classes.
type imageShape struct{ Height, Width, Channels, Classes int }

// shapeOf is the image shape of a dataset of Datasets (without loading it).
func shapeOf(dataset string) imageShape {
	if dataset == "emoji" {
		return imageShape{32, 32, 3, NumClasses}
	}
	return imageShape{ImageSize, ImageSize, 1, NumClasses}
}

// size is the number of values of one image.
func (s imageShape) size() int { return s.Height * s.Width * s.Channels }

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
	case !slices.Contains(Datasets, c.Dataset):
		return errors.Errorf("eval: classifier dataset %q is not known: use one of %s", excerpt(c.Dataset), strings.Join(Datasets, ", "))
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

// Classifier is a small CNN trained on MNIST, Fashion-MNIST or the emoji's categories, used to score generated
// images (see Score). Its methods are safe for concurrent use; they run one at a time.
type Classifier struct {
	// Dataset the classifier was trained on: one of Datasets.
	Dataset string
	// Config it was trained with (read back from the checkpoint when loaded).
	Config ClassifierConfig

	shape          imageShape
	digest, source string // of the weights loaded (Digest, Source)
	backend        compute.Backend
	store          *model.Store

	mu        sync.Mutex
	predict   *model.Exec   // inference graph, compiled on first use
	testSet   *data.Set     // the dataset's test split, loaded on first use
	testStats *featureStats // mean and covariance of the test set's features, computed on first use
	// testClassStats[k]: those of the test images of class k, computed with testStats
	testClassStats []*featureStats
}

// Network builds the classifier on images x [B, H, W, C] in [-1, 1] under scope and returns its logits
// [B, classes] and penultimate features [B, 128]: stride-2 5×5 convolutions of 32, 64 (and 128, while the side
// is above 7) channels with ReLU, then
//
//	flatten → dense 128 (features) → ReLU → dropout → dense classes
//
// On MNIST's 28×28×1: 28 → 14 → 7, 454,922 parameters (1.8 MB of float32); on emoji's 32×32×3: 32 → 16 → 8 → 4.
// The features are taken before the ReLU, so they are not clipped at 0. Dropout (rate dropout, ignored if ≤ 0)
// only acts when the graph is in training mode (scope.IsTraining).
func Network(scope *model.Scope, x *Node, classes int, dropout float64) (logits, features *Node) {
	if x.Rank() != 4 || x.Shape().Dimensions[1] < 4 {
		exceptions.Panicf("eval: the classifier takes images [B, H, W, C] of side 4 or more, got %s", x.Shape())
	}
	batch := x.Shape().Dimensions[0]
	h := x
	for i, ch := range []int{32, 64, 128} {
		if i >= 2 && h.Shape().Dimensions[1] <= 7 {
			break
		}
		h = activation.Relu(nn.Conv2D(scope.In("conv%d", i+1), h, ch).Kernel(5).Stride(2).Done()) // [B, 14, 14, 32], [B, 7, 7, 64] on MNIST
	}
	h = Reshape(h, batch, -1)                                     // [B, 3136] on MNIST
	features = layers.Dense(scope.In("fc1"), h, true, FeatureDim) // [B, 128]
	h = activation.Relu(features)
	h = layers.DropoutStatic(scope, h, dropout)
	logits = layers.Dense(scope.In("logits"), h, true, classes) // [B, classes]
	return logits, features
}

// augmentColour is the emoji classifier's training augmentation, per image: a horizontal flip with probability
// ½ and a shift of up to 3 pixels on each axis, the border filled with the emoji's white background. Emoji of a
// category keep it when mirrored or moved, and the held-out emoji are not centred like the training ones.
func augmentColour(scope *model.Scope, x *Node) *Node {
	g := x.Graph()
	d := x.Shape().Dimensions // [B, H, W, C]
	flip := LessThan(scope.RandomUniform(g, shapes.Make(x.DType(), d[0])), Scalar(g, x.DType(), 0.5))
	x = Where(BroadcastToDims(Reshape(flip, d[0], 1, 1, 1), d...), Reverse(x, 2), x)
	shift := func() *Node {
		return AddScalar(scope.RandomIntN(g, int32(7), shapes.Make(dtypes.Int32, d[0])), -3)
	}
	return AddScalar(nn.Shift(AddScalar(x, -1), shift(), shift()), 1)
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
	shape := shapeOf(cfg.Dataset)
	if train.Height != shape.Height || train.Width != shape.Width || train.Channels != shape.Channels {
		return nil, errors.Errorf("eval: %s has %dx%dx%d images; its classifier needs %dx%dx%d", cfg.Dataset,
			train.Height, train.Width, train.Channels, shape.Height, shape.Width, shape.Channels)
	}
	// Colour sets (emoji) are small and skewed (People & Body holds 59% of the training emoji, with their skin
	// tones): they train with augmentation and with each class weighted by the inverse of its frequency.
	colour := shape.Channels == 3
	weights := make([]float32, shape.Classes)
	for k := range weights {
		weights[k] = 1
	}
	if colour {
		counts := make([]int, shape.Classes)
		for _, l := range train.Labels {
			counts[l]++
		}
		for k, n := range counts {
			weights[k] = float32(float64(train.N) / float64(shape.Classes*max(n, 1)))
		}
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(cfg.Seed); err != nil {
		return nil, errors.WithMessage(err, "eval: seeding the classifier's random numbers")
	}
	opt := optimizer.Adam().LearningRate(cfg.LearningRate).Done()
	step, err := model.NewExec(b, store, func(scope *model.Scope, images, labels *Node) *Node {
		g := images.Graph()
		store.SetTraining(g, true)
		if colour {
			images = augmentColour(scope, images)
		}
		logits, _ := Network(scope.In(ScopeClassifier), images, shape.Classes, cfg.Dropout)
		labels = ConvertDType(labels, dtypes.Int32)                                                      // [B]
		ce := Neg(ReduceSum(Mul(OneHot(labels, shape.Classes, logits.DType()), LogSoftmax(logits)), -1)) // [B]
		w := Gather(Const(g, weights), Reshape(labels, -1, 1))                                           // [B]
		l := Div(ReduceAllSum(Mul(ce, w)), ReduceAllSum(w))
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
	return &Classifier{Dataset: cfg.Dataset, Config: cfg, shape: shapeOf(cfg.Dataset), backend: b, store: store}
}

// ImageShape is the height, width and channels of the images the classifier reads.
func (c *Classifier) ImageShape() (height, width, channels int) {
	return c.shape.Height, c.shape.Width, c.shape.Channels
}

// Store holds the classifier's variables, under ScopeClassifier: for a network that reads the classifier frozen
// (SRGAN's content loss), to copy from; it must not be changed.
func (c *Classifier) Store() *model.Store { return c.store }

// Classes is the number of classes the classifier tells apart.
func (c *Classifier) Classes() int { return c.shape.Classes }

// Predict runs the classifier (in inference mode: no dropout, nothing updated) on n images given as one flat
// slice of n·H·W·C values in [-1, 1], [n, H, W, C] row-major (28×28×1 for MNIST). It returns, for each image, the
// class probabilities p(y|x) (softmax of the logits) and the 128 penultimate features.
func (c *Classifier) Predict(images []float32, n int) (probs [][]float64, features [][]float64, err error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.predictLocked(images, n)
}

func (c *Classifier) predictLocked(images []float32, n int) (probs [][]float64, features [][]float64, err error) {
	s := c.shape
	size := s.size()
	if n < 0 || len(images) != n*size {
		return nil, nil, errors.Errorf("eval: Predict got %d values for n=%d images: pass n·%d·%d·%d = %d values",
			len(images), n, s.Height, s.Width, s.Channels, n*size)
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
		in := tensors.FromFlatDataAndDimensions(batch, PredictBatchSize, s.Height, s.Width, s.Channels)
		p, f, err := c.predict.Call2(in)
		in.MustFinalizeAll()
		if err != nil {
			return nil, nil, errors.WithMessage(err, "eval: running the classifier")
		}
		probs = appendRows(probs, tensors.MustCopyFlatData[float32](p), s.Classes, count)
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
	s := c.shape
	return catch(func() error {
		exec, err := model.NewExec(c.backend, c.store, func(scope *model.Scope, x *Node) (probs, features *Node) {
			logits, features := Network(scope.In(ScopeClassifier), x, s.Classes, 0)
			return Softmax(logits), features
		})
		if err != nil {
			return errors.WithMessage(err, "eval: building the classifier")
		}
		if _, err := exec.Compile(shapes.Make(dtypes.Float32, PredictBatchSize, s.Height, s.Width, s.Channels)); err != nil {
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
	if s := c.shape; set.Height != s.Height || set.Width != s.Width || set.Channels != s.Channels {
		return 0, errors.Errorf("eval: %s/%s has %dx%dx%d images; the classifier needs %dx%dx%d",
			set.Name, set.Split, set.Height, set.Width, set.Channels, s.Height, s.Width, s.Channels)
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

// excerpt is s cut to 40 bytes at most, with "…" where it was cut: what an error echoes of a value it refuses.
func excerpt(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && s[cut]&0xC0 == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// firstLine keeps the first line of a message (GoMLX errors may carry a stack trace).
func firstLine(s string) string {
	first, _, _ := strings.Cut(s, "\n")
	return first
}
