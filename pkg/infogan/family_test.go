// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"math"
	"path/filepath"
	"testing"

	"github.com/ganbook/ganbook/internal/storetest"
	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/gan"
)

func tinyConfig() gan.Config {
	cfg := DefaultConfig()
	c := cfg.Family.(*Config)
	cfg.BatchSize, c.LatentDim = 16, 8
	c.GenChannels, c.DiscChannels, c.GenHidden, c.DiscHidden = []int{16, 8}, []int{8, 16}, 0, 0
	c.Info = Codes{Categorical: []int{10}, Continuous: 2, WeightCat: 1, WeightCont: 0.1, QHidden: 16, LearnStd: true}
	return cfg
}

func newTrainer(t *testing.T, cfg gan.Config) *gan.Trainer {
	t.Helper()
	tr, err := gan.NewTrainer(testenv.Backend(t), cfg, testenv.MNIST(t, 256))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestInfoGANStep: the bound L_I is reported in nats below H(c) = ln 10; a D-only update trains Q's head (in
// D's scope) and not G; a G-only update moves G and not Q.
func TestInfoGANStep(t *testing.T) {
	cfg := tinyConfig()
	tr := newTrainer(t, cfg)
	if s := cfg.Family.Shape(); s.Input != 8+12 {
		t.Fatalf("generator input %d, want 8+12", s.Input)
	}
	for range 4 {
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		li, h := m.Extra["info_bound"], m.Extra["info_entropy"]
		if !(li <= math.Log(10)+1e-5) || math.IsNaN(li) || li == 0 || math.Abs(h-math.Log(10)) > 1e-6 {
			t.Errorf("step %d: L_I = %g, H(c) = %g: want a finite L_I at most H(c) = ln 10", m.Step, li, h)
		}
		if m.Extra["g_adv"] == 0 || m.Extra["g_adv"] == m.GLoss {
			t.Errorf("step %d: G's adversarial loss %g alone should differ from its loss %g with -λ·L_I", m.Step, m.Extra["g_adv"], m.GLoss)
		}
	}
	qScope := gan.ScopeDiscriminator + "/" + ScopeQ
	q0, g0 := storetest.Snapshot(tr.Store, qScope, false), storetest.Snapshot(tr.Store, gan.ScopeGenerator, false)
	if len(q0) != 8 { // hidden, cat0, mean, log_std: weights and biases
		t.Fatalf("Q has %d trainable variables under /discriminator/q, want 8", len(q0))
	}
	if _, err := tr.TrainD(); err != nil {
		t.Fatal(err)
	}
	q1, g1 := storetest.Snapshot(tr.Store, qScope, false), storetest.Snapshot(tr.Store, gan.ScopeGenerator, false)
	if storetest.Changed(q0, q1) != len(q0) || storetest.Changed(g0, g1) != 0 {
		t.Errorf("a D-only update changed %d of %d Q variables and %d generator variables; want all and none",
			storetest.Changed(q0, q1), len(q0), storetest.Changed(g0, g1))
	}
	if _, err := tr.TrainG(); err != nil {
		t.Fatal(err)
	}
	if q2 := storetest.Snapshot(tr.Store, qScope, false); storetest.Changed(q1, q2) != 0 {
		t.Error("a G-only update changed Q")
	}
}

// TestInfoGANLatent: Latent puts the drawn codes where the generator reads them, FixedLatent cycles the first
// code along its rows, Traversal sweeps a continuous code, and PredictCodes and an export keep Q working.
func TestInfoGANLatent(t *testing.T) {
	cfg := tinyConfig()
	c := cfg.Family.(*Config)
	tr := newTrainer(t, cfg)
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	width := c.Shape().Input
	lat, err := c.Latent(&cfg, 50, 3)
	if err != nil || len(lat.Z) != 50*width || len(lat.Labels) != 50 || lat.LabelKind != "codes" {
		t.Fatalf("Latent: %d numbers and %d codes (%v), want %d and 50", len(lat.Z), len(lat.Labels), err, 50*width)
	}
	seen := map[int]bool{}
	for i, code := range lat.Labels {
		row := lat.Z[i*width+c.LatentDim : (i+1)*width]
		for j := range 10 {
			if want := float32(map[bool]int{true: 1}[j == code]); row[j] != want {
				t.Fatalf("sample %d: one-hot %v does not encode code %d", i, row[:10], code)
			}
		}
		for _, v := range row[10:] {
			if v < -1 || v > 1 {
				t.Fatalf("sample %d: continuous code %g outside [-1, 1]", i, v)
			}
		}
		seen[code] = true
	}
	if len(seen) < 8 {
		t.Errorf("50 draws used only %d of 10 code values", len(seen))
	}
	fixed := c.FixedLatent(1)
	for i := range 64 {
		if fixed[i*width+c.LatentDim+i%8] != 1 {
			t.Fatalf("fixed latent row %d: code one-hot %v, want value %d", i, fixed[i*width+c.LatentDim:i*width+c.LatentDim+10], i%8)
		}
	}
	zt, rows, cols, err := c.Traversal(1, 5, 0, -2, 2, 7)
	if err != nil || rows != 10 || cols != 5 || len(zt) != 50*width {
		t.Fatalf("Traversal: %d×%d, %d numbers, %v", rows, cols, len(zt), err)
	}
	for r := range rows {
		for col := range cols {
			v := zt[(r*cols+col)*width:]
			if v[c.LatentDim+r] != 1 || v[width-2] != 0 || math.Abs(float64(v[width-1])-(-2+float64(col))) > 1e-6 {
				t.Fatalf("traversal cell (%d,%d): code %v", r, col, v[c.LatentDim:width])
			}
			if v[0] != zt[0] {
				t.Fatal("the traversal's noise is not fixed")
			}
		}
	}
	if _, _, _, err := c.Traversal(2, 5, 0, -2, 2, 7); err == nil {
		t.Error("a traversal of a continuous code the run does not have gave no error")
	}
	for _, bad := range []string{"cont9", "cont-1", "cont1x", "rotation"} {
		if _, err := TraversalGrid(tr, bad, 1); err == nil {
			t.Errorf("traversal %q gave no error", bad)
		}
	}
	if img, err := TraversalGrid(tr, "cont0", 1); err != nil || img.Bounds().Dx() == 0 {
		t.Errorf("TraversalGrid cont0: %v", err)
	}
	images, _, err := tr.Sample(20, 1)
	if err != nil {
		t.Fatal(err)
	}
	codes, err := PredictCodes(tr, images, 20)
	if err != nil || len(codes) != 20 {
		t.Fatalf("PredictCodes: %d codes, %v", len(codes), err)
	}
	dir := t.TempDir()
	exported, err := gan.Export(tr, dir)
	if err != nil {
		t.Fatal(err)
	}
	if exported.GenEMA != 0 || tr.Config.GenEMA == 0 {
		t.Fatalf("the export's config has gen_ema %g (the run's %g): the average should be folded into G", exported.GenEMA, tr.Config.GenEMA)
	}
	if err := gan.WriteConfig(filepath.Join(dir, gan.ConfigFile), exported); err != nil {
		t.Fatal(err)
	}
	loaded, err := gan.LoadRun(testenv.Backend(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	// The export samples what the run samples (from G's weight average), and the run is unchanged by it.
	fromExport, _, err := loaded.Sample(20, 1)
	if err != nil {
		t.Fatal(err)
	}
	fromRun, _, err := tr.Sample(20, 1)
	if err != nil {
		t.Fatal(err)
	}
	for i := range fromRun {
		if d := fromRun[i] - fromExport[i]; d > 1e-4 || d < -1e-4 || fromRun[i] != images[i] {
			t.Fatalf("pixel %d: run %g (before the export %g), export %g", i, fromRun[i], images[i], fromExport[i])
		}
	}
	if loaded.Store.GetVariable("/"+gan.ScopeGeneratorEMA+"/decay_product") != nil {
		t.Error("the export still holds the weight average")
	}
	again, err := PredictCodes(loaded, images, 20)
	if err != nil {
		t.Fatalf("Q after an export: %v", err)
	}
	for i := range codes {
		if codes[i] != again[i] {
			t.Fatalf("Q reads code %d of image %d after the export, %d before", again[i], i, codes[i])
		}
	}
}

// TestEvalBatches: an item past the first batch of gan.EvalBatch gets the same image, code and D output as alone.
func TestEvalBatches(t *testing.T) {
	cfg := tinyConfig()
	c := cfg.Family.(*Config)
	tr := newTrainer(t, cfg)
	for range 2 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	const m, k = gan.EvalBatch + 10, gan.EvalBatch + 3 // k: an item in the second batch
	lat, err := c.Latent(&cfg, m, 7)
	if err != nil {
		t.Fatal(err)
	}
	w, size := c.Shape().Input, c.Shape().Size()
	images, err := tr.GenerateFlat(lat.Z, m)
	if err != nil || len(images) != m*size {
		t.Fatalf("GenerateFlat: %d values, %v", len(images), err)
	}
	alone, err := tr.GenerateFlat(lat.Z[k*w:(k+1)*w], 1)
	if err != nil {
		t.Fatal(err)
	}
	for j, v := range alone {
		if d := v - images[k*size+j]; d > 1e-5 || d < -1e-5 {
			t.Fatalf("pixel %d of image %d: %g in a batch, %g alone", j, k, images[k*size+j], v)
		}
	}
	codes, err := PredictCodes(tr, images, m)
	if err != nil || len(codes) != m {
		t.Fatalf("PredictCodes: %d codes, %v", len(codes), err)
	}
	d, err := tr.Discriminate(images, m, nil)
	if err != nil || len(d) != m {
		t.Fatalf("Discriminate: %d outputs, %v", len(d), err)
	}
	code1, err := PredictCodes(tr, images[k*size:(k+1)*size], 1)
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

// TestSweep summarises the committed sweep: per setting, the best, median and worst of its runs.
func TestSweep(t *testing.T) {
	s, err := ReadSweep("../../pretrained/infogan-mnist/sweep.json")
	if err != nil {
		t.Fatal(err)
	}
	sum := s.Settings(0.95)
	total := 0
	for _, st := range sum {
		total += st.Runs
		if st.Worst > st.Median || st.Median > st.Best {
			t.Errorf("setting %+v: worst ≤ median ≤ best fails", st)
		}
	}
	if total != len(s.Runs) || len(sum) < 2 {
		t.Fatalf("%d runs in %d settings, the sweep has %d", total, len(sum), len(s.Runs))
	}
	// The pretrained run (λ_cont 1, batch 64, seed 5) is the best of its setting: 98.70%.
	for _, st := range sum {
		if st.LambdaCont == 1 && st.Batch == 64 && (math.Abs(st.Best-0.987) > 5e-4 || st.AtOrAbove < 1) {
			t.Errorf("λ_cont 1 batch 64: best %g, %d at or above 95%%", st.Best, st.AtOrAbove)
		}
	}
	toy := &Sweep{Runs: []SweepRun{{Batch: 1, Generated: 0.5}, {Batch: 1, Generated: 0.9}, {Batch: 1, Generated: 0.7}, {Batch: 2, Generated: 1}}}
	if got := toy.Settings(0.8); len(got) != 2 || got[0].Median != 0.7 || got[0].AtOrAbove != 1 || got[1].Runs != 1 {
		t.Errorf("toy sweep: %+v", got)
	}
}
