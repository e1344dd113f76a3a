// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graphs in tests read as in the package.
	"github.com/gomlx/gomlx/core/tensors"
)

// encoder is a tiny encoder run, trained for 20 steps, made once.
var encoder = sync.OnceValues(func() (string, error) {
	dir, err := os.MkdirTemp("", "text2img-test-")
	if err != nil {
		return "", err
	}
	cfg := textenc.DefaultConfig("capmnist")
	cfg.TextChannels, cfg.TextHidden, cfg.Embed, cfg.ImageChannels, cfg.Steps, cfg.BatchSize = []int{16}, 16, 16, []int{8}, 20, 16
	b, err := backend.New()
	if err != nil {
		return "", err
	}
	_, err = textenc.Train(context.Background(), b, cfg, textenc.RunOptions{Dir: dir})
	return dir, err
})

func TestMain(m *testing.M) {
	code := m.Run()
	if dir, err := encoder(); err == nil {
		os.RemoveAll(dir)
	}
	os.Exit(code)
}

// tiny is a small GAN-INT-CLS run on capmnist with the test encoder.
func tiny(t *testing.T) gan.Config {
	t.Helper()
	dir, err := encoder()
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	c := cfg.Family.(*Config)
	c.LatentDim, c.Project, c.ModeSeeking = 8, 8, 0.2
	c.GenChannels, c.DiscChannels = []int{16, 8, 8}, []int{8, 8, 16}
	if err := c.UseEncoder(dir); err != nil {
		t.Fatal(err)
	}
	cfg.BatchSize = 16
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	return cfg
}

func trainer(t *testing.T, cfg gan.Config) *gan.Trainer {
	t.Helper()
	set, err := captions.Open("capmnist", "train")
	if err != nil {
		t.Fatal(err)
	}
	tr, err := gan.NewTrainer(testenv.Backend(t), cfg, set.Images())
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// parse reads the digit and colour a capmnist caption names.
func parse(t *testing.T, caption string) (digit, colour int) {
	digit, colour = -1, -1
	for _, w := range strings.FieldsFunc(caption, func(r rune) bool { return r == ' ' || r == ',' }) {
		for d, word := range captions.DigitWords {
			if w == word || w == fmt.Sprint(d) {
				digit = d
			}
		}
		for k, c := range captions.Colours {
			if w == c.Name {
				colour = k
			}
		}
	}
	if digit < 0 || colour < 0 {
		t.Fatalf("caption %q names no digit or no colour", caption)
	}
	return digit, colour
}

// TestHostInputs: the right caption describes the batch's image (its digit and colour), the wrong caption names
// another digit or another colour, every time, and the draws depend only on the seed and the place.
func TestHostInputs(t *testing.T) {
	cfg := tiny(t)
	c := cfg.Family.(*Config)
	set, _ := captions.Open("capmnist", "train")
	cm := set.(*captions.Set)
	const n = 64
	for _, batch := range []uint64{0, 7, 938} { // 938 is in the second epoch
		keys := make([]uint64, n)
		for i := range keys {
			keys[i] = batch*n + uint64(i)
		}
		sampler := &data.Sampler{Set: set.Images(), BatchSize: n, Seed: 1}
		idx := sampler.Indices(int64(batch))
		hb := gan.HostBatch{Images: set.Images().ImagesFloat(idx), N: n, Set: set.Images(), Rows: idx, Keys: keys, Seed: 1}
		ins := c.HostInputs(&cfg, hb)
		again := c.HostInputs(&cfg, hb)
		l := c.Encoder.MaxLen
		right, wrong := tensors.MustCopyFlatData[int32](ins[0]), tensors.MustCopyFlatData[int32](ins[1])
		for i := range n {
			d, col := parse(t, textenc.Decode(right[i*l:(i+1)*l]))
			if d != int(cm.Digits[idx[i]]) || col != int(cm.Colours[idx[i]]) {
				t.Errorf("batch %d item %d: right caption %q for a %s %d", batch, i, textenc.Decode(right[i*l:(i+1)*l]),
					captions.Colours[cm.Colours[idx[i]]].Name, cm.Digits[idx[i]])
			}
			wd, wc := parse(t, textenc.Decode(wrong[i*l:(i+1)*l]))
			if wd == d && wc == col {
				t.Errorf("batch %d item %d: the wrong caption %q describes the image", batch, i, textenc.Decode(wrong[i*l:(i+1)*l]))
			}
		}
		for k := range ins {
			if a, b := tensors.MustCopyFlatData[int32](ins[k]), tensors.MustCopyFlatData[int32](again[k]); fmt.Sprint(a) != fmt.Sprint(b) {
				t.Errorf("input %d differs between two calls with the same keys", k)
			}
		}
	}
	// A batch from another dataset than the run's: refused, not silently mis-captioned.
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = uint64(i)
	}
	func() {
		defer func() {
			if r := recover(); r == nil || !strings.Contains(fmt.Sprint(r), "train split") {
				t.Errorf("HostInputs on other images: %v, want a panic naming the train split", r)
			}
		}()
		other := &data.Set{N: 7}
		c.HostInputs(&cfg, gan.HostBatch{Images: make([]float32, n*32*32*3), N: n, Set: other, Rows: make([]int, n), Keys: keys, Seed: 1})
	}()
}

// TestEncoderIsFrozenAndKept: training copies the encoder run's char-CNN-RNN into G's scope, not trainable, and
// it is exactly the run's after training steps; an export keeps it, and samples from the export match.
func TestEncoderIsFrozenAndKept(t *testing.T) {
	cfg := tiny(t)
	tr := trainer(t, cfg)
	for range 3 {
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := m.Extra["g_int"]; !ok {
			t.Errorf("GAN-INT on: the step reports no g_int (%v)", m.Extra)
		}
		if ms, ok := m.Extra["mode_seeking"]; !ok || !(ms > 0) {
			t.Errorf("the mode-seeking term: %v, want a positive mode_seeking (%v)", ms, m.Extra)
		}
	}
	n := checkFrozenCopy(t, tr, textenc.ScopeText, EncoderPath)
	if n < 6 {
		t.Errorf("%d encoder variables copied, want the convolution, LSTM and embedding ones", n)
	}
	exp := t.TempDir()
	expCfg, err := gan.Export(tr, exp)
	if err != nil {
		t.Fatal(err)
	}
	if err := gan.WriteConfig(exp+"/"+gan.ConfigFile, expCfg); err != nil {
		t.Fatal(err)
	}
	loaded, err := gan.LoadRun(testenv.Backend(t), exp)
	if err != nil {
		t.Fatal(err)
	}
	capts := []string{"a red 7", "the digit 3 in blue, upright"}
	want, err := Sample(tr, capts, 5)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Sample(loaded, capts, 5)
	if err != nil {
		t.Fatal(err)
	}
	for i := range want {
		if math.Abs(float64(want[i]-got[i])) > 1e-4 {
			t.Fatalf("pixel %d: run %g, export %g", i, want[i], got[i])
		}
	}
	if _, err := Sample(loaded, []string{"a red 7!"}, 5); err == nil || !strings.Contains(err.Error(), "alphabet") {
		t.Errorf("a caption outside the alphabet: %v", err)
	}
	// D's verdicts under right and wrong text can be read from the export.
	test, _ := captions.Open("capmnist", "test")
	idx := []int{0, 1, 2, 3, 4, 5, 6, 7}
	auc, err := MismatchAUC(loaded, test, idx, randFor(1))
	if err != nil || auc < 0 || auc > 1 {
		t.Errorf("MismatchAUC: %g, %v", auc, err)
	}
}

// TestAblations: without the wrong text D reads no third pair; without GAN-INT there is no g_int.
func TestAblations(t *testing.T) {
	cfg := tiny(t)
	c := cfg.Family.(*Config)
	c.WrongText, c.Interp, c.ModeSeeking = false, false, 0
	tr := trainer(t, cfg)
	m, err := tr.Step()
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Extra) != 0 {
		t.Errorf("the plain text-conditional GAN reports %v, want nothing extra", m.Extra)
	}
	if got := c.String(); !strings.Contains(got, "GAN,") && !strings.Contains(got, "(GAN") {
		t.Errorf("String: %q", got)
	}
}

// TestValidate: bad settings are refused with what to do.
func TestValidate(t *testing.T) {
	for _, c := range []struct {
		change func(*gan.Config, *Config)
		want   string
	}{
		{func(g *gan.Config, _ *Config) { g.Dataset = "mnist" }, "no captions"},
		{func(_ *gan.Config, c *Config) { c.Beta = 1 }, "β"},
		{func(_ *gan.Config, c *Config) { c.Project = 0 }, "text_project"},
		{func(g *gan.Config, _ *Config) { g.Loss = gan.LossWGANGP }, "gradient penalty"},
		{func(_ *gan.Config, c *Config) { c.Encoder.MaxLen = 0 }, "max_len"},
		{func(_ *gan.Config, c *Config) { c.ModeSeeking = -1 }, "mode_seeking"},
	} {
		cfg := tiny(t)
		c.change(&cfg, cfg.Family.(*Config))
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%v, want an error about %q", err, c.want)
		}
	}
	cfg := tiny(t)
	cfg.Family.(*Config).EncoderRun = ""
	tr := trainer(t, cfg)
	if _, err := tr.Step(); err == nil || !strings.Contains(err.Error(), "ganbook train textenc") {
		t.Errorf("no encoder run: %v, want the command that trains one", err)
	}
}

func randFor(seed uint64) *rand.Rand { return rand.New(rand.NewPCG(seed, 0x6d6d)) }

// TestWalk: GAN-INT's walk starts and ends at G's images for the two captions (same noise), and moves between.
func TestWalk(t *testing.T) {
	cfg := tiny(t)
	cfg.Family.(*Config).InitStd = 0.5 // the test encoder barely tells captions apart: make G read what it gives
	tr := trainer(t, cfg)
	for range 2 {
		if _, err := tr.Step(); err != nil {
			t.Fatal(err)
		}
	}
	const steps = 4
	walk, err := Walk(tr, "a red 1", "a blue 8", steps, 2, 9)
	if err != nil {
		t.Fatal(err)
	}
	size := 32 * 32 * 3
	if len(walk) != 2*steps*size {
		t.Fatalf("%d values, want %d", len(walk), 2*steps*size)
	}
	from, _ := Sample(tr, []string{"a red 1"}, 9)
	to, _ := Sample(tr, []string{"a blue 8"}, 9)
	var dFrom, dTo, dMid float64
	for p := range size {
		dFrom = math.Max(dFrom, math.Abs(float64(walk[p]-from[p])))
		dTo = math.Max(dTo, math.Abs(float64(walk[(steps-1)*size+p]-to[p])))
		dMid = math.Max(dMid, math.Abs(float64(walk[size+p]-from[p])))
	}
	if dFrom > 1e-4 || dTo > 1e-4 || dMid < 1e-4 {
		t.Errorf("walk ends differ from the samples by %g and %g (want 0); the second step moved %g (want > 0)", dFrom, dTo, dMid)
	}
	if _, err := Walk(tr, "a red 1", "", steps, 1, 9); err == nil {
		t.Error("a walk to an empty caption: no error")
	}
}

// TestTextMatch: with the matching term, HostInputs also gives which captions of the batch do not describe which
// images (digit or colour differ, never the diagonal); the step reports the term, G's loss is the adversarial
// term plus GAN-INT's plus its weight times the matching term, and the image encoder is the encoder run's,
// frozen through training.
func TestTextMatch(t *testing.T) {
	cfg := tiny(t)
	c := cfg.Family.(*Config)
	c.ModeSeeking, c.Match = 0, 3
	if err := cfg.Validate(); err != nil {
		t.Fatal(err)
	}
	set, _ := captions.Open("capmnist", "train")
	cm := set.(*captions.Set)
	const n = 32
	keys := make([]uint64, n)
	for i := range keys {
		keys[i] = 5*n + uint64(i)
	}
	idx := (&data.Sampler{Set: set.Images(), BatchSize: n, Seed: 1}).Indices(5)
	ins := c.HostInputs(&cfg, gan.HostBatch{Images: set.Images().ImagesFloat(idx), N: n, Set: set.Images(), Rows: idx, Keys: keys, Seed: 1})
	if len(ins) != 4 {
		t.Fatalf("HostInputs with text_match: %d inputs, want 4", len(ins))
	}
	mismatch, ones := tensors.MustCopyFlatData[float32](ins[3]), 0
	for i := range n {
		for j := range n {
			want := cm.Digits[idx[i]] != cm.Digits[idx[j]] || cm.Colours[idx[i]] != cm.Colours[idx[j]]
			if got := mismatch[i*n+j] == 1; got != want || (mismatch[i*n+j] != 0 && mismatch[i*n+j] != 1) {
				t.Fatalf("mismatch[%d][%d] = %g for images %d and %d", i, j, mismatch[i*n+j], idx[i], idx[j])
			}
			if want {
				ones++
			}
		}
	}
	if ones < n*n/2 {
		t.Errorf("%d of %d pairs mismatched: the batch has too few different captions to test", ones, n*n)
	}

	tr := trainer(t, cfg)
	for range 3 {
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		match, ok := m.Extra["text_match"]
		if !ok || !(match > 0) {
			t.Fatalf("the matching term: %v, want a positive text_match (%v)", match, m.Extra)
		}
		if want := m.Extra["g_adv"] + m.Extra["g_int"] + 3*match; math.Abs(m.GLoss-want) > 1e-4*math.Max(1, want) {
			t.Errorf("G's loss %g, want g_adv + g_int + 3·text_match = %g (%v)", m.GLoss, want, m.Extra)
		}
	}
	copied := checkFrozenCopy(t, tr, textenc.ScopeImage, ImageEncoderPath)
	if copied < 4 {
		t.Errorf("%d image-encoder variables copied, want the convolution's and the embedding's", copied)
	}

	for _, bad := range []struct {
		change func(*Config)
		want   string
	}{
		{func(c *Config) { c.Match = -1 }, "text_match"},
		{func(c *Config) { c.Encoder.Height, c.Encoder.Width = 24, 24 }, "image encoder"},
	} {
		cfg := tiny(t)
		c := cfg.Family.(*Config)
		c.Match = 1
		bad.change(c)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("%v, want an error about %q", err, bad.want)
		}
	}
}

// TestResizeTo: down, each pixel is the mean of its block (by hand); up, a constant image stays constant and the
// shape is the encoder's; matchSizes accepts what resizeTo can do and nothing else.
func TestResizeTo(t *testing.T) {
	b := testenv.Backend(t)
	x := make([]float32, 4*4*2)
	for i := range x {
		x[i] = float32(i*i%7) - 3
	}
	down := MustExecOnce(b, func(x *Node) *Node { return resizeTo(x, 2, 2) }, tensors.FromFlatDataAndDimensions(x, 1, 4, 4, 2))
	got := tensors.MustCopyFlatData[float32](down)
	at := func(y, xx, ch int) float32 { return x[(y*4+xx)*2+ch] }
	for y := range 2 {
		for xx := range 2 {
			for ch := range 2 {
				want := (at(2*y, 2*xx, ch) + at(2*y, 2*xx+1, ch) + at(2*y+1, 2*xx, ch) + at(2*y+1, 2*xx+1, ch)) / 4
				if g := got[(y*2+xx)*2+ch]; math.Abs(float64(g-want)) > 1e-6 {
					t.Errorf("down[%d,%d,%d] = %g, want the block mean %g", y, xx, ch, g, want)
				}
			}
		}
	}
	flat := make([]float32, 2*8*8*3)
	for i := range flat {
		flat[i] = 0.25
	}
	up := MustExecOnce(b, func(x *Node) *Node { return resizeTo(x, 32, 32) }, tensors.FromFlatDataAndDimensions(flat, 2, 8, 8, 3))
	if dims := up.Shape().Dimensions; !slices.Equal(dims, []int{2, 32, 32, 3}) {
		t.Fatalf("up: %v, want [2 32 32 3]", dims)
	}
	for i, v := range tensors.MustCopyFlatData[float32](up) {
		if math.Abs(float64(v-0.25)) > 1e-6 {
			t.Fatalf("up[%d] = %g of a constant 0.25 image", i, v)
		}
	}
	n := textenc.DefaultNetworks() // 32×32×3
	for _, c := range []struct {
		h, w, ch int
		want     bool
	}{{32, 32, 3, true}, {16, 16, 3, true}, {64, 64, 3, true}, {256, 256, 3, true}, {48, 48, 3, false}, {64, 64, 1, false}, {16, 64, 3, false}} {
		if got := matchSizes(c.h, c.w, c.ch, &n); got != c.want {
			t.Errorf("matchSizes(%dx%dx%d) = %v, want %v", c.h, c.w, c.ch, got, c.want)
		}
	}
}

// checkFrozenCopy checks that every variable under scope of the test encoder run is in tr's store at path (the
// same name below it), not trainable and with the encoder run's values, and returns how many there are.
func checkFrozenCopy(t *testing.T, tr *gan.Trainer, scope, path string) int {
	t.Helper()
	dir, _ := encoder()
	enc, err := textenc.Load(testenv.Backend(t), dir)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for v := range enc.Store.Scope("/" + scope).IterVariables() {
		at := path + strings.TrimPrefix(v.Path(), "/"+scope)
		got := tr.Store.GetVariable(at)
		if got == nil {
			t.Fatalf("%s is not in the GAN's store", at)
		}
		if got.Trainable {
			t.Errorf("%s is trainable", at)
		}
		a, b := tensors.MustCopyFlatData[float32](v.MustValue()), tensors.MustCopyFlatData[float32](got.MustValue())
		for i := range a {
			if a[i] != b[i] {
				t.Fatalf("%s[%d] moved from %g to %g in training", at, i, a[i], b[i])
			}
		}
		n++
	}
	return n
}
