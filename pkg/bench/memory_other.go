// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build !linux

package bench

import "github.com/pkg/errors"

var errNoPeak = errors.New("bench: peak memory is measured on Linux only")

// resetPeakRSS is not available on this platform: the reports leave the peak out.
func resetPeakRSS() error { return errNoPeak }

// peakRSS is not available on this platform.
func peakRSS() (int64, error) { return 0, errNoPeak }
