// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package toy shows the theory of GANs (Goodfellow et al. 2014, arXiv 1406.2661) numerically, on 1-D and 2-D
// distributions whose densities are known, with networks small enough to train in seconds on a CPU. It serves
// the notebook 01_gan_theory.ipynb.
//
// # Notation
//
// p_data is the data distribution, z ~ p_z = N(0, I) the noise, G(z) the generator and p_g the distribution of
// its samples, D(x) ∈ (0, 1) the discriminator's probability that x is real. The game is
//
//	min_G max_D V(D, G) = E_{x~p_data}[log D(x)] + E_{z~p_z}[log(1 - D(G(z)))]
//
// # The claims and the functions that show them
//
// (a) For a fixed G the optimal discriminator is (proposition 1)
//
//	D*(x) = p_data(x) / (p_data(x) + p_g(x))
//
// because y ↦ a·log y + b·log(1 - y) peaks at y = a/(a+b). OptimalD computes it; NewFixedGenerator makes a GAN
// whose generator is a fixed distribution p_g, TrainDOnly trains D alone, and CheckOptimalD1D compares D with D*
// on a grid. TrainDOnly trains D alone at a constant rate; FitD decays the rate so that D settles at D* instead
// of wandering around it. Both also work with a learned G held fixed; then p_g is estimated with KDE1D.
//
// (b) At D* the value of the game is (theorem 1)
//
//	V(D*, G) = -log 4 + KL(p_data ‖ m) + KL(p_g ‖ m) = -log 4 + 2·JSD(p_data ‖ p_g),   m = (p_data + p_g)/2
//
// so that training G against D* minimizes the Jensen-Shannon divergence, whose minimum 0 is reached only at
// p_g = p_data, where V = -log 4 and D* = ½ everywhere. JSD1D and KL1D integrate the divergences (in nats)
// with Simpson's rule, OptimalValue1D integrates V(D*, G) directly, ValueFromJSD is -log 4 + 2·JSD, and
// GAN.Value is the Monte Carlo estimate of V(D, G) for the trained D (it is at most V(D*, G)).
//
// (c) d normal variables mapped through a function reach any d-dimensional distribution. In 1-D the map is
// explicit: x = F⁻¹(Φ(z)) (TransportMap1D; Mixture1D inverts its CDF by bisection), and a GAN with
// NoiseDim = 1 learns a map close to it or to its mirror F⁻¹(1 - Φ(z)) (GAN.GenerateFrom on a grid of z). In 2-D
// the map is explicit too, coordinate by coordinate with conditional CDFs (TransportMap2D, the Knothe-Rosenblatt
// map onto Ring2D or Grid2D), and the GAN learns to send N(0, I₂) to a ring of Gaussians (Ring2D);
// SlicedWasserstein measures how far either lands from the data.
//
// (d) During training the generated points move toward the data: GAN.Train calls back with snapshots of points
// generated from the same fixed noise, and MeanDistanceToModes measures how far they are from the data.
//
// (e) Mode collapse: on the 8-Gaussian ring (EightGaussians; Metz et al. 2017) G may put its mass on a few
// modes. ModeCoverage counts the modes covered and the share of high-quality samples (within 3σ of a mode), with
// the protocol of VEEGAN and PacGAN, and how unevenly the samples spread over the modes (Coverage.KLToUniform),
// so that the minimax, non-saturating and WGAN-GP losses (Config.Loss) can be compared over seeds. With the
// non-saturating loss and the optimal D, G minimizes KL(p_g ‖ p_data) - 2·JSD (Arjovsky & Bottou 2017,
// theorem 2.5): the reverse KL punishes samples where there is no data far more than data where there are no
// samples, so dropping a mode costs G little. SetLearningRates can lower both rates for the last steps, which
// sharpens the modes G does cover.
//
// For 1-D samples, Wasserstein1D, KS2 and KS1 compare distributions, and KDE1D and Histogram1D estimate
// densities; SlicedWasserstein compares samples in any dimension.
//
// (f) The divergence behind the variational bounds (the tutorial's appendix, trick 2): D_KL(P ‖ Q) = H(P, Q) −
// H(P) ≥ 0, with Entropy, CrossEntropy and KL for discrete distributions, Entropy1D, CrossEntropy1D and KL1D for
// densities, and GaussianKL's closed form to check them.
//
// # Usage
//
//	b, _ := backend.New()
//	// (a), (b): D against a fixed p_g.
//	data := toy.Mixture1D{Weights: []float64{0.3, 0.7}, Means: []float64{-2, 1.5}, Stds: []float64{0.5, 0.8}}
//	g, _ := toy.NewFixedGenerator(b, data, toy.Gaussian1D{Mean: 0, Std: 1.5}, toy.DefaultConfig("ns"))
//	_, _ = g.FitD(1500, 1e-2) // D alone, with its learning rate decayed for the last third
//	c, _ := g.CheckOptimalD1D(nil, -6, 6, 201, 100_000) // c.D vs c.DStar, c.V vs c.VStar
//	// (d), (e): a GAN on the ring.
//	ring := toy.EightGaussians()
//	run, _ := toy.NewGAN(b, ring, toy.DefaultConfig("ns"))
//	_ = run.Train(2000, 500, func(s toy.Snapshot) {
//		fmt.Println(s.Step, toy.MeanDistanceToModes(s.Samples, ring.Modes()), toy.ModeCoverage(s.Samples, ring).Covered)
//	})
//
// The networks are MLPs with linear outputs (the toy data is not bounded), without BatchNorm, trained with two
// Adam optimizers as pkg/gan's Trainer does, with pkg/gan's losses. A step follows algorithm 1 of Goodfellow et
// al.: DSteps updates of D, then one of G against the updated D.
package toy
