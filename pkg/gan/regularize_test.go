// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestR1Penalty checks R1 against a finite-difference gradient of the critic D(x) = Σ_j w_j·x_j² + sin(x_0)
// (per example) at two real examples: R1 = mean over the batch of ‖∇D‖².
func TestR1Penalty(t *testing.T) {
	b := testBackend(t)
	real := [][]float32{{0.5, -1, 2}, {1.5, 0.2, -0.7}}
	w := []float64{0.7, -1.3, 0.4}
	critic := func(x []float64) float64 { return w[0]*x[0]*x[0] + w[1]*x[1]*x[1] + w[2]*x[2]*x[2] + math.Sin(x[0]) }
	var want float64
	for _, r := range real {
		x := []float64{float64(r[0]), float64(r[1]), float64(r[2])}
		for j := range x { // central differences
			h := 1e-5
			plus, minus := append([]float64{}, x...), append([]float64{}, x...)
			plus[j] += h
			minus[j] -= h
			g := (critic(plus) - critic(minus)) / (2 * h)
			want += g * g / float64(len(real))
		}
	}
	got := MustExecOnce(b, func(r *Node) *Node {
		wt := Const(r.Graph(), []float32{0.7, -1.3, 0.4})
		d := func(x *Node) *Node {
			x0 := Slice(x, AxisRange(), AxisElem(0))
			return Add(ReduceSum(Mul(Square(x), ExpandLeftToRank(wt, 2)), 1), Reshape(Sin(x0), -1))
		}
		return R1Penalty(d, r)
	}, real).Value().(float32)
	if math.Abs(float64(got)-want) > 1e-4*math.Max(1, want) {
		t.Errorf("R1 %.6f, want %.6f (finite differences)", got, want)
	}
}

// TestLeCamPenalty checks the formula on verdicts computed by hand: real [1, 3], fake [−1, 0], anchors α_R 0.5,
// α_F −2: mean((1+2)², (3+2)²) + mean((−1−0.5)², (0−0.5)²) = 17 + 1.25.
func TestLeCamPenalty(t *testing.T) {
	b := testBackend(t)
	got := MustExecOnce(b, func(r, f *Node) *Node {
		g := r.Graph()
		return LeCamPenalty(r, f, Scalar(g, dtypes.Float32, 0.5), Scalar(g, dtypes.Float32, -2))
	}, []float32{1, 3}, []float32{-1, 0}).Value().(float32)
	if math.Abs(float64(got)-18.25) > 1e-5 {
		t.Errorf("LeCam %g, want 18.25", got)
	}
}

// TestLeCamInTheStep: on the probe family's first step D says 2 on every real image and 1 on every generated
// one; the anchors start at 0 with decay min(0.99, 1/10) = 0.1, so they move to 1.8 and 0.9, and the penalty is
// (2 − 0.9)² + (1 − 1.8)² = 1.85, added to D's loss with weight λ = 0.5 and stored for a resume.
func TestLeCamInTheStep(t *testing.T) {
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.BatchSize, cfg.GenEMA, cfg.LeCam = 8, 0, 0.5
	tr, err := NewTrainer(testBackend(t), cfg, probeData(32))
	if err != nil {
		t.Fatal(err)
	}
	m, err := tr.Step()
	if err != nil {
		t.Fatal(err)
	}
	if math.Abs(m.Extra["lecam"]-1.85) > 1e-5 || math.Abs(m.DLoss-(sp(-2)+sp(1)+0.5*1.85)) > 1e-5 {
		t.Errorf("LeCam %g, D loss %g; want 1.85 and %g", m.Extra["lecam"], m.DLoss, sp(-2)+sp(1)+0.5*1.85)
	}
	for path, want := range map[string]float64{LeCamAnchorReal: 1.8, LeCamAnchorFake: 0.9} {
		v := tr.Store.GetVariable(path)
		if v == nil || v.Trainable {
			t.Fatalf("%s: missing or trainable (%v)", path, v)
		}
		if got := float64(tensors.ToScalar[float32](v.MustValue())); math.Abs(got-want) > 1e-5 {
			t.Errorf("%s = %g, want %g", path, got, want)
		}
	}
}

// TestR1InTheStep: the probe's D is a·mean(x) + cond, so ∇ₓD = a/16 per pixel and R1 = 16·(a/16)² = a²/16,
// which is 0 at the first step (a = 0): the loss is unchanged, and a lazy R1 (every 2nd D update) is computed on
// updates 0, 2, ... only. After steps with R1 on, a differs from a run without it (the penalty pulls a to 0).
func TestR1InTheStep(t *testing.T) {
	b := testBackend(t)
	run := func(gamma float64, every int) (*Trainer, []StepMetrics) {
		cfg := CoreDefaults(&probe{Side: 4})
		cfg.BatchSize, cfg.GenEMA, cfg.R1Gamma, cfg.R1Every = 8, 0, gamma, every
		tr, err := NewTrainer(b, cfg, probeData(32))
		if err != nil {
			t.Fatal(err)
		}
		var ms []StepMetrics
		for range 20 {
			m, err := tr.Step()
			if err != nil {
				t.Fatal(err)
			}
			ms = append(ms, m)
		}
		return tr, ms
	}
	a := func(tr *Trainer) float64 {
		return float64(tensors.ToScalar[float32](tr.Store.GetVariable("/discriminator/a").MustValue()))
	}
	plain, _ := run(0, 0)
	r1, ms := run(1000, 0)
	if ms[0].Extra["r1"] != 0 || math.Abs(ms[0].DLoss-(sp(-2)+sp(1))) > 1e-5 {
		t.Errorf("first step: R1 %g, D loss %g; want 0 and the plain loss", ms[0].Extra["r1"], ms[0].DLoss)
	}
	before := a(r1)
	m, err := r1.Step()
	if err != nil {
		t.Fatal(err)
	}
	if want := before * before / 16; before == 0 || math.Abs(m.Extra["r1"]-want) > 1e-4*want {
		t.Errorf("R1 %g at a = %g, want a²/16 = %g", m.Extra["r1"], before, want)
	}
	if math.Abs(a(r1)) >= math.Abs(a(plain)) {
		t.Errorf("|a| with R1 γ=1000 is %g, without %g: the penalty should hold D's slope down", math.Abs(a(r1)), math.Abs(a(plain)))
	}
	// A lazy R1 every 2nd update, weighted γ/2·2, is the step with the penalty at γ' = 2γ (weight γ'/2) on the
	// even updates and the plain step on the odd ones.
	lazy, lms := run(1000, 2)
	if _, ok := lms[0].Extra["r1"]; ok {
		t.Errorf("a lazy R1 is reported in every step's metrics: %v", lms[0].Extra)
	}
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.BatchSize, cfg.GenEMA, cfg.R1Gamma = 8, 0, 2000
	manual, err := NewTrainer(b, cfg, probeData(32))
	if err != nil {
		t.Fatal(err)
	}
	for i := range int64(20) {
		m, err := manual.run(stepKind{updateD: true, updateG: true, r1: i%2 == 0}, i)
		if err != nil {
			t.Fatal(err)
		}
		if m.DLoss != lms[i].DLoss || m.GLoss != lms[i].GLoss {
			t.Fatalf("update %d: lazy R1 gives losses %g, %g; the penalty on even updates %g, %g", i, lms[i].DLoss, lms[i].GLoss, m.DLoss, m.GLoss)
		}
	}
	if a(lazy) != a(manual) || a(lazy) == a(r1) || a(lazy) == a(plain) {
		t.Errorf("a: lazy %g, by hand %g, every update %g, plain %g", a(lazy), a(manual), a(r1), a(plain))
	}
	kinds := map[stepKind]bool{}
	for k := range lazy.execs {
		kinds[k] = true
	}
	if len(kinds) != 2 || !kinds[stepKind{updateD: true, updateG: true, r1: true}] || !kinds[stepKind{updateD: true, updateG: true}] {
		t.Errorf("a lazy R1 every 2nd update should compile a step with and one without it, got %v", kinds)
	}
}

// augmentOnce runs DiffAugment on x [B, H, W, C] with a fresh store seeded with seed and returns the result.
func augmentOnce(t *testing.T, policy string, seed int64, x *tensors.Tensor) []float32 {
	t.Helper()
	p, err := ParseAugment(policy)
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(seed); err != nil {
		t.Fatal(err)
	}
	out := model.MustCallOnce(testBackend(t), store, func(scope *model.Scope, x *Node) *Node {
		return DiffAugment(scope, x, p)
	}, x)
	return tensors.MustCopyFlatData[float32](out)
}

// testImages are n images [n, 8, 8, 3] with distinct non-zero values.
func testImages(n int) ([]float32, *tensors.Tensor) {
	flat := make([]float32, n*8*8*3)
	for i := range flat {
		flat[i] = float32(1 + (i*7919)%997)
	}
	return flat, tensors.FromFlatDataAndDimensions(flat, n, 8, 8, 3)
}

// TestDiffAugmentTranslation: each image comes out moved by whole pixels, at most ⅛ of the side (1 of 8) on each
// axis, the vacated border zero; over 16 images more than one shift is drawn.
func TestDiffAugmentTranslation(t *testing.T) {
	const n = 16
	in, x := testImages(n)
	out := augmentOnce(t, "translation", 3, x)
	shifts := map[[2]int]int{}
	for b := range n {
		found := false
		for dy := -1; dy <= 1 && !found; dy++ {
			for dx := -1; dx <= 1 && !found; dx++ {
				ok := true
				for i := range 8 {
					for j := range 8 {
						for c := range 3 {
							want := float32(0)
							if si, sj := i-dy, j-dx; si >= 0 && si < 8 && sj >= 0 && sj < 8 {
								want = in[((b*8+si)*8+sj)*3+c]
							}
							if out[((b*8+i)*8+j)*3+c] != want {
								ok = false
							}
						}
					}
				}
				if ok {
					found = true
					shifts[[2]int{dy, dx}]++
				}
			}
		}
		if !found {
			t.Fatalf("image %d is not its input shifted by at most one pixel", b)
		}
	}
	if len(shifts) < 2 {
		t.Errorf("16 images all drew the shift %v", shifts)
	}
}

// TestDiffAugmentCutout: each image keeps its values but for one square of 4×4 pixels (half the side, clipped at
// the border) set to zero, at a drawn place.
func TestDiffAugmentCutout(t *testing.T) {
	const n = 16
	in, x := testImages(n)
	out := augmentOnce(t, "cutout", 5, x)
	places := map[[2]int]bool{}
	for b := range n {
		minI, maxI, minJ, maxJ, zeros := 8, -1, 8, -1, 0
		for i := range 8 {
			for j := range 8 {
				for c := range 3 {
					k := ((b*8+i)*8+j)*3 + c
					switch out[k] {
					case 0:
						zeros++
						minI, maxI, minJ, maxJ = min(minI, i), max(maxI, i), min(minJ, j), max(maxJ, j)
					case in[k]:
					default:
						t.Fatalf("image %d, pixel (%d, %d): %g is neither the input %g nor 0", b, i, j, out[k], in[k])
					}
				}
			}
		}
		h, w := maxI-minI+1, maxJ-minJ+1
		if zeros != h*w*3 || h > 4 || w > 4 || (h < 4 && minI != 0 && maxI != 7) || (w < 4 && minJ != 0 && maxJ != 7) {
			t.Fatalf("image %d: %d zeros in rows %d-%d, columns %d-%d: want a 4×4 square, clipped only at the border", b, zeros, minI, maxI, minJ, maxJ)
		}
		places[[2]int{minI, minJ}] = true
	}
	if len(places) < 4 {
		t.Errorf("16 cut-outs fell on only %d places", len(places))
	}
}

// TestDiffAugmentColor: brightness, saturation and contrast keep an image's structure: per image, out = s·c·x
// + (per-pixel terms) is affine in x with the channel means and the image mean preserved up to the brightness
// shift. On a grey image (equal channels) saturation does nothing, so out = c·(x + β − m) + m with m the mean of
// x + β: every image is an affine map of its input with a slope in [½, 3/2) and the brightness in [−½, ½).
func TestDiffAugmentColor(t *testing.T) {
	const n = 16
	in := make([]float32, n*8*8*3)
	for i := range in {
		in[i] = float32((i/3)%17)/8 - 1 // grey: the three channels of a pixel are equal
	}
	out := augmentOnce(t, "color", 7, tensors.FromFlatDataAndDimensions(in, n, 8, 8, 3))
	for b := range n {
		img, res := in[b*192:(b+1)*192], out[b*192:(b+1)*192]
		var mx float64
		for _, v := range img {
			mx += float64(v) / 192
		}
		// out = c·(x − x̄) + x̄ + β: fit c from two pixels, then check all.
		c := float64(res[3]-res[0]) / float64(img[3]-img[0])
		beta := float64(res[0]) - c*(float64(img[0])-mx) - mx
		if c < 0.5-1e-5 || c >= 1.5+1e-5 || beta < -0.5-1e-5 || beta >= 0.5+1e-5 {
			t.Fatalf("image %d: slope %g, shift %g outside [½, 3/2) and [−½, ½)", b, c, beta)
		}
		for k := range img {
			if want := c*(float64(img[k])-mx) + mx + beta; math.Abs(float64(res[k])-want) > 1e-4 {
				t.Fatalf("image %d value %d: %g, the affine map gives %g", b, k, res[k], want)
			}
		}
	}
}

// TestDiffAugmentGradient: the gradient of Σ w·T(x) with respect to x, for T = color, translation, cutout with
// fixed random numbers (the same seed), matches central differences: G's gradient passes through T.
func TestDiffAugmentGradient(t *testing.T) {
	in, _ := testImages(2)
	for i := range in {
		in[i] = in[i]/500 - 1
	}
	p, _ := ParseAugment("color,translation,cutout")
	weights := make([]float32, len(in))
	for i := range weights {
		weights[i] = float32(math.Sin(float64(i)))
	}
	b := testBackend(t)
	eval := func(x []float32) (loss float64, grad []float32) {
		store := model.NewStore()
		if err := store.SetRNGStateFromSeed(11); err != nil {
			t.Fatal(err)
		}
		exec := model.MustNewExec(b, store, func(scope *model.Scope, x, w *Node) (*Node, *Node) {
			l := ReduceAllSum(Mul(DiffAugment(scope, x, p), w))
			return l, Gradient(l, x)[0]
		})
		defer exec.Finalize()
		outs, err := exec.Call(tensors.FromFlatDataAndDimensions(x, 2, 8, 8, 3), tensors.FromFlatDataAndDimensions(weights, 2, 8, 8, 3))
		if err != nil {
			t.Fatal(err)
		}
		return float64(tensors.ToScalar[float32](outs[0])), tensors.MustCopyFlatData[float32](outs[1])
	}
	_, grad := eval(in)
	nonzero := 0
	for _, k := range []int{0, 5, 77, 150, 200, 383} {
		h := float32(1e-2)
		plus, minus := append([]float32{}, in...), append([]float32{}, in...)
		plus[k] += h
		minus[k] -= h
		lp, _ := eval(plus)
		lm, _ := eval(minus)
		fd := (lp - lm) / (2 * float64(h))
		if math.Abs(fd-float64(grad[k])) > 2e-2*math.Max(1, math.Abs(fd)) {
			t.Errorf("∂/∂x[%d]: graph %g, finite differences %g", k, grad[k], fd)
		}
		if grad[k] != 0 {
			nonzero++
		}
	}
	if nonzero < 3 {
		t.Errorf("only %d of 6 checked pixels get a gradient through DiffAugment", nonzero)
	}
}

// TestParseAugment refuses an unknown or repeated transformation, echoing a short excerpt of it.
func TestParseAugment(t *testing.T) {
	if p, err := ParseAugment(" color, cutout"); err != nil || len(p) != 2 {
		t.Errorf("ParseAugment: %v %v", p, err)
	}
	if _, err := ParseAugment("color,color"); err == nil {
		t.Error("a repeated transformation was accepted")
	}
	_, err := ParseAugment("flip" + strings.Repeat("x", 10000))
	if err == nil || len(err.Error()) > 200 || !strings.Contains(err.Error(), "color, translation, cutout") {
		t.Errorf("error %.300v: want a short one listing the transformations", err)
	}
}

// TestStepOrder: the probe's G makes 0 at first, so its gradient is a·σ(−1)/16 per pixel. In a simultaneous step
// G reads D's a before D's update, 0, and does not move; in an alternating step it plays the updated D (a ≠ 0)
// and each pixel's bias moves by Adam's first step, the learning rate, in a's direction.
func TestStepOrder(t *testing.T) {
	b := testBackend(t)
	for _, order := range []string{"", StepSimultaneous, StepAlternating} {
		cfg := CoreDefaults(&probe{Side: 4})
		cfg.BatchSize, cfg.GenEMA, cfg.StepOrder = 8, 0, order
		tr, err := NewTrainer(b, cfg, probeData(32))
		if err != nil {
			t.Fatal(err)
		}
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		a := float64(tensors.ToScalar[float32](tr.Store.GetVariable("/discriminator/a").MustValue()))
		bias := tensors.MustCopyFlatData[float32](tr.Store.GetVariable("/generator/bias").MustValue())
		want := 0.0
		if order == StepAlternating {
			want = math.Copysign(cfg.LearningRateG, a)
		}
		for i, v := range bias {
			if math.Abs(float64(v)-want) > 1e-6 {
				t.Fatalf("order %q: bias[%d] = %g after one step, want %g (a = %g)", order, i, v, want, a)
			}
		}
		if a == 0 || tr.GlobalStep() != 1 || math.Abs(m.DLoss-(sp(-2)+sp(1))) > 1e-5 {
			t.Errorf("order %q: a = %g, step %d, D loss %g", order, a, tr.GlobalStep(), m.DLoss)
		}
	}
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.StepOrder = "sideways"
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "simultaneous or alternating") {
		t.Errorf("an unknown step order: %v", err)
	}
}

// TestDiffAugmentRealsOnly: with D's slope a set to 1, D says mean(x) + 2 of a real image and mean(x) + 1 of a
// generated one (all 0 at the first step). DiffAugment's colour moves the means: with the generated images
// augmented too D(G(z)) is not σ(1); with the real images only it is σ(1) exactly, and D(x) is moved in both.
func TestDiffAugmentRealsOnly(t *testing.T) {
	b := testBackend(t)
	first := func(realsOnly bool, policy string) StepMetrics {
		cfg := CoreDefaults(&probe{Side: 4})
		cfg.BatchSize, cfg.GenEMA, cfg.DiffAugment, cfg.DiffAugmentRealsOnly = 8, 0, policy, realsOnly
		tr, err := NewTrainer(b, cfg, probeData(32))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tr.Store.CreateVariable("/discriminator/a", tensors.FromScalar(float32(1))); err != nil {
			t.Fatal(err)
		}
		m, err := tr.Step()
		if err != nil {
			t.Fatal(err)
		}
		return m
	}
	plain, both, reals := first(false, ""), first(false, "color"), first(true, "color")
	sig1 := 1 / (1 + math.Exp(-1))
	if math.Abs(plain.DFake-sig1) > 1e-6 || math.Abs(reals.DFake-sig1) > 1e-6 || math.Abs(both.DFake-sig1) < 1e-4 {
		t.Errorf("D(G(z)): plain %g, reals only %g, both %g; want σ(1) = %g for the first two only", plain.DFake, reals.DFake, both.DFake, sig1)
	}
	if math.Abs(reals.DReal-plain.DReal) < 1e-4 || math.Abs(both.DReal-plain.DReal) < 1e-4 {
		t.Errorf("D(x): plain %g, reals only %g, both %g: the augmentation should move it", plain.DReal, reals.DReal, both.DReal)
	}
	cfg := CoreDefaults(&probe{Side: 4})
	cfg.DiffAugmentRealsOnly = true
	if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), "without diffaugment") {
		t.Errorf("reals only without transformations: %v", err)
	}
}

// TestDiscriminatorSigmas: after steps with spectral normalization every weight of D that has a power-iteration
// state is listed, with σ₁ of W/σ̂ near 1; without it the same weights have no normalized value.
func TestDiscriminatorSigmas(t *testing.T) {
	b := testBackend(t)
	for _, sn := range []bool{false, true} {
		cfg := CoreDefaults(&denseProbe{probe{Side: 4}})
		cfg.BatchSize, cfg.SpectralNorm = 8, sn
		tr, err := NewTrainer(b, cfg, probeData(32))
		if err != nil {
			t.Fatal(err)
		}
		for range 30 {
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
		}
		sig, err := DiscriminatorSigmas(tr)
		if err != nil || len(sig) != 1 || sig[0].Path != "/discriminator/fc/weights" || sig[0].Sigma <= 0 {
			t.Fatalf("spectral norm %v: %+v, %v", sn, sig, err)
		}
		if sn && math.Abs(sig[0].Normalized-1) > 0.05 || !sn && sig[0].Normalized != 0 {
			t.Errorf("spectral norm %v: σ₁ of the normalized weight %g", sn, sig[0].Normalized)
		}
	}
}

// denseProbe is the probe with a D of one dense layer of weights [16, 4] (spectrally normalized when the run
// asks) followed by a mean: a weight for DiscriminatorSigmas to find.
type denseProbe struct{ probe }

func (p *denseProbe) Name() string { return "probe" }

func (p *denseProbe) Shape() Shape { return Shape{Input: 2, Height: 4, Width: 4, Channels: 1} }

func (p *denseProbe) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	b := x.Shape().Dimensions[0]
	w := nn.Weight(scope.In("fc"), x.Graph(), "weights", shapes.Make(x.DType(), 16, 4))
	h := MatMul(Reshape(x, b, 16), w)
	return Add(ReduceMean(h, 1), cond), h
}
