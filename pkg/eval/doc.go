// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package eval scores generated images with a small classifier trained on the same dataset: the Inception Score
// (Salimans et al. 2016) and the Fréchet Inception Distance (Heusel et al. 2017), computed with this classifier
// in place of Inception v3, which knows nothing of 28x28 digits and clothes. The numbers are therefore
// comparable between ganbook's GANs, not with published FIDs.
//
// The files:
//   - classifier.go: the Classifier, a CNN of 455k parameters (Network), TrainClassifier, Predict and Accuracy.
//   - checkpoint.go: Save (atomic), LoadClassifier (the weights embedded from weights/<dataset>/) and
//     LoadClassifierDir.
//   - scores.go: Scores, Classifier.Score and ReferenceScores, and the pure functions InceptionScore,
//     FrechetDistance, KernelDistance and TotalVariance, usable on any probabilities or features (in notebooks,
//     say).
//   - linalg.go: the symmetric eigendecomposition (Jacobi) and matrix square root behind FrechetDistance.
//   - assign.go: scores of labelled samples: Classifier.ConditionalScores (conditional GANs: accuracy and
//     Fréchet distance per requested class) and Classifier.CodeAccuracy (InfoGAN: how well a categorical code
//     matches the classes), on top of Hungarian (minimum-cost assignment), Confusion and BestMapping.
//
// Usage:
//
//	b, err := backend.New()
//	...
//	clf, err := eval.LoadClassifier(b, "mnist")
//	...
//	scores, err := clf.Score(samples, n) // samples: n·28·28 float32 in [-1, 1], e.g. n = 1000 GAN samples
//	real, noise, err := clf.ReferenceScores(n, 1) // what real test images and uniform noise get
//	fmt.Printf("IS %.2f (real %.2f), FD %.1f (real %.1f, noise %.1f), %d classes\n", scores.ClassifierScore,
//		real.ClassifierScore, scores.FrechetDistance, real.FrechetDistance, noise.FrechetDistance, scores.ClassesCovered)
//
// What to expect, with the committed MNIST classifier and n = 500 (ReferenceScores(500, 1)): real test images
// score 9.82 with a Fréchet distance of 19.2 and cover the 10 classes; uniform noise scores 1.34 with a distance
// of 2174 and covers 3; one image repeated 500 times scores 1 and covers 1.
//
// # The committed weights
//
// weights/mnist and weights/fashion each hold one checkpoint (a .json and a 1.8 MB .bin), made with
// DefaultClassifierConfig: 4000 steps of 128 images (8.5 epochs), Adam with learning rate 1e-3 decayed along a
// cosine, dropout 0.3, seed 1. They were trained on the pure-Go backend (GOEXPERIMENT=simd) of a 2-vCPU AVX-512
// machine shared with other work, at about 35 ms a step; the accuracy is on the full test set (10,000 images):
//
//	ganbook train classifier --dataset mnist --out pkg/eval/weights/mnist      # 2m23s, test accuracy 99.25%
//	ganbook train classifier --dataset fashion --out pkg/eval/weights/fashion  # 2m11s, test accuracy 91.25%
//
// weights/emoji holds the emoji runs' judge (2.1 MB): the same recipe on the 10 categories of the train split's
// emoji at 32×32×3, with a third convolution, flips and shifts of up to 3 pixels, and each category weighted by
// the inverse of its frequency (People & Body, with its skin tones, is 59% of the images). Its accuracy is on the
// 440 test images, 205 emoji it never saw (`ganbook data fetch emoji` first; 2 vCPU AMD EPYC, beside a training
// run):
//
//	ganbook train classifier --dataset emoji --out pkg/eval/weights/emoji      # 15m48s, held-out accuracy 80.45%
//
// The same command makes the same weights: the MNIST and Fashion-MNIST ones were each run twice (once into a scratch folder, with twice the
// time under a heavier load) and gave bit-identical .bin files.
package eval
