// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package gan is the core every ganbook GAN family plugs into: the losses (TF-GAN naming), the two-optimizer
// training step, the run loop, run directories with atomic checkpoints, export, sampling, latent interpolation
// and the moving average of G. It knows no family: a family (pkg/dcgan, pkg/infogan, pkg/cgan, pkg/imagegan, ...)
// is a Family value that says what differs, and the core builds one training graph from it.
//
// A GAN trains two networks against each other (Goodfellow et al. 2014, arXiv 1406.2661): the discriminator D
// learns to tell real images from generated ones, the generator G learns to fool it,
//
//	min_G max_D V(D, G) = E_x[log D(x, c)] + E_z[log(1 - D(G(z, c), c))]
//
// where c is whatever a family conditions on (nothing, a label, a code, an image, a text). One step of the core:
//
//	b := family.Batch(data)                        // G's input, and what D judges
//	fake := G(b.Input)
//	L_D = L_real(D(b.Real, b.RealCond)) + mean of L_fake over D(fake, b.FakeCond) [and D(b.Real, b.WrongCond)]
//	      + λ_GP·GP + Σ family terms for D
//	L_G = L_G(D(fake, b.FakeCond)) + Σ family terms for G
//	update D with ∇L_D and G with ∇L_G, both at the weights the step started from
//
// with the losses of Config.Loss (non-saturating, minimax, least squares, WGAN-GP, hinge), k D steps per G step
// (Config.DSteps), one-sided label smoothing, and the averaged G that samples come from (Config.GenEMA).
//
// Usage, with the DCGAN family:
//
//	cfg := dcgan.DefaultConfig(dcgan.ModelDCGAN)
//	t, err := gan.Train(ctx, backend, cfg, gan.RunOptions{Dir: "runs/dcgan"}) // or gan.NewTrainer and t.Step()
//	images, latent, err := t.Sample(64, 1)
//	t2, err := gan.LoadRun(backend, "pretrained/dcgan-mnist") // any family's run directory
//
// A family package registers itself (RegisterFamily) so that ReadConfig and LoadRun can open its runs; see
// Family for the interface and a worked example.
package gan
