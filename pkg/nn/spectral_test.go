// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import (
	"math"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestSpectralNormalize: a kernel [2, 2, 3, 4] is read as the matrix [12, 4]; after enough steps of power
// iteration in training mode (one per call, u kept in its variable) σ matches the largest singular value of an
// SVD, and W/σ has largest singular value 1. In inference mode u is read and not written. The gradient of
// Σ c·W/σ(W) matches central differences (σ's own dependence on W included).
func TestSpectralNormalize(t *testing.T) {
	b := testBackend(t)
	w := make([]float32, 2*2*3*4)
	for i := range w {
		w[i] = float32(math.Sin(float64(i)*1.7) + 0.3*math.Cos(float64(i*i)))
	}
	a := make([]float64, len(w))
	for i, v := range w {
		a[i] = float64(v)
	}
	want := LargestSingularValue(a, 12, 4)

	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(1); err != nil {
		t.Fatal(err)
	}
	normalized := func(training bool) func(scope *model.Scope, w *graph.Node) *graph.Node {
		return func(scope *model.Scope, w *graph.Node) *graph.Node {
			store.SetTraining(w.Graph(), training)
			return SpectralNormalize(scope.In("layer"), "weights", w)
		}
	}
	train := model.MustNewExec(b, store, normalized(true))
	defer train.Finalize()
	wt := tensors.FromFlatDataAndDimensions(w, 2, 2, 3, 4)
	var out []float32
	for range 60 {
		res, err := train.Call(wt)
		if err != nil {
			t.Fatal(err)
		}
		out = tensors.MustCopyFlatData[float32](res[0])
	}
	sigma := float64(w[0] / out[0])
	if math.Abs(sigma-want) > 1e-4*want {
		t.Errorf("σ after 60 power steps %g, the SVD's largest singular value %g", sigma, want)
	}
	n := make([]float64, len(out))
	for i, v := range out {
		n[i] = float64(v)
	}
	if s := LargestSingularValue(n, 12, 4); math.Abs(s-1) > 1e-4 {
		t.Errorf("W/σ has largest singular value %g, want 1", s)
	}
	u := store.GetVariable("/layer/weights" + SpectralStateName)
	if u == nil || u.Trainable || u.Shape().Dimensions[0] != 4 {
		t.Fatalf("the power iteration's u: %v (want a [4] variable, not trainable)", u)
	}
	before := tensors.MustCopyFlatData[float32](u.MustValue())
	infer := model.MustNewExec(b, store, normalized(false))
	defer infer.Finalize()
	if _, err := infer.Call(wt); err != nil {
		t.Fatal(err)
	}
	after := tensors.MustCopyFlatData[float32](u.MustValue())
	for i := range before {
		if before[i] != after[i] {
			t.Fatalf("inference changed u[%d] from %g to %g", i, before[i], after[i])
		}
	}

	// The gradient, at the converged u (inference: u is not moved by the perturbed weights).
	c := make([]float32, len(w))
	for i := range c {
		c[i] = float32(math.Cos(float64(i) * 0.9))
	}
	lossAndGrad := model.MustNewExec(b, store, func(scope *model.Scope, w, c *graph.Node) (*graph.Node, *graph.Node) {
		store.SetTraining(w.Graph(), false)
		l := graph.ReduceAllSum(graph.Mul(SpectralNormalize(scope.In("layer"), "weights", w), c))
		return l, graph.Gradient(l, w)[0]
	})
	defer lossAndGrad.Finalize()
	ct := tensors.FromFlatDataAndDimensions(c, 2, 2, 3, 4)
	loss := func(v []float32) float64 {
		res, err := lossAndGrad.Call(tensors.FromFlatDataAndDimensions(v, 2, 2, 3, 4), ct)
		if err != nil {
			t.Fatal(err)
		}
		return float64(tensors.ToScalar[float32](res[0]))
	}
	res, err := lossAndGrad.Call(wt, ct)
	if err != nil {
		t.Fatal(err)
	}
	grad := tensors.MustCopyFlatData[float32](res[1])
	for _, k := range []int{0, 7, 13, 22} {
		h := float32(1e-2)
		plus, minus := append([]float32{}, w...), append([]float32{}, w...)
		plus[k] += h
		minus[k] -= h
		fd := (loss(plus) - loss(minus)) / (2 * float64(h))
		if math.Abs(fd-float64(grad[k])) > 2e-2*math.Max(0.1, math.Abs(fd)) {
			t.Errorf("∂/∂w[%d]: graph %g, finite differences %g", k, grad[k], fd)
		}
	}
}

// TestSpectralNormParam: Conv2D's kernel and Weight follow the scope's ParamSpectralNorm, set on a parent scope.
func TestSpectralNormParam(t *testing.T) {
	b := testBackend(t)
	store := model.NewStore()
	store.SetParam("/d/"+ParamSpectralNorm, true)
	model.MustCallOnce(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		y := Conv2D(scope.In("d").In("conv1"), x, 3).Kernel(2).Done()
		return graph.Add(graph.ReduceAllSum(y), graph.ReduceAllSum(Weight(scope.In("g"), x.Graph(), "w", shapes.Make(x.DType(), 2, 2))))
	}, tensors.FromShape(shapes.Make(dtypes.Float32, 1, 4, 4, 2)))
	if store.GetVariable("/d/conv1/weights"+SpectralStateName) == nil {
		t.Error("Conv2D under a scope with spectral_norm keeps no power-iteration state")
	}
	if store.GetVariable("/g/w"+SpectralStateName) != nil {
		t.Error("a weight outside the scope with spectral_norm was normalized")
	}
}

// TestResizeUpsample: under ParamUpsample = resize a stride-2 ConvTranspose2D is Upsample then a 3×3 SAME
// convolution: its kernel is [3, 3, Cin, Cout] and its output that of Convolve(Upsample(x, 2), kernel).
func TestResizeUpsample(t *testing.T) {
	b := testBackend(t)
	store := model.NewStore()
	store.SetParam("/g/"+ParamUpsample, UpsampleResize)
	x := make([]float32, 2*3*3*4)
	for i := range x {
		x[i] = float32(math.Sin(float64(i)))
	}
	res := model.MustCallOnce(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		y := ConvTranspose2D(scope.In("g").In("up"), x, 5).Kernel(4).Stride(2).UseBias(false).Done()
		k := store.GetVariable("/g/up/weights").NodeValue(x.Graph())
		return graph.Sub(y, Convolve(Upsample(x, 2), k, ConvOptions{}))
	}, tensors.FromFlatDataAndDimensions(x, 2, 3, 3, 4))
	if d := res.Shape().Dimensions; d[1] != 6 || d[2] != 6 || d[3] != 5 {
		t.Fatalf("shape %v, want [2 6 6 5]", d)
	}
	for i, v := range tensors.MustCopyFlatData[float32](res) {
		if math.Abs(float64(v)) > 1e-5 {
			t.Fatalf("value %d differs from upsample-then-convolve by %g", i, v)
		}
	}
	if k := store.GetVariable("/g/up/weights").Shape().Dimensions; k[0] != 3 || k[2] != 4 || k[3] != 5 {
		t.Errorf("resize-convolution kernel %v, want [3 3 4 5]", k)
	}
	// The gradients with respect to the input and to the kernel are those of upsample-then-convolve too (the
	// layer is computed as a transposed convolution of a 4×4 kernel made from the 3×3 one).
	grads := model.MustCallOnce(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		y := ConvTranspose2D(scope.In("g").In("up"), x, 5).Kernel(4).Stride(2).UseBias(false).Done()
		kv := store.GetVariable("/g/up/weights").NodeValue(x.Graph())
		ref := Convolve(Upsample(x, 2), kv, ConvOptions{})
		c := graph.Sin(graph.Iota(x.Graph(), y.Shape(), 3))
		g1 := graph.Gradient(graph.ReduceAllSum(graph.Mul(y, c)), x, kv)
		g2 := graph.Gradient(graph.ReduceAllSum(graph.Mul(ref, c)), x, kv)
		return graph.Add(graph.ReduceAllSum(graph.Abs(graph.Sub(g1[0], g2[0]))), graph.ReduceAllSum(graph.Abs(graph.Sub(g1[1], g2[1]))))
	}, tensors.FromFlatDataAndDimensions(x, 2, 3, 3, 4))
	if d := tensors.ToScalar[float32](grads); d > 1e-4 {
		t.Errorf("the gradients differ from upsample-then-convolve's by %g in all", d)
	}
}
