// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"github.com/ganbook/ganbook/pkg/eval"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // loss formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// L1Loss is pix2pix's reconstruction term (Isola et al. 2017, eq. 3), the mean absolute error
//
//	L_L1(G) = E_{x,y}[‖y - G(x)‖₁]   (averaged over pixels).
//
// L1 rather than L2 because it blurs less: its minimiser is the median of the plausible outputs, not their mean.
func L1Loss(fake, target *Node) *Node {
	return ReduceAllMean(Abs(Sub(fake, target)))
}

// PixelMSE is the pixel-wise mean squared error, SRResNet's loss (Ledig et al. 2017, eq. 4):
//
//	l_MSE = 1/(r²WH) Σ (y - G(x))²
func PixelMSE(fake, target *Node) *Node {
	return ReduceAllMean(Square(Sub(fake, target)))
}

// ContentLoss is SRGAN's content loss (Ledig et al. 2017, eq. 5) with pkg/eval's classifier as the feature
// network φ in place of VGG19: the mean squared distance between the classifier's 128 penultimate features
// (eval.Network) of the generated and of the true images,
//
//	l_φ = 1/128 Σ_k (φ_k(G(x)) - φ_k(y))²   (averaged over the batch).
//
// scope is where the classifier's variables are (the root's eval.ScopeClassifier, loaded from the committed
// weights); they must exist before the graph is built and no optimizer may see them. Both batches go through
// the classifier as one, and the target's features are constants.
func ContentLoss(scope *model.Scope, fake, target *Node) *Node {
	if !fake.Shape().Equal(target.Shape()) {
		exceptions.Panicf("imagegan: ContentLoss needs two batches of one shape, got %s and %s", fake.Shape(), target.Shape())
	}
	batch := fake.Shape().Dimensions[0]
	_, features := eval.Network(scope, Concatenate([]*Node{fake, target}, 0), eval.NumClasses, 0) // [2B, 128]
	ff := Slice(features, AxisRange(0, batch))                                                    // [B, 128]
	ft := StopGradient(Slice(features, AxisRange(batch, 2*batch)))                                // [B, 128]
	return ReduceAllMean(Square(Sub(ff, ft)))
}
