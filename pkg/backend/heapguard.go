// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package backend

import (
	"runtime"
	"sync"
)

// HeapGuardBytes is how far GuardHeap moves the frontier of the Go heap (see GuardHeap).
const HeapGuardBytes = 2 << 30

var guardOnce sync.Once

// GuardHeap works around a fault in Go 1.27's experimental simd package, which the pure-Go backend uses with
// GOEXPERIMENT=simd: its partial loads (LoadFloat32x16Part and the like, for the tail of a slice shorter than a
// vector) read a whole vector and mask it afterwards, so they read up to 60 bytes past the slice. That is
// harmless except when the slice ends exactly where the Go heap's mapped memory ends (the heap grows in 4 MB
// chunks and the address space after them is reserved but unreadable): then the process dies with "unexpected
// fault address" (seen once in `go test ./...`, in a scatter-add of a gradient).
//
// GuardHeap allocates HeapGuardBytes once and frees them at once: the heap's frontier moves that far out, the
// memory stays mapped (freed heap memory is returned to the system with madvise, still readable) and later
// buffers are placed below it, so no buffer ends at the frontier until the live heap outgrows HeapGuardBytes.
// The allocation is never touched, so it costs address space, not memory. New calls it for the pure-Go backend
// (built with GOEXPERIMENT=simd); it runs once per process.
func GuardHeap() {
	guardOnce.Do(func() {
		if !simdBuild {
			return
		}
		ballast := make([]byte, HeapGuardBytes)
		runtime.KeepAlive(ballast)
		ballast = nil
		runtime.GC()
	})
}
