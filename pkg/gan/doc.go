// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package gan is what every ganbook GAN shares: the losses (TF-GAN naming), the two-optimizer training step, the
// MLP GAN of Goodfellow et al. 2014 and the DCGAN of Radford et al. 2015, sampling and latent interpolation, and
// atomic checkpoints of a run directory.
//
// A GAN trains two networks against each other (Goodfellow et al. 2014, arXiv 1406.2661): the discriminator D
// learns to tell real images x from generated ones G(z), the generator G learns to fool it:
//
//	min_G max_D V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]
//
// For a fixed G the best D is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and then V = 2·JS(p_data || p_g) - log 4:
// G minimizes the Jensen-Shannon divergence between the data and its samples. In practice G minimizes
// -log D(G(z)) instead (NonSaturatingGeneratorLoss), which has the same fixed point and stronger gradients.
//
// Usage:
//
//	cfg := gan.DefaultConfig(gan.ModelDCGAN)
//	set, _ := data.Load("mnist", "train")
//	t, _ := gan.NewTrainer(b, cfg, set)
//	for range cfg.Steps {
//		m, err := t.Step() // m.DLoss, m.GLoss, m.DReal, m.DFake
//		...
//	}
//	_ = gan.SaveCheckpoint(t.Store, "runs/dcgan")
//	images, _ := t.Generate(gan.Noise(64, cfg.LatentDim, 1))
//
// Deviations from the papers: DCGAN's default here is sized for 28x28 MNIST on a laptop CPU (G 7x7x128 ->
// 14x14x64 -> 28x28x1 with 4x4 kernels, D 64 -> 128 channels); TFTutorialDCGAN is the TensorFlow tutorial's
// larger network, used by the speed benchmark.
package gan
