// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build linux

package bench

import (
	"runtime"
	"runtime/debug"
	"testing"
)

// TestPeakMeter: the peak rises by what a step touches, and starting the meter again forgets an earlier peak.
func TestPeakMeter(t *testing.T) {
	const mib = 1 << 20
	m := startPeak()
	before := m.MiB()
	if before <= 0 {
		t.Fatalf("peak after start: %.1f MiB, want the process's resident memory (> 0)", before)
	}
	buf := make([]byte, 256*mib)
	for i := 0; i < len(buf); i += 4096 { // touch every page: resident, not only reserved
		buf[i] = 1
	}
	during := m.MiB()
	if during < before+240 {
		t.Errorf("peak with 256 MiB touched: %.1f MiB, from %.1f before: want at least %.1f", during, before, before+240)
	}
	runtime.KeepAlive(buf)
	buf = nil
	runtime.GC()
	debug.FreeOSMemory()
	again := startPeak().MiB()
	if again > during-200 {
		t.Errorf("peak after the 256 MiB were returned and the meter started again: %.1f MiB, want below %.1f (the old peak %.1f forgotten)", again, during-200, during)
	}
}
