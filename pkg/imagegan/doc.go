// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package imagegan holds GANs conditioned on an image: G maps an input image x to an output image, and D judges
// outputs against the true image y that x was made from. Two families, on tasks made from MNIST and
// Fashion-MNIST (`ganbook train pix2pix|srgan`):
//
//   - pix2pix (Isola, Zhu, Zhou & Efros 2017, "Image-to-Image Translation with Conditional Adversarial
//     Networks", arXiv 1611.07004): a U-Net generator (UNet) and a PatchGAN discriminator
//     (PatchDiscriminator) on the pair (x, G(x)). Tasks: inpainting, x the digit with a random 12×12 square
//     greyed out (TaskMask, the default), or edges to digits, x the Sobel edge map (TaskEdges).
//   - SRGAN (Ledig et al. 2017, "Photo-Realistic Single Image Super-Resolution Using a Generative Adversarial
//     Network", arXiv 1609.04802): a residual generator with sub-pixel upsampling (SRResNet) and a
//     convolutional discriminator (SRDiscriminator) on the image alone. Task: x the digit average-pooled to
//     14×14 (Scale 2) or 7×7 (Scale 4), y the 28×28 digit.
//
// # The losses
//
// pix2pix (section 3.1, eq. 1-4) is a conditional GAN plus an L1 term that pins the output to the truth:
//
//	L_cGAN(G, D) = E_{x,y}[log D(x, y)] + E_x[log(1 - D(x, G(x)))]
//	L_L1(G)      = E_{x,y}[‖y - G(x)‖₁]
//	G*           = arg min_G max_D L_cGAN(G, D) + λ·L_L1(G),   λ = 100
//
// D's output is a grid of logits, one per patch, and the log-likelihoods are averaged over the grid; G
// minimises the non-saturating -log D(x, G(x)) (gan.NonSaturatingGeneratorLoss), D the cross-entropy halved
// (gan.DiscriminatorLoss / 2, section 3.3: "we divide the objective by 2 while optimizing D").
//
// SRGAN (section 2.2, eq. 3) trains G on a "perceptual loss", a content loss plus 10⁻³ times the adversarial
// loss. The paper's content loss is the squared distance between VGG19 features of G(x) and y; here the feature
// network φ is pkg/eval's classifier (its 128 penultimate features), loaded from the committed weights and
// frozen, and a pixel MSE is added (the paper's SRResNet loss, eq. 4, which keeps colours and positions right
// where the features are invariant):
//
//	l_φ   = 1/128 ‖φ(G(x)) - φ(y)‖²                 (ContentLoss)
//	l_MSE = 1/(28·28) ‖G(x) - y‖²                   (PixelMSE)
//	l_adv = -log D(G(x))                             (non-saturating)
//	L_G   = w_c·l_φ + w_p·l_MSE + 10⁻³·l_adv,     L_D = -log D(y) - log(1 - D(G(x)))
//
// Both use Adam with learning rate 2e-4 and β1 = 0.5, one optimizer per network over its own scope, one D and
// one G update per step, N(0, 0.02) initial weights: they are families on pkg/gan's core (family.go says what
// each changes: G's input image made on the host from the real one, D's pairs, the reconstruction terms and
// the weights of the adversarial losses).
//
// # Evaluation
//
// Evaluate (`ganbook eval --run DIR`) scores G on the first n test images, against the true images: PSNR
// (10·log10(1/MSE) on [0, 1] pixels, +Inf for identical images, each image's capped at MaxPSNR = 100 dB when
// averaged), SSIM (Wang et al. 2004: 11×11 Gaussian window with σ = 1.5, C1 = 0.01², C2 = 0.03², the mean of the
// "valid" 18×18 map) and the accuracy of the dataset's classifier on G's outputs. Beside them the baselines
// that need no training: the input itself for pix2pix, nearest-neighbour and bilinear upsampling of the input
// for srgan; and the classifier's accuracy on the true images, the ceiling.
//
// Usage:
//
//	cfg := imagegan.DefaultConfig(imagegan.FamilySRGAN)
//	t, err := gan.Train(ctx, b, cfg, gan.RunOptions{Dir: "runs/srgan"})
//	...
//	rep, err := imagegan.Evaluate(t, 1000) // rep.Model.PSNR, rep.Baselines[1].PSNR (bilinear), ...
//
// Deviations from the papers, for 28×28 digits on a laptop CPU: narrower networks (32 channels, 4 residual
// blocks instead of 16), 3×3 kernels in SRResNet instead of its 9×9 first and last ones, an 18×18-pixel patch
// for PatchGAN, no dropout in the U-Net by default (the paper's 0.5 at training and test time is
// Config.Dropout, for training only), BatchNorm with running averages at test time (the paper uses the test
// batch's statistics), and SRGAN trained from scratch rather than from a pre-trained SRResNet.
package imagegan
