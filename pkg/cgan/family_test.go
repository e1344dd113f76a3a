// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import (
	"strings"
	"testing"

	"github.com/ganbook/ganbook/internal/storetest"
	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
)

func tinyConfig(arch, cond string) gan.Config {
	cfg := DefaultConfig()
	c := cfg.Family.(*Config)
	c.Config = dcgan.Networks(arch)
	cfg.BatchSize, c.LatentDim, c.Condition = 16, 8, cond
	c.GenChannels, c.DiscChannels = []int{16, 8}, []int{8, 16}
	if arch == dcgan.ModelMLP {
		c.GenChannels, c.DiscChannels = []int{32, 64}, []int{64, 32}
	}
	return cfg
}

func TestConditionalGAN(t *testing.T) {
	b, set := testenv.Backend(t), testenv.MNIST(t, 0)
	for _, cond := range Conditions {
		for _, arch := range []string{dcgan.ModelDCGAN, dcgan.ModelMLP} {
			cfg := tinyConfig(arch, cond)
			c := cfg.Family.(*Config)
			if s := c.Shape(); s.Input != c.LatentDim+10 {
				t.Fatalf("input %d", s.Input)
			}
			tr, err := gan.NewTrainer(b, cfg, set.Subset(256))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
			d0 := storetest.Snapshot(tr.Store, gan.ScopeDiscriminator, false)
			if _, ok := d0["/discriminator/projection/embedding"]; ok != (cond == ConditionProjection) {
				t.Errorf("%s/%s: projection embedding present = %v", arch, cond, ok)
			}
			m, err := tr.Step()
			if err != nil {
				t.Fatal(err)
			}
			if n := storetest.Changed(d0, storetest.Snapshot(tr.Store, gan.ScopeDiscriminator, false)); n != len(d0) {
				t.Errorf("%s/%s: %d of %d D variables moved, want all", arch, cond, n, len(d0))
			}
			if m.DReal <= 0 || m.DReal >= 1 {
				t.Errorf("%s/%s: D(x) = %g", arch, cond, m.DReal)
			}
			lat, err := c.LatentLabels([]int{3, 9}, 1)
			if err != nil {
				t.Fatal(err)
			}
			w := c.Shape().Input
			if z := lat.Z; z[c.LatentDim+3] != 1 || z[w+c.LatentDim+9] != 1 || z[c.LatentDim+9] != 0 {
				t.Errorf("%s/%s: the one-hot labels are not where G reads them", arch, cond)
			}
			if _, err := SampleLabels(tr, []int{10}, 1); err == nil {
				t.Errorf("%s/%s: label 10 of 10 classes was accepted", arch, cond)
			}
			images, lat, err := tr.Sample(25, 1)
			if err != nil || len(images) != 25*28*28 || lat.Labels[12] != 2 || lat.LabelKind != "labels" {
				t.Errorf("%s/%s: Sample gave %d values, labels %v, %v", arch, cond, len(images), lat.Labels, err)
			}
			// D's verdict depends on the label it is given.
			right, err := Discriminate(tr, images, lat.Labels)
			if err != nil {
				t.Fatal(err)
			}
			shifted := make([]int, 25)
			for i, y := range lat.Labels {
				shifted[i] = (y + 1) % 10
			}
			wrong, err := Discriminate(tr, images, shifted)
			if err != nil {
				t.Fatal(err)
			}
			same := 0
			for i := range right {
				if right[i] == wrong[i] {
					same++
				}
			}
			if same == 25 {
				t.Errorf("%s/%s: D gives the same output whatever the label", arch, cond)
			}
			if _, err := Discriminate(tr, images, []int{11}); err == nil {
				t.Errorf("%s/%s: Discriminate with label 11 was accepted", arch, cond)
			}
		}
	}
	bad := tinyConfig(dcgan.ModelDCGAN, "sideways")
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "condition") {
		t.Errorf("an unknown condition: %v", err)
	}
	bad = tinyConfig(dcgan.ModelDCGAN, ConditionConcat)
	bad.Family.(*Config).Classes = 7
	if err := bad.Validate(); err == nil || !strings.Contains(err.Error(), "10 classes") {
		t.Errorf("7 classes on MNIST: %v", err)
	}
}

// TestLabelVerdicts asks the committed pretrained/cgan-mnist's D about real digits under every label: it must
// believe the right label more than the wrong ones.
func TestLabelVerdicts(t *testing.T) {
	tr, err := gan.LoadRun(testenv.Backend(t), "../../pretrained/cgan-mnist")
	if err != nil {
		t.Fatal(err)
	}
	test := testenv.MNIST(t, 0)
	tab, err := LabelVerdicts(tr, test, 300)
	if err != nil {
		t.Fatal(err)
	}
	top3 := 0
	for d, row := range tab.Prob {
		if len(row) != 10 || tab.Rank[d] < 1 || tab.Rank[d] > 10 {
			t.Fatalf("digit %d: row %v, rank %d", d, row, tab.Rank[d])
		}
		if tab.Rank[d] <= 3 {
			top3++
		}
	}
	if tab.Right <= tab.Wrong || top3 < 5 {
		t.Errorf("mean D(x, y): right %.3f, wrong %.3f; right label in the top 3 for %d digits", tab.Right, tab.Wrong, top3)
	}
	if _, err := LabelVerdicts(tr, test, 0); err == nil {
		t.Error("LabelVerdicts with n = 0 gave a table") // a table of zeros is no answer
	}
}
