// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import (
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// LeakyReLU returns max(x, alpha·x) for 0 <= alpha < 1. DCGAN's discriminator uses alpha = 0.2 (Radford et al.
// 2015, section 3); GoMLX's activation.LeakyRelu defaults to Keras' 0.3.
func LeakyReLU(x *graph.Node, alpha float64) *graph.Node {
	return graph.Max(x, graph.MulScalar(x, alpha))
}

// BatchNormBuilder configures a BatchNorm; create it with BatchNorm and finish with Done.
type BatchNormBuilder struct {
	scope    *model.Scope
	x        *graph.Node
	momentum float64
	epsilon  float64
}

// BatchNorm normalizes x over every axis but the last (the channels) - Ioffe & Szegedy 2015 - as DCGAN's
// generator does after each layer but the last:
//
//	y = scale · (x - μ) / sqrt(σ² + ε) + offset
//
// In training mode (scope.IsTraining) μ and σ² are the batch's mean and (biased) variance, and the gradient
// flows through them, as in PyTorch and TensorFlow (GoMLX v0.28's norm.BatchNorm stops it there). Each training
// call also moves the running averages: avg ← momentum·avg + (1-momentum)·batch. Outside training the running
// averages are used. It is written with plain ops, so it trains on every backend, the pure-Go one included.
//
// Variables in scope: scale (starts at 1), offset (starts at 0), and the non-trainable mean and variance.
// Defaults: momentum 0.9 and ε = 1e-5, PyTorch's (its momentum=0.1 is our 1-momentum); Keras uses 0.99 and 1e-3.
func BatchNorm(scope *model.Scope, x *graph.Node) *BatchNormBuilder {
	return &BatchNormBuilder{scope: scope, x: x, momentum: 0.9, epsilon: 1e-5}
}

// Momentum sets the weight of the old running average in each update (default 0.9).
func (b *BatchNormBuilder) Momentum(momentum float64) *BatchNormBuilder {
	b.momentum = momentum
	return b
}

// Epsilon sets the ε added to the variance (default 1e-5).
func (b *BatchNormBuilder) Epsilon(epsilon float64) *BatchNormBuilder { b.epsilon = epsilon; return b }

// Done creates the variables and returns the normalized x.
func (b *BatchNormBuilder) Done() *graph.Node {
	x := b.x
	g := x.Graph()
	if x.Rank() < 2 {
		exceptions.Panicf("nn: BatchNorm needs a batch axis and a feature axis, got %s", x.Shape())
	}
	if b.momentum < 0 || b.momentum >= 1 || b.epsilon <= 0 {
		exceptions.Panicf("nn: BatchNorm needs 0 <= momentum < 1 and epsilon > 0, got %g and %g", b.momentum, b.epsilon)
	}
	c := x.Shape().Dimensions[x.Rank()-1]
	vshape := shapes.Make(x.DType(), c)
	ones := func(g *graph.Graph, s shapes.Shape) *graph.Node { return graph.Ones(g, s) }
	zeros := func(g *graph.Graph, s shapes.Shape) *graph.Node { return graph.Zeros(g, s) }
	scale := b.scope.WithInitializer(ones).VariableWithShape("scale", vshape)
	offset := b.scope.WithInitializer(zeros).VariableWithShape("offset", vshape)
	meanVar := b.scope.WithInitializer(zeros).VariableWithShape("mean", vshape).SetTrainable(false)
	varVar := b.scope.WithInitializer(ones).VariableWithShape("variance", vshape).SetTrainable(false)

	axes := make([]int, x.Rank()-1)
	for i := range axes {
		axes[i] = i
	}
	var mean, variance *graph.Node
	if b.scope.IsTraining(g) {
		mean = graph.ReduceMean(x, axes...)                                                                      // [C]
		variance = graph.ReduceMean(graph.Square(graph.Sub(x, graph.ExpandLeftToRank(mean, x.Rank()))), axes...) // [C], biased
		m := graph.Scalar(g, x.DType(), b.momentum)
		meanVar.SetNodeValue(graph.Add(graph.Mul(m, meanVar.NodeValue(g)), graph.Mul(graph.OneMinus(m), graph.StopGradient(mean))))
		varVar.SetNodeValue(graph.Add(graph.Mul(m, varVar.NodeValue(g)), graph.Mul(graph.OneMinus(m), graph.StopGradient(variance))))
	} else {
		mean, variance = meanVar.NodeValue(g), varVar.NodeValue(g)
	}
	inv := graph.Div(scale.NodeValue(g), graph.Sqrt(graph.AddScalar(variance, b.epsilon))) // [C]; Rsqrt has no gradient in GoMLX
	y := graph.Mul(graph.Sub(x, graph.ExpandLeftToRank(mean, x.Rank())), graph.ExpandLeftToRank(inv, x.Rank()))
	return graph.Add(y, graph.ExpandLeftToRank(offset.NodeValue(g), x.Rank()))
}

// Upsample repeats every pixel of an NHWC image factor×factor times (nearest-neighbour upsampling):
// [B, H, W, C] -> [B, H·factor, W·factor, C]. Followed by a stride-1 convolution it is the "resize-convolution"
// alternative to a transposed convolution (Odena et al. 2016, "Deconvolution and checkerboard artifacts").
func Upsample(x *graph.Node, factor int) *graph.Node {
	if x.Rank() != 4 || factor < 1 {
		exceptions.Panicf("nn: Upsample needs an NHWC input and factor >= 1, got %s and %d", x.Shape(), factor)
	}
	if factor == 1 {
		return x
	}
	d := x.Shape().Dimensions
	y := graph.Reshape(x, d[0], d[1], 1, d[2], 1, d[3])
	y = graph.BroadcastToDims(y, d[0], d[1], factor, d[2], factor, d[3])
	return graph.Reshape(y, d[0], d[1]*factor, d[2]*factor, d[3])
}

// Shift moves each image of x [B, H, W, C] by whole pixels, dy [B] rows down and dx [B] columns right (int32,
// negative: up or left), filling what it uncovers with zeros. It is two batched products with one-hot matrices,
// S[i, j] = 1 where j = i − shift, so its gradient with respect to x is the shift back (DiffAugment's translation).
func Shift(x, dy, dx *graph.Node) *graph.Node {
	if x.Rank() != 4 || dy.Rank() != 1 || dx.Rank() != 1 {
		exceptions.Panicf("nn: Shift needs images [B, H, W, C] and shifts [B], got %s, %s and %s", x.Shape(), dy.Shape(), dx.Shape())
	}
	d := x.Shape().Dimensions
	sy := shiftMatrices(dy, d[1], x.DType()) // [B, H, H]
	sx := shiftMatrices(dx, d[2], x.DType()) // [B, W, W]
	x = graph.Einsum("bij,bjwc->biwc", sy, x)
	return graph.Einsum("bwv,bhvc->bhwc", sx, x)
}

// shiftMatrices are, for each image, the [n, n] matrices S with S[i, j] = 1 where j = i − shift[b].
func shiftMatrices(shift *graph.Node, n int, dtype dtypes.DType) *graph.Node {
	g := shift.Graph()
	b := shift.Shape().Dimensions[0]
	i := graph.Iota(g, shapes.Make(dtypes.Int32, b, n, n), 1)
	j := graph.Iota(g, shapes.Make(dtypes.Int32, b, n, n), 2)
	s := graph.BroadcastToDims(graph.Reshape(graph.ConvertDType(shift, dtypes.Int32), b, 1, 1), b, n, n)
	return graph.ConvertDType(graph.Equal(j, graph.Sub(i, s)), dtype)
}
