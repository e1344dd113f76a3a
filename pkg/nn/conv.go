// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import (
	"fmt"
	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Padding of a convolution.
type Padding int

const (
	// Same pads so that a stride-s convolution maps a size H to ceil(H/s) (and its transpose H to H·s).
	Same Padding = iota
	// Valid does not pad: a convolution maps H to (H-k)/s+1 and its transpose H to (H-1)·s+k.
	Valid
)

// Lowering selects how a convolution is computed.
type Lowering int

const (
	// Auto uses Patches on the pure-Go backend and Native elsewhere.
	Auto Lowering = iota
	// Native uses GoMLX's Convolve (with input dilation for the transposed convolution).
	Native
	// Patches uses patch extraction and one MatMul (per phase for the transposed convolution).
	Patches
	// Col2Im computes a transposed convolution as one MatMul of the input with the whole kernel, whose
	// products are then summed into the output positions they reach (col2im). It moves far less data than
	// Patches when the output has fewer channels than the input (a generator's last layer). Convolve treats it
	// as Patches.
	Col2Im
)

// String returns the lowering's name.
func (l Lowering) String() string {
	switch l {
	case Auto:
		return "auto"
	case Native:
		return "native"
	case Patches:
		return "patches"
	case Col2Im:
		return "col2im"
	}
	return "unknown"
}

// ParseLowering is the lowering a config names: "" or "auto", "native", "patches" (the names a run's config.json
// uses; Col2Im is chosen by Auto where it pays). An unknown name is an error that lists the valid ones.
func ParseLowering(name string) (Lowering, error) {
	switch name {
	case "", "auto":
		return Auto, nil
	case "native":
		return Native, nil
	case "patches":
		return Patches, nil
	}
	return Auto, fmt.Errorf("unknown lowering %q: use auto, native or patches", name)
}

// ConvOptions configure Convolve and ConvolveTranspose. The zero value is a stride-1 SAME convolution with the
// automatic lowering.
type ConvOptions struct {
	Stride   int      // Stride on both spatial axes; 0 means 1.
	Padding  Padding  // Same (the zero value) or Valid.
	Lowering Lowering // Auto (the zero value), Native or Patches.
}

func (o ConvOptions) stride() int {
	if o.Stride <= 0 {
		return 1
	}
	return o.Stride
}

// usePatches resolves Auto for the backend of g.
func (o ConvOptions) usePatches(g *graph.Graph) bool {
	switch o.Lowering {
	case Native:
		return false
	case Patches, Col2Im:
		return true
	}
	return backend.IsGo(g.Backend())
}

// axisGeometry is the padding arithmetic of one spatial axis of a convolution that maps size in to size out.
type axisGeometry struct {
	in, out, kernel, stride int
	lo, hi                  int // padding of the convolution's input (negative: cropped)
}

// convGeometry computes the output size and padding of a convolution over an axis of size in.
func convGeometry(in, kernel, stride int, padding Padding) axisGeometry {
	geo := axisGeometry{in: in, kernel: kernel, stride: stride}
	if padding == Valid {
		if in < kernel {
			exceptions.Panicf("nn: VALID convolution of size %d with a kernel of %d: the input is smaller than the kernel", in, kernel)
		}
		geo.out = (in-kernel)/stride + 1
		geo.hi = (geo.out-1)*stride + kernel - in // <= 0: the unused tail is cropped
		return geo
	}
	geo.out = (in + stride - 1) / stride
	total := max((geo.out-1)*stride+kernel-in, 0)
	geo.lo = total / 2
	geo.hi = total - geo.lo
	return geo
}

// transposeGeometry is the geometry of the convolution whose adjoint maps an axis of size in (the convolution's
// output) to the returned out (the convolution's input).
func transposeGeometry(in, kernel, stride int, padding Padding) axisGeometry {
	out := in * stride
	if padding == Valid {
		out = (in-1)*stride + kernel
	}
	geo := convGeometry(out, kernel, stride, padding)
	if geo.out != in {
		exceptions.Panicf("nn: transposed convolution geometry mismatch: %d -> %d (kernel %d, stride %d)", in, out, kernel, stride)
	}
	// Report it from the transposed convolution's point of view.
	geo.in, geo.out = in, out
	return geo
}

// Convolve returns the 2-D convolution (a cross-correlation, as in every deep-learning framework) of x
// [B, H, W, Cin] with kernel [kh, kw, Cin, Cout]:
//
//	y[b,i,j,o] = Σ_{p,q,c} xpad[b, i·s+p, j·s+q, c] · kernel[p,q,c,o]
//
// where xpad is x padded as opts.Padding says. The result is [B, Ho, Wo, Cout].
func Convolve(x, kernel *graph.Node, opts ConvOptions) *graph.Node {
	checkRanks("Convolve", x, kernel)
	s := opts.stride()
	xd, kd := x.Shape().Dimensions, kernel.Shape().Dimensions
	if xd[3] != kd[2] {
		exceptions.Panicf("nn: Convolve input %s has %d channels but the kernel %s expects %d", x.Shape(), xd[3], kernel.Shape(), kd[2])
	}
	gh := convGeometry(xd[1], kd[0], s, opts.Padding)
	gw := convGeometry(xd[2], kd[1], s, opts.Padding)
	xp := padCrop(x, gh.lo, gh.hi, gw.lo, gw.hi)
	if !opts.usePatches(x.Graph()) {
		return nativeConvolve(xp, kernel, s)
	}
	return patchMatMul(xp, kernel, s, gh.out, gw.out)
}

// ConvolveTranspose returns the transposed convolution of y [B, H, W, Cin] with kernel [kh, kw, Cout, Cin]: the
// adjoint of Convolve with the same kernel, stride and padding, so that for every x of the output's shape
//
//	<Convolve(x, kernel), y> = <x, ConvolveTranspose(y, kernel)>.
//
// With SAME padding the result is [B, H·s, W·s, Cout]; with VALID, [B, (H-1)·s+kh, (W-1)·s+kw, Cout].
func ConvolveTranspose(y, kernel *graph.Node, opts ConvOptions) *graph.Node {
	checkRanks("ConvolveTranspose", y, kernel)
	s := opts.stride()
	yd, kd := y.Shape().Dimensions, kernel.Shape().Dimensions
	if yd[3] != kd[3] {
		exceptions.Panicf("nn: ConvolveTranspose input %s has %d channels but the kernel %s ([kh, kw, out, in]) expects %d",
			y.Shape(), yd[3], kernel.Shape(), kd[3])
	}
	gh := transposeGeometry(yd[1], kd[0], s, opts.Padding)
	gw := transposeGeometry(yd[2], kd[1], s, opts.Padding)
	if !opts.usePatches(y.Graph()) {
		return nativeTranspose(y, kernel, s, gh, gw)
	}
	if opts.Lowering == Col2Im || (opts.Lowering == Auto && preferCol2Im(gh, gw, kd[3], kd[2])) {
		return col2imTranspose(y, kernel, gh, gw)
	}
	return phaseTranspose(y, kernel, gh, gw)
}

// nativeTranspose writes the transposed convolution as GoMLX's Convolve of the input dilated by the stride,
// with the kernel flipped in space and its channel axes swapped.
func nativeTranspose(y, kernel *graph.Node, s int, gh, gw axisGeometry) *graph.Node {
	k := graph.Reverse(graph.Transpose(kernel, 2, 3), 0, 1) // [kh, kw, Cin, Cout]
	// In the dilated input (length (H-1)s+1) the convolution's padded output position h reads taps h-kh+1..h:
	// pad kh-1 in front, minus the convolution's own front padding lo.
	lo := func(geo axisGeometry) int { return geo.kernel - 1 - geo.lo }
	hi := func(geo axisGeometry) int { return geo.out + geo.kernel - 1 - ((geo.in-1)*s + 1) - lo(geo) }
	yd := graph.Pad(y, graph.ScalarZero(y.Graph(), y.DType()),
		graph.PadAxis{}, graph.PadAxis{Interior: s - 1}, graph.PadAxis{Interior: s - 1}, graph.PadAxis{})
	yd = padCrop(yd, lo(gh), hi(gh), lo(gw), hi(gw))
	return nativeConvolve(yd, k, 1)
}

// nativeConvolve is GoMLX's VALID convolution of the already padded x. GoMLX v0.28's gradient of Convolve with
// respect to its input is wrong for even kernel sizes (its reverse padding uses (k-1)/2 twice where k-1 is
// needed), so an even kernel gets one more zero tap at its end, and x one more row or column of zeros to match:
// the result is the same and so are the gradients, now right.
func nativeConvolve(x, kernel *graph.Node, stride int) *graph.Node {
	kd := kernel.Shape().Dimensions
	if extraH, extraW := kd[0]%2 == 0, kd[1]%2 == 0; extraH || extraW {
		zero := graph.ScalarZero(x.Graph(), x.DType())
		ph, pw := graph.PadAxis{}, graph.PadAxis{}
		if extraH {
			ph.End = 1
		}
		if extraW {
			pw.End = 1
		}
		kernel = graph.Pad(kernel, zero, ph, pw, graph.PadAxis{}, graph.PadAxis{})
		x = graph.Pad(x, zero, graph.PadAxis{}, ph, pw, graph.PadAxis{})
	}
	return graph.Convolve(x, kernel).StridePerAxis(stride, stride).NoPadding().Done()
}

// preferCol2Im says whether col2im is the faster lowering of a transposed convolution from cin to cout
// channels. The phases gather k² input rows of cin values per input position, col2im gathers T² rows of cout
// values per output position (T = ceil(k/s) taps per axis reach an output) and then sums them; measured on the
// DCGAN generator (`go test -bench DCGANLayers ./pkg/bench`), col2im wins by 7x where it moves 64 times less
// data (64 -> 1 channels) and loses by 15-35% where it moves 1.4-2 times less, hence the factor 4.
func preferCol2Im(gh, gw axisGeometry, cin, cout int) bool {
	phases := gh.in * gw.in * gh.kernel * gw.kernel * cin
	th, tw := (gh.kernel+gh.stride-1)/gh.stride, (gw.kernel+gw.stride-1)/gw.stride
	col2im := gh.out * gw.out * th * tw * cout
	return 4*col2im < phases
}

// col2imTranspose computes the transposed convolution of y [B, H, W, Cin] with kernel [kh, kw, Cout, Cin] as
//
//	z[p,q,o,i,j,b] = Σ_c kernel[p,q,o,c] · y[b,i,j,c]   (one MatMul: [kh·kw·Cout, Cin] x [Cin, H·W·B])
//	out[b,h,w,o]   = Σ z[p,q,o,i,j,b] over i·s+p-lo = h, j·s+q-lo = w
//
// The products are laid out with the batch innermost so that the sum is a Gather of whole rows of B values
// (the T×T products that reach an output position, T = ceil(k/s) per axis; missing ones read a zero row) and a
// ReduceSum: few, long rows keep the Gather and its gradient, a scatter-add, fast even when Cout is 1.
func col2imTranspose(y, kernel *graph.Node, gh, gw axisGeometry) *graph.Node {
	g := y.Graph()
	yd, kd := y.Shape().Dimensions, kernel.Shape().Dimensions
	batch, h, w, cin := yd[0], yd[1], yd[2], yd[3]
	kh, kw, cout := kd[0], kd[1], kd[2]
	// y as [H·W·B + B, Cin]: spatial-major, batch-minor, with B zero rows at the end (one zero row of z).
	rows := graph.Reshape(graph.TransposeAllAxes(y, 1, 2, 0, 3), h*w*batch, cin)
	rows = graph.Pad(rows, graph.ScalarZero(g, y.DType()), graph.PadAxis{End: batch}, graph.PadAxis{})
	kr := graph.Reshape(kernel, kh*kw*cout, cin)
	z := graph.DotGeneral(kr, []int{1}, nil, rows, []int{1}, nil) // [kh·kw·Cout, (H·W+1)·B]
	z = graph.Reshape(z, kh*kw*cout*(h*w+1), batch)
	row := func(p, q, o, i, j int) int32 { return int32(((p*kw+q)*cout+o)*(h*w+1) + i*w + j) }
	th, tw := (kh+gh.stride-1)/gh.stride, (kw+gw.stride-1)/gw.stride
	idx := make([]int32, 0, gh.out*gw.out*cout*th*tw)
	for oh := range gh.out {
		ah, ch := (oh+gh.lo)%gh.stride, (oh+gh.lo)/gh.stride
		for ow := range gw.out {
			aw, cw := (ow+gw.lo)%gw.stride, (ow+gw.lo)/gw.stride
			for o := range cout {
				for t := range th {
					p, i := ah+t*gh.stride, ch-t
					for u := range tw {
						q, j := aw+u*gw.stride, cw-u
						if p >= kh || q >= kw || i < 0 || i >= h || j < 0 || j >= w {
							idx = append(idx, row(0, 0, o, h, 0)) // the zero row
							continue
						}
						idx = append(idx, row(p, q, o, i, j))
					}
				}
			}
		}
	}
	indices := graph.Reshape(graph.Const(g, idx), len(idx), 1)
	sums := graph.Reshape(graph.Gather(z, indices), gh.out*gw.out*cout, th*tw, batch)
	out := graph.Reshape(graph.ReduceSum(sums, 1), gh.out, gw.out, cout, batch)
	return graph.TransposeAllAxes(out, 3, 0, 1, 2)
}

// phase describes one output phase r (output positions n·s + r) of a transposed convolution along one axis.
type phase struct {
	first, taps int // kernel taps first, first+s, ..., first+(taps-1)·s contribute
	lo, hi      int // padding (negative: crop) of the input so that window n covers the needed inputs
}

// phases computes, for one axis, the s phases of a transposed convolution computing n outputs per phase.
//
// Output position h' reads the convolution's padded position h = h'+lo = q·s + a. The taps that reach it are
// kernel[t·s + a] applied to input[q - t], t = 0, 1, ... while t·s+a < k: a stride-1 correlation of the input
// with the sub-kernel kernel[a::s] reversed, whose window for h' = n·s + r starts at input n + c - taps + 1,
// where c = (r+lo) div s.
func phases(geo axisGeometry, n int) []phase {
	s, k := geo.stride, geo.kernel
	ps := make([]phase, s)
	for r := range s {
		a, c := (r+geo.lo)%s, (r+geo.lo)/s
		taps := 0
		if a < k {
			taps = (k - a + s - 1) / s
		}
		lo := taps - 1 - c
		ps[r] = phase{first: a, taps: taps, lo: lo, hi: n + taps - 1 - geo.in - lo}
	}
	return ps
}

// phaseTranspose computes the transposed convolution as s×s stride-1 patch convolutions, one per output phase,
// interleaved into the output (depth-to-space).
func phaseTranspose(y, kernel *graph.Node, gh, gw axisGeometry) *graph.Node {
	s := gh.stride
	yd, kd := y.Shape().Dimensions, kernel.Shape().Dimensions
	batch, cout := yd[0], kd[2]
	nh, nw := (gh.out+s-1)/s, (gw.out+s-1)/s // outputs per phase (the last ones may be cropped)
	ph, pw := phases(gh, nh), phases(gw, nw)
	kt := graph.Transpose(kernel, 2, 3) // [kh, kw, Cin, Cout]
	rows := make([]*graph.Node, s)
	for rh := range s {
		cols := make([]*graph.Node, s)
		for rw := range s {
			a, b := ph[rh], pw[rw]
			if a.taps == 0 || b.taps == 0 {
				cols[rw] = graph.Zeros(y.Graph(), shapeOf(y, batch, nh, nw, cout))
				continue
			}
			sub := graph.Slice(kt,
				graph.AxisRange(a.first, a.first+(a.taps-1)*s+1).Stride(s),
				graph.AxisRange(b.first, b.first+(b.taps-1)*s+1).Stride(s))
			sub = graph.Reverse(sub, 0, 1) // window position u holds tap taps-1-u
			cols[rw] = patchMatMul(padCrop(y, a.lo, a.hi, b.lo, b.hi), sub, 1, nh, nw)
		}
		if s == 1 {
			rows[rh] = cols[0]
		} else {
			rows[rh] = graph.Stack(cols, 3) // [B, nh, nw, s, Cout]
		}
	}
	if s == 1 {
		return rows[0]
	}
	out := graph.Stack(rows, 2) // [B, nh, s, nw, s, Cout]
	out = graph.Reshape(out, batch, nh*s, nw*s, cout)
	if nh*s != gh.out || nw*s != gw.out {
		out = graph.Slice(out, graph.AxisRange(), graph.AxisRange(0, gh.out), graph.AxisRange(0, gw.out))
	}
	return out
}

// patchMatMul convolves the already padded x [B, H, W, C] with kernel [kh, kw, C, O] at the given stride,
// producing [B, ho, wo, O], as one matrix product over the patches of x ("im2col").
//
// Three choices make it fast on the pure-Go backend, whose Slice copies element by element and whose matrix
// product transposes any operand whose contracting axis is not last:
//   - the patches are gathered (Gather copies whole C-channel rows) rather than cut with kh·kw strided Slices;
//   - the product is written as outᵀ[O, M] = Wᵀ[O, K] · patchesᵀ, with the patches [M, K] on the right, so that
//     the forward product does not transpose the (large) patch matrix;
//   - the gradients are written by hand (withGradients): d patches = dOut[M, O] · W[K, O]ᵀ contracts the last
//     axes of both, so nothing is transposed or copied on the way to the scatter-add that brings it back to x;
//     dWᵀ = dOutᵀ · patches contracts the patches' leading axis, the other layout the matrix product takes as is.
func patchMatMul(x, kernel *graph.Node, stride, ho, wo int) *graph.Node {
	xd, kd := x.Shape().Dimensions, kernel.Shape().Dimensions
	batch, h, w, c := xd[0], xd[1], xd[2], xd[3]
	kh, kw, o := kd[0], kd[1], kd[3]
	m, k := batch*ho*wo, kh*kw*c
	var indices *graph.Node // [M·kh·kw, 1] rows of x for each patch, or nil when the patches are x itself
	if kh != 1 || kw != 1 || stride != 1 || h != ho || w != wo {
		idx := make([]int32, 0, m*kh*kw)
		for b := range batch {
			for i := range ho {
				for j := range wo {
					for p := range kh {
						for q := range kw {
							idx = append(idx, int32((b*h+i*stride+p)*w+j*stride+q))
						}
					}
				}
			}
		}
		indices = graph.Reshape(graph.Const(x.Graph(), idx), len(idx), 1)
	}
	patches := func(x *graph.Node) *graph.Node { // [M, K]
		if indices == nil {
			return graph.Reshape(x, m, k)
		}
		return graph.Reshape(graph.Gather(graph.Reshape(x, batch*h*w, c), indices), m, k)
	}
	var cols *graph.Node // the forward's patches, reused by the kernel gradient
	forward := func(x, kernel *graph.Node) *graph.Node {
		cols = patches(x)
		wt := graph.Transpose(graph.Reshape(kernel, k, o), 0, 1)         // [O, K]
		outT := graph.DotGeneral(wt, []int{1}, nil, cols, []int{1}, nil) // [O, M]
		return graph.Reshape(graph.Transpose(outT, 0, 1), batch, ho, wo, o)
	}
	grads := func(x, kernel, dOut *graph.Node) (dx, dKernel *graph.Node) {
		d := graph.Reshape(dOut, m, o)
		dCols := graph.DotGeneral(d, []int{1}, nil, graph.Reshape(kernel, k, o), []int{1}, nil) // [M, K]
		if indices == nil {
			dx = graph.Reshape(dCols, xd...)
		} else {
			rows := graph.Reshape(dCols, m*kh*kw, c)
			dx = graph.Reshape(graph.ScatterSum(graph.Zeros(x.Graph(), shapeOf(x, batch*h*w, c)), indices, rows, false, false), xd...)
		}
		dWt := graph.DotGeneral(graph.Transpose(d, 0, 1), []int{1}, nil, cols, []int{0}, nil) // [O, K]
		return dx, graph.Reshape(graph.Transpose(dWt, 0, 1), kd...)
	}
	return withGradients(x, kernel, forward, grads)
}

// padCrop pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor.
// It always gives graph.Pad one PadAxis per axis: with fewer, GoMLX v0.28's Pad gradient is wrong.
func padCrop(x *graph.Node, top, bottom, left, right int) *graph.Node {
	if top > 0 || bottom > 0 || left > 0 || right > 0 {
		x = graph.Pad(x, graph.ScalarZero(x.Graph(), x.DType()),
			graph.PadAxis{},
			graph.PadAxis{Start: max(top, 0), End: max(bottom, 0)},
			graph.PadAxis{Start: max(left, 0), End: max(right, 0)},
			graph.PadAxis{})
	}
	if top < 0 || bottom < 0 || left < 0 || right < 0 {
		d := x.Shape().Dimensions
		x = graph.Slice(x,
			graph.AxisRange(),
			graph.AxisRange(max(-top, 0), d[1]-max(-bottom, 0)),
			graph.AxisRange(max(-left, 0), d[2]-max(-right, 0)),
			graph.AxisRange())
	}
	return x
}

func checkRanks(op string, x, kernel *graph.Node) {
	if x.Rank() != 4 || kernel.Rank() != 4 {
		exceptions.Panicf("nn: %s needs an NHWC input of rank 4 and a kernel of rank 4, got %s and %s", op, x.Shape(), kernel.Shape())
	}
}

func shapeOf(like *graph.Node, dims ...int) shapes.Shape {
	return shapes.Make(like.DType(), dims...)
}
