// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package cgan holds what a conditional GAN (Mirza & Osindero 2014, "Conditional Generative Adversarial Nets",
// arXiv 1411.1784) adds to a GAN: the condition y, here a class label, fed to both networks. It is a family on
// pkg/gan's core (`ganbook train cgan`), on pkg/dcgan's networks: the core trains the game, this package adds
// the label's way into G and D (family.go) and scores whether a sample is of the class it was asked for
// (eval.go).
//
// The game becomes min_G max_D E_{x,y}[log D(x, y)] + E_{z,y}[log(1 - D(G(z, y), y))]: D judges pairs, so G must
// make images that are real-looking *and* belong to y. That is the seed tutorial's contrast with InfoGAN: there
// the code c is learned and enters only G (Q reads it back); here y is given, enters both networks, and the
// networks learn how y and the image relate.
//
// G reads y one-hot, concatenated to z. D reads it in one of two ways:
//   - ConditionConcat: the one-hot label as extra input channels, constant over the image (Mirza & Osindero; for
//     the MLP, concatenated to the flattened image);
//   - ConditionProjection: the projection discriminator (Miyato & Koyama 2018, "cGANs with Projection
//     Discriminator", arXiv 1802.05637): D(x, y) = ψ(φ(x)) + ⟨e_y, φ(x)⟩, an inner product of a learned class
//     embedding with D's features, which is what the optimal D of a conditional game looks like when
//     p(y|x) is log-linear in φ(x).
//
// Usage:
//
//	cfg := cgan.DefaultConfig()
//	t, err := gan.Train(ctx, backend, cfg, gan.RunOptions{Dir: "runs/cgan"})
//	rep, err := cgan.Evaluate(t, 10000, 1) // rep.Conditional.Accuracy: samples of the class asked for
package cgan
