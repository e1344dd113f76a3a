// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"math"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
)

func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestOptimalDiscriminator trains D alone against a fixed p_g and checks claims (a) and (b): D ≈ D* over the bulk
// of the mass, and the Monte Carlo V(D, G) ≈ -log 4 + 2·JSD(p_data ‖ p_g).
func TestOptimalDiscriminator(t *testing.T) {
	cfg := DefaultConfig(gan.LossNonSaturating)
	pG := Gaussian1D{Std: 1.5}
	g, err := NewFixedGenerator(testBackend(t), bimodal, pG, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.FitD(1500, 1e-2); err != nil {
		t.Fatal(err)
	}
	lrVar := g.Store.GetVariable("/discriminator/optimizers/learning_rate") // the variable Adam reads
	if lrVar == nil || g.Config.LearningRateD != cfg.LearningRateD ||
		math.Abs(float64(tensors.ToScalar[float32](lrVar.MustValue()))-cfg.LearningRateD) > 1e-9 {
		t.Errorf("FitD left D's learning rate at %g (variable %v), want it restored to %g",
			g.Config.LearningRateD, lrVar, cfg.LearningRateD)
	}
	c, err := g.CheckOptimalD1D(nil, -6, 6, 121, 50000)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("mean |D - D*| = %.4f, max over the bulk %.4f; V(D, G) = %.4f, -log 4 + 2·JSD = %.4f (JSD %.4f)",
		c.MAE, c.MaxErr, c.V, c.VStar, c.JSD)
	if c.MAE > 0.03 || c.MaxErr > 0.15 {
		t.Errorf("D is far from D*: mean error %.4f (want < 0.03), max %.4f (want < 0.15)", c.MAE, c.MaxErr)
	}
	near(t, "JSD(bimodal ‖ N(0,2.25))", c.JSD, 0.108813019843159679, 1e-9) // the mpmath reference of TestJSD
	// V(D, G) ≤ V(D*, G), up to the Monte Carlo error of 50,000 points of each (~0.003).
	if c.V > c.VStar+0.005 || c.V < c.VStar-0.015 {
		t.Errorf("V(D, G) = %.4f, want within [-0.015, +0.005] of -log 4 + 2·JSD = %.4f", c.V, c.VStar)
	}
	if _, err := g.Step(); err == nil || !strings.Contains(err.Error(), "TrainDOnly") {
		t.Errorf("Step on a fixed generator: got %v, want an error pointing to TrainDOnly", err)
	}
}

// TestGANMovesTowardRing trains a short GAN on a wide ring: the generated points (from the fixed noise) get
// closer to the modes (claim (d)), and the snapshots come at the right steps.
func TestGANMovesTowardRing(t *testing.T) {
	ring := Ring2D{K: 8, Radius: 2, Std: 0.1}
	cfg := DefaultConfig(gan.LossNonSaturating)
	cfg.GenHidden, cfg.DiscHidden = []int{64, 64}, []int{64, 64}
	g, err := NewGAN(testBackend(t), ring, cfg)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int64
	var dist []float64
	err = g.Train(800, 200, func(s Snapshot) {
		steps = append(steps, s.Step)
		dist = append(dist, MeanDistanceToModes(s.Samples, ring.Modes()))
		if len(s.Samples) != cfg.SnapshotSize || len(s.Samples[0]) != 2 {
			t.Errorf("snapshot of %d points of size %d, want %d of size 2", len(s.Samples), len(s.Samples[0]), cfg.SnapshotSize)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("mean distance to the nearest mode at steps %v: %.3f", steps, dist)
	if want := []int64{0, 200, 400, 600, 800}; len(steps) != len(want) || steps[0] != 0 || steps[4] != 800 {
		t.Errorf("snapshots at steps %v, want %v", steps, want)
	}
	// Measured on the pure-Go backend: 1.23 -> 0.71.
	if dist[len(dist)-1] > 0.75*dist[0] {
		t.Errorf("mean distance to the modes went from %.3f to %.3f, want a drop of at least 25%%", dist[0], dist[len(dist)-1])
	}
	// Generate uses the same noise every time: a call gives the first points of a larger one.
	a, _ := g.Generate(5)
	b, _ := g.Generate(50)
	if math.Abs(a[4][1]-b[4][1]) > 1e-5 {
		t.Errorf("Generate is not reproducible: %v vs %v", a[4], b[4])
	}
}

// TestDOnlyLeavesGUnchanged: TrainDOnly moves D but not G, nor the global step.
func TestDOnlyLeavesGUnchanged(t *testing.T) {
	cfg := DefaultConfig(gan.LossNonSaturating)
	cfg.GenHidden, cfg.DiscHidden, cfg.BatchSize = []int{16}, []int{16}, 32
	g, err := NewGAN(testBackend(t), bimodal, cfg)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := g.Step(); err != nil {
		t.Fatal(err)
	}
	before, _ := g.Generate(20)
	dBefore, _ := g.Discriminator(Points([]float64{0, 1}))
	if _, err := g.TrainDOnly(5); err != nil {
		t.Fatal(err)
	}
	after, _ := g.Generate(20)
	dAfter, _ := g.Discriminator(Points([]float64{0, 1}))
	for i := range before {
		if before[i][0] != after[i][0] {
			t.Fatalf("TrainDOnly changed G: %v -> %v", before[i], after[i])
		}
	}
	if dBefore[0] == dAfter[0] {
		t.Errorf("TrainDOnly did not change D: D(0) = %g before and after", dAfter[0])
	}
	if s := g.GlobalStep(); s != 1 {
		t.Errorf("global step %d after one Step and TrainDOnly, want 1", s)
	}
	// G maps noise of the right size only.
	if _, err := g.GenerateFrom([][]float64{{0, 1}}); err == nil {
		t.Error("GenerateFrom accepted noise of size 2 for NoiseDim 1")
	}
}

// TestWGANGPSteps runs the WGAN-GP loss, with 5 critic updates per step: finite losses, one global step per step.
func TestWGANGPSteps(t *testing.T) {
	cfg := DefaultConfig(gan.LossWGANGP)
	cfg.GenHidden, cfg.DiscHidden, cfg.BatchSize = []int{16}, []int{16}, 32
	g, err := NewGAN(testBackend(t), EightGaussians(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		m, err := g.Step()
		if err != nil {
			t.Fatal(err)
		}
		if math.IsNaN(m.DReal) || math.IsNaN(m.DFake) {
			t.Fatalf("step %d: D(x) %g, D(G(z)) %g", m.Step, m.DReal, m.DFake)
		}
	}
	if s := g.GlobalStep(); s != 3 {
		t.Errorf("global step %d after 3 steps, want 3", s)
	}
	if _, err := g.Value(10); err == nil {
		t.Error("Value accepted a WGAN critic")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*Config)
		want string
	}{
		{func(c *Config) { c.Loss = "vanilla" }, "unknown loss"},
		{func(c *Config) { c.GenHidden = nil }, "GenHidden"},
		{func(c *Config) { c.BatchSize = 0 }, "BatchSize"},
		{func(c *Config) { c.LearningRateD = 0 }, "learning rates"},
		{func(c *Config) { c.Loss, c.GPWeight = gan.LossWGANGP, 0 }, "GPWeight"},
	} {
		cfg := DefaultConfig(gan.LossNonSaturating)
		c.edit(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Validate() = %v, want an error mentioning %q", err, c.want)
		}
	}
	for _, loss := range gan.Losses {
		if err := DefaultConfig(loss).Validate(); err != nil {
			t.Errorf("DefaultConfig(%q): %v", loss, err)
		}
	}
}

// TestTensorRoundTrip: points go to a float32 tensor [N, d] and back.
func TestTensorRoundTrip(t *testing.T) {
	pts := [][]float64{{1, 2}, {3, 4.5}, {-1, 0}}
	tt := PointsTensor(pts, 2)
	defer finalize(tt)
	if d := tt.Shape().Dimensions; d[0] != 3 || d[1] != 2 {
		t.Fatalf("shape %v", d)
	}
	back := TensorPoints(tt, 2)
	if back[1][1] != 4.5 || back[2][0] != -1 || len(tensors.MustCopyFlatData[float32](tt)) != 6 {
		t.Errorf("round trip gave %v", back)
	}
}

// TestStepOrders: the toy trains on the core's Trainer in both step orders; the default is algorithm 1
// (alternating), and the simultaneous step gives another run from the same seed (G follows the D of before each
// update); the alternating run moves the points toward the ring.
func TestStepOrders(t *testing.T) {
	ring := Ring2D{K: 8, Radius: 2, Std: 0.1}
	run := func(order string) ([][]float64, string) {
		cfg := DefaultConfig(gan.LossNonSaturating)
		cfg.GenHidden, cfg.DiscHidden, cfg.StepOrder = []int{32, 32}, []int{32, 32}, order
		g, err := NewGAN(testBackend(t), ring, cfg)
		if err != nil {
			t.Fatal(err)
		}
		if err := g.Train(300, 0, nil); err != nil {
			t.Fatal(err)
		}
		pts, err := g.Generate(500)
		if err != nil {
			t.Fatal(err)
		}
		return pts, g.Trainer.Config.StepOrder
	}
	alt, stored := run("")
	if stored != gan.StepAlternating {
		t.Errorf("the toy's default step order is %q, want algorithm 1's %q", stored, gan.StepAlternating)
	}
	sim, _ := run(gan.StepSimultaneous)
	if alt[0][0] == sim[0][0] && alt[0][1] == sim[0][1] {
		t.Error("the two step orders trained the same run")
	}
	start := MeanDistanceToModes(normalNoise(500, 2, NewRand(1)), ring.Modes())
	if d := MeanDistanceToModes(alt, ring.Modes()); !(d < start) {
		t.Errorf("alternating: mean distance to the modes %.3f after 300 steps, not below the noise's %.3f", d, start)
	}
	t.Logf("mean distance to the modes after 300 steps: alternating %.3f, simultaneous %.3f (noise %.3f)",
		MeanDistanceToModes(alt, ring.Modes()), MeanDistanceToModes(sim, ring.Modes()), start)
}
