// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build linux

package bench

import (
	"bufio"
	"os"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// resetPeakRSS sets the process's peak resident memory (VmHWM) back to what it holds now: Linux's
// /proc/self/clear_refs takes "5" for that (since Linux 4.0).
func resetPeakRSS() error {
	return os.WriteFile("/proc/self/clear_refs", []byte("5"), 0)
}

// peakRSS is the process's peak resident memory in bytes since it started or since resetPeakRSS (VmHWM in
// /proc/self/status).
func peakRSS() (int64, error) {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0, errors.Wrap(err, "bench: peak memory")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:")
		if !ok {
			continue
		}
		kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
		if err != nil {
			return 0, errors.Errorf("bench: peak memory: cannot read VmHWM %q", strings.TrimSpace(rest))
		}
		return kb << 10, nil
	}
	return 0, errors.New("bench: peak memory: no VmHWM in /proc/self/status")
}
