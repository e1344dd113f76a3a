// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// testBackend is the backend GOMLX_BACKEND selects (the pure-Go one when unset), so the same tests check the
// XLA path on a GPU machine. Set tf32=false there (GOMLX_BACKEND=xla:cuda,tf32=false): TF32 products are
// accurate to ~1e-3 only.
func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// randomTensor returns a float32 tensor with values uniform in [-1, 1) from a fixed seed.
func randomTensor(seed uint64, dims ...int) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 7))
	t := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	tensors.MutableFlatData(t, func(flat []float32) {
		for i := range flat {
			flat[i] = 2*rng.Float32() - 1
		}
	})
	return t
}

// relErr returns max|got-want| / max(max|want|, 1e-6).
func relErr(got, want *tensors.Tensor) float64 {
	g, w := tensors.MustCopyFlatData[float32](got), tensors.MustCopyFlatData[float32](want)
	if len(g) != len(w) {
		return math.Inf(1)
	}
	var diff, scale float64
	for i := range g {
		diff = max(diff, math.Abs(float64(g[i]-w[i])))
		scale = max(scale, math.Abs(float64(w[i])))
	}
	return diff / max(scale, 1e-6)
}

// tfPadding is TensorFlow's SAME/VALID padding rule, written out here independently of convGeometry:
// out = ceil(in/s) for SAME, pad_total = max((out-1)·s + k - in, 0), pad_before = pad_total/2.
func tfPadding(in, k, s int, padding Padding) (out, lo, hi int) {
	if padding == Valid {
		return (in-k)/s + 1, 0, 0
	}
	out = (in + s - 1) / s
	total := max((out-1)*s+k-in, 0)
	return out, total / 2, total - total/2
}

// The references below are plain loops in float64, independent of GoMLX: the convolution, its adjoint with
// respect to the input (the transposed convolution) and its gradient with respect to the kernel.
// x is [B,H,W,C], k is [kh,kw,C,O], y is [B,Ho,Wo,O]; lo is the front padding of each spatial axis.
type naiveGeom struct{ b, h, w, c, kh, kw, o, ho, wo, s, loH, loW int }

func newNaiveGeom(xShape, kShape []int, s int, padding Padding) naiveGeom {
	ho, loH, _ := tfPadding(xShape[1], kShape[0], s, padding)
	wo, loW, _ := tfPadding(xShape[2], kShape[1], s, padding)
	return naiveGeom{xShape[0], xShape[1], xShape[2], xShape[3], kShape[0], kShape[1], kShape[3], ho, wo, s, loH, loW}
}

// each calls fn for every (input index, kernel index, output index) triple that the convolution multiplies.
func (g naiveGeom) each(fn func(xi, ki, yi int)) {
	for b := range g.b {
		for i := range g.ho {
			for j := range g.wo {
				for p := range g.kh {
					r := i*g.s + p - g.loH
					if r < 0 || r >= g.h {
						continue
					}
					for q := range g.kw {
						col := j*g.s + q - g.loW
						if col < 0 || col >= g.w {
							continue
						}
						for c := range g.c {
							xi := ((b*g.h+r)*g.w+col)*g.c + c
							for o := range g.o {
								fn(xi, ((p*g.kw+q)*g.c+c)*g.o+o, ((b*g.ho+i)*g.wo+j)*g.o+o)
							}
						}
					}
				}
			}
		}
	}
}

func flat64(t *tensors.Tensor) []float64 {
	f := tensors.MustCopyFlatData[float32](t)
	out := make([]float64, len(f))
	for i, v := range f {
		out[i] = float64(v)
	}
	return out
}

func tensorOf(values []float64, dims ...int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	tensors.MutableFlatData(t, func(flat []float32) {
		for i, v := range values {
			flat[i] = float32(v)
		}
	})
	return t
}

// naiveConv returns y = conv(x, k).
func naiveConv(g naiveGeom, x, k []float64) []float64 {
	y := make([]float64, g.b*g.ho*g.wo*g.o)
	g.each(func(xi, ki, yi int) { y[yi] += x[xi] * k[ki] })
	return y
}

// naiveConvT returns x = conv^T(y, k), the adjoint of naiveConv in x.
func naiveConvT(g naiveGeom, y, k []float64) []float64 {
	x := make([]float64, g.b*g.h*g.w*g.c)
	g.each(func(xi, ki, yi int) { x[xi] += y[yi] * k[ki] })
	return x
}

// naiveKernelGrad returns d<conv(x, k), y>/dk.
func naiveKernelGrad(g naiveGeom, x, y []float64) []float64 {
	dk := make([]float64, g.kh*g.kw*g.c*g.o)
	g.each(func(xi, ki, yi int) { dk[ki] += x[xi] * y[yi] })
	return dk
}

type convCase struct {
	batch, h, w, cin, cout, kernel, stride int
	padding                                Padding
}

func (c convCase) String() string {
	p := "same"
	if c.padding == Valid {
		p = "valid"
	}
	return fmt.Sprintf("b%d_%dx%dx%d_to_%d_k%d_s%d_%s", c.batch, c.h, c.w, c.cin, c.cout, c.kernel, c.stride, p)
}

// convCases covers strides 1 and 2, kernels 3, 4 and 5, odd and even (and non-square) sizes, SAME and VALID,
// batch 1 and 16, and channel counts 1, 3 and 64 on both sides of the layer.
func convCases() []convCase {
	sizes := [][2]int{{7, 7}, {8, 8}, {9, 6}}
	chans := []struct{ batch, cin, cout int }{{1, 1, 3}, {16, 3, 64}, {1, 64, 1}, {16, 1, 64}, {1, 3, 3}, {16, 64, 3}}
	var cases []convCase
	i := 0
	for _, s := range []int{1, 2} {
		for _, k := range []int{3, 4, 5} {
			for _, hw := range sizes {
				for _, p := range []Padding{Same, Valid} {
					ch := chans[i%len(chans)]
					i++
					cases = append(cases, convCase{ch.batch, hw[0], hw[1], ch.cin, ch.cout, k, s, p})
				}
			}
		}
	}
	return cases
}

// tolerance is the relative error allowed against the float64 references: 1e-4 on the pure-Go backend. On XLA
// CUDA, cuDNN chooses its convolution algorithms (Winograd, FFT) and its native convolutions were measured at up
// to 4e-4 on an H100 with tf32=false (the patch lowering stays within 1e-4 there too).
func tolerance(b compute.Backend, lowering Lowering) float64 {
	if lowering == Native && !backend.IsGo(b) {
		return 1e-3
	}
	return 1e-4
}

// checkAgainst compares value, gradient with respect to the input and gradient with respect to the kernel.
func checkAgainst(t *testing.T, b compute.Backend, lowering Lowering, got, want []*tensors.Tensor) {
	t.Helper()
	tol := tolerance(b, lowering)
	for i, name := range []string{"value", "d/dinput", "d/dkernel"} {
		if g, w := got[i].Shape(), want[i].Shape(); !g.Equal(w) {
			t.Fatalf("%s %s: shape %s, want %s", lowering, name, g, w)
		}
		if e := relErr(got[i], want[i]); e > tol {
			t.Errorf("%s %s: relative error %.3g > %g", lowering, name, e, tol)
		}
	}
}

// TestConvolve checks Convolve's values and its gradients with respect to the input and the kernel against
// plain loops, for both lowerings (Native is GoMLX's Convolve, with the even-kernel gradient fix).
func TestConvolve(t *testing.T) {
	b := testBackend(t)
	for n, c := range convCases() {
		t.Run(c.String(), func(t *testing.T) {
			if testing.Short() && n%3 != 0 {
				t.Skip("-short runs a third of the cases")
			}
			x := randomTensor(uint64(n), c.batch, c.h, c.w, c.cin)
			k := randomTensor(uint64(n)+1000, c.kernel, c.kernel, c.cin, c.cout)
			ho, _, _ := tfPadding(c.h, c.kernel, c.stride, c.padding)
			wo, _, _ := tfPadding(c.w, c.kernel, c.stride, c.padding)
			w := randomTensor(uint64(n)+2000, c.batch, ho, wo, c.cout) // weights of the scalar loss <y, w>
			geo := newNaiveGeom(x.Shape().Dimensions, k.Shape().Dimensions, c.stride, c.padding)
			xf, kf, wf := flat64(x), flat64(k), flat64(w)
			want := []*tensors.Tensor{
				tensorOf(naiveConv(geo, xf, kf), c.batch, ho, wo, c.cout),
				tensorOf(naiveConvT(geo, wf, kf), x.Shape().Dimensions...),
				tensorOf(naiveKernelGrad(geo, xf, wf), k.Shape().Dimensions...),
			}
			for _, lowering := range []Lowering{Patches, Col2Im, Native} {
				outs := graph.MustExecOnceN(b, func(x, k, w *graph.Node) []*graph.Node {
					y := Convolve(x, k, ConvOptions{Stride: c.stride, Padding: c.padding, Lowering: lowering})
					grads := graph.Gradient(graph.ReduceAllSum(graph.Mul(y, w)), x, k)
					return []*graph.Node{y, grads[0], grads[1]}
				}, x, k, w)
				checkAgainst(t, b, lowering, outs, want)
			}
		})
	}
}

// TestConvolveTranspose checks ConvolveTranspose, value and gradients, against plain loops: its value is the
// adjoint of the convolution applied to y, its gradient with respect to y is the convolution of the loss
// weights, and its gradient with respect to the kernel is the convolution's kernel gradient with the roles of
// input and output swapped.
func TestConvolveTranspose(t *testing.T) {
	b := testBackend(t)
	for n, c := range convCases() {
		t.Run(c.String(), func(t *testing.T) {
			if testing.Short() && n%3 != 1 {
				t.Skip("-short runs a third of the cases")
			}
			// The transposed convolution maps the convolution's output size back to its input size; with VALID
			// padding several input sizes share an output size, and the transposed one is (H'-1)·s + k.
			ho, _, _ := tfPadding(c.h, c.kernel, c.stride, c.padding)
			wo, _, _ := tfPadding(c.w, c.kernel, c.stride, c.padding)
			h, w := ho*c.stride, wo*c.stride
			if c.padding == Valid {
				h, w = (ho-1)*c.stride+c.kernel, (wo-1)*c.stride+c.kernel
			}
			y := randomTensor(uint64(n), c.batch, ho, wo, c.cin)                 // transposed conv input
			k := randomTensor(uint64(n)+1000, c.kernel, c.kernel, c.cout, c.cin) // [kh, kw, out, in]
			wt := randomTensor(uint64(n)+2000, c.batch, h, w, c.cout)            // weights of the loss <out, wt>
			// The convolution this one is the adjoint of maps [B,h,w,cout] to [B,ho,wo,cin] with kernel k.
			geo := newNaiveGeom([]int{c.batch, h, w, c.cout}, k.Shape().Dimensions, c.stride, c.padding)
			if geo.ho != ho || geo.wo != wo {
				t.Fatalf("geometry: the convolution of %dx%d gives %dx%d, want %dx%d", h, w, geo.ho, geo.wo, ho, wo)
			}
			yf, kf, wf := flat64(y), flat64(k), flat64(wt)
			want := []*tensors.Tensor{
				tensorOf(naiveConvT(geo, yf, kf), c.batch, h, w, c.cout),
				tensorOf(naiveConv(geo, wf, kf), y.Shape().Dimensions...),
				tensorOf(naiveKernelGrad(geo, wf, yf), k.Shape().Dimensions...),
			}
			for _, lowering := range []Lowering{Patches, Col2Im, Native} {
				outs := graph.MustExecOnceN(b, func(y, k, wt *graph.Node) []*graph.Node {
					out := ConvolveTranspose(y, k, ConvOptions{Stride: c.stride, Padding: c.padding, Lowering: lowering})
					grads := graph.Gradient(graph.ReduceAllSum(graph.Mul(out, wt)), y, k)
					return []*graph.Node{out, grads[0], grads[1]}
				}, y, k, wt)
				checkAgainst(t, b, lowering, outs, want)
			}
		})
	}
}

// TestGoMLXEvenKernelGradient documents why nativeConvolve pads even kernels: GoMLX v0.28.16's own gradient of
// Convolve with respect to its input is wrong for a 4x4 kernel. If this test fails, GoMLX fixed it and the
// workaround in nativeConvolve can go.
func TestGoMLXEvenKernelGradient(t *testing.T) {
	b := testBackend(t)
	x := randomTensor(1, 1, 6, 6, 1)
	k := randomTensor(2, 4, 4, 1, 1)
	w := randomTensor(3, 1, 3, 3, 1)
	geo := newNaiveGeom(x.Shape().Dimensions, k.Shape().Dimensions, 1, Valid)
	want := tensorOf(naiveConvT(geo, flat64(w), flat64(k)), 1, 6, 6, 1)
	got := graph.MustExecOnce(b, func(x, k, w *graph.Node) *graph.Node {
		y := graph.Convolve(x, k).NoPadding().Done()
		return graph.Gradient(graph.ReduceAllSum(graph.Mul(y, w)), x)[0]
	}, x, k, w)
	if e := relErr(got, want); e < 1e-2 {
		t.Errorf("GoMLX's Convolve input gradient for a 4x4 kernel is now right (relative error %.2g): "+
			"remove the even-kernel padding in nativeConvolve", e)
	}
}

// TestConvolveShapes pins the output sizes of the DCGAN layers (TensorFlow's SAME convention).
func TestConvolveShapes(t *testing.T) {
	b := testBackend(t)
	outs := graph.MustExecOnceN(b, func(g *graph.Graph) []*graph.Node {
		x := graph.Zeros(g, shapes.Make(dtypes.Float32, 2, 28, 28, 1))
		k1 := graph.Zeros(g, shapes.Make(dtypes.Float32, 5, 5, 1, 4))
		z := graph.Zeros(g, shapes.Make(dtypes.Float32, 2, 7, 7, 8))
		k2 := graph.Zeros(g, shapes.Make(dtypes.Float32, 5, 5, 4, 8))
		return []*graph.Node{
			Convolve(x, k1, ConvOptions{Stride: 2}),
			ConvolveTranspose(z, k2, ConvOptions{Stride: 2}),
			ConvolveTranspose(z, k2, ConvOptions{Stride: 2, Padding: Valid}),
		}
	})
	for i, want := range [][]int{{2, 14, 14, 4}, {2, 14, 14, 4}, {2, 17, 17, 4}} {
		if got := outs[i].Shape().Dimensions; fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("output %d: shape %v, want %v", i, got, want)
		}
	}
}

// TestConvolveBadInput checks that shape errors are reported with the package prefix.
func TestConvolveBadInput(t *testing.T) {
	b := testBackend(t)
	_, err := graph.ExecOnceN(b, func(g *graph.Graph) []*graph.Node {
		x := graph.Zeros(g, shapes.Make(dtypes.Float32, 1, 8, 8, 3))
		k := graph.Zeros(g, shapes.Make(dtypes.Float32, 3, 3, 4, 2))
		return []*graph.Node{Convolve(x, k, ConvOptions{})}
	})
	if err == nil {
		t.Fatal("Convolve with 3 input channels and a kernel for 4 gave no error")
	}
	if want := "nn: Convolve input"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not mention %q", err, want)
	}
}
