// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/toy"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the inference graphs read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// family is pkg/toy's family (MLPs on points, the data drawn from a distribution) with a choice of noise: the
// toy reads z ~ N(0, I), GAN Lab's default is U(-1, 1).
type family struct {
	toy.Family
	noise string
}

// Batch draws G's noise of the lab's distribution; D judges the real points.
func (f *family) Batch(scope *model.Scope, d gan.Data) gan.Batch {
	if f.noise != NoiseUniform {
		return f.Family.Batch(scope, d)
	}
	u := scope.RandomUniform(d.Images.Graph(), shapes.Make(d.Images.DType(), d.Batch(), f.NoiseDim)) // [B, NoiseDim] in [0, 1)
	return gan.Batch{Input: AddScalar(MulScalar(u, 2), -1), Real: d.Images}
}

// Latent is n noise vectors of the lab's distribution from seed.
func (f *family) Latent(_ *gan.Config, n int, seed uint64) (gan.Latent, error) {
	return gan.Latent{Z: toy.FlatPoints(noise(f.noise, n, f.NoiseDim, seed))}, nil
}

// noise draws n noise vectors of size dim from the named distribution, the same for the same seed.
func noise(kind string, n, dim int, seed uint64) [][]float64 {
	rng := toy.NewRand(seed)
	z := make([][]float64, n)
	for i := range z {
		z[i] = make([]float64, dim)
		for j := range z[i] {
			if kind == NoiseUniform {
				z[i][j] = 2*rng.Float64() - 1
			} else {
				z[i][j] = rng.NormFloat64()
			}
		}
	}
	return z
}

// planar is a Lab on 2-D points: the core's Trainer of the toy family, and two inference graphs on its store,
// G(z), and D's raw output with the gradient of G's loss at each point (the arrows G follows).
type planar struct {
	tr    *gan.Trainer
	fam   *family
	dist  toy.Modal
	view  [4]float64 // x0, x1, y0, y1
	gen   *model.Exec
	judge *model.Exec
}

func newPlanar(b compute.Backend, s Settings) (*planar, error) {
	dist, view := distribution(s)
	tc := toy.DefaultConfig(s.Loss)
	tc.NoiseDim, tc.GenHidden, tc.DiscHidden = s.NoiseDim, s.GenHidden, s.DiscHidden
	tc.BatchSize, tc.LearningRateG, tc.LearningRateD, tc.DSteps = s.BatchSize, s.LearningRateG, s.LearningRateD, s.DSteps
	tc.Seed, tc.StepOrder = s.Seed, s.StepOrder
	fam := &family{Family: toy.Family{Config: tc, Data: dist, NoiseDim: s.NoiseDim}, noise: s.Noise}
	cfg := fam.RunConfig()
	cfg.Family = fam
	tr, err := gan.NewTrainer(b, cfg, nil)
	if err != nil {
		return nil, errors.WithMessage(err, "lab")
	}
	p := &planar{tr: tr, fam: fam, dist: dist, view: view}
	// The inference graphs are marked as training (the toy networks have no BatchNorm nor dropout, so nothing
	// changes) so that the variables stay graph parameters: on the pure-Go backend an inference graph would
	// embed them as constants and be rebuilt after every step (pkg/toy does the same).
	p.gen, err = model.NewExec(b, tr.Store, func(scope *model.Scope, z *Node) *Node {
		scope.Store().SetTraining(z.Graph(), true)
		return Reshape(fam.Generator(scope.In(gan.ScopeGenerator), z), z.Shape().Dimensions[0], 2)
	})
	if err == nil {
		p.judge, err = model.NewExec(b, tr.Store, func(scope *model.Scope, x *Node) (out, grad *Node) {
			scope.Store().SetTraining(x.Graph(), true)
			n := x.Shape().Dimensions[0]
			out, _ = fam.Discriminator(scope.In(gan.ScopeDiscriminator), Reshape(x, n, 1, 2, 1), nil) // [N]
			// G's loss is a mean over the points: times N, each point's gradient is its own term's.
			gLoss := MulScalar(gan.GeneratorLossFor(s.Loss, out), float64(n))
			return out, Gradient(gLoss, x)[0] // [N], [N, 2]
		})
	}
	if err != nil {
		return nil, errors.WithMessage(err, "lab: creating the view's graphs")
	}
	return p, nil
}

// evalChunk is the number of rows of every call of the inference graphs: inputs are cut into chunks of this size
// (the last one padded), so each graph is compiled for one shape whatever the number of points.
const evalChunk = 1024

// generate is G(z) for each noise vector.
func (p *planar) generate(z [][]float64) ([][]float64, error) {
	outs, err := evaluate(p.gen, z, p.fam.NoiseDim, []int{2})
	if err != nil {
		return nil, errors.WithMessage(err, "lab: generating")
	}
	return outs[0], nil
}

// discriminate is D's raw output at each point, and the direction G moves a generated point there: minus the
// gradient of G's loss.
func (p *planar) discriminate(xs [][]float64) (out []float64, descent [][]float64, err error) {
	outs, err := evaluate(p.judge, xs, 2, []int{1, 2})
	if err != nil {
		return nil, nil, errors.WithMessage(err, "lab: evaluating D")
	}
	out = make([]float64, len(xs))
	for i := range out {
		out[i] = outs[0][i][0]
		outs[1][i][0], outs[1][i][1] = -outs[1][i][0], -outs[1][i][1]
	}
	return out, outs[1], nil
}

// evaluate runs an inference graph on points of dimension inDim, chunk by chunk, and returns each output as
// points of the dimension outDims gives it.
func evaluate(exec *model.Exec, pts [][]float64, inDim int, outDims []int) ([][][]float64, error) {
	res := make([][][]float64, len(outDims))
	pad := make([]float64, inDim)
	for start := 0; start < len(pts); start += evalChunk {
		chunk := make([][]float64, evalChunk)
		for i := range chunk {
			if start+i < len(pts) {
				chunk[i] = pts[start+i]
			} else {
				chunk[i] = pad
			}
		}
		in := toy.PointsTensor(chunk, inDim)
		outs, err := exec.Call(in)
		in.MustFinalizeAll()
		if err != nil {
			return nil, err
		}
		for k, o := range outs {
			got := toy.TensorPoints(o, outDims[k])
			o.MustFinalizeAll()
			res[k] = append(res[k], got[:min(evalChunk, len(pts)-start)]...)
		}
	}
	return res, nil
}
