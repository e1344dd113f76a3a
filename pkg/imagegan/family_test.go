// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/internal/storetest"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
)

func newTestTrainer(t testing.TB, cfg gan.Config) *gan.Trainer {
	t.Helper()
	tr, err := gan.NewTrainer(testBackend(t), cfg, testData(t))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestStepsTrainBothNotTheClassifier: steps change every trainable variable of G and D and leave SRGAN's
// classifier as it was; they report the reconstruction terms.
func TestStepsTrainBothNotTheClassifier(t *testing.T) {
	for _, family := range []string{FamilyPix2Pix, FamilySRGAN} {
		t.Run(family, func(t *testing.T) {
			tr := newTestTrainer(t, tinyConfig(family))
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
			g0, d0 := storetest.Snapshot(tr.Store, gan.ScopeGenerator, false), storetest.Snapshot(tr.Store, gan.ScopeDiscriminator, false)
			c0 := storetest.Snapshot(tr.Store, eval.ScopeClassifier, true)
			m, err := tr.Step()
			if err != nil {
				t.Fatal(err)
			}
			if len(g0) == 0 || len(d0) == 0 {
				t.Fatalf("no trainable variables under /generator (%d) or /discriminator (%d)", len(g0), len(d0))
			}
			if n := storetest.Changed(g0, storetest.Snapshot(tr.Store, gan.ScopeGenerator, false)); n != len(g0) {
				t.Errorf("%d of %d G variables changed, want all", n, len(g0))
			}
			if n := storetest.Changed(d0, storetest.Snapshot(tr.Store, gan.ScopeDiscriminator, false)); n != len(d0) {
				t.Errorf("%d of %d D variables changed, want all", n, len(d0))
			}
			if family == FamilySRGAN && (len(c0) == 0 || storetest.Changed(c0, storetest.Snapshot(tr.Store, eval.ScopeClassifier, true)) != 0) {
				t.Errorf("the classifier (%d variables) is missing or moved", len(c0))
			}
			// pix2pix: L_G = l_adv + λ·L1 exactly; srgan: w_a·l_adv + w_c·l_φ + w_p·l_MSE.
			c, e := own(tr.Config), m.Extra
			want := e["g_adv"] + c.LambdaL1*e["l1"]
			if family == FamilySRGAN {
				want = c.AdvWeight*e["g_adv"] + c.ContentWeight*e["content"] + c.PixelWeight*e["mse"]
			}
			if d := m.GLoss - want; d > 1e-4*max(1, want) || d < -1e-4*max(1, want) {
				t.Errorf("G loss %g, its terms %+v add up to %g", m.GLoss, e, want)
			}
		})
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*gan.Config, *Config)
		want string
	}{
		{func(_ *gan.Config, c *Config) { c.Family = "cyclegan" }, "unknown family"},
		{func(_ *gan.Config, c *Config) { c.Task = TaskDownsample }, "pix2pix task"},
		{func(_ *gan.Config, c *Config) { c.MaskSize = 30 }, "mask size"},
		{func(_ *gan.Config, c *Config) { c.Family, c.Task, c.Scale = FamilySRGAN, TaskDownsample, 3 }, "scale 3"},
		{func(_ *gan.Config, c *Config) { c.GenChannels = Widths{8, 8} }, "gen_channels"},
		{func(c *gan.Config, _ *Config) { c.BatchSize = 0 }, "batch_size"},
		{func(c *gan.Config, _ *Config) { c.Dataset = "cifar" }, "unknown dataset"},
	} {
		cfg := DefaultConfig(FamilyPix2Pix)
		c.edit(&cfg, own(cfg))
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

// TestWidths: one width in config.json (the form before lists) is the first layer's, the rest doubling as in
// the papers; a list is taken as it is.
func TestWidths(t *testing.T) {
	for _, c := range []struct {
		family, json string
		gen, disc    []int
	}{
		{FamilyPix2Pix, `{"gen_channels": 32, "disc_channels": 16}`, []int{32, 64, 128}, []int{16, 32}},
		{FamilySRGAN, `{"gen_channels": 32, "disc_channels": 32}`, []int{32}, []int{32, 64, 64}},
		{FamilyPix2Pix, `{"gen_channels": [8, 9, 10], "disc_channels": [3, 4]}`, []int{8, 9, 10}, []int{3, 4}},
	} {
		cfg := &Config{Family: c.family}
		if err := json.Unmarshal([]byte(c.json), cfg); err != nil {
			t.Fatal(err)
		}
		if g, d := cfg.genWidths(), cfg.discWidths(); !slices.Equal(g, c.gen) || !slices.Equal(d, c.disc) {
			t.Errorf("%s %s: widths %v and %v, want %v and %v", c.family, c.json, g, d, c.gen, c.disc)
		}
	}
	if err := json.Unmarshal([]byte(`{"gen_channels": "wide"}`), &Config{}); err == nil {
		t.Error("gen_channels \"wide\" was accepted")
	}
}

// TestDropoutOnlyWhileTraining: with the paper's dropout in the U-Net the step trains, and generating (in
// inference mode) stays deterministic.
func TestDropoutOnlyWhileTraining(t *testing.T) {
	cfg := tinyConfig(FamilyPix2Pix)
	own(cfg).Dropout = 0.5
	tr := newTestTrainer(t, cfg)
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	inputs, _ := own(cfg).TestInputs(testData(t), []int{0, 1, 2})
	a, err := tr.GenerateFlat(inputs, 3)
	if err != nil {
		t.Fatal(err)
	}
	b, err := tr.GenerateFlat(inputs, 3)
	if err != nil || !slices.Equal(a, b) {
		t.Errorf("two Generate calls differ (err %v): dropout acted outside training", err)
	}
}
