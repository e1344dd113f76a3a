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
	resize := false
	if transposed && opts.stride() > 1 {
		switch up := model.GetParamOr(b.scope, ParamUpsample, ""); up {
		case "", UpsampleTransposed:
		case UpsampleResize:
			resize = true
			if opts.stride() != 2 {
				x = Upsample(x, opts.stride())
				transposed, opts.Stride = false, 1
			}
			kernelSize, opts.Padding = 3, Same
		default:
			exceptions.Panicf("nn: upsample %q: use %q or %q", up, UpsampleTransposed, UpsampleResize)
		}
	}
	in := x.Shape().Dimensions[3]
	kshape := shapes.Make(x.DType(), kernelSize, kernelSize, in, b.channels)
	if transposed && !resize {
		kshape = shapes.Make(x.DType(), kernelSize, kernelSize, b.channels, in)
	}
	scope := b.scope
	if b.initializer != nil {
		scope = scope.WithInitializer(b.initializer)
	}
	kernel := Weight(scope, x.Graph(), KernelName, kshape)
	if resize && transposed { // stride 2: the same layer as a transposed convolution (resizeKernel), without the 4× input
		kernel = resizeKernel(kernel)
	}
	var y *graph.Node
	if transposed {
		if resize {
			opts.Padding = Same
		}
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

// resizeKernel turns the 3×3 kernel W [3, 3, Cin, Cout] of a resize-convolution (nearest-neighbour upsampling
// by 2, then a SAME 3×3 convolution) into the 4×4 kernel [4, 4, Cout, Cin] of the stride-2 transposed convolution
// that computes the same layer. Along one axis, the output pixel 2i reads the input rows i−1 (through W₀) and i
// (through W₁ + W₂), and 2i+1 reads rows i (W₀ + W₁) and i+1 (W₂); a transposed convolution of kernel K reads
// i and i−1 through K₁ and K₃ for 2i, i and i+1 through K₂ and K₀ for 2i+1. Hence K = M·W with the rows of
//
//	M = [[0, 0, 1], [0, 1, 1], [1, 1, 0], [1, 0, 0]]
//
// on each axis. The transposed convolution's phase lowering then computes each output pixel from 2×2 input
// pixels, where the upsampled image would cost 3×3 taps on 4× the pixels: the same numbers, 2¼× fewer products.
func resizeKernel(w *graph.Node) *graph.Node {
	m := graph.Const(w.Graph(), [][]float32{{0, 0, 1}, {0, 1, 1}, {1, 1, 0}, {1, 0, 0}})
	m = graph.ConvertDType(m, w.DType())
	k := graph.Einsum("pr,rsio->psio", m, w)     // [4, 3, Cin, Cout]
	k = graph.Einsum("qs,psio->pqio", m, k)      // [4, 4, Cin, Cout]
	return graph.TransposeAllAxes(k, 0, 1, 3, 2) // [4, 4, Cout, Cin]
}

// zeroInitializer starts biases at zero whatever the scope's initializer is (RandomNormalFn would randomise them).
func zeroInitializer(g *graph.Graph, shape shapes.Shape) *graph.Node {
	return graph.Zeros(g, shape)
}
