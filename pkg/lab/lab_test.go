// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"math"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/gomlx/core/tensors"
)

// small is a 2-D Lab's settings sized for tests: small networks and batches.
func small(data string) Settings {
	s := DefaultSettings(data)
	s.GenHidden, s.DiscHidden, s.BatchSize = []int{16, 16}, []int{16, 16}, 32
	return s
}

func newLab(t *testing.T, s Settings) *Lab {
	t.Helper()
	l, err := New(testenv.Backend(t), s)
	if err != nil {
		t.Fatal(err)
	}
	return l
}

// weights returns the values of the trainable variables of one network (gan.ScopeGenerator or
// gan.ScopeDiscriminator), by path.
func weights(t *testing.T, l *Lab, scope string) map[string][]float32 {
	t.Helper()
	out := map[string][]float32{}
	for v := range l.Trainer().Store.Scope("/" + scope).IterVariables() {
		if v.Trainable && v.Shape().DType.IsFloat() {
			out[v.Path()] = tensors.MustCopyFlatData[float32](v.MustValue())
		}
	}
	if len(out) == 0 {
		t.Fatalf("no variables under /%s", scope)
	}
	return out
}

// change is the Euclidean norm of the difference of two sets of weights.
func change(a, b map[string][]float32) float64 {
	var s float64
	for k, va := range a {
		for i := range va {
			d := float64(b[k][i] - va[i])
			s += d * d
		}
	}
	return math.Sqrt(s)
}

func TestSettingsValidate(t *testing.T) {
	for _, data := range Datasets {
		if err := DefaultSettings(data).Validate(); err != nil {
			t.Errorf("DefaultSettings(%q): %v", data, err)
		}
	}
	for name, edit := range map[string]func(*Settings){
		"data":     func(s *Settings) { s.Data = "spiral" },
		"loss":     func(s *Settings) { s.Loss = "lsgan" },
		"order":    func(s *Settings) { s.StepOrder = "" },
		"noise":    func(s *Settings) { s.Noise = "gamma" },
		"rate":     func(s *Settings) { s.LearningRateD = 0 },
		"nan rate": func(s *Settings) { s.LearningRateG = math.NaN() },
		"dsteps":   func(s *Settings) { s.DSteps = 0 },
		"widths":   func(s *Settings) { s.GenHidden = nil },
		"points":   func(s *Settings) { s.Data, s.Points = DataPoints, [][]float64{{0, 0}} },
		"point":    func(s *Settings) { s.Data, s.Points = DataPoints, [][]float64{{0, 0}, {1}} },
	} {
		s := DefaultSettings(DataRing)
		edit(&s)
		err := s.Validate()
		if err == nil || !strings.HasPrefix(err.Error(), "lab: ") {
			t.Errorf("%s: Validate() = %v, want a lab: error", name, err)
		}
		if _, err := New(testenv.Backend(t), s); err == nil {
			t.Errorf("%s: New accepted bad settings", name)
		}
	}
	s := DefaultSettings(DataMNIST)
	s.Noise = NoiseUniform
	if err := s.Validate(); err == nil {
		t.Error("uniform noise on images: Validate() = nil, want an error")
	}
}

// TestApplyLearningRate: a new learning rate leaves the weights as they are, and the next step's update of D is
// 10 times larger with 10 times the rate (Adam's step is the rate times m̂/√v̂, and both Labs have the same
// moments, weights and batch).
func TestApplyLearningRate(t *testing.T) {
	a, b := newLab(t, small(DataRing)), newLab(t, small(DataRing))
	for _, l := range []*Lab{a, b} {
		if err := l.Steps(3); err != nil {
			t.Fatal(err)
		}
	}
	before := weights(t, b, gan.ScopeDiscriminator)
	beforeG := weights(t, b, gan.ScopeGenerator)
	s := b.Settings()
	s.LearningRateD *= 10
	applied, err := b.Apply(s)
	if err != nil {
		t.Fatal(err)
	}
	if applied.Rebuilt || len(applied.Changes) != 1 || !strings.Contains(applied.String(), "weights kept") {
		t.Errorf("Apply(learning rate) = %+v (%s), want a live change", applied, applied)
	}
	if d := change(before, weights(t, b, gan.ScopeDiscriminator)) + change(beforeG, weights(t, b, gan.ScopeGenerator)); d != 0 {
		t.Errorf("Apply changed the weights by %g", d)
	}
	if b.GlobalStep() != 3 || b.Settings().LearningRateD != s.LearningRateD {
		t.Errorf("after Apply: step %d, rate %g; want 3, %g", b.GlobalStep(), b.Settings().LearningRateD, s.LearningRateD)
	}
	beforeA := weights(t, a, gan.ScopeDiscriminator)
	for _, l := range []*Lab{a, b} {
		if _, err := l.Step(); err != nil {
			t.Fatal(err)
		}
	}
	ratio := change(before, weights(t, b, gan.ScopeDiscriminator)) / change(beforeA, weights(t, a, gan.ScopeDiscriminator))
	t.Logf("D's update with 10× the rate / without: %.5f", ratio)
	if math.Abs(ratio-10) > 0.1 {
		t.Errorf("D's update with 10× the rate is %.4f times the other's, want 10", ratio)
	}
}

// TestApplyRebuilds: a loss (or data, or size) change builds new graphs from step 0; D's steps and the step
// order apply live.
func TestApplyRebuilds(t *testing.T) {
	l := newLab(t, small(DataRing))
	if err := l.Steps(2); err != nil {
		t.Fatal(err)
	}
	s := l.Settings()
	s.DSteps, s.StepOrder = 2, gan.StepSimultaneous
	applied, err := l.Apply(s)
	if err != nil || applied.Rebuilt || len(applied.Changes) != 2 || l.GlobalStep() != 2 {
		t.Fatalf("Apply(D steps, order) = %s, %v at step %d; want live", applied, err, l.GlobalStep())
	}
	if l.Trainer().Config.DSteps != 2 || l.Trainer().Config.StepOrder != gan.StepSimultaneous {
		t.Errorf("the Trainer reads D steps %d, order %q", l.Trainer().Config.DSteps, l.Trainer().Config.StepOrder)
	}
	if _, err := l.Step(); err != nil {
		t.Fatal(err)
	}
	for _, loss := range []string{gan.LossHinge, gan.LossWGANGP, gan.LossLeastSquares, gan.LossMinimax} {
		s := l.Settings()
		s.Loss = loss
		applied, err := l.Apply(s)
		if err != nil {
			t.Fatal(err)
		}
		if !applied.Rebuilt || l.GlobalStep() != 0 || len(l.History()) != 0 || !strings.Contains(applied.String(), "loss") {
			t.Errorf("Apply(loss %s) = %s at step %d, want a rebuild at step 0", loss, applied, l.GlobalStep())
		}
		if _, err := l.Step(); err != nil {
			t.Fatalf("loss %s: %v", loss, err)
		}
		if _, err := l.Frame(); err != nil {
			t.Fatalf("loss %s: %v", loss, err)
		}
	}
	if a, err := l.Apply(l.Settings()); err != nil || a.Rebuilt || a.String() != "nothing changed" {
		t.Errorf("Apply(same) = %s, %v", a, err)
	}
	bad := l.Settings()
	bad.BatchSize = -1
	if _, err := l.Apply(bad); err == nil || l.Settings().BatchSize != 32 {
		t.Errorf("Apply(bad) = %v, batch %d: want an error and no change", err, l.Settings().BatchSize)
	}
}

func TestHistogramJSD(t *testing.T) {
	view := [4]float64{-3, 3, -3, 3}
	a := toyPoints(500, 0)
	if got := HistogramJSD(a, a, view, 30); got != 0 {
		t.Errorf("JSD of a set with itself = %g, want 0", got)
	}
	if got := HistogramJSD(a, toyPoints(500, 2.5), view, 30); math.Abs(got-math.Log(2)) > 1e-12 {
		t.Errorf("JSD of disjoint sets = %g, want log 2 = %g", got, math.Log(2))
	}
	// On 2×2 cells, half of b in a's cell: p = (1, 0) against q = (½, ½): ½[½·log(2·½/1.5) + 1·log(2/1.5)] +
	// ½·½·log 2, worked by hand.
	b := append(toyPoints(250, 0), toyPoints(250, -2.5)...)
	want := 0.5*(0.5*math.Log(1/1.5)+math.Log(2/1.5)) + 0.25*math.Log(2)
	if got := HistogramJSD(a[:250], b, view, 2); math.Abs(got-want) > 1e-12 {
		t.Errorf("JSD = %g, want %g", got, want)
	}
	if !math.IsNaN(HistogramJSD(nil, a, view, 30)) {
		t.Error("JSD of an empty set is not NaN")
	}
}

// toyPoints is n points on a small square around (c, c).
func toyPoints(n int, c float64) [][]float64 {
	out := make([][]float64, n)
	for i := range out {
		out[i] = []float64{c + 0.3*float64(i%10)/10, c + 0.3*float64(i/10%10)/10}
	}
	return out
}

// TestFrame2D: a frame has every layer, the JSD estimate starts high (G's points sit near 0, the ring's on a
// circle of radius 2) and the picture changes with training.
func TestFrame2D(t *testing.T) {
	l := newLab(t, small(DataRing))
	f0, err := l.Frame()
	if err != nil {
		t.Fatal(err)
	}
	p := f0.Plane
	if p == nil || len(p.Real) != ShownPoints || len(p.Fake) != ShownPoints || len(p.Heat) != heatCells*heatCells ||
		len(p.Manifold) != 2*manifoldLines || len(p.Arrows) != arrowPoints || f0.Samples != nil {
		t.Fatalf("frame layers: %d real, %d fake, %d heat, %d grid lines, %d arrows", len(p.Real), len(p.Fake), len(p.Heat),
			len(p.Manifold), len(p.Arrows))
	}
	if p.JSD < 0.5 || p.JSD > math.Log(2)+1e-9 {
		t.Errorf("JSD at step 0 = %.3f, want near log 2 (G's points are far from the ring)", p.JSD)
	}
	for _, h := range p.Heat {
		if !(h >= 0 && h <= 1) {
			t.Fatalf("heat value %g outside [0, 1]", h)
		}
	}
	var moving int
	for _, a := range p.Arrows {
		if math.Hypot(a.DX, a.DY) > 0 {
			moving++
		}
	}
	if moving < arrowPoints/2 {
		t.Errorf("only %d of %d arrows have a length", moving, arrowPoints)
	}
	svg0 := f0.SVG()
	if !strings.HasPrefix(svg0, "<svg") || !strings.Contains(svg0, "<polyline") || !strings.Contains(svg0, `stroke-linecap="round"`) {
		t.Errorf("SVG lacks layers: %.200s", svg0)
	}
	if err := l.Steps(20); err != nil {
		t.Fatal(err)
	}
	f1, err := l.Frame()
	if err != nil {
		t.Fatal(err)
	}
	if f1.Step != 20 || len(f1.History) != 20 || len(f1.JSD) != 2 || f1.SVG() == svg0 {
		t.Errorf("after 20 steps: step %d, %d records, %d JSD points, SVG changed %v", f1.Step, len(f1.History), len(f1.JSD), f1.SVG() != svg0)
	}
	if r := f1.JSD[1].Running; r != jsdSmoothing*f1.Plane.JSD+(1-jsdSmoothing)*f0.Plane.JSD {
		t.Errorf("running JSD %g is not the moving average", r)
	}
	html := f1.HTML()
	if !strings.Contains(html, `class="lab-step">20<`) || strings.Count(html, "<svg") < 4 {
		t.Errorf("HTML lacks the step or a plot: %.300s", html)
	}
}

// TestReproducible: the same settings and seed give the same steps and frame; Reset gives them again.
func TestReproducible(t *testing.T) {
	s := small(DataMoons)
	s.Noise = NoiseUniform
	run := func(l *Lab) ([]Record, string) {
		if err := l.Steps(5); err != nil {
			t.Fatal(err)
		}
		f, err := l.Frame()
		if err != nil {
			t.Fatal(err)
		}
		return l.History(), f.PlaneSVG()
	}
	l := newLab(t, s)
	h1, svg1 := run(l)
	h2, svg2 := run(newLab(t, s))
	if err := l.Reset(); err != nil {
		t.Fatal(err)
	}
	h3, svg3 := run(l)
	for i := range h1 {
		if h1[i] != h2[i] || h1[i] != h3[i] {
			t.Fatalf("step %d: %+v, %+v after a new Lab, %+v after Reset", i+1, h1[i], h2[i], h3[i])
		}
	}
	if svg1 != svg2 || svg1 != svg3 {
		t.Error("the frames differ between runs of one seed")
	}
	s.Seed = 2
	if h4, _ := run(newLab(t, s)); h4[0] == h1[0] {
		t.Error("another seed gave the same first step")
	}
}

// TestPointsData: the reader's points are the data, and the view holds them.
func TestPointsData(t *testing.T) {
	s := small(DataPoints)
	s.Points = [][]float64{{10, 10}, {12, 11}, {11, 13}}
	s.NoiseDim = 1
	l := newLab(t, s)
	if err := l.Steps(2); err != nil {
		t.Fatal(err)
	}
	f, err := l.Frame()
	if err != nil {
		t.Fatal(err)
	}
	v := f.Plane.View
	if v[0] > 10 || v[1] < 12 || v[2] > 10 || v[3] < 13 || v[1]-v[0] != v[3]-v[2] || len(f.Plane.Manifold) != 1 {
		t.Errorf("view %v does not hold the points squarely, or %d grid lines for 1-D noise", v, len(f.Plane.Manifold))
	}
}
