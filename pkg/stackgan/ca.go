// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/nn"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Augment is conditioning augmentation on text embeddings e [B, E]: a dense layer (in scope "ca") to 2·dim
// numbers, the first dim μ and the next dim log σ (each its own half: the Keras port's bug sliced log σ like μ),
// LeakyReLU as in the authors' code, and c = μ + exp(log σ) ⊙ eps for the given noise eps [B, dim] ~ N(0, I).
func Augment(scope *model.Scope, e, eps *Node, dim int) (c, mu, logSigma *Node) {
	if eps.Rank() != 2 || eps.Shape().Dimensions[1] != dim || eps.Shape().Dimensions[0] != e.Shape().Dimensions[0] {
		exceptions.Panicf("stackgan: Augment needs eps [%d, %d], got %s", e.Shape().Dimensions[0], dim, eps.Shape())
	}
	h := nn.LeakyReLU(dcgan.Dense(scope.In("ca"), e, 2*dim, true), 0.2)
	mu = Slice(h, AxisRange(), AxisRange(0, dim))
	logSigma = Slice(h, AxisRange(), AxisRange(dim, 2*dim))
	return Reparametrize(mu, logSigma, eps), mu, logSigma
}

// Reparametrize is μ + exp(log σ) ⊙ eps: a sample of N(μ, σ²) that is a differentiable function of μ and log σ.
func Reparametrize(mu, logSigma, eps *Node) *Node {
	return Add(mu, Mul(Exp(logSigma), StopGradient(eps)))
}

// KL is KL(N(μ, σ²) ‖ N(0, I)) = ½ Σ_k (μ_k² + σ_k² − 2·log σ_k − 1) for each row of μ, log σ [B, dim],
// averaged over the batch: a scalar, ≥ 0, and 0 exactly at μ = 0, σ = 1.
func KL(mu, logSigma *Node) *Node {
	terms := Sub(Add(Square(mu), Exp(MulScalar(logSigma, 2))), AddScalar(MulScalar(logSigma, 2), 1))
	return ReduceAllMean(MulScalar(ReduceSum(terms, -1), 0.5))
}
