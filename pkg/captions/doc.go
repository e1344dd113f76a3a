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
//
// emoji and emoji64 (OpenEmoji): Google's Noto Color Emoji from npm's emoji-datasource-google@16.0.0, fetched
// by `ganbook data fetch emoji` (FetchEmoji), with English keywords from CLDR's annotations (Debian's
// unicode-cldr-core) and colour words measured from the pixels, at 32×32 and 64×64.
//
// Both are Captioned (Open): images with a label, deterministic captions by variant, and Mismatch, which says
// when a caption of one image does not describe another (a wrong text for GAN-CLS, a negative for the text
// encoder). They register with pkg/data, so data.Load("capmnist", "train") works wherever a dataset name does.
package captions
