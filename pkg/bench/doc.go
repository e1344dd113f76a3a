// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package bench measures ganbook's speed: the convolutions of pkg/nn against GoMLX's native ones and against the
// backend's own matrix product, on the layer shapes of the DCGAN of the TensorFlow tutorial. The `ganbook bench`
// command prints what it measures as JSON; `go test -bench . ./pkg/bench` runs the same shapes.
//
// Figures are rates (GFLOP/s) and ratios measured in one run on one machine: compare ratios, not absolute
// numbers taken on different days.
package bench
