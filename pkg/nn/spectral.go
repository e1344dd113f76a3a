// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nn

import (
	"math"

	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Scope parameters that change how the layers of this package (and the dense layers built with Weight) are
// made. The GAN core sets them on a network's scope from the run's settings, so every family's networks follow
// them without knowing they exist, as GoMLX's own layers read their hyperparameters from the scope.
const (
	// ParamSpectralNorm (bool): every weight made by Weight under the scope (Conv2D's kernels, the families'
	// dense layers) is divided by its largest singular value (SpectralNormalize). The core sets it on D's scope.
	ParamSpectralNorm = "spectral_norm"
	// ParamUpsample (string): how ConvTranspose2D layers of stride s > 1 upsample. "" or UpsampleTransposed: the
	// transposed convolution; UpsampleResize: nearest-neighbour resizing by s followed by a 3×3 convolution
	// (Odena et al. 2016). The core sets it on G's scope.
	ParamUpsample = "upsample"
)

// Ways ConvTranspose2D upsamples (ParamUpsample).
const (
	UpsampleTransposed = "transposed"
	UpsampleResize     = "resize"
)

// SpectralStateName is the name of the power iteration's vector u that SpectralNormalize keeps beside a weight
// ("weights_sn_u"): a variable that is saved with the checkpoint and never trained.
const SpectralStateName = "_sn_u"

// Weight returns the value of the weight variable name of the given shape under scope, in g: the variable as it
// is, or, when the scope's ParamSpectralNorm is set, its spectral normalization W/σ(W) (SpectralNormalize).
func Weight(scope *model.Scope, g *graph.Graph, name string, shape shapes.Shape) *graph.Node {
	w := scope.VariableWithShape(name, shape).NodeValue(g)
	if model.GetParamOr(scope, ParamSpectralNorm, false) {
		return SpectralNormalize(scope, name, w)
	}
	return w
}

// SpectralNormalize returns W/σ(W), the weight w divided by an estimate of its largest singular value, so that a
// layer built on it is 1-Lipschitz (Miyato et al. 2018, "Spectral Normalization for Generative Adversarial
// Networks", arXiv 1802.05957, algorithm 1). The weight is read as a matrix of its last axis (the output
// channels or units) against all the others: a convolution kernel [k, k, Cin, Cout] as [k·k·Cin, Cout], as
// PyTorch's torch.nn.utils.spectral_norm reads [Cout, Cin, k, k] as [Cout, Cin·k·k] (the same singular values).
//
// σ is estimated by one step of power iteration per call, from a vector u [Cout] kept in the variable
// name+SpectralStateName under scope (drawn from N(0, 1) and normalized at the start; not trainable; saved with
// the checkpoint, so a resumed run goes on from the same u):
//
//	v = W u / ‖W u‖,   u' = Wᵀ v / ‖Wᵀ v‖,   σ = vᵀ W u'
//
// In training mode u' is written back to the variable (each D evaluation of a step refines it, as each forward
// pass does in PyTorch); in inference mode it is used and not stored. u' and v carry no gradient: the
// gradient reaches W through W/σ, σ's own dependence on W included (as in the paper and PyTorch).
func SpectralNormalize(scope *model.Scope, name string, w *graph.Node) *graph.Node {
	if w.Rank() < 2 {
		exceptions.Panicf("nn: SpectralNormalize needs a weight of rank 2 or more, got %s", w.Shape())
	}
	g := w.Graph()
	dims := w.Shape().Dimensions
	out := dims[len(dims)-1]
	m := graph.Reshape(w, -1, out) // [in', out]
	normal := initializer.RandomNormalFn(scope, 1)
	uVar := scope.WithInitializer(func(g *graph.Graph, s shapes.Shape) *graph.Node { return l2Normalize(normal(g, s)) }).
		VariableWithShape(name+SpectralStateName, shapes.Make(w.DType(), out)).SetTrainable(false)
	u := uVar.NodeValue(g)                                                                // [out]
	v := l2Normalize(graph.StopGradient(graph.Dot(m, u).Product()))                       // [in']
	u = l2Normalize(graph.StopGradient(graph.Dot(graph.Transpose(m, 0, 1), v).Product())) // [out]
	sigma := graph.ReduceAllSum(graph.Mul(v, graph.Dot(m, u).Product()))                  // vᵀ W u
	if scope.IsTraining(g) {
		uVar.SetNodeValue(u)
	}
	return graph.Div(w, sigma)
}

// l2Normalize is x / max(‖x‖, 1e-12) for a vector x.
func l2Normalize(x *graph.Node) *graph.Node {
	norm := graph.Sqrt(graph.ReduceAllSum(graph.Square(x)))
	return graph.Div(x, graph.MaxScalar(norm, 1e-12))
}

// LargestSingularValue is σ₁ of the m×n matrix a (row-major) by the SVD's definition, the square root of the
// largest eigenvalue of aᵀa, found by cyclic Jacobi rotations: the exact value that SpectralNormalize's power
// iteration estimates (to check it, and to print a layer's Lipschitz bound).
func LargestSingularValue(a []float64, m, n int) float64 {
	s := make([]float64, n*n) // aᵀa
	for i := range n {
		for j := range n {
			for k := range m {
				s[i*n+j] += a[k*n+i] * a[k*n+j]
			}
		}
	}
	for sweep := 0; sweep < 100; sweep++ {
		off := 0.0
		for p := range n {
			for q := p + 1; q < n; q++ {
				off += s[p*n+q] * s[p*n+q]
				if math.Abs(s[p*n+q]) < 1e-15 {
					continue
				}
				theta := (s[q*n+q] - s[p*n+p]) / (2 * s[p*n+q])
				t := math.Copysign(1, theta) / (math.Abs(theta) + math.Sqrt(theta*theta+1))
				c := 1 / math.Sqrt(t*t+1)
				sn := t * c
				for k := range n { // columns p, q
					kp, kq := s[k*n+p], s[k*n+q]
					s[k*n+p], s[k*n+q] = c*kp-sn*kq, sn*kp+c*kq
				}
				for k := range n { // rows p, q
					pk, qk := s[p*n+k], s[q*n+k]
					s[p*n+k], s[q*n+k] = c*pk-sn*qk, sn*pk+c*qk
				}
			}
		}
		if off < 1e-24 {
			break
		}
	}
	top := 0.0
	for i := range n {
		top = math.Max(top, s[i*n+i])
	}
	return math.Sqrt(top)
}
