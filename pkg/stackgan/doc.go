// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package stackgan is StackGAN (Zhang, Xu, Li, Zhang, Wang, Huang and Metaxas 2016, "StackGAN: Text to
// Photo-realistic Image Synthesis with Stacked Generative Adversarial Networks", arXiv 1612.03242) as a family
// on pkg/gan's core: two stacked text-conditional GANs and the conditioning augmentation both use.
//
// Stage-I (section 3.2) draws a low-resolution image from the text: G0(z, c0), DCGAN's generator on [z, c0],
// judged by a matching-aware D0 (pkg/text2img's GAN-CLS discriminator at the stage's size: {real, right text}
// real, {real, wrong text} and {fake, right text} fake). Stage-II (section 3.3) refines it: G1(X1, c1) encodes
// Stage-I's image X1 down to half its side, joins a fresh conditioning sample c1 replicated over the map,
// applies residual blocks and upsamples to 4× Stage-I's side (the paper's 64 → 256; ganbook's CPU sizes 16 →
// 64), and D1 judges the large images with the text. Stage-I is frozen while Stage-II trains, as in the paper:
// a Stage-II run copies Stage-I's generator (and its text encoder) into G's scope, not trainable, and builds it
// in inference mode, so the Stage-I image inside Stage-II is exactly what the Stage-I run draws (Stage1Images).
// Refiner.Skip (`--refine-skip`) departs from the paper: G1's last convolution is added to the logits of X1
// upsampled bilinearly, so G1 draws a correction to the enlarged Stage-I image rather than the whole image and
// keeps the digit it was given (on capmnist the paper's G1 drew fewer of the asked digits than its Stage-I).
//
// Conditioning augmentation (section 3.1): a fully connected layer maps the text embedding φ(t) to a mean μ and
// a log standard deviation log σ, and the condition G reads is a sample c = μ + σ ⊙ ε with ε ~ N(0, I) rather
// than a fixed function of the text. Written this way (the reparametrization trick, the tutorial's appendix),
// c is a deterministic, differentiable function of μ and σ given ε, so gradients reach the layer that makes
// them; ε carries no gradient (Reparametrize). G's loss adds λ·KL(N(μ, σ²) ‖ N(0, I)) (KL), with
//
//	KL = ½ Σ_k (μ_k² + σ_k² − log σ_k² − 1),
//
// which keeps the conditioning manifold smooth and the samples for one caption varied. The paper writes λ = 1;
// the authors' configurations (cfg/*.yml, TRAIN.COEFF.KL) use 2.0, on the KL averaged over the dimensions as
// well as the batch, and ganbook follows the code: λ = 2 on KL/dim(c). The ablations are flags: CA off (a plain
// FC projection) and any λ.
//
// ε is part of G's input (Shape: z, then ε for each stage's augmentation, then the caption's characters), so a
// sample is reproducible from its seed and the same draw gives the same Stage-I image alone and inside
// Stage-II.
package stackgan
