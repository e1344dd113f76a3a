// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package infogan holds the parts of InfoGAN (Chen et al. 2016, "InfoGAN: Interpretable Representation Learning
// by Information Maximizing Generative Adversarial Nets", arXiv 1606.03657) that a GAN's training step adds:
// latent codes c fed to the generator beside the noise z, a Q head on the discriminator's shared trunk, and the
// variational lower bound L_I on the mutual information I(c; G(z, c)). It is a family on pkg/gan's core
// (`ganbook train infogan`), on pkg/dcgan's networks: the core trains the GAN, this package adds the codes,
// Q and the two information terms (family.go), and scores the categorical code as a classifier (eval.go).
//
// # The bound
//
// InfoGAN wants the codes to stay recognisable in the images: it adds -λ·I(c; G(z,c)) to the GAN's value. The
// mutual information needs the posterior P(c|x), which is unknown; a network Q(c|x) stands in for it:
//
//	I(c; G(z,c)) = H(c) - H(c | G(z,c))
//	             = E_{x~G(z,c)} [ E_{c'~P(c|x)} log P(c'|x) ] + H(c)
//	             = E_x [ KL(P(·|x) || Q(·|x)) + E_{c'~P(c|x)} log Q(c'|x) ] + H(c)
//	             ≥ E_x [ E_{c'~P(c|x)} log Q(c'|x) ] + H(c)                       (KL ≥ 0)
//	             = E_{c~P(c), x~G(z,c)} [ log Q(c|x) ] + H(c)  =: L_I(G, Q)
//
// The last line (the paper's Lemma 5.1) swaps sampling from the unknown posterior for sampling c first and
// generating x from it, which a training step can do. The bound is tight when Q equals the posterior. For a
// categorical code with K values H(c) = ln K is a constant and log Q ≤ 0, so L_I ≤ H(c) = ln K on every batch;
// L_I rising to ln 10 ≈ 2.30 nats means Q reads the code back from every image.
//
// Q shares every layer of D but its own head (one hidden fully connected layer, then softmax logits for each
// categorical code and a factored Gaussian, mean and log-std, for the continuous ones), so the bound costs one
// small head. Both G and Q (with D's trunk) minimise -λ·L_I, with λ = 1 for categorical codes and 0.1 for
// continuous ones by default (the paper's MNIST settings; continuous log-likelihoods are differential and
// larger in scale).
//
// Usage:
//
//	cfg := infogan.DefaultConfig()
//	t, err := gan.Train(ctx, backend, cfg, gan.RunOptions{Dir: "runs/infogan"})
//	rep, err := infogan.Evaluate(t, 10000, 1) // rep.Code.GeneratedAccuracy, rep.Code.RealAccuracy
package infogan
