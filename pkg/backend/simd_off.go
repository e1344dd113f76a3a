// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build !goexperiment.simd

package backend

// simdBuild reports a build with GOEXPERIMENT=simd, whose pure-Go backend needs GuardHeap.
const simdBuild = false
