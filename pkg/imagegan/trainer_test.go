// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"math"
	"slices"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/internal/storetest"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/gomlx/core/tensors"
)

func newTestTrainer(t testing.TB, cfg Config) *Trainer {
	t.Helper()
	tr, err := NewTrainer(testBackend(t), cfg, testData(t))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// snapshot copies the variables under scope (trainable ones only, unless all).
func snapshot(tr *Trainer, scope string, all bool) map[string][]float32 {
	return storetest.Snapshot(tr.Store, scope, all)
}

var changed = storetest.Changed

// TestStepTrainsBothAndResumesExactly, for each family: steps move the global step by one, change every
// trainable variable of G and D and leave SRGAN's classifier as it was; 2N steps in one run and N + N steps
// with a checkpoint and a fresh Trainer in between give the same metrics.
func TestStepTrainsBothAndResumesExactly(t *testing.T) {
	const n = 2
	for _, family := range []string{FamilyPix2Pix, FamilySRGAN} {
		t.Run(family, func(t *testing.T) {
			cfg := tinyConfig(family)
			whole := newTestTrainer(t, cfg)
			var want []StepMetrics
			m, err := whole.Step()
			if err != nil {
				t.Fatal(err)
			}
			want = append(want, m)
			g0, d0 := snapshot(whole, ScopeGenerator, false), snapshot(whole, ScopeDiscriminator, false)
			c0 := snapshot(whole, eval.ScopeClassifier, true)
			for range 2*n - 1 {
				if m, err = whole.Step(); err != nil {
					t.Fatal(err)
				}
				want = append(want, m)
			}
			if whole.GlobalStep() != 2*n || m.Step != 2*n {
				t.Errorf("global step %d (metrics %d) after %d steps", whole.GlobalStep(), m.Step, 2*n)
			}
			if len(g0) == 0 || len(d0) == 0 {
				t.Fatalf("no trainable variables under /generator (%d) or /discriminator (%d)", len(g0), len(d0))
			}
			if c := changed(g0, snapshot(whole, ScopeGenerator, false)); c != len(g0) {
				t.Errorf("%d of %d generator variables changed, want all", c, len(g0))
			}
			if c := changed(d0, snapshot(whole, ScopeDiscriminator, false)); c != len(d0) {
				t.Errorf("%d of %d discriminator variables changed, want all", c, len(d0))
			}
			if family == FamilySRGAN {
				if len(c0) != 8 { // conv1, conv2, fc1 and logits, each with weights and biases
					t.Fatalf("srgan: %d classifier variables in the store, want 8", len(c0))
				}
				if c := changed(c0, snapshot(whole, eval.ScopeClassifier, true)); c != 0 {
					t.Errorf("srgan: training changed %d classifier variables", c)
				}
				if m.Content <= 0 {
					t.Errorf("srgan: content loss %g, want positive", m.Content)
				}
			}
			for _, m := range want {
				if m.DReal <= 0 || m.DReal >= 1 || m.DFake <= 0 || m.DFake >= 1 || m.L1 <= 0 || m.MSE <= 0 {
					t.Errorf("step %d: %+v: D's means should be probabilities, L1 and MSE positive", m.Step, m)
				}
			}

			dir := t.TempDir()
			first := newTestTrainer(t, cfg)
			for range n {
				if _, err := first.Step(); err != nil {
					t.Fatal(err)
				}
			}
			if err := gan.SaveCheckpoint(first.Store, dir); err != nil {
				t.Fatal(err)
			}
			second := newTestTrainer(t, cfg)
			if _, err := second.LoadCheckpoint(dir); err != nil {
				t.Fatal(err)
			}
			if second.GlobalStep() != n {
				t.Fatalf("resumed at step %d, want %d", second.GlobalStep(), n)
			}
			for i := n; i < 2*n; i++ {
				m, err := second.Step()
				if err != nil {
					t.Fatal(err)
				}
				if m != want[i] {
					t.Errorf("step %d: resumed run %+v, uninterrupted run %+v", i+1, m, want[i])
				}
			}
		})
	}
}

// TestDivergenceNamesTheStep poisons a discriminator weight with NaN: the next step must fail, naming it.
func TestDivergenceNamesTheStep(t *testing.T) {
	tr := newTestTrainer(t, tinyConfig(FamilyPix2Pix))
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	v := tr.Store.GetVariable("/" + ScopeDiscriminator + "/logits/weights")
	if v == nil {
		t.Fatal("no /discriminator/logits/weights")
	}
	w := tensors.FromShape(v.Shape())
	tensors.MutableFlatData(w, func(f []float32) {
		for i := range f {
			f[i] = float32(math.NaN())
		}
	})
	if err := v.SetValue(w); err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Step(); err == nil || !strings.Contains(err.Error(), "diverged at step 2") {
		t.Errorf("error %v, want one saying the run diverged at step 2", err)
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Family = "cyclegan" }, "unknown family"},
		{func(c *Config) { c.Task = TaskDownsample }, "pix2pix task"},
		{func(c *Config) { c.MaskSize = 30 }, "mask size"},
		{func(c *Config) { c.Family, c.Task, c.Scale = FamilySRGAN, TaskDownsample, 3 }, "scale 3"},
		{func(c *Config) { c.BatchSize = 0 }, "batch_size"},
		{func(c *Config) { c.Dataset = "cifar" }, "unknown dataset"},
	} {
		cfg := DefaultConfig(FamilyPix2Pix)
		c.edit(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one mentioning %q", err, c.want)
		}
	}
	for _, family := range []string{FamilyPix2Pix, FamilySRGAN} {
		cfg := DefaultConfig(family)
		if err := cfg.Validate(); err != nil {
			t.Errorf("DefaultConfig(%q): %v", family, err)
		}
	}
}

// TestDropoutOnlyWhileTraining: with the paper's dropout in the U-Net the step trains, and generating (in
// inference mode) stays deterministic.
func TestDropoutOnlyWhileTraining(t *testing.T) {
	cfg := tinyConfig(FamilyPix2Pix)
	cfg.Dropout = 0.5
	tr := newTestTrainer(t, cfg)
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	inputs, _ := tr.TestInputs(testData(t), []int{0, 1, 2})
	a, err := tr.Generate(inputs, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.Generate(inputs, 3)
	if err != nil || !slices.Equal(a, b) {
		t.Errorf("two Generate calls differ (err %v): dropout acted outside training", err)
	}
}
