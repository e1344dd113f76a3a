// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package text2img is the text-to-image GAN of Reed, Akata, Yan, Logeswaran, Schiele and Lee 2016 ("Generative
// Adversarial Text to Image Synthesis", arXiv 1605.05396) as a family on pkg/gan's core: GAN-CLS, its
// matching-aware discriminator, and GAN-INT, its interpolated texts.
//
// The text is not part of the GAN: a caption is encoded by a text encoder trained beforehand (pkg/textenc's
// char-CNN-RNN, the paper's section 3.1 and Reed et al. 2016b), whose weights the run copies in at its first
// step and keeps frozen. G reads the noise z and the caption's characters: it encodes them, projects the
// embedding φ(t) to 128 numbers with a dense layer and LeakyReLU, and joins them to z (section 3.2:
// "compressed using a fully-connected layer to a small dimension (in practice we used 128) followed by
// leaky-ReLU and then concatenated to the noise vector z"). D reduces the image to a 4×4 map, projects the
// embedding the same way, replicates it over the map, joins it as channels and judges the pair with a 1×1
// convolution and a dense layer.
//
// GAN-CLS (algorithm 1): D judges three pairs, {real image, right text} as real and both {real image, wrong
// text} and {fake image, right text} as fake, with
//
//	L_D = log D(x, h) + ½ [log(1 − D(x, ĥ)) + log(1 − D(G(z, h), h))]
//
// where the wrong text ĥ describes another image: a different digit or colour (captions.Captioned.Mismatch),
// not the batch shifted by one, which may share the class. Without it (WrongText false) D never learns to
// reject a real image under a wrong caption, and G can ignore the text so long as its images look real.
//
// GAN-INT (section 4.3): G also trains on the embedding β·φ(t₁) + (1 − β)·φ(t₂) between two captions of the
// batch (β = 0.5), with no real image behind it: D never sees these pairs as real, so only G learns from them,
// filling in the space between the captions it was shown.
//
// Both are flags (WrongText, Interp), so the ablations are one command each.
//
// Two additions the paper does not have: Mao et al. 2019's mode-seeking term (ModeSeeking), without which G
// here ignored the noise and drew one image per caption (measured by Evaluate's diversity); and a text-matching
// term in G's loss (Match), the sentence level of AttnGAN's DAMSM loss (Xu et al. 2018): the encoder run's own
// image encoder, frozen, reads G's images, and the joint-embedding hinge it was trained with asks each image to
// score its caption above the batch's captions that do not describe it. D is the paper's; the R-precision that
// Evaluate reports comes from an evaluation encoder trained apart, not from this judge.
package text2img
