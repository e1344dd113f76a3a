// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package backend

import (
	"bufio"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// HeapGuardBytes is how far GuardHeap moves the frontier of the Go heap (see GuardHeap): half the machine's
// memory, at least 2 GiB and at most 32 GiB. A StackGAN Stage-II run with the matching term holds about 4.5 GB,
// and with a 2 GiB guard it faulted (2026-12-02); the guard must stay above the largest live heap, and half the
// memory is as far as a heap can grow before the machine swaps anyway, while the kernel's overcommit heuristic
// still grants the one allocation.
var HeapGuardBytes = guardSize(memTotal())

// guardSize is half of total bytes of memory, clamped to 2..32 GiB (2 GiB when total is unknown, 0).
func guardSize(total int64) int64 {
	return min(max(total/2, 2<<30), 32<<30)
}

// memTotal is MemTotal of /proc/meminfo in bytes, or 0 where there is none.
func memTotal() int64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}

var guardOnce sync.Once

// GuardHeap works around a fault in Go 1.27's experimental simd package, which the pure-Go backend uses with
// GOEXPERIMENT=simd: its partial loads (LoadFloat32x16Part and the like, for the tail of a slice shorter than a
// vector) read a whole vector and mask it afterwards, so they read up to 60 bytes past the slice. That is
// harmless except when the slice ends exactly where the Go heap's mapped memory ends (the heap grows in 4 MB
// chunks and the address space after them is reserved but unreadable): then the process dies with "unexpected
// fault address" (seen once in `go test ./...`, in a scatter-add of a gradient, and in a 4.5 GB training run with a smaller guard).
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
		ballast := make([]byte, int(HeapGuardBytes))
		runtime.KeepAlive(ballast)
		ballast = nil
		runtime.GC()
	})
}
