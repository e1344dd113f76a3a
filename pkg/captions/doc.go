// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package captions makes captioned image data for text-to-image GANs from what ganbook already has offline.
//
// capmnist (Build): the real MNIST digits, train and test splits kept apart, as 32×32 RGB images whose strokes
// take one of eight named colours on black, each with captions made from the digit, its colour and attributes
// measured from its pixels in the manner of Morpho-MNIST (Castro et al. 2019, arXiv 1809.10780): stroke
// thickness (2·area / perimeter), slant (the shear of the ink's second moments) and size (the ink's height),
// bucketed into words. Several templates with synonyms ("a thick red seven", "the digit 7 in red, slanted to the
// right", "red 7"), the digit as a word or a numeral. A fixed list of (digit, colour) combinations never appears
// in the training split (HeldOut, after alignDRAW's held-out captions, Mansimov et al. 2015), so that a model's
// generalisation to unseen combinations can be measured on the test split. Everything is deterministic from a
// seed, built from MNIST on the fly.
package captions
