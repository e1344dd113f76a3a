// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

func testBackend(t *testing.T) compute.Backend {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func scalar(t *testing.T, x *tensors.Tensor) float64 {
	t.Helper()
	return float64(tensors.ToScalar[float32](x))
}

// TestLogLikelihoods checks both log-likelihoods against numbers computed by hand.
func TestLogLikelihoods(t *testing.T) {
	b := testBackend(t)
	logits := tensors.FromValue([][]float32{{0, 0, 0, 0}, {math.Ln2, 0, 0, 0}}) // row 2: softmax (2,1,1,1)/5
	idx := tensors.FromValue([]int32{3, 0})
	mean := tensors.FromValue([][]float32{{0, 1}, {0.5, 0}})
	logStd := tensors.FromValue([][]float32{{0, float32(math.Log(2))}, {0, 0}})
	c := tensors.FromValue([][]float32{{1, 1}, {0.5, -1}})
	outs := graph.MustExecOnceN(b, func(logits, idx, mean, logStd, c *graph.Node) []*graph.Node {
		return []*graph.Node{CategoricalLogLikelihood(logits, idx), GaussianLogLikelihood(mean, logStd, c)}
	}, logits, idx, mean, logStd, c)
	wantCat := (math.Log(0.25) + math.Log(0.4)) / 2
	half := -0.5 * math.Log(2*math.Pi)
	// Row 1: N(1;0,1) + N(1;1,4): (half - 0.5) + (half - ln 2). Row 2: N(0.5;0.5,1) + N(-1;0,1): half + (half - 0.5).
	wantGauss := ((half - 0.5 + half - math.Ln2) + (half + half - 0.5)) / 2
	if got := scalar(t, outs[0]); math.Abs(got-wantCat) > 1e-5 {
		t.Errorf("categorical log-likelihood %.6f, want %.6f", got, wantCat)
	}
	if got := scalar(t, outs[1]); math.Abs(got-wantGauss) > 1e-5 {
		t.Errorf("Gaussian log-likelihood %.6f, want %.6f", got, wantGauss)
	}
}

// TestBoundBelowEntropy: for categorical codes log Q ≤ 0, so L_I ≤ H(c) on any batch, whatever Q says; and the
// loss weighs both terms with their λ.
func TestBoundBelowEntropy(t *testing.T) {
	b := testBackend(t)
	codes := Codes{Categorical: []int{10, 3}, Continuous: 2, WeightCat: 1, WeightCont: 0.1}
	rng := rand.New(rand.NewPCG(1, 2))
	for trial := range 20 {
		const batch = 16
		scale := float32(trial) // from uniform Q to very confident (and mostly wrong) Q
		var l10, l3 [batch][]float32
		var i10, i3 [batch]int32
		var mean, logStd, cont [batch][]float32
		for r := range batch {
			for range 10 {
				l10[r] = append(l10[r], scale*float32(rng.NormFloat64()))
			}
			for range 3 {
				l3[r] = append(l3[r], scale*float32(rng.NormFloat64()))
			}
			i10[r], i3[r] = int32(rng.IntN(10)), int32(rng.IntN(3))
			for range 2 {
				mean[r] = append(mean[r], float32(rng.NormFloat64()))
				logStd[r] = append(logStd[r], float32(rng.NormFloat64()))
				cont[r] = append(cont[r], float32(2*rng.Float64()-1))
			}
		}
		outs := graph.MustExecOnceN(b, func(in []*graph.Node) []*graph.Node {
			terms := codes.Objective(QOutput{Logits: []*graph.Node{in[0], in[1]}, Mean: in[4], LogStd: in[5]},
				Sample{Indices: []*graph.Node{in[2], in[3]}, Continuous: in[6]})
			ablation := codes
			ablation.WeightCat, ablation.WeightCont = 0, 0
			abl := ablation.Objective(QOutput{Logits: []*graph.Node{in[0], in[1]}, Mean: in[4], LogStd: in[5]},
				Sample{Indices: []*graph.Node{in[2], in[3]}, Continuous: in[6]})
			return []*graph.Node{terms.Loss, terms.LogQCat, terms.LowerBound, terms.LogQCont, terms.QLoss, abl.Loss, abl.QLoss}
		}, l10[:], l3[:], i10[:], i3[:], mean[:], logStd[:], cont[:])
		loss, logQCat, bound, logQCont := scalar(t, outs[0]), scalar(t, outs[1]), scalar(t, outs[2]), scalar(t, outs[3])
		h := math.Log(10) + math.Log(3)
		if bound > h+1e-5 || logQCat > 1e-6 {
			t.Errorf("trial %d: L_I = %.4f above H(c) = %.4f (E log Q = %.4f)", trial, bound, h, logQCat)
		}
		if math.Abs(bound-(logQCat+h)) > 1e-4 {
			t.Errorf("trial %d: L_I %.5f != E log Q + H(c) = %.5f", trial, bound, logQCat+h)
		}
		if want := -(logQCat + 0.1*logQCont); math.Abs(loss-want) > 1e-4*(1+math.Abs(want)) {
			t.Errorf("trial %d: loss %.5f, want -(λcat·%.5f + λcont·%.5f) = %.5f", trial, loss, logQCat, logQCont, want)
		}
		// Q's loss equals G's with these λ; with λ = 0 G's loss vanishes and Q's keeps the default weights.
		qLoss, ablLoss, ablQLoss := scalar(t, outs[4]), scalar(t, outs[5]), scalar(t, outs[6])
		if math.Abs(qLoss-loss) > 1e-5*(1+math.Abs(loss)) || ablLoss != 0 || math.Abs(ablQLoss-loss) > 1e-5*(1+math.Abs(loss)) {
			t.Errorf("trial %d: Q loss %.5f, ablation G loss %g and Q loss %.5f; want %.5f, 0, %.5f", trial, qLoss, ablLoss, ablQLoss, loss, loss)
		}
	}
	if got := codes.Entropy(); math.Abs(got-math.Log(30)) > 1e-12 {
		t.Errorf("H(c) = %g, want ln 30", got)
	}
	if got := codes.Dim(); got != 15 {
		t.Errorf("Dim() = %d, want 10+3+2", got)
	}
}

// TestDraw checks the codes' priors: one-hot rows, indices matching them, roughly uniform values, continuous
// codes in [-1, 1] with mean near 0.
func TestDraw(t *testing.T) {
	b := testBackend(t)
	codes := Codes{Categorical: []int{10}, Continuous: 2}
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(3); err != nil {
		t.Fatal(err)
	}
	const batch = 5000
	exec, err := model.NewExec(b, store, func(scope *model.Scope, dummy *graph.Node) []*graph.Node {
		s := codes.Draw(scope, dummy.Graph(), dtypes.Float32, batch)
		return []*graph.Node{s.Vector, s.Indices[0], s.Continuous}
	})
	if err != nil {
		t.Fatal(err)
	}
	outs, err := exec.Call(tensors.FromShape(shapes.Make(dtypes.Float32)))
	if err != nil {
		t.Fatal(err)
	}
	vec := tensors.MustCopyFlatData[float32](outs[0])
	idx := tensors.MustCopyFlatData[int32](outs[1])
	cont := tensors.MustCopyFlatData[float32](outs[2])
	counts := make([]int, 10)
	var sum float64
	for r := range batch {
		row := vec[r*12 : r*12+12]
		hot := -1
		for k := range 10 {
			if row[k] == 1 {
				hot = k
			} else if row[k] != 0 {
				t.Fatalf("row %d is not one-hot: %v", r, row[:10])
			}
		}
		if hot != int(idx[r]) {
			t.Fatalf("row %d: one-hot at %d but index %d", r, hot, idx[r])
		}
		counts[hot]++
		for j := range 2 {
			v := row[10+j]
			if v != cont[r*2+j] || v < -1 || v > 1 {
				t.Fatalf("row %d: continuous code %g (drawn %g) outside [-1, 1] or not in the vector", r, v, cont[r*2+j])
			}
			sum += float64(v)
		}
	}
	for k, n := range counts {
		if math.Abs(float64(n)-batch/10) > 5*math.Sqrt(batch*0.1*0.9) {
			t.Errorf("value %d drawn %d times of %d: not uniform", k, n, batch)
		}
	}
	if mean := sum / (2 * batch); math.Abs(mean) > 0.05 {
		t.Errorf("continuous codes' mean %.3f, want about 0", mean)
	}
}

// TestQGradientReachesTrunk: the information loss trains Q's head and the trunk under it (D's shared layers).
func TestQGradientReachesTrunk(t *testing.T) {
	b := testBackend(t)
	codes := MNISTCodes()
	codes.LearnStd = true
	store := model.NewStore()
	if err := store.SetRNGStateFromSeed(4); err != nil {
		t.Fatal(err)
	}
	exec, err := model.NewExec(b, store, func(scope *model.Scope, x *graph.Node) []*graph.Node {
		s := codes.Draw(scope, x.Graph(), x.DType(), x.Shape().Dimensions[0])
		trunk := scope.In("trunk").VariableWithShape("weights", shapes.Make(x.DType(), 8+codes.Dim(), 32))
		features := graph.Tanh(graph.MatMul(graph.Concatenate([]*graph.Node{x, s.Vector}, -1), trunk.NodeValue(x.Graph())))
		terms := codes.Objective(codes.QHead(scope.In("q"), features), s)
		var grads []*graph.Node
		for _, v := range []string{"/trunk/weights", "/q/hidden/weights", "/q/cat0/weights", "/q/mean/weights", "/q/log_std/weights"} {
			grads = append(grads, graph.ReduceAllSum(graph.Abs(graph.Gradient(terms.Loss, store.GetVariable(v).NodeValue(x.Graph()))[0])))
		}
		return grads
	})
	if err != nil {
		t.Fatal(err)
	}
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 32, 8)) // the trunk reads x and the codes
	outs, err := exec.Call(x)
	if err != nil {
		t.Fatal(err)
	}
	for i, name := range []string{"trunk", "Q hidden", "Q categorical", "Q mean", "Q log-std"} {
		if g := scalar(t, outs[i]); !(g > 0) || math.IsInf(g, 0) {
			t.Errorf("the information loss's gradient on the %s weights is %g: it must reach them", name, g)
		}
	}
}
