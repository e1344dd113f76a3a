// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package runloop is the training loop of pkg/gan's Train, which every family shares:
// steps up to a total, the metrics of every LogEvery steps averaged into one history entry and one progress
// report, a checkpoint every CheckpointEvery steps and at the end, a sample grid every SampleEvery steps and at
// the end, and a clean stop, with a checkpoint, when the context is cancelled.
//
// A step's metrics are of any type M; the trainer says how to add them and how to average a sum. TrimHistory
// drops the history entries that a resumed session trains again.
package runloop

import (
	"context"
	"fmt"
	"time"
)

// Loop describes one training session. Every field but Progress must be set.
type Loop[M any] struct {
	Start, Total                           int64 // the global step the session starts from, and where it ends
	LogEvery, CheckpointEvery, SampleEvery int64
	Deadline                               time.Time // when set, the session ends after the step that passes it

	Step   func() (metrics M, step int64, err error) // one training step; step is the global step after it
	Add    func(sum, m M) M                          // adds m to a running sum
	Mean   func(sum M, n int, step int64) M          // the history entry of step: the mean of n summed metrics
	Log    func(entry M)                             // appends an entry to the run's history
	Save   func() error                              // writes a checkpoint and the history
	Sample func(name string) error                   // writes a sample grid named "step-NNNNNNN.png" or "latest.png"

	Progress func(Progress[M]) // called with every history entry; may be nil

	Seconds     *float64 // incremented by the time spent in Step
	StepsPerSec *float64 // set to the session's rate
}

// Progress is what a progress bar is told every LogEvery steps.
type Progress[M any] struct {
	Step, Total  int64
	StepsPerSec  float64
	ETA          time.Duration
	Last         M    // the mean of the last LogEvery steps' metrics
	Checkpointed bool // a checkpoint was written at this step
}

// eta is how long the session has left at step, training at rate steps a second: until Total, or until the
// Deadline when that comes first.
func (l *Loop[M]) eta(step int64, rate float64, now time.Time) time.Duration {
	left := time.Duration(float64(l.Total-step) / rate * float64(time.Second))
	if !l.Deadline.IsZero() {
		left = max(0, min(left, l.Deadline.Sub(now)))
	}
	return left
}

// Run trains until Total or until ctx is cancelled, then saves a checkpoint and the latest sample grid and
// returns context.Cause(ctx) (nil when it reached Total). An error from Step returns at once, leaving the last checkpoint as it was (a diverging step
// is never saved); an error from Save or Sample returns at once too.
func (l *Loop[M]) Run(ctx context.Context) error {
	step := l.Start
	sessionStart := time.Now()
	var sum, zero M
	n := 0
	for step < l.Total && ctx.Err() == nil && (l.Deadline.IsZero() || time.Now().Before(l.Deadline)) {
		t0 := time.Now()
		m, s, err := l.Step()
		*l.Seconds += time.Since(t0).Seconds()
		if err != nil {
			return err
		}
		step = s
		sum, n = l.Add(sum, m), n+1
		logged := step%l.LogEvery == 0 || step == l.Total
		var entry M
		if logged {
			entry = l.Mean(sum, n, step)
			l.Log(entry)
			sum, n = zero, 0
		}
		// Checkpoints follow their own interval, whatever the logging's: a kill loses at most CheckpointEvery steps.
		checkpointed := false
		if step%l.CheckpointEvery == 0 {
			if err := l.Save(); err != nil {
				return err
			}
			checkpointed = true
		}
		if logged && l.Progress != nil {
			rate := float64(step-l.Start) / time.Since(sessionStart).Seconds()
			*l.StepsPerSec = rate
			l.Progress(Progress[M]{Step: step, Total: l.Total, StepsPerSec: rate, ETA: l.eta(step, rate, time.Now()),
				Last: entry, Checkpointed: checkpointed})
		}
		if step%l.SampleEvery == 0 {
			if err := l.Sample(fmt.Sprintf("step-%07d.png", step)); err != nil {
				return err
			}
		}
	}
	if step > l.Start {
		*l.StepsPerSec = float64(step-l.Start) / time.Since(sessionStart).Seconds()
	}
	if err := l.Save(); err != nil {
		return err
	}
	if err := l.Sample("latest.png"); err != nil {
		return err
	}
	return context.Cause(ctx)
}
