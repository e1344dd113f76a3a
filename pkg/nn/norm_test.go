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

func TestLeakyReLU(t *testing.T) {
	b := testBackend(t)
	outs := graph.MustExecOnceN(b, func(x *graph.Node) []*graph.Node {
		y := LeakyReLU(x, 0.2)
		return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(y), x)[0]}
	}, []float32{-2, -0.5, 0.5, 3})
	// Hand-computed: max(x, 0.2x) and its slope (0.2 below zero, 1 above).
	wantY, wantG := []float32{-0.4, -0.1, 0.5, 3}, []float32{0.2, 0.2, 1, 1}
	gotY, gotG := outs[0].Value().([]float32), outs[1].Value().([]float32)
	for i := range wantY {
		if math.Abs(float64(gotY[i]-wantY[i])) > 1e-6 || gotG[i] != wantG[i] {
			t.Errorf("x[%d]: got %g (slope %g), want %g (slope %g)", i, gotY[i], gotG[i], wantY[i], wantG[i])
		}
	}
}

func TestUpsample(t *testing.T) {
	b := testBackend(t)
	x := [][][][]float32{{{{1, 10}, {2, 20}}, {{3, 30}, {4, 40}}}} // [1, 2, 2, 2]
	outs := graph.MustExecOnceN(b, func(x *graph.Node) []*graph.Node {
		y := Upsample(x, 2)
		return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(y), x)[0]}
	}, x)
	y := outs[0].Value().([][][][]float32)
	if d := outs[0].Shape().Dimensions; len(d) != 4 || d[1] != 4 || d[2] != 4 || d[3] != 2 {
		t.Fatalf("shape %v, want [1 4 4 2]", d)
	}
	for i := range 4 {
		for j := range 4 {
			want := x[0][i/2][j/2]
			if y[0][i][j][0] != want[0] || y[0][i][j][1] != want[1] {
				t.Errorf("y[%d][%d] = %v, want %v", i, j, y[0][i][j], want)
			}
		}
	}
	// Every input pixel is copied 4 times: the gradient of the sum is 4.
	for _, g := range tensors.MustCopyFlatData[float32](outs[1]) {
		if g != 4 {
			t.Fatalf("gradient %g, want 4", g)
		}
	}
}

// TestBatchNormTraining checks the normalized values, the gradient through the batch statistics and the
// running-average update, on a batch whose statistics are known: channel 0 holds 1, 2, 3, 4 (mean 2.5,
// biased variance 1.25) and channel 1 holds 10, 10, 10, 14 (mean 11, variance 3).
func TestBatchNormTraining(t *testing.T) {
	b := testBackend(t)
	store := model.NewStore()
	x := [][]float32{{1, 10}, {2, 10}, {3, 10}, {4, 14}}
	w := [][]float32{{1, 0}, {0, 0}, {0, 0}, {0, 1}} // loss = y[0,0] + y[3,1]
	step := model.MustNewExec(b, store, func(scope *model.Scope, x, w *graph.Node) []*graph.Node {
		store.SetTraining(x.Graph(), true)
		y := BatchNorm(scope.In("bn"), x).Done()
		return []*graph.Node{y, graph.Gradient(graph.ReduceAllSum(graph.Mul(y, w)), x)[0]}
	})
	outs := step.MustCall(x, w)
	y, dx := outs[0].Value().([][]float32), outs[1].Value().([][]float32)
	sd0, sd1 := math.Sqrt(1.25+1e-5), math.Sqrt(3+1e-5)
	wantY := [][]float64{{-1.5 / sd0, -1 / sd1}, {-0.5 / sd0, -1 / sd1}, {0.5 / sd0, -1 / sd1}, {1.5 / sd0, 3 / sd1}}
	for i := range wantY {
		for c := range 2 {
			if math.Abs(float64(y[i][c])-wantY[i][c]) > 1e-5 {
				t.Errorf("y[%d][%d] = %g, want %g", i, c, y[i][c], wantY[i][c])
			}
		}
	}
	// The full batch-norm gradient for the loss y[j]: dy/dx_i = (δij - 1/N - ŷi·ŷj/N) / σ.
	// With the stop-gradient shortcut it would be δij/σ: dx[1][0] would be 0 instead of (-1/4 - ŷ1ŷ0/4)/σ.
	for c, j := range []int{0, 3} {
		sd := []float64{sd0, sd1}[c]
		for i := range 4 {
			delta := 0.0
			if i == j {
				delta = 1
			}
			want := (delta - 0.25 - wantY[i][c]*wantY[j][c]/4) / sd
			if math.Abs(float64(dx[i][c])-want) > 1e-4 {
				t.Errorf("dx[%d][%d] = %g, want %g", i, c, dx[i][c], want)
			}
		}
	}
	// One training step moves the running averages 10% of the way from (0, 1) to the batch statistics.
	mean := store.GetVariable("/bn/mean").MustValue().Value().([]float32)
	variance := store.GetVariable("/bn/variance").MustValue().Value().([]float32)
	for c, want := range [][2]float64{{0.25, 0.9 + 0.125}, {1.1, 0.9 + 0.3}} {
		if math.Abs(float64(mean[c])-want[0]) > 1e-5 || math.Abs(float64(variance[c])-want[1]) > 1e-5 {
			t.Errorf("running mean/variance[%d] = %g/%g, want %g/%g", c, mean[c], variance[c], want[0], want[1])
		}
	}
	// Outside training the running averages normalize: (x - 0.25) / sqrt(1.025 + ε) for channel 0.
	infer := model.MustNewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		return BatchNorm(scope.In("bn"), x).Done()
	})
	yi := infer.MustCall1(x).Value().([][]float32)
	if want := (1 - 0.25) / math.Sqrt(1.025+1e-5); math.Abs(float64(yi[0][0])-want) > 1e-5 {
		t.Errorf("inference y[0][0] = %g, want %g", yi[0][0], want)
	}
}

// TestConvLayers checks the variables and output shapes of the layers, and that biases start at zero.
func TestConvLayers(t *testing.T) {
	b := testBackend(t)
	store := model.NewStore()
	out := model.MustCallOnceN(b, store, func(scope *model.Scope, x *graph.Node) []*graph.Node {
		h := Conv2D(scope.In("d1"), x, 8).Kernel(5).Stride(2).Done()                         // [2, 14, 14, 8]
		u := ConvTranspose2D(scope.In("g1"), h, 4).Kernel(4).Stride(2).UseBias(false).Done() // [2, 28, 28, 4]
		v := Conv2D(scope.In("d2"), u, 3).Kernel(3).PadValid().Done()                        // [2, 26, 26, 3]
		return []*graph.Node{h, u, v}
	}, tensors.FromShape(shapes.Make(dtypes.Float32, 2, 28, 28, 1)))
	for i, want := range [][]int{{2, 14, 14, 8}, {2, 28, 28, 4}, {2, 26, 26, 3}} {
		if got := out[i].Shape().Dimensions; !equalInts(got, want) {
			t.Errorf("output %d: shape %v, want %v", i, got, want)
		}
	}
	for name, want := range map[string][]int{
		"/d1/weights": {5, 5, 1, 8}, "/d1/biases": {8}, "/g1/weights": {4, 4, 4, 8}, "/d2/weights": {3, 3, 4, 3},
	} {
		v := store.GetVariable(name)
		if v == nil {
			t.Errorf("variable %s missing", name)
			continue
		}
		if got := v.MustValue().Shape().Dimensions; !equalInts(got, want) {
			t.Errorf("%s: shape %v, want %v", name, got, want)
		}
	}
	if store.GetVariable("/g1/biases") != nil {
		t.Error("UseBias(false) still created /g1/biases")
	}
	for _, v := range tensors.MustCopyFlatData[float32](store.GetVariable("/d1/biases").MustValue()) {
		if v != 0 {
			t.Fatalf("bias starts at %g, want 0", v)
		}
	}
}

func equalInts(a, b []int) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
