// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"

	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // loss formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/support/exceptions"
)

// The losses take the discriminator's raw outputs (logits for the sigmoid losses, scores for the others), of
// any shape (one per image, or a patch per image for PatchGAN), and return a scalar: the mean over all
// elements. Names follow TF-GAN (tensorflow_gan/python/losses/losses_impl.py): XxxGeneratorLoss is minimized by
// the generator, XxxDiscriminatorLoss by the discriminator (the critic, for Wasserstein).

// sigmoidCrossEntropy returns the mean of -t·log σ(l) - (1-t)·log(1-σ(l)) = Softplus(l) - t·l, for a constant
// target t.
func sigmoidCrossEntropy(logits *Node, target float64) *Node {
	ce := Softplus(logits)
	if target != 0 {
		ce = Sub(ce, MulScalar(logits, target))
	}
	return ReduceAllMean(ce)
}

// MinimaxGeneratorLoss is the generator's side of the original GAN game (Goodfellow et al. 2014, eq. 1):
//
//	L_G = E_z[log(1 - D(G(z)))] = -E[Softplus(l_fake)]
//
// It saturates: when D rejects the samples confidently (early in training) its gradient vanishes, which is why
// the paper itself recommends the non-saturating loss in practice.
func MinimaxGeneratorLoss(fakeLogits *Node) *Node {
	return Neg(ReduceAllMean(Softplus(fakeLogits)))
}

// NonSaturatingGeneratorLoss is the "-log D trick" (Goodfellow et al. 2014, section 3):
//
//	L_G = -E_z[log D(G(z))] = E[Softplus(-l_fake)]
//
// It has the same fixed point as the minimax loss but strong gradients when D rejects the samples.
func NonSaturatingGeneratorLoss(fakeLogits *Node) *Node {
	return ReduceAllMean(Softplus(Neg(fakeLogits)))
}

// DiscriminatorLoss is the discriminator's sigmoid cross-entropy (Goodfellow et al. 2014, eq. 1), shared by the
// minimax and non-saturating games:
//
//	L_D = -E_x[log D(x)] - E_z[log(1 - D(G(z)))]
//
// With one-sided label smoothing s > 0 (Salimans et al. 2016, section 3.4) the real targets are 1-s instead
// of 1; fake targets stay 0.
func DiscriminatorLoss(realLogits, fakeLogits *Node, labelSmoothing float64) *Node {
	if labelSmoothing < 0 || labelSmoothing >= 1 {
		exceptions.Panicf("gan: label smoothing must be in [0, 1), got %g", labelSmoothing)
	}
	return Add(sigmoidCrossEntropy(realLogits, 1-labelSmoothing), sigmoidCrossEntropy(fakeLogits, 0))
}

// LeastSquaresGeneratorLoss is LSGAN's generator loss (Mao et al. 2017, eq. 9 with c = 1):
//
//	L_G = ½ E_z[(D(G(z)) - 1)²]
func LeastSquaresGeneratorLoss(fake *Node) *Node {
	return MulScalar(ReduceAllMean(Square(AddScalar(fake, -1))), 0.5)
}

// LeastSquaresDiscriminatorLoss is LSGAN's discriminator loss (Mao et al. 2017, eq. 9 with a = 0, b = 1):
//
//	L_D = ½ E_x[(D(x) - 1)²] + ½ E_z[D(G(z))²]
func LeastSquaresDiscriminatorLoss(real, fake *Node) *Node {
	return MulScalar(Add(ReduceAllMean(Square(AddScalar(real, -1))), ReduceAllMean(Square(fake))), 0.5)
}

// WassersteinGeneratorLoss is WGAN's generator loss (Arjovsky et al. 2017, algorithm 1):
//
//	L_G = -E_z[D(G(z))]
func WassersteinGeneratorLoss(fake *Node) *Node {
	return Neg(ReduceAllMean(fake))
}

// WassersteinCriticLoss is WGAN's critic (discriminator) loss, the negated estimate of the Wasserstein-1
// distance (Arjovsky et al. 2017, algorithm 1):
//
//	L_D = E_z[D(G(z))] - E_x[D(x)]
//
// It needs the critic to be 1-Lipschitz: add GradientPenalty (WGAN-GP) rather than clipping weights.
func WassersteinCriticLoss(real, fake *Node) *Node {
	return Sub(ReduceAllMean(fake), ReduceAllMean(real))
}

// GradientPenalty is WGAN-GP's penalty (Gulrajani et al. 2017, algorithm 1):
//
//	GP = E_x̂[(‖∇_x̂ D(x̂)‖₂ - 1)²],   x̂ = ε·x + (1-ε)·x̃,  ε ~ U[0, 1] per example
//
// critic computes D on a batch; real and fake are batches of the same shape; eps has one value per example
// ([B]). The returned scalar is to be multiplied by λ (10 in the paper) and added to the critic's loss; its
// gradient with respect to the critic's weights is a second-order derivative, which GoMLX builds.
func GradientPenalty(critic func(x *Node) *Node, real, fake, eps *Node) *Node {
	if !real.Shape().Equal(fake.Shape()) || eps.Rank() != 1 || eps.Shape().Dimensions[0] != real.Shape().Dimensions[0] {
		exceptions.Panicf("gan: GradientPenalty needs real and fake of one shape and eps [batch], got %s, %s and %s",
			real.Shape(), fake.Shape(), eps.Shape())
	}
	e := Reshape(eps, append([]int{eps.Shape().Dimensions[0]}, ones(real.Rank()-1)...)...)
	xHat := Add(Mul(e, real), Mul(OneMinus(e), StopGradient(fake)))
	grad := Gradient(ReduceAllSum(critic(xHat)), xHat)[0]
	axes := make([]int, real.Rank()-1)
	for i := range axes {
		axes[i] = i + 1
	}
	norm := Sqrt(AddScalar(ReduceSum(Square(grad), axes...), 1e-12)) // [B]
	return ReduceAllMean(Square(AddScalar(norm, -1)))
}

// HingeGeneratorLoss is the generator's hinge loss (Lim & Ye 2017; Miyato et al. 2018, eq. 17):
//
//	L_G = -E_z[D(G(z))]
func HingeGeneratorLoss(fake *Node) *Node {
	return Neg(ReduceAllMean(fake))
}

// HingeDiscriminatorLoss is the discriminator's hinge loss (Lim & Ye 2017; Miyato et al. 2018, eq. 16):
//
//	L_D = E_x[max(0, 1 - D(x))] + E_z[max(0, 1 + D(G(z)))]
func HingeDiscriminatorLoss(real, fake *Node) *Node {
	zero := ScalarZero(real.Graph(), real.DType())
	return Add(ReduceAllMean(Max(OneMinus(real), zero)), ReduceAllMean(Max(AddScalar(fake, 1), zero)))
}

func ones(n int) []int {
	out := make([]int, n)
	for i := range out {
		out[i] = 1
	}
	return out
}

// GeneratorLossFor is G's loss of the named game (one of Losses) on D's raw outputs for generated images.
func GeneratorLossFor(loss string, fake *Node) *Node {
	switch loss {
	case LossMinimax:
		return MinimaxGeneratorLoss(fake)
	case LossLeastSquares:
		return LeastSquaresGeneratorLoss(fake)
	case LossWGANGP:
		return WassersteinGeneratorLoss(fake)
	case LossHinge:
		return HingeGeneratorLoss(fake)
	case LossNonSaturating:
		return NonSaturatingGeneratorLoss(fake)
	}
	exceptions.Panicf("gan: unknown loss %q", loss)
	return nil
}

// DiscriminatorLossFor is D's loss of the named game (one of Losses, without WGAN-GP's penalty, which needs D
// itself: GradientPenalty) on D's raw outputs for real inputs and for one or more kinds of negatives: each
// loss is a real part plus a fake part, and with several negatives the fake parts are averaged,
//
//	L_D = L_real(D(real)) + 1/K Σ_k L_fake(D(negative_k)),
//
// which for Reed et al. 2016's matching-aware D (negatives: {fake image, right text} and {real image, wrong
// text}) is their log D(real, right) + ½[log(1 − D(real, wrong)) + log(1 − D(fake, right))]. The label
// smoothing applies to the sigmoid losses' real targets.
func DiscriminatorLossFor(loss string, real *Node, negatives []*Node, labelSmoothing float64) *Node {
	if len(negatives) == 0 {
		exceptions.Panicf("gan: a discriminator loss needs at least one kind of negative")
	}
	one := func(fake *Node) *Node {
		switch loss {
		case LossLeastSquares:
			return LeastSquaresDiscriminatorLoss(real, fake)
		case LossWGANGP:
			return WassersteinCriticLoss(real, fake)
		case LossHinge:
			return HingeDiscriminatorLoss(real, fake)
		case LossNonSaturating, LossMinimax:
			return DiscriminatorLoss(real, fake, labelSmoothing)
		}
		exceptions.Panicf("gan: unknown loss %q", loss)
		return nil
	}
	total := one(negatives[0])
	if len(negatives) == 1 {
		return total
	}
	for _, neg := range negatives[1:] {
		total = Add(total, one(neg))
	}
	return MulScalar(total, 1/float64(len(negatives)))
}

// TopKFake keeps, of D's outputs for a batch of generated samples, those of the k samples D rates most real,
// for G's adversarial loss: top-k training (Sinha et al. 2020, "Top-k Training of GANs: Improving GAN
// Performance by Throwing Away Bad Samples"). The gradient of a sample D rejects points toward the mean of the
// modes near it, which is where the samples between modes (a digit half 4, half 9) come from; updating G on
// the k best only moves the samples that are already near a mode. fake is [B, ...] (one output per sample, or
// a patch per sample: ranked by its mean); the result is [k, ...] in descending order of that rank, for every
// loss (higher is more real in all of Losses). 0 < k <= B; k = B returns fake itself.
func TopKFake(fake *Node, k int) *Node {
	b := fake.Shape().Dimensions[0]
	if k <= 0 || k > b {
		exceptions.Panicf("gan: top-k needs 0 < k <= the batch %d, got %d", b, k)
	}
	if k == b {
		return fake
	}
	rank := StopGradient(fake)
	if fake.Rank() > 1 {
		rank = ReduceMean(rank, allButFirst(fake.Rank())...)
	}
	_, indices := TopK(rank, k, 0)               // [k]
	return Gather(fake, ExpandAxes(indices, -1)) // [k, ...]
}

// TopKCount is the k that Config.TopK keeps of a batch of b: the fraction ν of it rounded, at least one; all
// of it when ν is 0 (off).
func TopKCount(nu float64, b int) int {
	if nu <= 0 || nu >= 1 {
		return b
	}
	return max(1, int(math.Round(nu*float64(b))))
}
