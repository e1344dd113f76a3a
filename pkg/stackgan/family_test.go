// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ganbook/ganbook/internal/storetest"
	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/gomlx/core/tensors"
)

// fixtures are a tiny encoder (20 steps) and a tiny Stage-I run at 8×8 (30 steps) on it, made once.
var fixtures = sync.OnceValues(func() ([2]string, error) {
	var dirs [2]string
	root, err := os.MkdirTemp("", "stackgan-test-")
	if err != nil {
		return dirs, err
	}
	dirs = [2]string{filepath.Join(root, "textenc"), filepath.Join(root, "stage1")}
	ec := textenc.DefaultConfig("capmnist")
	ec.TextChannels, ec.TextHidden, ec.Embed, ec.ImageChannels, ec.Steps, ec.BatchSize = []int{16}, 16, 16, []int{8}, 20, 16
	b, err := backend.New()
	if err != nil {
		return dirs, err
	}
	defer b.Finalize()
	if _, err := textenc.Train(context.Background(), b, ec, textenc.RunOptions{Dir: dirs[0]}); err != nil {
		return dirs, err
	}
	cfg, err := tinyStage1(dirs[0])
	if err != nil {
		return dirs, err
	}
	cfg.Steps = 30
	_, err = gan.Train(context.Background(), b, cfg, gan.RunOptions{Dir: dirs[1], LogEvery: 10})
	return dirs, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dirs, err := fixtures(); err == nil {
		os.RemoveAll(filepath.Dir(dirs[0]))
	}
	os.Exit(code)
}

// tinyStage1 is Stage-I at 8×8 on capmnist8 with the encoder in enc.
func tinyStage1(enc string) (gan.Config, error) {
	cfg := DefaultConfig()
	c := cfg.Family.(*Config)
	c.Config.Config = Networks(8)
	c.LatentDim, c.CondDim, c.Project = 8, 8, 8
	c.GenChannels, c.DiscChannels = []int{16}, []int{16}
	cfg.Dataset, cfg.BatchSize = "capmnist8", 16
	if err := c.UseEncoder(enc); err != nil {
		return cfg, err
	}
	return cfg, cfg.Validate()
}

// tinyStage2 is Stage-II (32×32, capmnist) of the fixture's Stage-I run.
func tinyStage2(t *testing.T) gan.Config {
	t.Helper()
	dirs, err := fixtures()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	c := cfg.Family.(*Config)
	c.Refine = &Refiner{Channels: 8, ResBlocks: 1, UpChannels: []int{8, 8, 4}}
	c.CondDim = 8
	if err := c.UseStage1(&cfg, dirs[1]); err != nil {
		t.Fatal(err)
	}
	c.DiscChannels, c.Project = []int{8, 8, 16}, 8
	cfg.BatchSize = 16
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func trainer(t *testing.T, cfg gan.Config) *gan.Trainer {
	t.Helper()
	set, err := captions.Open(cfg.Dataset, "train")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := gan.NewTrainer(testenv.Backend(t), cfg, set.Images())
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// TestNetworks: each stage's sizes, from 4×4 up to the side and down again.
func TestNetworks(t *testing.T) {
	for side, want := range map[int][2][]int{8: {{128}, {128}}, 16: {{128, 64}, {64, 128}}, 64: {{128, 64, 32, 16}, {16, 32, 64, 128}}} {
		n := Networks(side)
		if n.Height != side || len(n.GenStrides) != len(want[0]) || !slices.Equal(n.GenChannels, want[0]) || !slices.Equal(n.DiscChannels, want[1]) {
			t.Errorf("Networks(%d): G %v (strides %v), D %v; want G %v, D %v", side, n.GenChannels, n.GenStrides, n.DiscChannels, want[0], want[1])
		}
		if err := n.ValidateNetworks(); err != nil {
			t.Errorf("Networks(%d): %v", side, err)
		}
	}
}

// TestKLTerm: G's loss is its adversarial loss plus λ times the reported KL (per dimension), at λ = 2 and 0;
// without CA there is no KL term at all.
func TestKLTerm(t *testing.T) {
	dirs, err := fixtures()
	if err != nil {
		t.Fatal(err)
	}
	for _, lambda := range []float64{2, 0} {
		cfg, err := tinyStage1(dirs[0])
		if err != nil {
			t.Fatal(err)
		}
		cfg.Family.(*Config).KLWeight = lambda
		m, err := trainer(t, cfg).Step()
		if err != nil {
			t.Fatal(err)
		}
		kl, adv := m.Extra["kl"], m.Extra["g_adv"]
		if _, split := m.Extra["g_adv"]; !split {
			adv = m.GLoss // the core reports G's adversarial part only when other terms weigh in
		}
		if !(kl > 0) || math.Abs(m.GLoss-(adv+lambda*kl)) > 1e-4*math.Max(1, m.GLoss) {
			t.Errorf("λ %g: G loss %g, adversarial %g, kl %g: want loss = adversarial + λ·kl with kl > 0", lambda, m.GLoss, adv, kl)
		}
	}
	cfg, _ := tinyStage1(dirs[0])
	c := cfg.Family.(*Config)
	c.CA, c.KLWeight = false, 0
	m, err := trainer(t, cfg).Step()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Extra) != 0 {
		t.Errorf("without CA: %v, G loss %g; want no kl, G's loss the adversarial loss alone", m.Extra, m.GLoss)
	}
}

// TestStageTwo: Stage-II draws at 4× Stage-I's side; Stage-I's generator and encoder inside it are Stage-I's
// weights and stay frozen while G1 and D1 train; Stage1Images are exactly what the Stage-I run draws from the
// same z, ε₁ and caption; the export keeps them, and sample --stage 1 and eval work on it.
func TestStageTwo(t *testing.T) {
	dirs, _ := fixtures()
	cfg := tinyStage2(t)
	c := cfg.Family.(*Config)
	if cfg.Dataset != "capmnist" || c.Height != 32 || c.Stage1.Height != 8 || c.Stage != 2 {
		t.Fatalf("Stage-II of an 8×8 Stage-I: %s at %d, stage1 %d", cfg.Dataset, c.Height, c.Stage1.Height)
	}
	tr := trainer(t, cfg)
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	frozen := func() map[string][]float32 {
		return storetest.Snapshot(tr.Store, gan.ScopeGenerator+"/"+ScopeStage1, true)
	}
	before := frozen()
	g0 := storetest.Snapshot(tr.Store, gan.ScopeGenerator, false)
	for range 2 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	if len(before) == 0 || storetest.Changed(before, frozen()) != 0 {
		t.Errorf("Stage-I inside Stage-II: %d variables, %d changed by training; want some, none", len(before), storetest.Changed(before, frozen()))
	}
	if storetest.Changed(g0, storetest.Snapshot(tr.Store, gan.ScopeGenerator, false)) == 0 {
		t.Error("G1 did not train")
	}
	for path := range before {
		if !strings.Contains(path, "/"+ScopeStage1+"/") {
			t.Errorf("a frozen variable outside stage1: %s", path)
		}
	}
	capts := []string{"a thick red seven", "blue 3", "the digit 0 in white"}
	high, err := Sample(tr, capts, 5)
	if err != nil {
		t.Fatal(err)
	}
	low, err := Stage1Images(tr, capts, 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(high) != 3*32*32*3 || len(low) != 3*8*8*3 {
		t.Fatalf("Stage-II %d values, Stage-I %d: want 3 images of 32×32×3 and of 8×8×3", len(high), len(low))
	}
	// The same draws through the Stage-I run itself: its input is Stage-II's z and ε₁, then the codes.
	s1, err := gan.LoadRun(testenv.Backend(t), dirs[1])
	if err != nil {
		t.Fatal(err)
	}
	lat, _ := c.LatentFor(capts, 5)
	in, in1 := c.Shape().Input, s1.Config.Family.Shape().Input
	noise1 := c.Stage1.LatentDim + c.Stage1.CondDim
	var z1 []float32
	for i := range capts {
		row := lat.Z[i*in : (i+1)*in]
		z1 = append(z1, row[:noise1]...)
		z1 = append(z1, row[noise1+c.CondDim:]...)
	}
	if len(z1) != 3*in1 {
		t.Fatalf("Stage-I input of %d values, want %d", len(z1), 3*in1)
	}
	want, err := s1.GenerateFlat(z1, 3)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(float64(want[i]-low[i])) > 1e-5 {
			t.Fatalf("Stage1Images value %d: %g, the Stage-I run draws %g", i, low[i], want[i])
		}
	}
	// Export, reload, sample the same.
	exp := t.TempDir()
	expCfg, err := gan.Export(tr, exp)
	if err != nil {
		t.Fatal(err)
	}
	if err := gan.WriteConfig(filepath.Join(exp, gan.ConfigFile), expCfg); err != nil {
		t.Fatal(err)
	}
	loaded, err := gan.LoadRun(testenv.Backend(t), exp)
	if err != nil {
		t.Fatal(err)
	}
	again, err := Stage1Images(loaded, capts, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range again {
		if again[i] != low[i] {
			t.Fatalf("the export's Stage-I image differs at %d", i)
		}
	}
	rep, err := Evaluate(loaded, text2img.EvalOptions{N: 40, Seed: 1})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Stage != 2 || rep.Side != 32 || rep.Samples == nil || rep.Stage1Bicubic == nil || rep.Samples.Seen == nil || rep.Samples.Seen.N+rep.Samples.HeldOut.N != 40 ||
		!(rep.RealSharpness > 0) || !(rep.Stage1BicubicSharpness > 0) || rep.Samples.MismatchAUC == 0 || rep.Stage1Bicubic.MismatchAUC != 0 {
		t.Errorf("Evaluate: %+v (samples %+v, bicubic %+v)", rep, rep.Samples, rep.Stage1Bicubic)
	}
}

// TestValidate: each bad setting gets its own error.
func TestValidate(t *testing.T) {
	dirs, err := fixtures()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		want string
		edit func(*gan.Config, *Config)
	}{
		{"stage 3", func(_ *gan.Config, c *Config) { c.Stage = 3 }},
		{"GAN-INT", func(_ *gan.Config, c *Config) { c.Interp = true }},
		{"without conditioning augmentation", func(_ *gan.Config, c *Config) { c.CA = false }},
		{"kl_weight -1", func(_ *gan.Config, c *Config) { c.KLWeight = -1 }},
		{"cond_dim 0", func(_ *gan.Config, c *Config) { c.CondDim = 0 }},
		{"has no captions", func(r *gan.Config, _ *Config) { r.Dataset = "mnist" }},
		{"needs its Stage-I run", func(_ *gan.Config, c *Config) { c.Stage = 2 }},
		{"mode_seeking", func(_ *gan.Config, c *Config) { c.ModeSeeking = 0.1 }},
	} {
		cfg, _ := tinyStage1(dirs[0])
		tc.edit(&cfg, cfg.Family.(*Config))
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: got %v", tc.want, err)
		}
	}
	cfg := tinyStage2(t)
	cfg.Family.(*Config).Stage1.Height = 16
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "4× Stage-I's side") {
		t.Errorf("a Stage-I of the wrong side: %v", err)
	}
	var s2 gan.Config = DefaultConfig()
	if err := s2.Family.(*Config).UseStage1(&s2, dirs[0]); err == nil || !strings.Contains(err.Error(), "stackgan") {
		t.Errorf("UseStage1 of an encoder run: %v", err)
	}
}

// TestSharpness: a flat image has none; a checkerboard's Laplacian is ±4 everywhere inside (variance 16 in
// [0, 1] units of a 0/1 board); blurring (shrinking then growing) lowers it.
func TestSharpness(t *testing.T) {
	const side = 16
	flat := make([]float32, side*side*3)
	if s := Sharpness(flat, 1, side, 3); s != 0 {
		t.Errorf("flat image: %g", s)
	}
	board := make([]float32, side*side)
	for y := range side {
		for x := range side {
			board[y*side+x] = float32(2*((x+y)%2) - 1)
		}
	}
	if s := Sharpness(board, 1, side, 1); math.Abs(s-16) > 1e-9 {
		t.Errorf("checkerboard: %g, want 16", s)
	}
	blob := make([]float32, side*side)
	for y := range side {
		for x := range side {
			if (x-8)*(x-8)+(y-8)*(y-8) < 20 {
				blob[y*side+x] = 1
			} else {
				blob[y*side+x] = -1
			}
		}
	}
	blurred := captions.ResizeFlat(captions.ResizeFlat(blob, 1, side, 1, side/4), 1, side/4, 1, side)
	if a, b := Sharpness(blob, 1, side, 1), Sharpness(blurred, 1, side, 1); !(b < a/2) {
		t.Errorf("sharpness of a disc %g, blurred %g: want the blur to halve it at least", a, b)
	}
}

// TestTextMatch: text2img's matching term on each stage: Stage-I's 8×8 images go to the encoder's 32×32 judge,
// G's loss is adversarial + λ·kl + w·text_match; a Stage-II of a Stage-I run with the term keeps it, and its
// image encoder comes in at /generator/image_encoder, frozen, not under Stage-I's scope.
func TestTextMatch(t *testing.T) {
	dirs, err := fixtures()
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := tinyStage1(dirs[0])
	if err != nil {
		t.Fatal(err)
	}
	c := cfg.Family.(*Config)
	c.Match = 2
	s1 := t.TempDir()
	cfg.Steps = 2
	if _, err := gan.Train(context.Background(), testenv.Backend(t), cfg, gan.RunOptions{Dir: s1, LogEvery: 1}); err != nil {
		t.Fatal(err)
	}
	h, err := gan.ReadMetrics(s1)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range h.History {
		match, kl := e.Extra["text_match"], e.Extra["kl"]
		if want := e.Extra["g_adv"] + 2*kl + 2*match; !(match > 0) || math.Abs(e.GLoss-want) > 1e-4*math.Max(1, want) {
			t.Errorf("Stage-I step %d: G loss %g, want g_adv + 2·kl + 2·text_match = %g with text_match > 0 (%v)", e.Step, e.GLoss, want, e.Extra)
		}
	}

	cfg2 := DefaultConfig()
	c2 := cfg2.Family.(*Config)
	c2.Refine, c2.CondDim = &Refiner{Channels: 8, ResBlocks: 1, UpChannels: []int{8, 8, 4}}, 8
	if err := c2.UseStage1(&cfg2, s1); err != nil {
		t.Fatal(err)
	}
	c2.DiscChannels, c2.Project, cfg2.BatchSize = []int{8, 8, 16}, 8, 16
	if err := cfg2.Validate(); err != nil {
		t.Fatal(err)
	}
	if c2.Match != 2 {
		t.Fatalf("Stage-II of a Stage-I run with text_match 2: text_match %g", c2.Match)
	}
	tr := trainer(t, cfg2)
	m, err := tr.Step()
	if err != nil {
		t.Fatal(err)
	}
	if !(m.Extra["text_match"] > 0) {
		t.Errorf("Stage-II reports %v, want a positive text_match", m.Extra)
	}
	n := 0
	for v := range tr.Store.Scope("/").IterVariables() {
		switch {
		case strings.HasPrefix(v.Path(), text2img.ImageEncoderPath+"/"):
			if v.Trainable {
				t.Errorf("%s is trainable", v.Path())
			}
			n++
		case strings.Contains(v.Path(), text2img.ScopeImageEncoder):
			t.Errorf("%s: the image encoder copied to the wrong place", v.Path())
		}
	}
	if n == 0 {
		t.Errorf("no image encoder under %s in Stage-II", text2img.ImageEncoderPath)
	}
}

// TestRefinerSkip: with the skip and G1's last convolution zeroed, Stage-II draws its Stage-I image upsampled
// bilinearly (half-pixel centres, edges repeated), checked against that upsampling done here on the host.
func TestRefinerSkip(t *testing.T) {
	cfg := tinyStage2(t)
	c := cfg.Family.(*Config)
	c.Refine.Skip = true
	cfg.GenEMA = 0 // samples from G's own weights, the ones zeroed below
	tr := trainer(t, cfg)
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	zeroed := 0
	for v := range tr.Store.IterVariables() {
		if strings.Contains(v.Path(), "/to_rgb/") && strings.HasPrefix(v.Path(), "/"+gan.ScopeGenerator+"/") {
			v.MustSetValue(tensors.FromFlatDataAndDimensions(make([]float32, v.Shape().Size()), v.Shape().Dimensions...))
			zeroed++
		}
	}
	if zeroed == 0 {
		t.Fatal("no variables of G1's to_rgb convolution")
	}
	tr.VariablesChanged()
	capts := []string{"a thick red seven", "blue 3"}
	high, err := Sample(tr, capts, 3)
	if err != nil {
		t.Fatal(err)
	}
	low, err := Stage1Images(tr, capts, 3)
	if err != nil {
		t.Fatal(err)
	}
	s, side, ch := c.Stage1.Height, c.Height, c.Channels
	src := func(o int) (int, int, float64) { // the two source pixels of output o and the second's weight
		f := (float64(o)+0.5)*float64(s)/float64(side) - 0.5
		i := int(math.Floor(f))
		w := f - float64(i)
		return min(max(i, 0), s-1), min(max(i+1, 0), s-1), w
	}
	worst := 0.0
	for n := range capts {
		for y := range side {
			y0, y1, wy := src(y)
			for x := range side {
				x0, x1, wx := src(x)
				for k := range ch {
					at := func(yy, xx int) float64 { return float64(low[((n*s+yy)*s+xx)*ch+k]) }
					want := (1-wy)*((1-wx)*at(y0, x0)+wx*at(y0, x1)) + wy*((1-wx)*at(y1, x0)+wx*at(y1, x1))
					want = min(max(want, -skipBound), skipBound)
					worst = max(worst, math.Abs(float64(high[((n*side+y)*side+x)*ch+k])-want))
				}
			}
		}
	}
	if worst > 1e-4 {
		t.Errorf("Stage-II with the skip and a zero last convolution differs from Stage-I upsampled bilinearly by up to %g", worst)
	}
}
