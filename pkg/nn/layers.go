// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import (
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Variable names used by Conv2D and ConvTranspose2D inside their scope (the same names as GoMLX's layers).
const (
	KernelName = "weights"
	BiasName   = "biases"
)

// ConvBuilder configures a Conv2D or ConvTranspose2D layer. Create it with Conv2D or ConvTranspose2D, chain the
// setters and call Done.
type ConvBuilder struct {
	scope       *model.Scope
	x           *graph.Node
	channels    int
	kernel      int
	opts        ConvOptions
	bias        bool
	initializer model.VariableInitializer
	transposed  bool
}

// Conv2D creates a convolution layer on x [B, H, W, Cin] with the given number of output channels. Its kernel
// variable is scope/weights [k, k, Cin, channels] and its bias scope/biases [channels]. Defaults: kernel 3,
// stride 1, SAME padding, with bias, the scope's initializer, the backend's best lowering.
//
// Give each layer its own scope: Conv2D(scope.In("conv1"), x, 64).Kernel(5).Stride(2).Done().
func Conv2D(scope *model.Scope, x *graph.Node, channels int) *ConvBuilder {
	return &ConvBuilder{scope: scope, x: x, channels: channels, kernel: 3, bias: true}
}

// ConvTranspose2D creates a transposed-convolution layer on x [B, H, W, Cin]: with SAME padding and stride s it
// maps [B, H, W, Cin] to [B, H·s, W·s, channels]. Its kernel is scope/weights [k, k, channels, Cin] (TensorFlow's
// conv2d_transpose layout) and its bias scope/biases [channels]. Defaults as for Conv2D.
func ConvTranspose2D(scope *model.Scope, x *graph.Node, channels int) *ConvBuilder {
	return &ConvBuilder{scope: scope, x: x, channels: channels, kernel: 3, bias: true, transposed: true}
}

// Kernel sets the (square) kernel size.
func (b *ConvBuilder) Kernel(size int) *ConvBuilder { b.kernel = size; return b }

// Stride sets the stride on both spatial axes.
func (b *ConvBuilder) Stride(stride int) *ConvBuilder { b.opts.Stride = stride; return b }

// PadSame selects SAME padding (the default).
func (b *ConvBuilder) PadSame() *ConvBuilder { b.opts.Padding = Same; return b }

// PadValid selects VALID padding (no padding).
func (b *ConvBuilder) PadValid() *ConvBuilder { b.opts.Padding = Valid; return b }

// UseBias sets whether the layer adds a learned bias (default true). A layer followed by BatchNorm needs none.
func (b *ConvBuilder) UseBias(useBias bool) *ConvBuilder { b.bias = useBias; return b }

// WithInitializer sets the initializer of the kernel (the bias always starts at zero). The default is the
// scope's initializer: e.g. DCGAN's N(0, 0.02) set with scope.WithInitializer(initializer.RandomNormalFn(scope, 0.02)).
func (b *ConvBuilder) WithInitializer(init model.VariableInitializer) *ConvBuilder {
	b.initializer = init
	return b
}

// Lowering selects the implementation (default Auto: matrix products on the pure-Go backend, native elsewhere).
func (b *ConvBuilder) Lowering(l Lowering) *ConvBuilder { b.opts.Lowering = l; return b }

// Done creates the variables and returns the layer's output.
//
// Two settings of the scope change the layer (see ParamSpectralNorm and ParamUpsample): under
// ParamSpectralNorm the kernel is spectrally normalized; under ParamUpsample = UpsampleResize a transposed
// convolution of stride s > 1 becomes a resize-convolution: x upsampled by s (nearest neighbour), then a 3×3
// stride-1 SAME convolution with kernel [3, 3, Cin, channels] (Odena et al. 2016, "Deconvolution and
// Checkerboard Artifacts"): every output pixel then sees the same number of kernel taps, which removes the
// checkerboard pattern a stride-2 kernel of 4 taps leaves where it overlaps unevenly.
func (b *ConvBuilder) Done() *graph.Node {
	x := b.x
	if x.Rank() != 4 {
		exceptions.Panicf("nn: Conv2D/ConvTranspose2D need an NHWC input of rank 4, got %s", x.Shape())
	}
	if b.channels <= 0 || b.kernel <= 0 || b.opts.Stride < 0 {
		exceptions.Panicf("nn: bad convolution layer: channels=%d kernel=%d stride=%d (all must be positive)",
			b.channels, b.kernel, b.opts.Stride)
	}
	transposed, kernelSize, opts := b.transposed, b.kernel, b.opts
	if transposed && opts.stride() > 1 {
		switch up := model.GetParamOr(b.scope, ParamUpsample, ""); up {
		case "", UpsampleTransposed:
		case UpsampleResize:
			x = Upsample(x, opts.stride())
			transposed, kernelSize, opts.Stride, opts.Padding = false, 3, 1, Same
		default:
			exceptions.Panicf("nn: upsample %q: use %q or %q", up, UpsampleTransposed, UpsampleResize)
		}
	}
	in := x.Shape().Dimensions[3]
	kshape := shapes.Make(x.DType(), kernelSize, kernelSize, in, b.channels)
	if transposed {
		kshape = shapes.Make(x.DType(), kernelSize, kernelSize, b.channels, in)
	}
	scope := b.scope
	if b.initializer != nil {
		scope = scope.WithInitializer(b.initializer)
	}
	kernel := Weight(scope, x.Graph(), KernelName, kshape)
	var y *graph.Node
	if transposed {
		y = ConvolveTranspose(x, kernel, opts)
	} else {
		y = Convolve(x, kernel, opts)
	}
	if b.bias {
		bias := b.scope.WithInitializer(zeroInitializer).VariableWithShape(BiasName, shapes.Make(x.DType(), b.channels))
		y = graph.Add(y, graph.Reshape(bias.NodeValue(x.Graph()), 1, 1, 1, b.channels))
	}
	return y
}

// zeroInitializer starts biases at zero whatever the scope's initializer is (RandomNormalFn would randomise them).
func zeroInitializer(g *graph.Graph, shape shapes.Shape) *graph.Node {
	return graph.Zeros(g, shape)
}
