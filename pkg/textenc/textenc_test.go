// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package textenc

import (
	"context"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/captions"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // test graphs read best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestEncode: codes round-trip, upper case becomes lower case, and bad text is an error saying what is wrong.
func TestEncode(t *testing.T) {
	codes, err := Encode("A thick red 7, slanted: it's-ok.", 40)
	if err != nil {
		t.Fatal(err)
	}
	if got := Decode(codes); got != "a thick red 7, slanted: it's-ok." {
		t.Errorf("Decode(Encode) = %q", got)
	}
	if codes[0] != 1 || codes[1] != int32(strings.IndexByte(Alphabet, ' ')+1) || codes[39] != 0 {
		t.Errorf("codes %v: 'a' is 1, then the space's code, padding 0", codes[:3])
	}
	for _, c := range []struct{ text, want string }{
		{"", "empty"}, {"   ", "empty"}, {strings.Repeat("a", 41), "41 characters"},
		{"a red 7!", `'!' at character 8`}, {"café", `'é' at character 4`}, {"\xff", "UTF-8"},
	} {
		if _, err := Encode(c.text, 40); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("Encode(%q): %v, want an error with %q", c.text, err, c.want)
		}
	}
	if _, err := EncodeAll([]string{"red 1", "red !"}, 40); err == nil || !strings.Contains(err.Error(), "caption 2") {
		t.Errorf("EncodeAll names the bad caption: %v", err)
	}
	// An 8 MB caption is refused with a short excerpt of it, not echoed whole.
	huge := strings.Repeat("a red seven ", 700_000)
	if _, err := Encode(huge, 40); err == nil || len(err.Error()) > 300 || !strings.Contains(err.Error(), "8400000 characters") {
		t.Errorf("Encode of an 8 MB caption: an error of %d bytes: %.200v", len(err.Error()), err)
	}
}

func run[F model.ExecGraphFn](t *testing.T, fn F, args ...any) []*tensors.Tensor {
	t.Helper()
	exec, err := model.NewExec(testenv.Backend(t), model.NewStore(), fn)
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(args...)
	if err != nil {
		t.Fatal(err)
	}
	return outs
}

// TestSJELossByHand: the loss of three pairs against the formula written out with loops.
func TestSJELossByHand(t *testing.T) {
	v := [][]float32{{1, 0}, {0.6, 0.8}, {0, 1}}
	tx := [][]float32{{0.8, 0.6}, {1, 0}, {0, 1}}
	mm := [][]float32{{0, 1, 1}, {1, 0, 0}, {1, 0, 0}} // pairs 1 and 2 match each other
	const margin = 0.5
	f := func(i, j int) float64 { return float64(v[i][0]*tx[j][0] + v[i][1]*tx[j][1]) }
	var want float64
	for i := range 3 { // images against texts
		var s, n float64
		for j := range 3 {
			if mm[i][j] == 1 {
				s += math.Max(0, margin+f(i, j)-f(i, i))
				n++
			}
		}
		want += s / n / 3
	}
	for j := range 3 { // texts against images
		var s, n float64
		for i := range 3 {
			if mm[i][j] == 1 {
				s += math.Max(0, margin+f(i, j)-f(j, j))
				n++
			}
		}
		want += s / n / 3
	}
	out := run(t, func(_ *model.Scope, a, b, m *Node) *Node { return SJELoss(a, b, m, margin) },
		tensors.FromValue(v), tensors.FromValue(tx), tensors.FromValue(mm))
	if got := float64(tensors.ToScalar[float32](out[0])); math.Abs(got-want) > 1e-5 {
		t.Errorf("SJELoss = %.6f, by hand %.6f", got, want)
	}
}

// TestConv1DAndPool: the 1-D convolution against a loop over its kernel ("same" padding, the extra zero on the
// right), and the max-pool over windows of 3 with the tail padded.
func TestConv1DAndPool(t *testing.T) {
	const b, l, c, k, out = 2, 5, 3, 4, 2
	rng := rand.New(rand.NewPCG(1, 2))
	x := make([]float32, b*l*c)
	for i := range x {
		x[i] = float32(rng.NormFloat64())
	}
	store := model.NewStore()
	exec, err := model.NewExec(testenv.Backend(t), store, func(scope *model.Scope, in *Node) (*Node, *Node) {
		y := conv1D(scope.In("c"), in, out, k)
		return y, maxPool1D(Abs(y), 3)
	})
	if err != nil {
		t.Fatal(err)
	}
	res, err := exec.Call(tensors.FromFlatDataAndDimensions(x, b, l, c))
	if err != nil {
		t.Fatal(err)
	}
	w := tensors.MustCopyFlatData[float32](store.GetVariable("/c/weights").MustValue()) // [k·c, out]
	bias := tensors.MustCopyFlatData[float32](store.GetVariable("/c/biases").MustValue())
	got := tensors.MustCopyFlatData[float32](res[0])
	pooled := tensors.MustCopyFlatData[float32](res[1])
	if d := res[1].Shape().Dimensions; d[1] != 2 {
		t.Fatalf("pooled shape %v, want [2 2 2]", d)
	}
	want := make([]float64, b*l*out)
	for n := range b {
		for p := range l {
			for o := range out {
				s := float64(bias[o])
				for s2 := range k {
					q := p + s2 - (k-1)/2 // left padding 1, right 2
					if q < 0 || q >= l {
						continue
					}
					for ch := range c {
						s += float64(x[(n*l+q)*c+ch]) * float64(w[(s2*c+ch)*out+o])
					}
				}
				want[(n*l+p)*out+o] = s
				if math.Abs(float64(got[(n*l+p)*out+o])-s) > 1e-4 {
					t.Fatalf("conv1D[%d,%d,%d] = %g, by hand %g", n, p, o, got[(n*l+p)*out+o], s)
				}
			}
		}
		for o := range out {
			m0 := math.Max(math.Abs(want[(n*l+0)*out+o]), math.Max(math.Abs(want[(n*l+1)*out+o]), math.Abs(want[(n*l+2)*out+o])))
			m1 := math.Max(math.Abs(want[(n*l+3)*out+o]), math.Abs(want[(n*l+4)*out+o])) // the pad is 0 ≤ |y|
			if math.Abs(float64(pooled[(n*2+0)*out+o])-m0) > 1e-4 || math.Abs(float64(pooled[(n*2+1)*out+o])-m1) > 1e-4 {
				t.Errorf("pool of item %d channel %d: %v, want %g, %g", n, o, pooled, m0, m1)
			}
		}
	}
}

// TestShapes: the char-CNN-RNN reads MaxLen codes into Steps() LSTM steps and gives unit embeddings; an
// embedding depends on the order of the characters (the bag of characters does not).
func TestShapes(t *testing.T) {
	n := DefaultNetworks()
	if n.Steps() != 9 {
		t.Errorf("80 characters pooled twice by 3: %d steps, want 9", n.Steps())
	}
	a, _ := Encode("red 7", n.MaxLen)
	r, _ := Encode("7 der", n.MaxLen) // the same characters in another order
	codes := tensors.FromFlatDataAndDimensions(append(append([]int32(nil), a...), r...), 2, n.MaxLen)
	outs := run(t, func(scope *model.Scope, x *Node) (*Node, *Node) {
		return Text(scope.In("text"), &n, x), Bag(scope.In("bag"), &n, x)
	}, codes)
	txt, bag := tensors.MustCopyFlatData[float32](outs[0]), tensors.MustCopyFlatData[float32](outs[1])
	if len(txt) != 2*n.Embed {
		t.Fatalf("text embeddings: %d numbers, want 2×%d", len(txt), n.Embed)
	}
	var norm, diff, bagDiff float64
	for i := range n.Embed {
		norm += float64(txt[i] * txt[i])
		diff += math.Abs(float64(txt[i] - txt[n.Embed+i]))
		bagDiff += math.Abs(float64(bag[i] - bag[n.Embed+i]))
	}
	if math.Abs(norm-1) > 1e-4 || diff < 1e-4 || bagDiff > 1e-6 {
		t.Errorf("|φ| = %g (want 1); φ(red 7) vs φ(7 der) differ by %g (want > 0), the bags by %g (want 0)", norm, diff, bagDiff)
	}
}

// TestTrainRetrieves: a short run on capmnist learns captions well above chance (R@5 = 5% among 100), and a
// resumed run continues at the same step with the same weights as an uninterrupted one.
func TestTrainRetrieves(t *testing.T) {
	if testing.Short() {
		t.Skip("trains for a few seconds")
	}
	b := testenv.Backend(t)
	cfg := DefaultConfig("capmnist")
	cfg.TextChannels, cfg.TextHidden, cfg.Embed, cfg.ImageChannels = []int{32, 64}, 64, 64, []int{16, 32, 64}
	cfg.Steps, cfg.BatchSize, cfg.CheckpointEvery = 120, 32, 60
	dir := t.TempDir()
	half := cfg
	half.Steps = 60
	if _, err := Train(context.Background(), b, half, RunOptions{Dir: dir}); err != nil {
		t.Fatal(err)
	}
	if _, err := Train(context.Background(), b, half, RunOptions{Dir: dir}); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("training again into a run: %v, want an error saying --resume", err)
	}
	e, err := Train(context.Background(), b, cfg, RunOptions{Dir: dir, Resume: true})
	if err != nil {
		t.Fatal(err)
	}
	whole, err := Train(context.Background(), b, cfg, RunOptions{Dir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	if e.GlobalStep() != 120 || whole.GlobalStep() != 120 {
		t.Fatalf("steps %d and %d, want 120", e.GlobalStep(), whole.GlobalStep())
	}
	w1 := tensors.MustCopyFlatData[float32](e.Store.GetVariable("/text/embed/dense/weights").MustValue())
	w2 := tensors.MustCopyFlatData[float32](whole.Store.GetVariable("/text/embed/dense/weights").MustValue())
	for i := range w1 {
		if w1[i] != w2[i] {
			t.Fatalf("resumed and uninterrupted runs differ at weight %d: %g vs %g", i, w1[i], w2[i])
		}
	}
	res, err := Retrieval(e, 200, 1)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("after 120 steps: %+v", res)
	if res.CharCNNRNN.CaptionToImageR5 < 0.2 || res.Bag.CaptionToImageR5 < 0.2 {
		t.Errorf("R@5 among 100 after 120 steps: char-CNN-RNN %.2f, bag %.2f; want ≥ 0.2 (chance: 0.05)",
			res.CharCNNRNN.CaptionToImageR5, res.Bag.CaptionToImageR5)
	}
	loaded, err := Load(b, dir)
	if err != nil {
		t.Fatal(err)
	}
	// Nearest: the images whose embeddings score highest against the caption's, in that order.
	test, err := captions.Open("capmnist", "test")
	if err != nil {
		t.Fatal(err)
	}
	pool := []int{0, 1, 2, 3, 4, 5, 6, 7, 8, 9}
	images := test.Images().ImagesFloat(pool)
	top, err := loaded.Nearest("a red 7", images, len(pool), 3)
	if err != nil || len(top) != 3 {
		t.Fatalf("Nearest: %v, %v", top, err)
	}
	q, _ := loaded.Embed([]string{"a red 7"})
	img, _ := loaded.EmbedImages(ScopeImage, images, len(pool))
	score := func(i int) float64 { return dot32(img[i], q[0]) }
	for i := range pool {
		if i != top[0] && score(i) > score(top[0]) || score(top[1]) > score(top[0]) || score(top[2]) > score(top[1]) {
			t.Fatalf("Nearest %v is not in order of the scores", top)
		}
	}
	emb, err := loaded.Embed([]string{"a red 7", "a red 7"})
	if err != nil || len(emb) != 2 || emb[0][0] != emb[1][0] {
		t.Errorf("Embed: %v, %v", err, emb)
	}
	if _, err := loaded.Embed([]string{"a red 7?"}); err == nil {
		t.Error("Embed of a caption outside the alphabet: no error")
	}
}

func dot32(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i] * b[i])
	}
	return s
}
