// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/ganbook/ganbook/pkg/infogan"
)

func tinyInfoConfig() Config {
	cfg := tinyConfig(ModelDCGAN)
	cfg.Info = infogan.Codes{Categorical: []int{10}, Continuous: 2, WeightCat: 1, WeightCont: 0.1, QHidden: 16, LearnStd: true}
	return cfg
}

// TestInfoGANStep: the bound L_I is reported in nats below H(c) = ln 10; a D-only update trains Q's head (in
// D's scope) and not G; a G-only update moves G and not Q; and a resumed InfoGAN run repeats the uninterrupted one.
func TestInfoGANStep(t *testing.T) {
	cfg := tinyInfoConfig()
	tr := newTestTrainer(t, cfg)
	if cfg.Family() != FamilyInfoGAN || cfg.GenInputDim() != 8+12 {
		t.Fatalf("family %q, generator input %d: want infogan and 8+12", cfg.Family(), cfg.GenInputDim())
	}
	var ms []StepMetrics
	for range 4 {
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		ms = append(ms, m)
		if !(m.Info <= math.Log(10)+1e-5) || math.IsNaN(m.Info) || m.Info == 0 {
			t.Errorf("step %d: L_I = %g, want a finite value at most ln 10", m.Step, m.Info)
		}
	}
	q0, g0 := snapshot(tr, ScopeDiscriminator+"/"+ScopeQ), snapshot(tr, ScopeGenerator)
	if len(q0) != 8 { // hidden, cat0, mean, log_std: weights and biases
		t.Fatalf("Q has %d trainable variables under /discriminator/q, want 8", len(q0))
	}
	if _, err := tr.TrainD(); err != nil {
		t.Fatal(err)
	}
	q1, g1 := snapshot(tr, ScopeDiscriminator+"/"+ScopeQ), snapshot(tr, ScopeGenerator)
	if changed(q0, q1) != len(q0) || changed(g0, g1) != 0 {
		t.Errorf("a D-only update changed %d of %d Q variables and %d generator variables; want all and none",
			changed(q0, q1), len(q0), changed(g0, g1))
	}
	if _, err := tr.TrainG(); err != nil {
		t.Fatal(err)
	}
	if q2 := snapshot(tr, ScopeDiscriminator+"/"+ScopeQ); changed(q1, q2) != 0 {
		t.Error("a G-only update changed Q")
	}

	// Resume: 4 steps, checkpoint, 4 more in a fresh Trainer = 8 steps in one; and the first 4 repeat the run above.
	want := checkResumeIsExact(t, cfg, 4)
	for i := range 4 {
		if ms[i] != want[i] {
			t.Fatalf("step %d differs between two runs with the same seed: %+v vs %+v", i+1, ms[i], want[i])
		}
	}
}

// TestInfoGANLatent: Latent puts the drawn codes where the generator reads them, FixedLatent cycles the first
// code along its rows, Traversal sweeps a continuous code, and PredictCodes and an export keep Q working.
func TestInfoGANLatent(t *testing.T) {
	cfg := tinyInfoConfig()
	tr := newTestTrainer(t, cfg)
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	width := cfg.GenInputDim()
	z, cats := tr.Latent(50, 3)
	if len(z) != 50*width || len(cats) != 1 || len(cats[0]) != 50 {
		t.Fatalf("Latent: %d numbers and %d codes, want %d and 1x50", len(z), len(cats), 50*width)
	}
	seen := map[int]bool{}
	for i, c := range cats[0] {
		row := z[i*width+cfg.LatentDim : (i+1)*width]
		for j := range 10 {
			if want := float32(b2f(j == c)); row[j] != want {
				t.Fatalf("sample %d: one-hot %v does not encode code %d", i, row[:10], c)
			}
		}
		for _, v := range row[10:] {
			if v < -1 || v > 1 {
				t.Fatalf("sample %d: continuous code %g outside [-1, 1]", i, v)
			}
		}
		seen[c] = true
	}
	if len(seen) < 8 {
		t.Errorf("50 draws used only %d of 10 code values", len(seen))
	}
	fixed := tr.FixedLatent(1).Value().([][]float32)
	for i, row := range fixed {
		if row[cfg.LatentDim+i%8] != 1 {
			t.Fatalf("fixed latent row %d: code one-hot %v, want value %d", i, row[cfg.LatentDim:cfg.LatentDim+10], i%8)
		}
	}
	zt, rows, cols, err := tr.Traversal(1, 5, 0, -2, 2, 7)
	if err != nil || rows != 10 || cols != 5 || len(zt) != 50*width {
		t.Fatalf("Traversal: %d×%d, %d numbers, %v", rows, cols, len(zt), err)
	}
	for r := range rows {
		for c := range cols {
			v := zt[(r*cols+c)*width:]
			if v[cfg.LatentDim+r] != 1 || v[width-2] != 0 || math.Abs(float64(v[width-1])-(-2+float64(c))) > 1e-6 {
				t.Fatalf("traversal cell (%d,%d): code %v", r, c, v[cfg.LatentDim:width])
			}
			if v[0] != zt[0] {
				t.Fatal("the traversal's noise is not fixed")
			}
		}
	}
	if _, _, _, err := tr.Traversal(2, 5, 0, -2, 2, 7); err == nil {
		t.Error("a traversal of a continuous code the run does not have gave no error")
	}
	images, err := tr.Sample(20, 1)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := tr.PredictCodes(images, 20)
	if err != nil || len(codes) != 20 {
		t.Fatalf("PredictCodes: %d codes, %v", len(codes), err)
	}
	dir := t.TempDir()
	exported, err := Export(tr, dir)
	if err != nil {
		t.Fatal(err)
	}
	if exported.GenEMA != 0 || tr.Config.GenEMA == 0 {
		t.Fatalf("the export's config has gen_ema %g (the run's %g): the average should be folded into G", exported.GenEMA, tr.Config.GenEMA)
	}
	if err := WriteConfig(filepath.Join(dir, ConfigFile), exported); err != nil {
		t.Fatal(err)
	}
	loaded, err := LoadRun(testBackend(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	// The export samples what the run samples (from G's weight average), and the run is unchanged by it.
	fromExport, err := loaded.Sample(20, 1)
	if err != nil {
		t.Fatal(err)
	}
	fromRun, err := tr.Sample(20, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fromRun {
		if d := fromRun[i] - fromExport[i]; d > 1e-4 || d < -1e-4 || fromRun[i] != images[i] {
			t.Fatalf("pixel %d: run %g (before the export %g), export %g", i, fromRun[i], images[i], fromExport[i])
		}
	}
	if loaded.Store.GetVariable("/"+ScopeGeneratorEMA+"/"+emaProductName) != nil {
		t.Error("the export still holds the weight average")
	}
	again, err := loaded.PredictCodes(images, 20)
	if err != nil {
		t.Fatalf("Q after an export: %v", err)
	}
	for i := range codes {
		if codes[i] != again[i] {
			t.Fatalf("Q reads code %d of image %d after the export, %d before", again[i], i, codes[i])
		}
	}
}

// TestEvalBatches: forBatches hands out zero-padded chunks of evalBatch items, and GenerateFlat, PredictCodes and
// Discriminate give an item past the first batch the same answer as when it is alone.
func TestEvalBatches(t *testing.T) {
	const n, width = 2*evalBatch + 88, 3
	flat := make([]float32, n*width)
	for i := range flat {
		flat[i] = float32(i/width + 1)
	}
	var calls [][2]int
	err := forBatches(flat, n, width, func(chunk []float32, i, m int) error {
		calls = append(calls, [2]int{i, m})
		if len(chunk) != evalBatch*width {
			t.Fatalf("chunk of %d numbers, want %d", len(chunk), evalBatch*width)
		}
		for j, v := range chunk {
			want := float32(0)
			if j/width < m {
				want = float32(i + j/width + 1)
			}
			if v != want {
				t.Fatalf("batch at %d, number %d: %g, want %g", i, j, v, want)
			}
		}
		return nil
	})
	if err != nil || len(calls) != 3 || calls[1] != [2]int{evalBatch, evalBatch} || calls[2] != [2]int{2 * evalBatch, 88} {
		t.Fatalf("forBatches calls %v (error %v), want 3 batches ending with [%d 88]", calls, err, 2*evalBatch)
	}

	cfg := tinyInfoConfig()
	tr := newTestTrainer(t, cfg)
	for range 2 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	const m, k = evalBatch + 10, evalBatch + 3 // k: an item in the second batch
	z, _ := tr.Latent(m, 7)
	w, size := cfg.GenInputDim(), cfg.Height*cfg.Width*cfg.Channels
	images, err := tr.GenerateFlat(z, m)
	if err != nil || len(images) != m*size {
		t.Fatalf("GenerateFlat: %d values, %v", len(images), err)
	}
	alone, err := tr.GenerateFlat(z[k*w:(k+1)*w], 1)
	if err != nil {
		t.Fatal(err)
	}
	for j, v := range alone {
		if d := v - images[k*size+j]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("pixel %d of image %d: %g in a batch, %g alone", j, k, images[k*size+j], v)
		}
	}
	codes, err := tr.PredictCodes(images, m)
	if err != nil || len(codes) != m {
		t.Fatalf("PredictCodes: %d codes, %v", len(codes), err)
	}
	d, err := tr.Discriminate(images, m, nil)
	if err != nil || len(d) != m {
		t.Fatalf("Discriminate: %d outputs, %v", len(d), err)
	}
	code1, err := tr.PredictCodes(images[k*size:(k+1)*size], 1)
	if err != nil {
		t.Fatal(err)
	}
	d1, err := tr.Discriminate(images[k*size:(k+1)*size], 1, nil)
	if err != nil {
		t.Fatal(err)
	}
	if code1[0] != codes[k] || math.Abs(d1[0]-d[k]) > 1e-5 {
		t.Errorf("image %d: code %d and D %g alone, %d and %g in a batch", k, code1[0], d1[0], codes[k], d[k])
	}
}
