// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"testing"

	"github.com/ganbook/ganbook/pkg/cgan"
)

// TestConditionalGAN: both ways of conditioning D train (every variable of D moves, the projection's class
// embedding included), G's input carries the label, a resumed run repeats the uninterrupted one, and labels
// out of range are refused.
func TestConditionalGAN(t *testing.T) {
	for _, cond := range cgan.Conditions {
		for _, arch := range []string{ModelDCGAN, ModelMLP} {
			cfg := tinyConfig(arch)
			cfg.Classes, cfg.Condition = 10, cond
			if cfg.Family() != FamilyCGAN || cfg.GenInputDim() != cfg.LatentDim+10 {
				t.Fatalf("family %q, input %d", cfg.Family(), cfg.GenInputDim())
			}
			tr := newTestTrainer(t, cfg)
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
			d0 := snapshot(tr, ScopeDiscriminator)
			if _, ok := d0["/discriminator/projection/embedding"]; ok != (cond == cgan.ConditionProjection) {
				t.Errorf("%s/%s: projection embedding present = %v", arch, cond, ok)
			}
			m, err := tr.Step()
			if err != nil {
				t.Fatal(err)
			}
			if c := changed(d0, snapshot(tr, ScopeDiscriminator)); c != len(d0) {
				t.Errorf("%s/%s: %d of %d D variables moved, want all", arch, cond, c, len(d0))
			}
			if m.DReal <= 0 || m.DReal >= 1 {
				t.Errorf("%s/%s: D(x) = %g", arch, cond, m.DReal)
			}
			z, err := tr.LatentLabels([]int{3, 9}, 1)
			if err != nil {
				t.Fatal(err)
			}
			w := cfg.GenInputDim()
			if z[cfg.LatentDim+3] != 1 || z[w+cfg.LatentDim+9] != 1 || z[cfg.LatentDim+9] != 0 {
				t.Errorf("%s/%s: the one-hot labels are not where G reads them", arch, cond)
			}
			if _, err := tr.SampleLabels([]int{10}, 1); err == nil {
				t.Errorf("%s/%s: label 10 of 10 classes was accepted", arch, cond)
			}
			images, labels, err := tr.SampleCodes(25, 1)
			if err != nil || len(images) != 25*28*28 || labels[12] != 2 {
				t.Errorf("%s/%s: SampleCodes gave %d values, labels %v, %v", arch, cond, len(images), labels, err)
			}
			// D's verdict depends on the label it is given.
			right, err := tr.Discriminate(images, 25, labels)
			if err != nil {
				t.Fatal(err)
			}
			shifted := make([]int, 25)
			for i, y := range labels {
				shifted[i] = (y + 1) % 10
			}
			wrong, err := tr.Discriminate(images, 25, shifted)
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
			if _, err := tr.Discriminate(images, 25, nil); err == nil {
				t.Errorf("%s/%s: Discriminate without labels was accepted", arch, cond)
			}
		}
	}
	// Resume is exact for a conditional GAN too (labels of the real batch and drawn labels included).
	cfg := tinyConfig(ModelDCGAN)
	cfg.Classes, cfg.Condition = 10, cgan.ConditionConcat
	checkResumeIsExact(t, cfg, 2)
	bad := cfg
	bad.Condition = "sideways"
	if err := bad.Validate(); err == nil {
		t.Error("an unknown condition was accepted")
	}
	bad = cfg
	bad.Info.Categorical = []int{10}
	if err := bad.Validate(); err == nil {
		t.Error("a run both InfoGAN and conditional was accepted")
	}
}
