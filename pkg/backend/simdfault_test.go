// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build goexperiment.simd && linux && amd64

package backend

import (
	"runtime/debug"
	"simd"
	"syscall"
	"testing"
	"unsafe"
)

var loaded simd.Float32s

// TestGoSIMDPartialLoadFaults pins the Go bug GuardHeap works around: a partial load of the last 8 floats before
// an unreadable page faults (it reads a whole 16-float vector). It fails once Go fixes the load; GuardHeap can
// then go.
func TestGoSIMDPartialLoadFaults(t *testing.T) {
	page := syscall.Getpagesize()
	mem, err := syscall.Mmap(-1, 0, 2*page, syscall.PROT_READ|syscall.PROT_WRITE, syscall.MAP_ANON|syscall.MAP_PRIVATE)
	if err != nil {
		t.Skip(err)
	}
	defer syscall.Munmap(mem)
	if err := syscall.Mprotect(mem[page:], syscall.PROT_NONE); err != nil {
		t.Skip(err)
	}
	all := unsafe.Slice((*float32)(unsafe.Pointer(&mem[0])), page/4)
	tail := all[len(all)-8:]
	if simd.BroadcastFloat32s(0).Len() <= len(tail) {
		t.Skip("vectors of 8 floats or fewer: the tail needs no partial load")
	}
	defer debug.SetPanicOnFault(debug.SetPanicOnFault(true))
	faulted := func() (faulted bool) {
		defer func() { faulted = recover() != nil }()
		loaded, _ = simd.LoadFloat32sPart(tail) // kept in a package variable, so the load is not optimized away
		return false
	}()
	if !faulted {
		t.Error("simd.LoadFloat32sPart no longer reads past the slice: Go fixed it, and GuardHeap can be removed")
	}
}
