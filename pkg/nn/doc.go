// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package nn holds the neural-network pieces every ganbook GAN is built from, written so that they are fast on
// every GoMLX backend:
//
//   - Convolve and ConvolveTranspose: 2-D convolution and its adjoint, the transposed convolution ("deconvolution")
//     that DCGAN generators upsample with, NHWC, SAME or VALID padding with TensorFlow's conventions.
//   - Conv2D and ConvTranspose2D: the layers around them, with a kernel variable, an optional bias and a
//     configurable initializer, built in GoMLX's builder style.
//   - LeakyReLU, BatchNorm (that trains on the pure-Go backend) and nearest-neighbour Upsample.
//
// # Why not GoMLX's Convolve
//
// GoMLX's pure-Go backend convolves with a scalar loop (about 1.3 GFLOP/s on a 2-core AVX-512 machine) while its
// matrix product runs at 140-240 GFLOP/s. On that backend this package lowers a convolution to patch extraction
// (a Pad and one strided Slice per kernel tap, concatenated along the channels: "im2col") followed by one MatMul,
// so almost all the work runs in the fast matrix product, and the gradients, made by GoMLX's automatic
// differentiation of Slice, Pad and MatMul, are fast too.
//
// A transposed convolution with stride s is lowered without multiplying by the zeros of a dilated input: its
// output splits into s×s phases (the "sub-pixel" view of Shi et al. 2016, arXiv 1609.05158), each one an
// ordinary stride-1 convolution of the input with a sub-kernel of about (k/s)×(k/s) taps, and the phases are
// interleaved (depth-to-space). A stride-2 transposed convolution therefore costs what it must, not 4x more.
//
// On any other backend (XLA on CPU or GPU) the native convolution is used, which those backends run well.
// Lowering selects the implementation by hand, e.g. to compare them.
//
// # Conventions
//
// Images are NHWC: [batch, height, width, channels]. A convolution kernel is [kh, kw, inChannels, outChannels].
// A transposed-convolution kernel is [kh, kw, outChannels, inChannels], TensorFlow's conv2d_transpose layout: it
// is the kernel of the convolution whose adjoint it computes, so ConvolveTranspose(y, K) is exactly the gradient
// of <Convolve(x, K), y> with respect to x. With SAME padding a convolution of stride s maps H to ceil(H/s) and
// its transpose maps H to H·s; the padding is split as TensorFlow does (the extra pixel at the end).
package nn
