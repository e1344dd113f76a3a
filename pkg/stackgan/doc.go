// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package stackgan holds the pieces of StackGAN (Zhang et al. 2016, arXiv 1612.03242) that ganbook has so far:
// conditioning augmentation (section 3.1), the reparametrization trick it rests on, and its KL term.
//
// Conditioning augmentation: a fully connected layer maps the text embedding φ(t) to a mean μ and a log standard
// deviation log σ, and the condition G reads is a sample c = μ + σ ⊙ ε, ε ~ N(0, I), rather than a fixed
// function of the text. Written this way (the reparametrization trick, the tutorial's appendix), c is a
// deterministic, differentiable function of μ and σ given ε, so gradients reach the layer that makes them;
// ε carries no gradient. G's loss adds λ·KL(N(μ, σ²) ‖ N(0, I)), with
//
//	KL = ½ Σ_k (μ_k² + σ_k² − log σ_k² − 1),
//
// which keeps the conditioning manifold smooth and the samples for one caption varied. The paper writes λ = 1;
// the authors' configurations (cfg/*.yml, TRAIN.COEFF.KL) use 2.0.
package stackgan
