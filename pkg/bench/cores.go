// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import "time"

// CoresMeter measures the cores a timed section kept busy: the process's CPU time (user + system, from
// getrusage(RUSAGE_SELF)) over the section divided by its wall time. Start one, run the section, call Cores.
// Where the platform has no getrusage, Cores returns 0 (the reports then leave the field out).
type CoresMeter struct {
	cpu  time.Duration
	wall time.Time
}

// StartCores starts measuring.
func StartCores() CoresMeter { return CoresMeter{cpu: processCPU(), wall: time.Now()} }

// Cores returns the cores kept busy since StartCores: CPU time / wall time (2.0: both cores of a 2-core machine).
func (m CoresMeter) Cores() float64 {
	wall := time.Since(m.wall)
	cpu := processCPU()
	if cpu == 0 || wall <= 0 {
		return 0
	}
	return (cpu - m.cpu).Seconds() / wall.Seconds()
}
