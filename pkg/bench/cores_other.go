// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build !unix

package bench

import "time"

// processCPU is not measured on this platform: CoresMeter.Cores reports 0.
func processCPU() time.Duration { return 0 }
