// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package dcgan is the unconditional GAN as two families on pkg/gan's core: the fully connected GAN of
// Goodfellow et al. 2014 ("gan", arXiv 1406.2661) and the deep convolutional GAN of Radford et al. 2015
// ("dcgan", arXiv 1511.06434). Its networks also serve InfoGAN and the conditional GAN (pkg/infogan,
// pkg/cgan), which add their codes or labels to them.
//
// The game: D learns to tell real images x from generated ones G(z), G learns to fool it,
//
//	min_G max_D V(D, G) = E_x[log D(x)] + E_z[log(1 - D(G(z)))]
//
// For a fixed G the best D is D*(x) = p_data(x) / (p_data(x) + p_g(x)), and then V = 2·JS(p_data || p_g) - log 4:
// G minimizes the Jensen-Shannon divergence between the data and its samples. In practice G minimizes
// -log D(G(z)) instead (gan.NonSaturatingGeneratorLoss), with the same fixed point and stronger gradients.
// DCGAN's recipe (section 3): strided convolutions instead of pooling, transposed convolutions in G,
// BatchNorm, ReLU in G and LeakyReLU in D, no fully connected hidden layers; Adam at 2e-4 with β1 = 0.5.
//
// Usage:
//
//	cfg := dcgan.DefaultConfig(dcgan.ModelDCGAN)
//	t, err := gan.Train(ctx, backend, cfg, gan.RunOptions{Dir: "runs/dcgan"})
//	rep, err := dcgan.Evaluate(t, 10000, 1) // rep.Samples.ClassifierScore, .FrechetDistance
//
// Deviations from the paper: the default DCGAN is sized for 28x28 MNIST on a laptop CPU (G 7x7x128 -> 14x14x64
// -> 28x28x1 with 4x4 kernels, D 64 -> 128 channels), and samples come from a moving average of G's weights
// (gan.Config.GenEMA); TFTutorialDCGAN is the TensorFlow tutorial's larger network, used by the speed benchmark.
package dcgan
