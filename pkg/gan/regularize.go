// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // penalty formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// R1Penalty is the squared norm of D's gradient at the real images (Mescheder et al. 2018, "Which Training
// Methods for GANs do actually Converge?", arXiv 1801.04406, eq. 9):
//
//	R1 = E_x[‖∇_x D(x)‖²]
//
// critic computes D's raw output on a batch (per image, or per patch: its sum per image is differentiated).
// The returned scalar is to be multiplied by γ/2 and added to D's loss. Unlike WGAN-GP's penalty it pulls the
// gradient to zero on the data only, which makes the game converge locally where the generator matches the
// data (the paper's theorem 4.1); its gradient with respect to D's weights is a second-order derivative.
func R1Penalty(critic func(x *Node) *Node, real *Node) *Node {
	if real.Rank() < 2 {
		exceptions.Panicf("gan: R1Penalty needs a batch of images, got %s", real.Shape())
	}
	x := Identity(StopGradient(real)) // a node of its own to differentiate at, with no path back to the images' makers
	grad := Gradient(ReduceAllSum(critic(x)), x)[0]
	axes := make([]int, real.Rank()-1)
	for i := range axes {
		axes[i] = i + 1
	}
	return ReduceAllMean(ReduceSum(Square(grad), axes...)) // mean over the batch of ‖∇‖²
}

// LeCamPenalty is the LeCam regularizer of Tseng et al. 2021 ("Regularizing Generative Adversarial Networks
// under Limited Data", arXiv 2104.03310, eq. 3):
//
//	R_LC = E_x[(D(x) − α_F)²] + E_z[(D(G(z)) − α_R)²]
//
// where α_R and α_F are moving averages of D's mean output on the real and on the generated images (anchors,
// scalars, given here without gradient). It keeps D's verdicts near those of the other side's average, so D
// cannot push the two apart without bound on a small training set; the paper shows that it bounds the
// divergence the game minimizes by a LeCam (triangular) divergence. D's raw outputs (logits for the sigmoid
// losses) are regularized; the scalar is to be multiplied by λ and added to D's loss.
func LeCamPenalty(realOut, fakeOut, anchorReal, anchorFake *Node) *Node {
	return Add(ReduceAllMean(Square(Sub(realOut, StopGradient(anchorFake)))),
		ReduceAllMean(Square(Sub(fakeOut, StopGradient(anchorReal)))))
}

// Paths of the LeCam anchors: outside both networks, so no optimizer trains them and G's weight average does not
// read them; saved with every checkpoint, so a resumed run goes on with the same anchors.
const (
	LeCamAnchorReal = "/lecam/anchor_real"
	LeCamAnchorFake = "/lecam/anchor_fake"
)

// LeCamDecay is the decay of the anchors' moving average: 0.99 (Tseng et al.'s code, ema_losses.py).
const LeCamDecay = 0.99

// updateLeCamAnchors moves the anchors towards this batch's mean verdicts and returns them (α_R, α_F) after the
// move. The decay starts low and rises to LeCamDecay, min(LeCamDecay, (1 + t)/(10 + t)) at global step t (the
// warm-up of TensorFlow's ExponentialMovingAverage with num_updates), so the anchors start at the first
// batches' verdicts, not at 0.
func updateLeCamAnchors(store *model.Store, step, realOut, fakeOut *Node) (anchorReal, anchorFake *Node) {
	g := realOut.Graph()
	t := ConvertDType(step, realOut.DType())
	decay := Min(Div(AddScalar(t, 1), AddScalar(t, 10)), Scalar(g, realOut.DType(), LeCamDecay))
	move := func(path string, out *Node) *Node {
		scope, name := model.SplitPath(path)
		zero := func(g *Graph, s shapes.Shape) *Node { return Zeros(g, s) }
		v := store.Scope(scope).WithInitializer(zero).VariableWithShape(name, shapes.Make(out.DType())).SetTrainable(false)
		old := v.NodeValue(g)
		mean := ReduceAllMean(StopGradient(out))
		next := Add(Mul(decay, old), Mul(OneMinus(decay), mean))
		v.SetNodeValue(next)
		return next
	}
	return move(LeCamAnchorReal, realOut), move(LeCamAnchorFake, fakeOut)
}
