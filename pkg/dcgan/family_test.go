// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/internal/storetest"
	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// tinyConfig is a DCGAN small enough for a step to take milliseconds.
func tinyConfig(model string) gan.Config {
	cfg := DefaultConfig(model)
	net := cfg.Family.(*Config)
	cfg.BatchSize, net.LatentDim, cfg.Steps = 16, 8, 10
	net.GenChannels, net.DiscChannels = []int{16, 8}, []int{8, 16}
	if model == ModelMLP {
		net.GenChannels, net.DiscChannels = []int{32, 64}, []int{64, 32}
	}
	return cfg
}

// net is the networks of a run of this package.
func net(cfg gan.Config) *Config { return cfg.Family.(*Config) }

var testBackend = testenv.Backend

func testData(t testing.TB) *data.Set { return testenv.MNIST(t, 512) }

func newTestTrainer(t testing.TB, cfg gan.Config) *gan.Trainer {
	t.Helper()
	tr, err := gan.NewTrainer(testBackend(t), cfg, testData(t))
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// snapshot copies the trainable variables of one network.
func snapshot(tr *gan.Trainer, scope string) map[string][]float32 {
	return storetest.Snapshot(tr.Store, scope, false)
}

var changed = storetest.Changed

func TestStepCountsOnceAndUpdatesBoth(t *testing.T) {
	for _, dSteps := range []int{1, 3} {
		cfg := tinyConfig(ModelDCGAN)
		cfg.DSteps = dSteps
		tr := newTestTrainer(t, cfg)
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		g0, d0 := snapshot(tr, gan.ScopeGenerator), snapshot(tr, gan.ScopeDiscriminator)
		for range 2 {
			if m, err = tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		if tr.GlobalStep() != 3 || m.Step != 3 {
			t.Errorf("d_steps=%d: global step %d (metrics %d) after 3 steps, want 3", dSteps, tr.GlobalStep(), m.Step)
		}
		if len(g0) == 0 || len(d0) == 0 {
			t.Fatalf("no trainable variables found under /generator (%d) or /discriminator (%d)", len(g0), len(d0))
		}
		if c := changed(g0, snapshot(tr, gan.ScopeGenerator)); c != len(g0) {
			t.Errorf("d_steps=%d: %d of %d generator variables changed, want all", dSteps, c, len(g0))
		}
		if c := changed(d0, snapshot(tr, gan.ScopeDiscriminator)); c != len(d0) {
			t.Errorf("d_steps=%d: %d of %d discriminator variables changed, want all", dSteps, c, len(d0))
		}
		if m.DReal <= 0 || m.DReal >= 1 || m.DFake <= 0 || m.DFake >= 1 {
			t.Errorf("mean D(x) = %g and D(G(z)) = %g should be probabilities", m.DReal, m.DFake)
		}
	}
}

// Exact resume, D-only and G-only updates and divergence are tested for every family in internal/familytest.

// TestCheckpointFallback: a damaged latest checkpoint falls back to the previous one; both damaged is an error.
func TestCheckpointFallback(t *testing.T) {
	cfg := tinyConfig(ModelDCGAN)
	tr := newTestTrainer(t, cfg)
	dir := t.TempDir()
	for range 2 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
		if err := gan.SaveCheckpoint(tr.Store, dir); err != nil {
			t.Fatal(err)
		}
	}
	damage := func(sub string) {
		files, _ := filepath.Glob(filepath.Join(dir, sub, "checkpoint-*.json"))
		if len(files) != 1 {
			t.Fatalf("%s holds %d checkpoint .json files, want 1", sub, len(files))
		}
		if err := os.WriteFile(files[0], []byte("{not json"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	damage(gan.CheckpointDir)
	fresh := newTestTrainer(t, cfg)
	loaded, err := gan.LoadCheckpoint(fresh.Store, dir)
	if err != nil || filepath.Base(loaded.Dir) != "checkpoint.old" || fresh.GlobalStep() != 1 || loaded.Step != 1 || loaded.Warning() == "" {
		t.Errorf("with the latest damaged: loaded %+v (err %v) at step %d, want %s at step 1 with a warning", loaded, err, fresh.GlobalStep(), "checkpoint.old")
	}
	damage("checkpoint.old")
	if _, err := gan.LoadCheckpoint(newTestTrainer(t, cfg).Store, dir); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("both damaged: error %v, want one saying the files are damaged", err)
	}
	if _, err := gan.LoadCheckpoint(newTestTrainer(t, cfg).Store, t.TempDir()); err == nil || !strings.Contains(err.Error(), "no checkpoint") {
		t.Errorf("empty dir: error %v, want 'no checkpoint'", err)
	}
}

// TestLossesAndModelsTrain runs two steps of every loss and of the MLP GAN: finite losses, and samples in
// [-1, 1] of the right shape.
func TestLossesAndModelsTrain(t *testing.T) {
	for _, loss := range gan.Losses {
		for _, model := range []string{ModelDCGAN, ModelMLP} {
			if model == ModelMLP && loss != gan.LossNonSaturating {
				continue
			}
			cfg := tinyConfig(model)
			cfg.Loss = loss
			if loss == gan.LossWGANGP {
				cfg.DSteps = 2
			}
			tr := newTestTrainer(t, cfg)
			for range 2 {
				if _, err := tr.Step(); err != nil {
					t.Fatalf("%s/%s: %v", model, loss, err)
				}
			}
			img, err := tr.Generate(gan.Noise(5, net(cfg).LatentDim, 1))
			if err != nil {
				t.Fatal(err)
			}
			if d := img.Shape().Dimensions; len(d) != 4 || d[0] != 5 || d[1] != 28 || d[2] != 28 || d[3] != 1 {
				t.Fatalf("%s/%s: samples %v, want [5 28 28 1]", model, loss, d)
			}
			for _, v := range tensors.MustCopyFlatData[float32](img) {
				if v < -1 || v > 1 || math.IsNaN(float64(v)) {
					t.Fatalf("%s/%s: sample value %g outside [-1, 1]", model, loss, v)
				}
			}
		}
	}
}

func TestGenerateRejectsBadNoise(t *testing.T) {
	tr := newTestTrainer(t, tinyConfig(ModelDCGAN))
	if _, err := tr.Generate(tensors.FromShape(shapes.Make(dtypes.Float32, 2, 3))); err == nil {
		t.Error("noise of the wrong size gave no error")
	}
}

func TestConfigValidate(t *testing.T) {
	for _, c := range []struct {
		edit func(*gan.Config, *Config)
		want string
	}{
		{func(_ *gan.Config, c *Config) { c.Model = "vae" }, "unknown model"},
		{func(c *gan.Config, _ *Config) { c.Loss = "kl" }, "unknown loss"},
		{func(c *gan.Config, _ *Config) { c.Dataset = "cifar" }, "unknown dataset"},
		{func(c *gan.Config, _ *Config) { c.BatchSize = 0 }, "must be positive"},
		{func(_ *gan.Config, c *Config) { c.GenStrides = []int{2} }, "one stride per"},
		{func(_ *gan.Config, c *Config) { c.GenStrides = []int{2, 3} }, "not divisible"},
		{func(c *gan.Config, _ *Config) { c.LabelSmoothing = 0.7 }, "label smoothing"},
		{func(_ *gan.Config, c *Config) { c.LatentDim = 1_000_000_000 }, "latent_dim"},
		{func(c *gan.Config, _ *Config) { c.LearningRateG = math.NaN() }, "finite"},
	} {
		cfg := DefaultConfig(ModelDCGAN)
		c.edit(&cfg, net(cfg))
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("got %v, want an error mentioning %q", err, c.want)
		}
	}
	for _, m := range []string{ModelDCGAN, ModelMLP} {
		cfg := DefaultConfig(m)
		if err := cfg.Validate(); err != nil {
			t.Errorf("DefaultConfig(%s): %v", m, err)
		}
	}
	tf := TFTutorialDCGAN()
	if err := tf.Validate(); err != nil {
		t.Errorf("TFTutorialDCGAN: %v", err)
	}
	path := filepath.Join(t.TempDir(), "config.json")
	if err := gan.WriteConfig(path, tf); err != nil {
		t.Fatal(err)
	}
	back, err := gan.ReadConfig(path)
	if err != nil || back.String() != tf.String() || net(back).Kernel != 5 || net(back).GenStrides[0] != 1 {
		t.Errorf("config round trip: %+v, %v", back, err)
	}
	_ = os.WriteFile(path, []byte(`{"model": "dcgan"`), 0o644)
	if _, err := gan.ReadConfig(path); err == nil {
		t.Error("a truncated config.json gave no error")
	}
}

func TestInterpolation(t *testing.T) {
	a, b := []float32{3, 0}, []float32{0, 3}
	mid := gan.Slerp(a, b, 0.5)
	if r := math.Hypot(float64(mid[0]), float64(mid[1])); math.Abs(r-3) > 1e-5 || math.Abs(float64(mid[0]-mid[1])) > 1e-6 {
		t.Errorf("slerp midpoint %v: want radius 3 at 45 degrees", mid)
	}
	if l := gan.Lerp(a, b, 0.5); l[0] != 1.5 || l[1] != 1.5 {
		t.Errorf("lerp midpoint %v, want [1.5 1.5]", l)
	}
	path := tensors.MustCopyFlatData[float32](gan.InterpolateLatent(a, b, 3, true))
	if path[0] != 3 || path[1] != 0 || math.Abs(float64(path[4])) > 1e-6 || math.Abs(float64(path[5]-3)) > 1e-6 {
		t.Errorf("path %v does not start at a and end at b", path)
	}
	z1, z2 := tensors.MustCopyFlatData[float32](gan.Noise(4, 3, 7)), tensors.MustCopyFlatData[float32](gan.Noise(4, 3, 7))
	for i := range z1 {
		if z1[i] != z2[i] {
			t.Fatal("gan.Noise is not reproducible from its seed")
		}
	}
}

// TestLoweringsAgree trains the same steps with the patch lowering and with GoMLX's native convolution (the
// lowering XLA uses): the combined D+G step must build with both, and the losses must agree.
func TestLoweringsAgree(t *testing.T) {
	var losses [2][]gan.StepMetrics
	for i, lowering := range []string{"patches", "native"} {
		cfg := tinyConfig(ModelDCGAN)
		net(cfg).Lowering, net(cfg).Kernel = lowering, 5
		tr := newTestTrainer(t, cfg)
		for range 3 {
			m, err := tr.Step()
			if err != nil {
				t.Fatalf("%s: %v", lowering, err)
			}
			losses[i] = append(losses[i], m)
		}
	}
	for s := range losses[0] {
		a, b := losses[0][s], losses[1][s]
		if math.Abs(a.DLoss-b.DLoss) > 1e-4 || math.Abs(a.GLoss-b.GLoss) > 1e-4 {
			t.Errorf("step %d: patches %+v, native %+v", s+1, a, b)
		}
	}
}

// TestLargerImages builds the DCGAN blocks for 32x32x3 and 64x64x3 images (Radford et al.'s 4x4 start and four
// stride-2 transposed convolutions for 64x64): G makes images of that shape and D one score per image.
func TestLargerImages(t *testing.T) {
	for _, c := range []struct {
		size            int
		strides, gen, d []int
	}{
		{32, []int{2, 2, 2}, []int{32, 16, 8}, []int{8, 16, 32}},
		{64, []int{2, 2, 2, 2}, []int{32, 16, 8, 8}, []int{8, 16, 32, 32}},
	} {
		cfg := tinyConfig(ModelDCGAN)
		n := net(cfg)
		n.Height, n.Width, n.Channels = c.size, c.size, 3
		n.GenStrides, n.GenChannels, n.DiscChannels, n.DiscBatchNorm = c.strides, c.gen, c.d, true
		tr, err := gan.NewTrainer(testBackend(t), cfg, nil)
		if err != nil {
			t.Fatal(err)
		}
		img, err := tr.Generate(gan.Noise(2, n.LatentDim, 3))
		if err != nil {
			t.Fatal(err)
		}
		if d := img.Shape().Dimensions; len(d) != 4 || d[1] != c.size || d[2] != c.size || d[3] != 3 {
			t.Fatalf("%dx%dx3: generated %v", c.size, c.size, d)
		}
		scores := model.MustCallOnce(tr.Backend, tr.Store, func(scope *model.Scope, x *Node) *Node {
			out, _ := Discriminator(scope.In(gan.ScopeDiscriminator), n, x, nil)
			return out
		}, img)
		if d := scores.Shape().Dimensions; len(d) != 1 || d[0] != 2 {
			t.Errorf("%dx%dx3: D output %v, want [2]", c.size, c.size, d)
		}
	}
}

// TestGenerateFollowsTraining: samples drawn between training steps come from the current weights.
func TestGenerateFollowsTraining(t *testing.T) {
	tr := newTestTrainer(t, tinyConfig(ModelDCGAN))
	z := gan.Noise(4, net(tr.Config).LatentDim, 1)
	var samples [][]float32
	for range 2 {
		for range 3 {
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		img, err := tr.Generate(z)
		if err != nil {
			t.Fatal(err)
		}
		samples = append(samples, tensors.MustCopyFlatData[float32](img))
	}
	same := true
	for i := range samples[0] {
		if samples[0][i] != samples[1][i] {
			same = false
			break
		}
	}
	if same {
		t.Error("samples after 3 and after 6 steps are identical: Generate does not see the trained weights")
	}
}

// TestGeneratorEMA checks the moving average against the weights it averages: with β = 0.5 the decays of the
// first two steps are min(0.5, 1/10) = 0.1 and min(0.5, 2/11) = 2/11, so ema = (2/11)·0.9·w1 + (9/11)·w2 and
// the product of the decays is 0.1·2/11; and that sampling uses it.
func TestGeneratorEMA(t *testing.T) {
	cfg := tinyConfig(ModelDCGAN)
	cfg.GenEMA = 0.5
	tr := newTestTrainer(t, cfg)
	const path = "/generator/project/weights"
	var w [][]float32
	for range 2 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
		w = append(w, tensors.MustCopyFlatData[float32](tr.Store.GetVariable(path).MustValue()))
	}
	ema := tr.Store.GetVariable("/" + gan.ScopeGeneratorEMA + "/project/weights")
	if ema == nil {
		t.Fatal("no moving average of " + path)
	}
	got := tensors.MustCopyFlatData[float32](ema.MustValue())
	for i := range got {
		if want := (2.0/11)*0.9*w[0][i] + (9.0/11)*w[1][i]; math.Abs(float64(got[i]-want)) > 1e-6 {
			t.Fatalf("ema[%d] = %g, want %g", i, got[i], want)
		}
	}
	if p := tensors.ToScalar[float32](tr.Store.GetVariable("/" + gan.ScopeGeneratorEMA + "/decay_product").MustValue()); math.Abs(float64(p)-0.1*2/11) > 1e-7 {
		t.Errorf("decay product %g, want %g", p, 0.1*2/11)
	}
	z := gan.Noise(3, net(cfg).LatentDim, 5)
	withEMA, err := tr.Generate(z)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir() // the same weights in a Trainer that samples the last weights
	if err := gan.SaveCheckpoint(tr.Store, dir); err != nil {
		t.Fatal(err)
	}
	cfg.GenEMA = 0
	plain, err := gan.NewTrainer(tr.Backend, cfg, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := plain.LoadCheckpoint(dir); err != nil {
		t.Fatal(err)
	}
	last, err := plain.Generate(z)
	if err != nil {
		t.Fatal(err)
	}
	a, b := tensors.MustCopyFlatData[float32](withEMA), tensors.MustCopyFlatData[float32](last)
	differ := false
	for i := range a {
		differ = differ || a[i] != b[i]
	}
	if !differ {
		t.Error("samples from the weight average equal samples from the last weights")
	}
	// Sampling must not have written the averages into the weights.
	if now := tensors.MustCopyFlatData[float32](tr.Store.GetVariable(path).MustValue()); now[0] != w[1][0] {
		t.Errorf("sampling changed %s: %g, was %g", path, now[0], w[1][0])
	}
}
