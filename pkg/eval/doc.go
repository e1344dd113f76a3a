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
//   - scores.go: Scores, Classifier.Score and ReferenceScores, and the pure functions InceptionScore and
//     FrechetDistance, usable on any probabilities or features (in notebooks, say).
//   - linalg.go: the symmetric eigendecomposition (Jacobi) and matrix square root behind FrechetDistance.
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
// # The committed weights
//
// weights/mnist and weights/fashion each hold one checkpoint (.json + .bin, 1.8 MB), made on the pure-Go backend
// (GOEXPERIMENT=simd, a 2-vCPU AVX-512 machine shared with other work) with DefaultClassifierConfig: 4000 steps
// of 128 images (8.5 epochs), Adam with learning rate 1e-3 decayed along a cosine, dropout 0.3, seed 1. The
// accuracy is on the full test set (10,000 images):
//
//	ganbook train classifier --dataset mnist --out pkg/eval/weights/mnist      # MNIST_RESULT
//	ganbook train classifier --dataset fashion --out pkg/eval/weights/fashion  # FASHION_RESULT
//
// Run the same command to make them again: the same seed gives the same batches and initial weights.
package eval
