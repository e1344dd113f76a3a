// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"
	"testing"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/gomlx/compute"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
)

func testBackend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sp(x float64) float64 { return math.Log1p(math.Exp(x)) } // softplus, for the hand computations

// TestLosses checks every loss on real logits [2, -1] and fake logits [0.5, -3] against values computed by hand
// from the formulas in the doc comments.
func TestLosses(t *testing.T) {
	b := testBackend(t)
	real, fake := []float32{2, -1}, []float32{0.5, -3}
	want := map[string]float64{
		"minimax G":        -(sp(0.5) + sp(-3)) / 2,                                                         // E[log(1-σ(l))] = -E[softplus(l)]
		"non-saturating G": (sp(-0.5) + sp(3)) / 2,                                                          // -E[log σ(l)]
		"D":                (sp(-2)+sp(1))/2 + (sp(0.5)+sp(-3))/2,                                           // -E[log σ(r)] - E[log(1-σ(f))]
		"D smoothed 0.1":   (sp(2)-0.9*2+sp(-1)+0.9)/2 + (sp(0.5)+sp(-3))/2,                                 // target 0.9: softplus(l) - 0.9·l
		"LS G":             0.5 * ((0.5-1)*(0.5-1) + (-3-1)*(-3-1)) / 2,                                     // ½E[(D(G(z))-1)²] = 0.5·(0.25+16)/2
		"LS D":             0.5*((1.0+4.0)/2) + 0.5*((0.25+9)/2),                                            // ½E[(D(x)-1)²] + ½E[D(G(z))²]
		"W G":              -(0.5 - 3) / 2,                                                                  // -E[D(G(z))] = 1.25
		"W critic":         (0.5-3)/2 - (2-1)/2.0,                                                           // E[D(G(z))] - E[D(x)] = -1.75
		"hinge G":          1.25,                                                                            // -E[D(G(z))]
		"hinge D":          (math.Max(0, 1-2)+math.Max(0, 1+1))/2 + (math.Max(0, 1+0.5)+math.Max(0, 1-3))/2, // 1 + 0.75
	}
	names := []string{"minimax G", "non-saturating G", "D", "D smoothed 0.1", "LS G", "LS D", "W G", "W critic", "hinge G", "hinge D"}
	outs := MustExecOnceN(b, func(r, f *Node) []*Node {
		return []*Node{
			MinimaxGeneratorLoss(f), NonSaturatingGeneratorLoss(f), DiscriminatorLoss(r, f, 0), DiscriminatorLoss(r, f, 0.1),
			LeastSquaresGeneratorLoss(f), LeastSquaresDiscriminatorLoss(r, f),
			WassersteinGeneratorLoss(f), WassersteinCriticLoss(r, f), HingeGeneratorLoss(f), HingeDiscriminatorLoss(r, f),
		}
	}, real, fake)
	for i, name := range names {
		got := float64(outs[i].Value().(float32))
		if math.Abs(got-want[name]) > 1e-5*math.Max(1, math.Abs(want[name])) {
			t.Errorf("%s: got %.6f, want %.6f", name, got, want[name])
		}
	}
}

// TestGradientPenalty checks WGAN-GP's penalty against one computed from a finite-difference gradient. The
// critic is D(x) = Σ_j w_j·x_j² + sin(x_0) per example (a non-linear function with a non-constant gradient).
func TestGradientPenalty(t *testing.T) {
	b := testBackend(t)
	real := [][]float32{{0.5, -1, 2}, {1.5, 0.2, -0.7}}
	fake := [][]float32{{-0.3, 0.8, 1}, {0.1, -2, 0.4}}
	eps := []float32{0.25, 0.6}
	w := []float64{0.7, -1.3, 0.4}
	critic := func(x []float64) float64 { return w[0]*x[0]*x[0] + w[1]*x[1]*x[1] + w[2]*x[2]*x[2] + math.Sin(x[0]) }
	var want float64
	for i := range real {
		xHat := make([]float64, 3)
		for j := range xHat {
			xHat[j] = float64(eps[i])*float64(real[i][j]) + (1-float64(eps[i]))*float64(fake[i][j])
		}
		var norm2 float64
		for j := range xHat { // central differences
			h := 1e-5
			plus, minus := append([]float64{}, xHat...), append([]float64{}, xHat...)
			plus[j] += h
			minus[j] -= h
			g := (critic(plus) - critic(minus)) / (2 * h)
			norm2 += g * g
		}
		want += (math.Sqrt(norm2) - 1) * (math.Sqrt(norm2) - 1) / 2
	}
	got := MustExecOnce(b, func(r, f, e *Node) *Node {
		wt := Const(r.Graph(), []float32{0.7, -1.3, 0.4})
		d := func(x *Node) *Node {
			x0 := Slice(x, AxisRange(), AxisElem(0))
			return Add(ReduceSum(Mul(Square(x), ExpandLeftToRank(wt, 2)), 1), Reshape(Sin(x0), -1))
		}
		return GradientPenalty(d, r, f, e)
	}, real, fake, eps).Value().(float32)
	if math.Abs(float64(got)-want) > 1e-4*math.Max(1, want) {
		t.Errorf("gradient penalty %.6f, want %.6f (finite differences)", got, want)
	}
}

// TestTopKFake: G's adversarial loss on the k samples D rates most real. Logits [0.5, -3, 2, -1] with k = 2
// keep 2 and 0.5 (in that order): the non-saturating loss is their mean softplus(-l), and its gradient is
// -σ(-l)/2 on those two and 0 on the rejected ones. A patch output is ranked by each sample's mean.
func TestTopKFake(t *testing.T) {
	b := testBackend(t)
	outs := MustExecOnceN(b, func(f *Node) []*Node {
		top := TopKFake(f, 2)
		loss := NonSaturatingGeneratorLoss(top)
		return []*Node{top, loss, Gradient(loss, f)[0], TopKFake(f, 4)}
	}, []float32{0.5, -3, 2, -1})
	sig := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	top := outs[0].Value().([]float32)
	if len(top) != 2 || top[0] != 2 || top[1] != 0.5 {
		t.Errorf("top 2 of [0.5 -3 2 -1]: got %v, want [2 0.5]", top)
	}
	if got, want := float64(outs[1].Value().(float32)), (sp(-2)+sp(-0.5))/2; math.Abs(got-want) > 1e-6 {
		t.Errorf("loss %.6f, want %.6f", got, want)
	}
	grad := outs[2].Value().([]float32)
	wantGrad := []float64{-sig(-0.5) / 2, 0, -sig(-2) / 2, 0}
	for i := range wantGrad {
		if math.Abs(float64(grad[i])-wantGrad[i]) > 1e-6 {
			t.Errorf("gradient %v, want %v", grad, wantGrad)
			break
		}
	}
	if all := outs[3].Value().([]float32); len(all) != 4 || all[1] != -3 {
		t.Errorf("k = B must keep the batch as it is, got %v", all)
	}

	// Patches [3, 2, 1]: means 1.5, -1, 0.25; the top 2 are samples 0 and 2, whole.
	patch := MustExecOnce(b, func(f *Node) *Node { return TopKFake(f, 2) }, [][][]float32{{{1}, {2}}, {{-1}, {-1}}, {{0.5}, {0}}})
	if got := patch.Value().([][][]float32); len(got) != 2 || got[0][1][0] != 2 || got[1][0][0] != 0.5 {
		t.Errorf("patch top 2: got %v", got)
	}

	for _, c := range []struct {
		nu   float64
		b, k int
	}{{0, 64, 64}, {1, 64, 64}, {0.5, 64, 32}, {0.75, 64, 48}, {0.01, 64, 1}, {0.5, 3, 2}} {
		if got := TopKCount(c.nu, c.b); got != c.k {
			t.Errorf("TopKCount(%g, %d) = %d, want %d", c.nu, c.b, got, c.k)
		}
	}
}
