// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/gan"
)

// TestTrainResumeEvaluate runs Train on a tiny srgan, refuses to overwrite it, resumes it to a higher total and
// evaluates it from its directory.
func TestTrainResumeEvaluate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "run")
	cfg := tinyConfig(FamilySRGAN)
	cfg.Steps, cfg.CheckpointEvery, cfg.SampleEvery = 4, 2, 2
	set := testData(t)
	opts := gan.RunOptions{Dir: dir, LogEvery: 2, Set: set}
	var progress []gan.Progress
	opts.Progress = func(p gan.Progress) { progress = append(progress, p) }
	if _, err := gan.Train(context.Background(), testBackend(t), cfg, opts); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"config.json", "metrics.json", "losses.svg", "samples/latest.png", "samples/step-0000002.png", "checkpoint"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			t.Errorf("the run lacks %s", f)
		}
	}
	if len(progress) != 2 || progress[1].Step != 4 || !progress[1].Checkpointed {
		t.Errorf("progress reports %+v, want steps 2 and 4 with checkpoints", progress)
	}
	if gan.RunFamily(dir) != FamilySRGAN || gan.RunFamily(t.TempDir()) != "" {
		t.Errorf("RunFamily: %q for the run, %q for an empty folder", gan.RunFamily(dir), gan.RunFamily(t.TempDir()))
	}
	if _, err := gan.Train(context.Background(), testBackend(t), cfg, opts); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("training into an existing run: %v, want an error suggesting --resume", err)
	}
	opts.Resume = true
	cfg.Steps = 6
	tr, err := gan.Train(context.Background(), testBackend(t), cfg, opts)
	if err != nil || tr.GlobalStep() != 6 {
		t.Fatalf("resume: %v at step %d, want step 6", err, tr.GlobalStep())
	}
	h, err := gan.ReadMetrics(dir)
	if err != nil || len(h.History) != 3 || h.History[2].Step != 6 {
		t.Errorf("metrics.json: %v, history %+v, want entries at steps 2, 4, 6", err, h.History)
	}
	for _, name := range []string{"g_adv", "l1", "mse", "content"} {
		if _, ok := h.History[2].Extra[name]; !ok {
			t.Errorf("metrics.json lacks %q: %+v", name, h.History[2])
		}
	}
	var raw struct {
		Config map[string]any `json:"config"`
	}
	b, _ := os.ReadFile(filepath.Join(dir, gan.MetricsFile))
	if err := json.Unmarshal(b, &raw); err != nil || raw.Config["steps"] != 6.0 || raw.Config["family"] != FamilySRGAN {
		t.Errorf("metrics.json's config: %v %v", raw.Config, err)
	}

	loaded, err := gan.LoadRun(testBackend(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	rep, err := evaluateOn(loaded, set, 20)
	if err != nil {
		t.Fatal(err)
	}
	if rep.N != 20 || rep.Step != 6 || rep.Family != FamilySRGAN || rep.Scale != 2 || len(rep.Baselines) != 2 ||
		rep.Baselines[0].Name != BaselineNearest || rep.Baselines[1].Name != BaselineBilinear {
		t.Fatalf("report %+v", rep)
	}
	for _, s := range append([]Scores{rep.Model}, rep.Baselines...) {
		if math.IsNaN(s.PSNR) || s.PSNR <= 0 || s.PSNR > MaxPSNR || s.SSIM < -1 || s.SSIM > 1 || s.Accuracy < 0 || s.Accuracy > 1 {
			t.Errorf("%s: %+v out of range", s.Name, s)
		}
	}
	// Upsampling a 14×14 digit keeps it readable and close to the original: the classifier still reads it,
	// and bilinear interpolation beats repeating pixels in PSNR.
	if bl := rep.Baselines[1]; bl.Accuracy < 0.9 || bl.PSNR < rep.Baselines[0].PSNR || bl.PSNR < 15 || rep.TargetAccuracy < 0.95 {
		t.Errorf("baselines %+v, true images' accuracy %g: want readable upsamplings and a sure classifier", rep.Baselines, rep.TargetAccuracy)
	}
}

// TestPix2PixBaseline: the masked input is a worse image than the truth but better than nothing, and a fresh
// Trainer's triplet grid has the input, output and target of each image.
func TestPix2PixBaseline(t *testing.T) {
	set := testData(t)
	tr := newTestTrainer(t, tinyConfig(FamilyPix2Pix))
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	rep, err := evaluateOn(tr, set, 16)
	if err != nil {
		t.Fatal(err)
	}
	in := rep.Baselines[0]
	if len(rep.Baselines) != 1 || in.Name != BaselineInput || in.PSNR < 8 || in.PSNR > 30 || in.SSIM >= 1 || in.SSIM < 0.2 {
		t.Errorf("pix2pix baselines %+v", rep.Baselines)
	}
	flat, err := Triplets(tr, set, []int{3, 4})
	if err != nil || len(flat) != 6*28*28 {
		t.Fatalf("Triplets: %v, %d values, want 6 images", err, len(flat))
	}
	target := set.ImagesFloat([]int{4})
	for i, v := range flat[5*784:] {
		if v != target[i] {
			t.Fatal("the last image of the triplets is not the target")
		}
	}
	img, err := TripletGrid(tr, set, []int{0, 1, 2, 3, 4})
	if err != nil {
		t.Fatal(err)
	}
	// Two rows of four triplets, each cell 56 pixels (Scale 2) plus a 2-pixel border, plus the label band.
	if b := img.Bounds(); b.Dx() != 12*58+2 || b.Dy() < 2*58+2 {
		t.Errorf("triplet grid %v, want 12 columns and 2 rows of 56-pixel cells", b)
	}
}
