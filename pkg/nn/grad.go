// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import "github.com/gomlx/gomlx/core/graph"

// withGradients computes out = forward(a, b) and gives it the gradients returned by grads(dOut) instead of
// the ones GoMLX's automatic differentiation derives from forward's operations.
//
// GoMLX v0.28 lets a single-input Identity carry a custom gradient, so this is how: a and b go through
// identities whose custom gradients ignore the adjoint autodiff hands them and return grads(dOut), where dOut
// is the adjoint of out, captured by a third identity on the output (the reverse pass always visits out before
// its inputs, and each pass, one per graph.Gradient call, captures its own dOut). The gradient autodiff would
// have built from forward is left unused and never computed: both backends drop unused nodes.
//
// patchMatMul uses it to skip what v0.28's DotGeneral gradient does on the pure-Go backend: a full copy of
// the patch-matrix gradient (an identity Transpose) and transposes of the output gradient.
func withGradients(a, b *graph.Node, forward func(a, b *graph.Node) *graph.Node,
	grads func(a, b, dOut *graph.Node) (da, db *graph.Node)) *graph.Node {
	var dOut, da, db *graph.Node
	var done bool
	compute := func(a, b *graph.Node) {
		if !done {
			da, db = grads(a, b, dOut)
			done = true
		}
	}
	aIn, bIn := a, b
	a = graph.IdentityWithCustomGradient(a, func(_, _ *graph.Node) *graph.Node { compute(aIn, bIn); return da })
	b = graph.IdentityWithCustomGradient(b, func(_, _ *graph.Node) *graph.Node { compute(aIn, bIn); return db })
	return graph.IdentityWithCustomGradient(forward(a, b), func(_, v *graph.Node) *graph.Node {
		dOut, done = v, false // a new reverse pass
		return v
	})
}
