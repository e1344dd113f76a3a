// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package runloop

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"testing"
	"time"
)

// fake is a trainer whose step s has the metric s; it records what the loop asks of it.
type fake struct {
	step            int64
	stopAt, failAt  int64 // cancel the context after this step; fail this step (0: never)
	cancel          func()
	history         []float64
	saves, samples  []string
	progress        []Progress[float64]
	seconds, perSec float64
}

func (f *fake) loop(start, total int64) *Loop[float64] {
	f.step = start
	return &Loop[float64]{
		Start: start, Total: total, LogEvery: 4, CheckpointEvery: 8, SampleEvery: 6,
		Step: func() (float64, int64, error) {
			if f.step+1 == f.failAt {
				return 0, 0, errors.New("diverged")
			}
			f.step++
			if f.step == f.stopAt {
				f.cancel()
			}
			return float64(f.step), f.step, nil
		},
		Add:      func(sum, m float64) float64 { return sum + m },
		Mean:     func(sum float64, n int, _ int64) float64 { return sum / float64(n) },
		Log:      func(e float64) { f.history = append(f.history, e) },
		Save:     func() error { f.saves = append(f.saves, fmt.Sprint(f.step)); return nil },
		Sample:   func(name string) error { f.samples = append(f.samples, name); return nil },
		Progress: func(p Progress[float64]) { f.progress = append(f.progress, p) },
		Seconds:  &f.seconds, StepsPerSec: &f.perSec,
	}
}

func TestRun(t *testing.T) {
	f := &fake{}
	if err := f.loop(0, 10).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	// Entries at steps 4, 8 and 10 (the end): means of 1..4, 5..8, 9..10.
	if want := []float64{2.5, 6.5, 9.5}; !reflect.DeepEqual(f.history, want) {
		t.Errorf("history %v, want %v", f.history, want)
	}
	if want := []string{"8", "10"}; !reflect.DeepEqual(f.saves, want) {
		t.Errorf("checkpoints after steps %v, want %v", f.saves, want)
	}
	if want := []string{"step-0000006.png", "latest.png"}; !reflect.DeepEqual(f.samples, want) {
		t.Errorf("samples %v, want %v", f.samples, want)
	}
	if len(f.progress) != 3 || f.progress[1].Step != 8 || !f.progress[1].Checkpointed || f.progress[0].Checkpointed ||
		f.progress[2].Last != 9.5 || f.progress[2].Total != 10 || f.progress[2].ETA != 0 || f.perSec <= 0 {
		t.Errorf("progress %+v, steps/s %g", f.progress, f.perSec)
	}

	// A resumed session starts at its checkpoint's step and counts its rate from there.
	f = &fake{}
	if err := f.loop(8, 12).Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []float64{10.5}; !reflect.DeepEqual(f.history, want) || !reflect.DeepEqual(f.saves, []string{"12"}) ||
		!reflect.DeepEqual(f.samples, []string{"step-0000012.png", "latest.png"}) {
		t.Errorf("resumed at 8: history %v, saves %v, samples %v", f.history, f.saves, f.samples)
	}
}

func TestRunStops(t *testing.T) {
	// Cancelled after step 5: the loop stops there, saves a checkpoint and the latest grid, returns the reason.
	ctx, cancel := context.WithCancel(context.Background())
	f := &fake{stopAt: 5, cancel: cancel}
	if err := f.loop(0, 10).Run(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Run returned %v, want context.Canceled", err)
	}
	if f.step != 5 || !reflect.DeepEqual(f.saves, []string{"5"}) || f.samples[len(f.samples)-1] != "latest.png" {
		t.Errorf("stopped at step %d with checkpoints %v and samples %v; want step 5, [5], latest.png", f.step, f.saves, f.samples)
	}

	// A failing step returns at once: nothing saved after the last good checkpoint (step 8).
	f = &fake{failAt: 10}
	if err := f.loop(0, 12).Run(context.Background()); err == nil || err.Error() != "diverged" {
		t.Fatalf("Run returned %v, want the step's error", err)
	}
	if !reflect.DeepEqual(f.saves, []string{"8"}) || f.samples[len(f.samples)-1] == "latest.png" {
		t.Errorf("after a failed step 10: checkpoints %v, samples %v; want [8] and no latest.png", f.saves, f.samples)
	}

	// Nothing to do: a session that starts at its total saves and samples once.
	f = &fake{}
	if err := f.loop(10, 10).Run(context.Background()); err != nil || len(f.history) != 0 || !reflect.DeepEqual(f.saves, []string{"10"}) {
		t.Errorf("a finished run: error %v, history %v, saves %v", err, f.history, f.saves)
	}
}

// TestCheckpointInterval: checkpoints follow their own interval, not the logging's (every 3 steps with a log
// every 4), and the progress report says which logged steps were saved.
func TestCheckpointInterval(t *testing.T) {
	f := &fake{}
	l := f.loop(0, 10)
	l.CheckpointEvery = 3
	if err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if want := []string{"3", "6", "9", "10"}; !reflect.DeepEqual(f.saves, want) {
		t.Errorf("checkpoints after steps %v, want %v", f.saves, want)
	}
	if want := []float64{2.5, 6.5, 9.5}; !reflect.DeepEqual(f.history, want) {
		t.Errorf("history %v, want %v", f.history, want)
	}
	for _, p := range f.progress {
		if p.Checkpointed != (p.Step%3 == 0) {
			t.Errorf("progress at step %d says checkpointed = %v", p.Step, p.Checkpointed)
		}
	}
}

// TestDeadline: a session past its deadline stops after the step it is at, and saves as at the end.
func TestDeadline(t *testing.T) {
	f := &fake{}
	l := f.loop(0, 10)
	l.Deadline = time.Now().Add(-time.Second)
	if err := l.Run(context.Background()); err != nil {
		t.Fatal(err)
	}
	if f.step != 0 || !reflect.DeepEqual(f.saves, []string{"0"}) || f.samples[len(f.samples)-1] != "latest.png" {
		t.Errorf("past its deadline: step %d, saves %v, samples %v", f.step, f.saves, f.samples)
	}
}

// TestETA: the time left is the steps' at the rate, but never past the time budget's deadline.
func TestETA(t *testing.T) {
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	l := Loop[float64]{Total: 1000}
	if got := l.eta(400, 2, now); got != 300*time.Second {
		t.Errorf("without a deadline: %v, want 5m0s (600 steps at 2 a second)", got)
	}
	l.Deadline = now.Add(90 * time.Second)
	if got := l.eta(400, 2, now); got != 90*time.Second {
		t.Errorf("with a deadline in 90 s: %v, want 1m30s", got)
	}
	if got := l.eta(400, 2, now.Add(time.Hour)); got != 0 {
		t.Errorf("past the deadline: %v, want 0", got)
	}
}
