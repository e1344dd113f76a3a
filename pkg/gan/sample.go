// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"bytes"
	"image"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the inference graphs read best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

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

// Generate maps the generator's input z [N, Shape().Input] (float32: the noise, then the family's conditions)
// to images [N, H, W, C] in [-1, 1], in inference mode (BatchNorm uses its running averages; nothing is
// updated), with the moving average of G's weights when Config.GenEMA is set (see ScopeGeneratorEMA).
func (t *Trainer) Generate(z *tensors.Tensor) (*tensors.Tensor, error) {
	in := t.Config.Family.Shape().Input
	if d := z.Shape().Dimensions; len(d) != 2 || d[1] != in || z.DType() != dtypes.Float32 {
		return nil, errors.Errorf("gan: Generate needs float32 input [N, %d] (noise, then conditions), got %s", in, z.Shape())
	}
	if t.generate == nil || t.generatedAt != t.updates {
		if t.generate != nil {
			t.generate.Finalize()
		}
		gen, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, z *Node) *Node {
			return withGeneratorEMA(t.Store, z.Graph(), t.Config.GenEMA, func() *Node {
				return t.Config.Family.Generator(scope.In(ScopeGenerator), z)
			})
		})
		if err != nil {
			return nil, errors.WithMessage(err, "gan: building the generator")
		}
		t.generate, t.generatedAt = gen, t.updates
	}
	out, err := t.generate.Call(z)
	if err != nil {
		return nil, errors.WithMessage(explain(err), "gan: generating")
	}
	return out[0], nil
}

// Discriminate returns D's raw output (a logit for the sigmoid losses; for a patch discriminator the mean over
// its patches) for n images (flat [n·H·W·C] in [-1, 1]), in inference mode. cond makes the condition D reads
// with items first to first+m-1 of a chunk of batch items (EvalBatchFor; the rest padding), as the family's
// Discriminator takes it; nil for a family without conditions. The run must hold D (a training run, or an
// export of a family whose export keeps D).
func (t *Trainer) Discriminate(images []float32, n int, cond func(first, m, batch int) *tensors.Tensor) ([]float64, error) {
	s := t.Config.Family.Shape()
	if len(images) != n*s.Size() {
		return nil, errors.Errorf("gan: %d images of %dx%dx%d need %d values, got %d", n, s.Height, s.Width, s.Channels, n*s.Size(), len(images))
	}
	verdict := func(scope *model.Scope, x, c *Node) *Node {
		o, _ := t.Config.Family.Discriminator(scope.In(ScopeDiscriminator), x, c)
		if o.Rank() > 1 {
			o = ReduceMean(o, allButFirst(o.Rank())...)
		}
		return o
	}
	var exec *model.Exec
	var err error
	if cond == nil {
		exec, err = model.NewExec(t.Backend, t.Store, func(scope *model.Scope, x *Node) *Node { return verdict(scope, x, nil) })
	} else {
		exec, err = model.NewExec(t.Backend, t.Store, verdict)
	}
	if err != nil {
		return nil, errors.WithMessage(err, "gan: building D")
	}
	defer exec.Finalize()
	out := make([]float64, 0, n)
	batch := EvalBatchFor(s)
	err = forBatches(images, n, s.Size(), batch, func(chunk []float32, i, m int) error {
		args := []any{tensorFrom(chunk, batch, s.Height, s.Width, s.Channels)}
		if cond != nil {
			args = append(args, cond(i, m, batch))
		}
		res, err := exec.Call(args...)
		if err != nil {
			return errors.WithMessage(explain(err), "gan: running D (does the run hold D? `ganbook export` keeps it for infogan and cgan runs)")
		}
		for _, v := range tensors.MustCopyFlatData[float32](res[0])[:m] {
			out = append(out, float64(v))
		}
		res[0].MustFinalizeAll()
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func allButFirst(rank int) []int {
	axes := make([]int, 0, rank-1)
	for a := 1; a < rank; a++ {
		axes = append(axes, a)
	}
	return axes
}
