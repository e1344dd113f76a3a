// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"strings"
	"testing"
	"time"

	"github.com/ganbook/ganbook/pkg/gan"
)

// recorder is a front end that keeps what a Panel displays.
type recorder struct {
	html    []string
	updates map[string][]string
}

func record(p *Panel) *recorder {
	r := &recorder{updates: map[string][]string{}}
	p.front = frontEnd{
		active: func() bool { return true },
		html:   func(h string) { r.html = append(r.html, h) },
		update: func(id, h string) { r.updates[id] = append(r.updates[id], h) },
		sync:   func() {},
	}
	return r
}

// TestPanelRunsHeadless: with nobody at the controls, Run plays to its step limit by itself, redraws, and
// leaves the final frame and a strip of frames as a permanent output.
func TestPanelRunsHeadless(t *testing.T) {
	p := NewPanel(newLab(t, small(DataRing)))
	r := record(p)
	p.FPS = 1000 // a frame after every step or so: the strip has steps to choose from
	stats, err := p.Run(40, 0)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Steps != 40 || p.Lab.GlobalStep() != 40 || stats.Frames < 2 || stats.Stopped {
		t.Errorf("stats %+v at step %d", stats, p.Lab.GlobalStep())
	}
	if len(r.updates) != 2 {
		t.Fatalf("%d live blocks, want 2 (the view, the curves)", len(r.updates))
	}
	views := 0
	for _, u := range r.updates {
		if len(u) < 2 || u[len(u)-1] != "" {
			t.Errorf("live block: %d updates, last %.80q; want some, then emptied", len(u), u[len(u)-1])
		}
		if strings.Contains(u[0], `class="lab-view"`) {
			views = len(u) - 1
		}
	}
	if views != stats.Frames {
		t.Errorf("%d view updates for %d frames", views, stats.Frames)
	}
	final := r.html[len(r.html)-1]
	if !strings.Contains(final, "40 steps in") || !strings.Contains(final, `class="lab-step">40<`) {
		t.Errorf("final output lacks the stats or the last step: %.300s", final)
	}
	if n := strings.Count(final, `width="210"`); n < 3 || n > 6 {
		t.Errorf("the strip has %d frames, want 3 to 6", n)
	}
	if _, err := p.Run(0, 0); err == nil {
		t.Error("Run without a limit returned no error")
	}
}

// TestPanelControls: the controls' events change the Lab as Apply does, a bad one only shows its error, and
// stop ends the run.
func TestPanelControls(t *testing.T) {
	p := NewPanel(newLab(t, small(DataRing)))
	record(p)
	p.Paused = true
	for _, e := range []event{
		{ctlRateD, -10}, // 10^-1
		{ctlDSteps, 3},
		{ctlStep, 0}, {ctlStep, 0},
		{ctlOrder, 0}, // gan.StepOrders[0]
		{ctlStep, 0},
		{ctlStop, 0},
	} {
		p.events <- e
	}
	stats, err := p.Run(0, 5*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	s := p.Lab.Settings()
	if !stats.Stopped || stats.Steps != 3 || s.LearningRateD != 0.1 || s.DSteps != 3 || s.StepOrder != gan.StepOrders[0] {
		t.Errorf("stats %+v, settings %s", stats, s)
	}
	p.events <- event{ctlLoss, 1} // gan.Losses[1]: a rebuild
	p.events <- event{ctlStop, 0}
	if _, err := p.Run(0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if p.Lab.Settings().Loss != gan.Losses[1] || !strings.Contains(p.message, "rebuilt") {
		t.Errorf("loss %s, message %q", p.Lab.Settings().Loss, p.message)
	}
	p.events <- event{ctlNoise, 1}
	p.events <- event{ctlData, 4} // MNIST: uniform noise is kept? No: another kind of data takes its defaults.
	p.events <- event{ctlStop, 0}
	fakeImages(t)
	if _, err := p.Run(0, 5*time.Second); err != nil {
		t.Fatal(err)
	}
	if s := p.Lab.Settings(); s.Data != DataMNIST || s.Noise != NoiseNormal || s.Loss != gan.Losses[1] {
		t.Errorf("after choosing MNIST: %s", s)
	}
	if got := sliderToRate(rateToSlider(2e-4)); got != 2e-4 && got != 2.51e-4 {
		t.Errorf("slider round trip of 2e-4 = %g", got)
	}
}

// TestPanelOutsideNotebook: a Panel made without NewPanel, outside a notebook, trains to its limit and draws
// nothing.
func TestPanelOutsideNotebook(t *testing.T) {
	p := &Panel{Lab: newLab(t, small(DataGrid))}
	stats, err := p.Run(3, 0)
	if err != nil || stats.Steps != 3 || p.Lab.GlobalStep() != 3 {
		t.Errorf("Run(3, 0) = %s, %v at step %d", stats, err, p.Lab.GlobalStep())
	}
	if _, err := (&Panel{}).Run(3, 0); err == nil {
		t.Error("a Panel without a Lab ran")
	}
}
