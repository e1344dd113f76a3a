// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the networks read best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Name is the toy family's name (it is not in the registry: toy runs are not saved).
const Name = "toy"

// Family is the toy GAN as a gan.Family: points x ∈ R^d are "images" of 1×d×1, G an MLP from the noise, D an
// MLP to one raw output, and the data its own (a gan.DataSource drawing from the Distribution). With FixedG set
// G has no weights: its input is p_g's points (HostInputs), passed through.
type Family struct {
	Config   Config
	Data     Distribution
	FixedG   Distribution
	NoiseDim int
}

// RunConfig is the core's config of the toy's settings: its losses and Adam's, its batch, the alternating step of
// algorithm 1 (unless Config.StepOrder says otherwise), no weight average of G.
func (f *Family) RunConfig() gan.Config {
	c := f.Config
	cfg := gan.CoreDefaults(f)
	cfg.Dataset, cfg.Loss, cfg.BatchSize, cfg.Steps = "", c.Loss, c.BatchSize, 1e9
	cfg.LearningRateG, cfg.LearningRateD, cfg.Beta1, cfg.Beta2 = c.LearningRateG, c.LearningRateD, c.Beta1, c.Beta2
	cfg.DSteps, cfg.GPWeight, cfg.Seed, cfg.GenEMA = c.DSteps, c.GPWeight, c.Seed, 0
	cfg.StepOrder = gan.StepAlternating
	if c.StepOrder != "" {
		cfg.StepOrder = c.StepOrder
	}
	return cfg
}

// Name is "toy".
func (f *Family) Name() string { return Name }

// Validate checks the toy's own settings (Config.Validate).
func (f *Family) Validate(*gan.Config) error { return f.Config.Validate() }

// Shape: G reads NoiseDim numbers and makes 1×d×1 "images".
func (f *Family) Shape() gan.Shape {
	return gan.Shape{Input: f.NoiseDim, Height: 1, Width: f.Data.Dim(), Channels: 1}
}

// Generator is G: z [B, NoiseDim] -> x [B, 1, d, 1], hidden layers with ReLU, a linear output (the data is not
// bounded, so no tanh); with a fixed p_g, its input (p_g's points) as it is.
func (f *Family) Generator(scope *model.Scope, z *Node) *Node {
	b, d := z.Shape().Dimensions[0], f.Data.Dim()
	if f.FixedG != nil {
		return Reshape(z, b, 1, d, 1)
	}
	x := z
	for i, units := range f.Config.GenHidden {
		x = dcgan.Dense(scope.In("fc%d", i+1), x, units, true)
		x = Max(x, ZerosLike(x))
	}
	return Reshape(dcgan.Dense(scope.In("out"), x, d, true), b, 1, d, 1)
}

// Discriminator is D: x [B, 1, d, 1] -> one raw output per point [B]. Its dense layers are built from MatMul
// (dcgan.Dense): WGAN-GP's penalty differentiates D's gradient, and an alternating step's G update differentiates
// through the updated D.
func (f *Family) Discriminator(scope *model.Scope, x, _ *Node) (out, features *Node) {
	b := x.Shape().Dimensions[0]
	h := Reshape(x, b, -1)
	for i, units := range f.Config.DiscHidden {
		h = nn.LeakyReLU(dcgan.Dense(scope.In("fc%d", i+1), h, units, true), f.Config.LeakySlope)
	}
	return Reshape(dcgan.Dense(scope.In("out"), h, 1, true), b), h
}

// Batch: z ~ N(0, I) (or p_g's points, for a fixed generator); D judges the real points.
func (f *Family) Batch(scope *model.Scope, d gan.Data) gan.Batch {
	if f.FixedG != nil {
		return gan.Batch{Input: d.Inputs[0], Real: d.Images}
	}
	z := scope.RandomNormal(d.Images.Graph(), shapes.Make(d.Images.DType(), d.Batch(), f.NoiseDim))
	return gan.Batch{Input: z, Real: d.Images}
}

// Latent is z ~ N(0, I) for n samples (gan.Noise), or p_g's points.
func (f *Family) Latent(_ *gan.Config, n int, seed uint64) (gan.Latent, error) {
	if f.FixedG != nil {
		return gan.Latent{Z: FlatPoints(f.FixedG.Sample(n, NewRand(seed)))}, nil
	}
	return gan.Latent{Z: tensors.MustCopyFlatData[float32](gan.Noise(n, f.NoiseDim, seed))}, nil
}

// HostInputs, for a fixed generator: p_g's points for the batch, drawn from the seed and the batch's place in
// the data order.
func (f *Family) HostInputs(_ *gan.Config, b gan.HostBatch) []*tensors.Tensor {
	if f.FixedG == nil {
		return nil
	}
	rng := NewRand(b.Seed ^ 0x70675f67 ^ b.Keys[0]*0x9e3779b97f4a7c15)
	return []*tensors.Tensor{PointsTensor(f.FixedG.Sample(b.N, rng), f.Data.Dim())}
}

// Source draws the real points: batch b is BatchSize points of the Distribution from a stream seeded by the run's
// seed and b, so a batch is the same whenever it is asked for.
func (f *Family) Source(run *gan.Config) (gan.Source, error) {
	return &source{data: f.Data, n: run.BatchSize, seed: uint64(run.Seed)}, nil
}

type source struct {
	data Distribution
	n    int
	seed uint64
}

func (s *source) Batch(b int64) (images, labels *tensors.Tensor) {
	rng := NewRand(s.seed ^ uint64(b+1)*0x9e3779b97f4a7c15)
	pts := s.data.Sample(s.n, rng)
	d := s.data.Dim()
	return tensors.FromFlatDataAndDimensions(FlatPoints(pts), s.n, 1, d, 1), tensors.FromShape(shapes.Make(dtypes.Int32, s.n))
}

// FlatPoints packs points into one float32 slice, point after point.
func FlatPoints(pts [][]float64) []float32 {
	var out []float32
	for _, p := range pts {
		for _, v := range p {
			out = append(out, float32(v))
		}
	}
	return out
}
