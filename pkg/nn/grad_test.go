// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import (
	"math"
	"testing"

	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestWithGradients checks the custom-gradient plumbing on a product whose hand-written gradient is exact, in
// one graph that takes two gradients of two different losses (as a GAN step does for D and G): each pass must
// see its own output adjoint.
func TestWithGradients(t *testing.T) {
	b := testBackend(t)
	a := randomTensor(1, 3, 4)
	c := randomTensor(2, 4, 5)
	w1 := randomTensor(3, 3, 5)
	w2 := randomTensor(4, 3, 5)
	outs := graph.MustExecOnceN(b, func(a, c, w1, w2 *graph.Node) []*graph.Node {
		custom := withGradients(a, c, graph.MatMul, func(a, c, dOut *graph.Node) (*graph.Node, *graph.Node) {
			return graph.MatMul(dOut, graph.Transpose(c, 0, 1)), graph.MatMul(graph.Transpose(a, 0, 1), dOut)
		})
		plain := graph.MatMul(a, c)
		var res []*graph.Node
		for _, w := range []*graph.Node{w1, w2} {
			// A non-linear loss so that the adjoint depends on the value as well as on w.
			lossCustom := graph.ReduceAllSum(graph.Mul(graph.Square(custom), w))
			lossPlain := graph.ReduceAllSum(graph.Mul(graph.Square(plain), w))
			res = append(res, graph.Gradient(lossCustom, a, c)...)
			res = append(res, graph.Gradient(lossPlain, a, c)...)
		}
		return append(res, custom, plain)
	}, a, c, w1, w2)
	pairs := [][2]int{{0, 2}, {1, 3}, {4, 6}, {5, 7}, {8, 9}}
	for _, p := range pairs {
		got, want := tensors.MustCopyFlatData[float32](outs[p[0]]), tensors.MustCopyFlatData[float32](outs[p[1]])
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-4*(1+math.Abs(float64(want[i]))) {
				t.Fatalf("output %d differs from autodiff's %d at %d: %g vs %g", p[0], p[1], i, got[i], want[i])
			}
		}
	}
	// The two losses must give different gradients, or the test could not tell the passes apart.
	if g1, g2 := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[4]); g1[0] == g2[0] {
		t.Fatal("both losses gave the same gradient: the test is degenerate")
	}
}
