// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// probe is a family made for checking the core's arithmetic: G is tanh of one zero-initialised bias per pixel
// (so its first images are all 0), D's verdict is a·mean(x) + cond with a zero-initialised a (so its first
// verdicts are the conditions), the real condition is the label, the fake one 1 and, with Wrong, the wrong
// one -1. Its term "t" is mean(G(z))² + 3, in G's loss with weight TermG and in D's with TermD.
type probe struct {
	Side         int     `json:"probe_side"`
	Wrong        bool    `json:"probe_wrong,omitempty"`
	TermG, TermD float64 `json:"-"`
	Adv          *AdvWeights
}

func (p *probe) Name() string                 { return "probe" }
func (p *probe) Validate(*Config) error       { return nil }
func (p *probe) Shape() Shape                 { return Shape{Input: 2, Height: p.Side, Width: p.Side, Channels: 1} }
func (p *probe) ExportKeepsD() bool           { return true }
func zeroInit(g *Graph, s shapes.Shape) *Node { return Zeros(g, s) }

func (p *probe) Generator(scope *model.Scope, input *Node) *Node {
	b := input.Shape().Dimensions[0]
	bias := scope.WithInitializer(zeroInit).VariableWithShape("bias", shapes.Make(input.DType(), p.Side*p.Side)).NodeValue(input.Graph())
	x := Add(Reshape(MulScalar(ReduceSum(input, -1), 0), b, 1), ExpandLeftToRank(bias, 2)) // [B, S·S]: reads its input, weighs it 0
	return Tanh(Reshape(x, b, p.Side, p.Side, 1))
}

func (p *probe) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	a := scope.WithInitializer(zeroInit).VariableWithShape("a", shapes.Make(x.DType())).NodeValue(x.Graph())
	mean := ReduceMean(x, 1, 2, 3)
	return Add(Mul(a, mean), cond), Reshape(mean, -1, 1)
}

func (p *probe) Batch(scope *model.Scope, d Data) Batch {
	g, b := d.Images.Graph(), d.Batch()
	dt := d.Images.DType()
	batch := Batch{Input: scope.RandomNormal(g, shapes.Make(dt, b, 2)), Real: d.Images,
		RealCond: ConvertDType(d.Labels, dt), FakeCond: Ones(g, shapes.Make(dt, b)), Adv: p.Adv}
	if p.Wrong {
		batch.WrongCond = Neg(Ones(g, shapes.Make(dt, b)))
	}
	batch.Terms = func(_ *model.Scope, fake Fake) []Term {
		v := AddScalar(Square(ReduceAllMean(fake.Images)), 3)
		return []Term{{Name: "t", Value: v, G: p.TermG, D: p.TermD}}
	}
	return batch
}

func (p *probe) Latent(_ *Config, n int, seed uint64) (Latent, error) {
	return Latent{Z: tensors.MustCopyFlatData[float32](Noise(n, 2, seed)), Labels: make([]int, n), LabelKind: "probes"}, nil
}

func init() {
	RegisterFamily("probe", func() Config { return CoreDefaults(&probe{Side: 4}) }, func() Family { return &probe{} })
}

// probeData is n 4×4 images, every label 2.
func probeData(n int) *data.Set {
	s := &data.Set{Name: "mnist", Split: "train", N: n, Height: 4, Width: 4, Channels: 1,
		Images: make([]uint8, n*16), Labels: make([]uint8, n), ClassNames: make([]string, 10)}
	for i := range s.Labels {
		s.Labels[i] = 2
	}
	for i := range s.Images {
		s.Images[i] = uint8(i * 37 % 256)
	}
	return s
}

// TestStepArithmetic checks the first step's losses against the formulas: the first verdicts are the
// conditions (2 on real images, 1 on generated ones, -1 with the wrong condition), G's first images are 0.
func TestStepArithmetic(t *testing.T) {
	b := testBackend(t)
	for _, c := range []struct {
		name         string
		fam          probe
		smoothing    float64
		wantD, wantG float64
		extras       []string
	}{
		{"two pairs", probe{Side: 4}, 0, sp(-2) + sp(1), sp(-1) + 0, nil},
		// Reed et al. 2016: log D(real, right) + ½[log(1 − D(real, wrong)) + log(1 − D(fake, right))].
		{"three pairs", probe{Side: 4, Wrong: true}, 0, sp(-2) + 0.5*(sp(1)+sp(-1)), sp(-1), nil},
		{"smoothing", probe{Side: 4}, 0.1, sp(2) - 0.9*2 + sp(1), sp(-1), nil},
		{"terms", probe{Side: 4, TermG: 2, TermD: 0.5}, 0, sp(-2) + sp(1) + 0.5*3, sp(-1) + 2*3, []string{"g_adv", "t"}},
		{"weights", probe{Side: 4, Adv: &AdvWeights{G: 0.25, D: 0.5}}, 0, 0.5 * (sp(-2) + sp(1)), 0.25 * sp(-1), nil},
	} {
		cfg := CoreDefaults(&c.fam)
		cfg.BatchSize, cfg.LabelSmoothing, cfg.GenEMA = 8, c.smoothing, 0
		tr, err := NewTrainer(b, cfg, probeData(32))
		if err != nil {
			t.Fatal(err)
		}
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		if math.Abs(m.DLoss-c.wantD) > 1e-5 || math.Abs(m.GLoss-c.wantG) > 1e-5 {
			t.Errorf("%s: D loss %.6f, G loss %.6f; want %.6f and %.6f", c.name, m.DLoss, m.GLoss, c.wantD, c.wantG)
		}
		if sig := 1 / (1 + math.Exp(-2)); math.Abs(m.DReal-sig) > 1e-5 || math.Abs(m.DFake-1/(1+math.Exp(-1))) > 1e-5 {
			t.Errorf("%s: D(x) %g, D(G(z)) %g: want σ(2) and σ(1)", c.name, m.DReal, m.DFake)
		}
		if c.extras != nil {
			if len(m.Extra) != len(c.extras) || math.Abs(m.Extra["t"]-3) > 1e-6 || math.Abs(m.Extra["g_adv"]-sp(-1)) > 1e-5 {
				t.Errorf("%s: extras %v, want g_adv = softplus(-1) and t = 3", c.name, m.Extra)
			}
		} else if _, ok := m.Extra["g_adv"]; ok {
			t.Errorf("%s: g_adv reported without terms in G's loss", c.name)
		}
	}
}

// TestConfigJSON: a config is one flat object with the family's name and fields beside the core's, read back
// into the same family; a family may not reuse a core field; older forms name their family.
func TestConfigJSON(t *testing.T) {
	cfg := CoreDefaults(&probe{Side: 6, Wrong: true})
	cfg.Steps = 77
	b, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var flat map[string]any
	if err := json.Unmarshal(b, &flat); err != nil || flat["family"] != "probe" || flat["probe_side"] != 6.0 || flat["steps"] != 77.0 {
		t.Fatalf("config JSON %s (%v)", b, err)
	}
	var back Config
	if err := json.Unmarshal(b, &back); err != nil {
		t.Fatal(err)
	}
	if p, ok := back.Family.(*probe); !ok || p.Side != 6 || !p.Wrong || back.Steps != 77 || back.String() != cfg.String() {
		t.Errorf("read back %+v (%+v)", back, back.Family)
	}
	// An older form lacking a core field takes the family's default; a missing family field is zero.
	if err := json.Unmarshal([]byte(`{"family": "probe", "seed": 3}`), &back); err != nil || back.Seed != 3 ||
		back.Loss != LossNonSaturating || back.GenEMA != 0.999 || back.Family.(*probe).Side != 0 {
		t.Errorf("a short config: %+v, %v", back, err)
	}
	for _, c := range []struct{ json, family string }{
		{`{"model": "dcgan", "info": {}}`, "dcgan"},
		{`{"model": "gan"}`, "gan"},
		{`{"model": "dcgan", "info": {"categorical": [10]}}`, "infogan"},
		{`{"model": "dcgan", "info": {"continuous": 2}}`, "infogan"},
		{`{"model": "dcgan", "classes": 10, "condition": "concat"}`, "cgan"},
		{`{"family": "pix2pix", "gen_channels": 32}`, "pix2pix"},
	} {
		if got, err := familyOf([]byte(c.json)); err != nil || got != c.family {
			t.Errorf("%s: family %q (%v), want %q", c.json, got, err, c.family)
		}
	}
	for _, bad := range []string{`{"steps": 3}`, `[1, 2]`, `{"family": "stylegan"}`} {
		if err := json.Unmarshal([]byte(bad), &back); err == nil {
			t.Errorf("%s was read as a config", bad)
		}
	}
	clash := CoreDefaults(&clashing{Seed: 1})
	if _, err := json.Marshal(clash); err == nil || !strings.Contains(err.Error(), `"seed"`) {
		t.Errorf("a family reusing the core's \"seed\": %v", err)
	}
	nan := CoreDefaults(&probe{Side: 4})
	nan.LearningRateD = math.Inf(1)
	if err := nan.Validate(); err == nil || !strings.Contains(err.Error(), "finite") {
		t.Errorf("an infinite learning rate: %v", err)
	}
	topk := CoreDefaults(&probe{Side: 4})
	topk.TopK = 1.5
	if err := topk.Validate(); err == nil || !strings.Contains(err.Error(), "top_k 1.5 must be in [0, 1]") {
		t.Errorf("top_k 1.5: %v", err)
	}
	topk.TopK = 0.5
	if b, err := json.Marshal(topk); err != nil || !strings.Contains(string(b), `"top_k":0.5`) || !strings.Contains(topk.String(), "G on the top 32 of 64") {
		t.Errorf("top_k 0.5: %s %v; %s", b, err, topk.String())
	}
	if b, _ := json.Marshal(CoreDefaults(&probe{Side: 4})); strings.Contains(string(b), "top_k") {
		t.Errorf("top_k off must not be written (older runs resume unchanged): %s", b)
	}
}

type clashing struct {
	probe
	Seed int `json:"seed"`
}

// TestMetricsJSON: an entry is flat, its extras beside the core's fields, and reads back; the history of a
// run written before (InfoGAN's info_bound, pix2pix's l1) reads its extras by name.
func TestMetricsJSON(t *testing.T) {
	e := MetricsEntry{Step: 50, DLoss: 1.5, GLoss: 0.5, DReal: 0.7, DFake: 0.3, Extra: map[string]float64{"l1": 0.25}}
	b, err := json.Marshal(e)
	if err != nil || string(b) != `{"d_fake":0.3,"d_loss":1.5,"d_real":0.7,"g_loss":0.5,"l1":0.25,"step":50}` {
		t.Fatalf("entry JSON %s (%v)", b, err)
	}
	var back MetricsEntry
	if err := json.Unmarshal(b, &back); err != nil || back.Step != 50 || back.Extra["l1"] != 0.25 || back.DFake != 0.3 {
		t.Errorf("read back %+v (%v)", back, err)
	}
	var h History
	old := `{"config": {"model": "dcgan"}, "history": [{"step": 50, "d_loss": 1, "g_loss": 2, "d_real": 0.5, "d_fake": 0.4, "info_bound": 2.1}],
		"training_seconds": 12, "steps_per_sec": 4}`
	if err := json.Unmarshal([]byte(old), &h); err != nil || len(h.History) != 1 || h.Seconds != 12 {
		t.Fatalf("an older metrics.json: %+v, %v", h, err)
	}
	if steps, v := h.Series("info_bound"); len(v) != 1 || v[0] != 2.1 || steps[0] != 50 {
		t.Errorf("info_bound series %v %v", steps, v)
	}
	if names := h.ExtraNames(); len(names) != 1 || names[0] != "info_bound" {
		t.Errorf("extras %v", names)
	}
	if _, err := json.Marshal(MetricsEntry{Extra: map[string]float64{"d_loss": 1}}); err == nil {
		t.Error("an extra named d_loss was accepted")
	}
}

// TestRunOfAFamily trains, exports, reloads and samples a probe run through the core alone, and writes its
// samples as IDX with their side file.
func TestRunOfAFamily(t *testing.T) {
	b := testBackend(t)
	dir := t.TempDir()
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.BatchSize, cfg.Steps, cfg.CheckpointEvery, cfg.SampleEvery = 4, 3, 1, 2
	if _, err := Train(t.Context(), b, cfg, RunOptions{Dir: dir, LogEvery: 1, Set: probeData(16)}); err != nil {
		t.Fatal(err)
	}
	if RunFamily(dir) != "probe" {
		t.Errorf("RunFamily %q", RunFamily(dir))
	}
	h, err := ReadMetrics(dir)
	if err != nil || len(h.History) != 3 || h.History[2].Extra["t"] == 0 {
		t.Fatalf("history %+v, %v", h, err)
	}
	tr, err := LoadRun(b, dir)
	if err != nil || tr.GlobalStep() != 3 {
		t.Fatalf("LoadRun: %v at step %d", err, tr.GlobalStep())
	}
	images, lat, err := tr.Sample(5, 1)
	if err != nil || len(images) != 5*16 || len(lat.Labels) != 5 {
		t.Fatalf("Sample: %d values, %v", len(images), err)
	}
	path := filepath.Join(dir, "s.idx")
	side, err := WriteSamplesIDX(path, images, 5, tr.Config.Family.Shape(), lat)
	if err != nil || side != path+".probes" {
		t.Fatalf("WriteSamplesIDX: %q, %v", side, err)
	}
	idx, err := data.ReadIDXFile(path)
	if err != nil || len(idx.Dims) != 3 || idx.Dims[0] != 5 || idx.Dims[1] != 4 {
		t.Errorf("samples idx %v, %v", idx, err)
	}
	if _, err := tr.Discriminate(images, 5, func(first, m, batch int) *tensors.Tensor {
		return tensors.FromShape(shapes.Make(dtypes.Float32, batch))
	}); err != nil {
		t.Errorf("Discriminate: %v", err)
	}
	if _, err := Train(t.Context(), b, DefaultConfigForTest(), RunOptions{Dir: dir, Resume: true}); err == nil ||
		!strings.Contains(err.Error(), "is a probe run") {
		t.Errorf("resuming a probe run as another family: %v", err)
	}
}

// DefaultConfigForTest is a config of another family than probe.
func DefaultConfigForTest() Config { return CoreDefaults(&clashing{}) }

func (c *clashing) Name() string { return "clash" }

// TestDiscriminatorLossFor: one negative is the two-player loss; two average their fake parts.
func TestDiscriminatorLossFor(t *testing.T) {
	b := testBackend(t)
	exec := model.MustNewExec(b, model.NewStore(), func(_ *model.Scope, g *Graph) []*Node {
		r := Const(g, []float32{2, -1})
		f := Const(g, []float32{0.5, 1})
		w := Const(g, []float32{-3, 0})
		return []*Node{
			DiscriminatorLossFor(LossNonSaturating, r, []*Node{f}, 0),
			DiscriminatorLossFor(LossNonSaturating, r, []*Node{f, w}, 0),
			DiscriminatorLossFor(LossHinge, r, []*Node{f, w}, 0),
			DiscriminatorLossFor(LossWGANGP, r, []*Node{f, w}, 0),
		}
	})
	out := exec.MustCall()
	realPart := (sp(-2) + sp(1)) / 2
	fakePart, wrongPart := (sp(0.5)+sp(1))/2, (sp(-3)+sp(0))/2
	want := []float64{realPart + fakePart, realPart + (fakePart+wrongPart)/2,
		(0.0+2)/2 + ((1.5+2)/2+(0.0+1)/2)/2, ((0.5+1)/2+(-3.0+0)/2)/2 - (2.0-1)/2}
	for i, o := range out {
		if got := float64(tensors.ToScalar[float32](o)); math.Abs(got-want[i]) > 1e-5 {
			t.Errorf("case %d: %g, want %g", i, got, want[i])
		}
	}
}

// TestCheckpointFaults: a checkpoint is complete only as its manifest says; a damaged or emptied latest one
// falls back to the previous one with a warning and is never rotated over it; a run with no complete
// checkpoint is an error, never a fresh start at step 0; leftovers of killed saves are cleaned.
func TestCheckpointFaults(t *testing.T) {
	b := testBackend(t)
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.BatchSize = 4
	tr, err := NewTrainer(b, cfg, probeData(16))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	step := func() {
		t.Helper()
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
		if err := SaveCheckpoint(tr.Store, dir); err != nil {
			t.Fatal(err)
		}
	}
	step()
	step() // checkpoint: step 2, checkpoint.old: step 1
	latest, prev := filepath.Join(dir, CheckpointDir), filepath.Join(dir, previousDir)
	for _, d := range []string{latest, prev} {
		if err := VerifyCheckpoint(d); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
	}
	m, err := ParseManifest(mustRead(t, filepath.Join(latest, ManifestFile)))
	if err != nil || m.Step != 2 || len(m.Files) != 2 {
		t.Fatalf("manifest %+v, %v: want step 2 and two files", m, err)
	}
	bins, _ := filepath.Glob(filepath.Join(latest, "*.bin"))
	flipByte(t, bins[0])
	if err := VerifyCheckpoint(latest); err == nil || !strings.Contains(err.Error(), "damaged") {
		t.Errorf("a flipped byte: %v", err)
	}
	fresh, _ := NewTrainer(b, cfg, nil)
	l, err := fresh.LoadCheckpoint(dir)
	if err != nil || l.Dir != prev || l.Step != 1 || !strings.Contains(l.Warning(), "previous") {
		t.Fatalf("loading with the latest damaged: %+v, %v", l, err)
	}
	// Saving now drops the damaged latest instead of rotating it over the complete previous one.
	step()
	if m, _ := ParseManifest(mustRead(t, filepath.Join(prev, ManifestFile))); m == nil || m.Step != 1 {
		t.Errorf("after saving over a damaged checkpoint the previous one is %+v, want step 1", m)
	}
	// An emptied latest folder, or one that lost its .json, falls back too; with nothing complete, an error.
	for _, f := range []string{"*.json", "*"} {
		files, _ := filepath.Glob(filepath.Join(latest, f))
		for _, p := range files {
			os.Remove(p)
		}
		if l, err := fresh.LoadCheckpoint(dir); err != nil || l.Dir != prev {
			t.Errorf("latest without %s: %+v, %v", f, l, err)
		}
	}
	os.RemoveAll(prev)
	if _, err := fresh.LoadCheckpoint(dir); err == nil || !strings.Contains(err.Error(), "damaged") || fresh.GlobalStep() != 0 {
		t.Errorf("an empty checkpoint folder alone: %v (step %d), want an error", err, fresh.GlobalStep())
	}
	// A killed save leaves a temporary folder and files: CleanStale removes them, and only them.
	for _, p := range []string{".checkpoint.tmp-123/x.bin", ".metrics.json.tmp-9"} {
		os.MkdirAll(filepath.Dir(filepath.Join(dir, p)), 0o755)
		os.WriteFile(filepath.Join(dir, p), []byte("x"), 0o644)
	}
	if err := CleanStale(dir); err != nil {
		t.Fatal(err)
	}
	left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*"))
	if len(left) != 0 || !exists(latest) {
		t.Errorf("after CleanStale: leftovers %v, checkpoint kept %v", left, exists(latest))
	}
}

// TestLock: a second holder of a run's lock is refused with the first one named; once released, it is free.
func TestLock(t *testing.T) {
	dir := t.TempDir()
	unlock, err := LockRun(dir)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := LockRun(dir); err == nil || !strings.Contains(err.Error(), fmt.Sprintf("in use by ganbook process %d", os.Getpid())) {
		t.Errorf("a second lock: %v", err)
	}
	unlock()
	again, err := LockRun(dir)
	if err != nil {
		t.Fatalf("after unlocking: %v", err)
	}
	again()
}

// TestResumeConfig: a resumed run may change its total, rates and intervals (recorded), nothing else.
func TestResumeConfig(t *testing.T) {
	stored := CoreDefaults(&probe{Side: 4})
	asked := CoreDefaults(&probe{Side: 4})
	asked.Steps, asked.LearningRateG, asked.TopK, asked.KeepEvery = 9000, 1e-4, 0.5, 1000
	got, changes, err := ResumeConfig(stored, asked)
	if err != nil || got.Steps != 9000 || got.LearningRateG != 1e-4 || got.TopK != 0.5 || got.KeepEvery != 1000 || len(changes) != 4 ||
		changes[0].Setting != "keep_every" || changes[0].From != "0" || changes[0].To != "1000" || changes[1].Setting != "learning_rate_g" || changes[3].Setting != "top_k" {
		t.Fatalf("%+v %+v %v", got, changes, err)
	}
	asked.Steps = 10 // below the stored total: the stored one stays
	if got, _, _ := ResumeConfig(stored, asked); got.Steps != stored.Steps {
		t.Errorf("total %d, want the stored %d", got.Steps, stored.Steps)
	}
	bad := CoreDefaults(&probe{Side: 6})
	bad.Seed = 3
	if _, _, err := ResumeConfig(stored, bad); err == nil || !strings.Contains(err.Error(), "probe_side (stored 4, asked 6)") ||
		!strings.Contains(err.Error(), "seed (stored 1, asked 3)") {
		t.Errorf("other settings: %v", err)
	}
	if _, _, err := ResumeConfig(stored, DefaultConfigForTest()); err == nil || !strings.Contains(err.Error(), "probe run") {
		t.Errorf("another family: %v", err)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func flipByte(t *testing.T, path string) {
	t.Helper()
	b := mustRead(t, path)
	b[len(b)/2] ^= 0xff
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// FuzzParseManifest: no manifest makes ParseManifest panic, and one it accepts names only plain files.
func FuzzParseManifest(f *testing.F) {
	f.Add([]byte(`{"format": "ganbook-checkpoint-1", "step": 3, "files": [{"name": "a.bin", "size": 4, "sha256": "` + strings.Repeat("0", 64) + `"}]}`))
	f.Add([]byte(`{"format": "ganbook-checkpoint-1", "step": -1, "files": []}`))
	f.Add([]byte(`{"files": [{"name": "../x"}]}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			return
		}
		for _, file := range m.Files {
			if file.Name != filepath.Base(file.Name) || strings.HasPrefix(file.Name, ".") {
				t.Errorf("accepted a file outside the folder: %q", file.Name)
			}
		}
	})
}

// FuzzReadConfig: no config.json makes the reader panic; one it accepts validates and writes back as it reads.
func FuzzReadConfig(f *testing.F) {
	for _, run := range []string{"dcgan-mnist", "infogan-mnist", "cgan-mnist", "pix2pix-mnist", "srgan-mnist"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "pretrained", run, ConfigFile)); err == nil {
			f.Add(b)
		}
	}
	good, _ := json.Marshal(CoreDefaults(&probe{Side: 4}))
	f.Add(good)
	f.Add([]byte(`{"family": "probe", "batch_size": 1e12}`))
	f.Add([]byte(`{"family": "probe", "learning_rate_g": "NaN"}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, ConfigFile)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		c, err := ReadConfig(path)
		if err != nil {
			return
		}
		if err := c.Validate(); err != nil {
			t.Errorf("ReadConfig accepted an invalid config: %v", err)
		}
		if _, err := json.Marshal(c); err != nil {
			t.Errorf("an accepted config does not encode: %v", err)
		}
	})
}

// FuzzReadMetrics: no metrics.json makes the reader panic.
func FuzzReadMetrics(f *testing.F) {
	for _, run := range []string{"dcgan-mnist", "infogan-mnist", "pix2pix-mnist"} {
		if b, err := os.ReadFile(filepath.Join("..", "..", "pretrained", run, MetricsFile)); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"history": [{"step": 1, "d_loss": "x"}]}`))
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, b []byte) {
		path := filepath.Join(dir, MetricsFile)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
		h, err := ReadMetricsFile(path)
		if err == nil {
			_ = h.ExtraNames()
		}
	})
}

// TestAverager: the mean of a window of steps, extras by name, as Train's history takes it.
func TestAverager(t *testing.T) {
	var a Averager
	a.Add(StepMetrics{DLoss: 1, GLoss: 2, Extra: map[string]float64{"l1": 4}})
	a.Add(StepMetrics{DLoss: 3, GLoss: 4, Extra: map[string]float64{"l1": 6}})
	e := a.Mean(2)
	if e.Step != 2 || e.DLoss != 2 || e.GLoss != 3 || e.Extra["l1"] != 5 || len(a.History.History) != 1 {
		t.Errorf("mean %+v, history %+v", e, a.History)
	}
	a.Add(StepMetrics{DLoss: 10})
	if e := a.Mean(3); e.DLoss != 10 || e.Extra != nil || len(a.History.History) != 2 {
		t.Errorf("second window %+v", e)
	}
	if s := a.History.Until(2); len(s.History) != 1 {
		t.Errorf("Until(2): %+v", s)
	}
}

// TestVariablesChanged: Generate's graph holds G's weights as they were when it was built; setting a weight
// through the store shows in the samples only after VariablesChanged. The probe's G is tanh of its bias.
func TestVariablesChanged(t *testing.T) {
	b := testBackend(t)
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.BatchSize, cfg.GenEMA = 4, 0
	tr, err := NewTrainer(b, cfg, probeData(16))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	z := tensors.FromShape(shapes.Make(dtypes.Float32, 2, 2))
	first := func() float64 {
		out, err := tr.Generate(z)
		if err != nil {
			t.Fatal(err)
		}
		defer out.MustFinalizeAll()
		return float64(tensors.MustCopyFlatData[float32](out)[0])
	}
	before := first()
	bias := tr.Store.GetVariable("/" + ScopeGenerator + "/bias")
	if bias == nil {
		t.Fatal("no generator bias in the store")
	}
	bias.MustSetValue(tensors.FromFlatDataAndDimensions(slices.Repeat([]float32{0.5}, 16), 16))
	if got := first(); got != before {
		t.Errorf("before VariablesChanged: %g, want the cached graph's %g", got, before)
	}
	tr.VariablesChanged()
	if got := first(); math.Abs(got-math.Tanh(0.5)) > 1e-6 {
		t.Errorf("after VariablesChanged: %g, want tanh(0.5) = %g", got, math.Tanh(0.5))
	}
}

// TestExportAverage: the exported generator's weights are the mean of the runs' sampling weights (the probe's G
// is tanh of its bias: biases 0.2 and 0.6 give tanh(0.4)), the first run is left as it was, a run's weight
// average is what is averaged (two copies of a run with one export as that run samples), and runs of another
// configuration are refused.
func TestExportAverage(t *testing.T) {
	b := testBackend(t)
	z := tensors.FromShape(shapes.Make(dtypes.Float32, 2, 2))
	pixels := func(tr *Trainer) []float32 {
		out, err := tr.Generate(z)
		if err != nil {
			t.Fatal(err)
		}
		defer out.MustFinalizeAll()
		return tensors.MustCopyFlatData[float32](out)
	}
	trained := func(fam *probe, ema float64, steps int) *Trainer {
		cfg := CoreDefaults(fam)
		cfg.BatchSize, cfg.GenEMA = 4, ema
		set := probeData(16)
		if steps == 0 {
			set = nil // only samples
		}
		tr, err := NewTrainer(b, cfg, set)
		if err != nil {
			t.Fatal(err)
		}
		for range steps {
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		return tr
	}
	exported := func(runs ...*Trainer) *Trainer {
		dir := t.TempDir()
		cfg, err := ExportAverage(runs, dir)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.GenEMA != 0 {
			t.Errorf("the export's config keeps gen_ema %g", cfg.GenEMA)
		}
		if err := WriteConfig(filepath.Join(dir, ConfigFile), cfg); err != nil {
			t.Fatal(err)
		}
		e, err := LoadRun(b, dir)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	runA, runB := trained(&probe{Side: 4}, 0, 1), trained(&probe{Side: 4}, 0, 1)
	for tr, value := range map[*Trainer]float32{runA: 0.2, runB: 0.6} {
		tr.Store.GetVariable("/" + ScopeGenerator + "/bias").MustSetValue(tensors.FromFlatDataAndDimensions(slices.Repeat([]float32{value}, 16), 16))
		tr.VariablesChanged()
	}
	if got := pixels(exported(runA, runB))[5]; math.Abs(float64(got)-math.Tanh(0.4)) > 1e-6 {
		t.Errorf("average of biases 0.2 and 0.6 draws %g, want tanh(0.4) = %g", got, math.Tanh(0.4))
	}
	if got := pixels(runA)[5]; math.Abs(float64(got)-math.Tanh(0.2)) > 1e-6 {
		t.Errorf("the first run draws %g after the export, want its own tanh(0.2)", got)
	}
	runC := trained(&probe{Side: 4}, 0.9, 3) // samples from its weight average, not from its last weights (0.7)
	runC.Store.GetVariable("/" + ScopeGenerator + "/bias").MustSetValue(tensors.FromFlatDataAndDimensions(slices.Repeat([]float32{0.7}, 16), 16))
	runC.VariablesChanged()
	want, got := pixels(runC), pixels(exported(runC, runC))
	if math.Abs(math.Tanh(0.7)-float64(want[0])) < 0.1 {
		t.Fatalf("run C samples %g, as its last weights would: the test needs a weight average apart from them", want[0])
	}
	for i := range want {
		if math.Abs(float64(want[i]-got[i])) > 1e-6 {
			t.Fatalf("pixel %d: the average of a run with itself draws %g, the run %g", i, got[i], want[i])
		}
	}
	if _, err := ExportAverage([]*Trainer{runA, trained(&probe{Side: 2}, 0, 0)}, t.TempDir()); err == nil ||
		!strings.Contains(err.Error(), "another model") {
		t.Errorf("averaging a 4×4 and a 2×2 probe: %v, want a refusal", err)
	}
	if _, err := ExportAverage(nil, t.TempDir()); err == nil {
		t.Error("averaging nothing gave no error")
	}
}

// TestKeepEvery: a run keeps its generator every KeepEvery steps as a run folder of its own, which samples as
// the run did at that step; a resumed run goes on keeping.
func TestKeepEvery(t *testing.T) {
	b := testBackend(t)
	dir := t.TempDir()
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.BatchSize, cfg.Steps, cfg.CheckpointEvery, cfg.SampleEvery, cfg.KeepEvery = 4, 4, 1, 4, 2
	opts := RunOptions{Dir: dir, LogEvery: 1, Set: probeData(16)}
	if _, err := Train(t.Context(), b, cfg, opts); err != nil {
		t.Fatal(err)
	}
	for step, want := range map[int64]bool{1: false, 2: true, 3: false, 4: true} {
		if got := HasCheckpoint(KeptDir(dir, step)); got != want {
			t.Errorf("kept step %d: %v, want %v", step, got, want)
		}
	}
	run, err := LoadRun(b, dir)
	if err != nil {
		t.Fatal(err)
	}
	kept, err := LoadRun(b, KeptDir(dir, 4))
	if err != nil || kept.GlobalStep() != 4 {
		t.Fatalf("loading the kept generator: %v (step %d)", err, kept.GlobalStep())
	}
	want, _, err1 := run.Sample(3, 1)
	got, _, err2 := kept.Sample(3, 1)
	if err1 != nil || err2 != nil || !slices.Equal(want, got) {
		t.Errorf("the kept generator of step 4 samples otherwise than the run at step 4 (%v, %v)", err1, err2)
	}
	// The kept folder holds the history up to its step, no further.
	var m Metrics
	if raw, err := os.ReadFile(filepath.Join(KeptDir(dir, 2), MetricsFile)); err != nil {
		t.Error(err)
	} else if err := json.Unmarshal(raw, &m); err != nil || len(m.History) != 2 || m.History[1].Step != 2 {
		t.Errorf("kept step 2's history: %v, %+v; want steps 1 and 2", err, m.History)
	}
	if _, err := os.Stat(filepath.Join(KeptDir(dir, 2), LossPlotFile)); err != nil {
		t.Error(err)
	}
	// The spacing is stored with the run: resumed with the stored config (as `ganbook train --resume` is), the
	// run goes on keeping; resumed with keep_every 0 it keeps no more.
	stored, err := ReadConfig(filepath.Join(dir, ConfigFile))
	if err != nil || stored.KeepEvery != 2 {
		t.Fatalf("stored keep_every %d (%v), want 2", stored.KeepEvery, err)
	}
	stored.Steps, opts.Resume = 6, true
	if _, err := Train(t.Context(), b, stored, opts); err != nil {
		t.Fatal(err)
	}
	if !HasCheckpoint(KeptDir(dir, 6)) || HasCheckpoint(KeptDir(dir, 5)) {
		t.Error("the resumed run did not keep step 6 alone")
	}
	stored.Steps, stored.KeepEvery = 8, 0
	if _, err := Train(t.Context(), b, stored, opts); err != nil {
		t.Fatal(err)
	}
	if HasCheckpoint(KeptDir(dir, 8)) {
		t.Error("resumed with keep_every 0, the run kept step 8")
	}
}

// TestEvalBatchFor: 256 images a batch up to 64×64, fewer above; large images still go through D and G in
// order, a chunk at a time (the probe's D returns the condition it reads).
func TestEvalBatchFor(t *testing.T) {
	for side, want := range map[int]int{4: 256, 28: 256, 64: 256, 65: 248, 128: 64, 256: 16, 512: 4, 4096: 1} {
		if got := EvalBatchFor(Shape{Height: side, Width: side, Channels: 3}); got != want {
			t.Errorf("EvalBatchFor(%d×%d) = %d, want %d", side, side, got, want)
		}
	}
	const side, n = 512, 10
	b := testBackend(t)
	cfg := CoreDefaults(&probe{Side: side})
	cfg.BatchSize = 1
	set := &data.Set{Name: "mnist", Split: "train", N: 1, Height: side, Width: side, Channels: 1,
		Images: make([]uint8, side*side), Labels: make([]uint8, 1), ClassNames: make([]string, 10)}
	tr, err := NewTrainer(b, cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tr.Step(); err != nil {
		t.Fatal(err)
	}
	images, err := tr.GenerateFlat(make([]float32, n*2), n)
	if err != nil || len(images) != n*side*side {
		t.Fatalf("GenerateFlat: %d values, %v; want %d", len(images), err, n*side*side)
	}
	var batches []int
	out, err := tr.Discriminate(images, n, func(first, m, batch int) *tensors.Tensor {
		batches = append(batches, batch)
		c := make([]float32, batch)
		for i := range m {
			c[i] = float32(first + i)
		}
		return tensors.FromFlatDataAndDimensions(c, batch)
	})
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(batches, []int{4, 4, 4}) {
		t.Errorf("D read chunks of %v, want three of 4", batches)
	}
	for i, v := range out {
		if v != float64(i) {
			t.Errorf("D's output for image %d is %g, want its condition %d (out %v)", i, v, i, out)
			break
		}
	}
}
