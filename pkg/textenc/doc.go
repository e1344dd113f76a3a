// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package textenc is the text encoder of ganbook's text-to-image GANs: the char-CNN-RNN of Reed, Akata, Lee and
// Schiele 2016 ("Learning Deep Representations of Fine-Grained Visual Descriptions", arXiv 1605.05395), trained
// against an image encoder with their deep symmetric structured joint-embedding loss (DS-SJE), at sizes that
// train in minutes on a laptop CPU.
//
// A caption is a string of the Alphabet (Encode): characters → one-hot rows → 1-D convolutions (kernel 4, ReLU)
// each followed by max-pooling over 3 characters, so that an 80-character caption becomes 9 steps → an LSTM
// (ml/layers/lstm, unrolled: the pooling keeps the sequence short) → the mean of its hidden states → a dense
// layer → the embedding φ(t), of unit length. The image encoder θ(v) is a small CNN to the same space. The
// compatibility of an image and a text is F(v, t) = θ(v)·φ(t), and DS-SJE (section 3 of the paper) asks, in both
// directions, that every image score its own caption above every caption that does not describe it by a margin,
// and every caption its own image above every image it does not describe:
//
//	L = 1/B Σ_i mean_{j: mismatch(i,j)} [Δ + F(v_i, t_j) − F(v_i, t_i)]₊ + 1/B Σ_j mean_{i: mismatch(i,j)} [Δ + F(v_i, t_j) − F(v_j, t_j)]₊
//
// (the paper's structured hinge takes the worst negative where this takes the mean: see SJELoss for why).
//
// A bag-of-characters baseline (character counts → two dense layers, the same loss, its own image encoder)
// trains in the same steps on the same batches, so Retrieval reports what the convolutions and the recurrence
// buy in one command: caption→image and image→caption R@1 and R@5 among 100 candidates of the test split.
//
// An Encoder is a trained run (`ganbook train textenc`): Embed maps captions to embeddings; its variables under
// ScopeText are what the text-to-image GAN copies in (Copy), frozen, so that the GAN's run holds its encoder.
package textenc
