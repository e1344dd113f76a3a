// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"math"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// TestHandWrittenStep: Goodfellow et al.'s algorithm 1 written out in GoMLX, as chapter 02 shows it (a D update
// on real images and G(z) with G's gradient stopped, then a G update against the updated D on fresh noise),
// gives the core's alternating step's losses on the same seed and batches, step after step.
func TestHandWrittenStep(t *testing.T) {
	b := testenv.Backend(t)
	set := testenv.MNIST(t, 256)
	cfg := DefaultConfig(ModelDCGAN)
	c := cfg.Family.(*Config)
	c.GenChannels, c.DiscChannels, c.LatentDim = []int{16, 8}, []int{8, 16}, 8
	cfg.BatchSize, cfg.StepOrder, cfg.GenEMA = 16, gan.StepAlternating, 0
	core, err := gan.NewTrainer(b, cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	hand, err := gan.NewTrainer(b, cfg, set) // for its store: the same seeded weights and random numbers
	if err != nil {
		t.Fatal(err)
	}
	adam := func(lr float64) optimizer.Interface {
		return optimizer.Adam().LearningRate(lr).Betas(0.5, 0.999).Epsilon(1e-8).Done()
	}
	dOpt, gOpt := adam(cfg.LearningRateD), adam(cfg.LearningRateG)
	store := hand.Store
	dStep := model.MustNewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		g := x.Graph()
		store.SetTraining(g, true)
		step0 := optimizer.GetGlobalStepVar(store).NodeValue(g)
		z := scope.RandomNormal(g, shapes.Make(x.DType(), x.Shape().Dimensions[0], c.LatentDim))
		fake := Generator(scope.In(gan.ScopeGenerator), c, z)
		realOut, _ := Discriminator(scope.In(gan.ScopeDiscriminator), c, x, nil)
		fakeOut, _ := Discriminator(scope.Shared(gan.ScopeDiscriminator), c, graph.StopGradient(fake), nil)
		dLoss := gan.DiscriminatorLoss(realOut, fakeOut, 0)
		dOpt.UpdateGraph(store.Scope("/"+gan.ScopeDiscriminator), g, dLoss)
		optimizer.GetGlobalStepVar(store).SetNodeValue(step0)
		return dLoss
	})
	gStep := model.MustNewExec(b, store, func(scope *model.Scope, x *graph.Node) *graph.Node {
		g := x.Graph()
		store.SetTraining(g, true)
		step0 := optimizer.GetGlobalStepVar(store).NodeValue(g)
		z := scope.RandomNormal(g, shapes.Make(x.DType(), x.Shape().Dimensions[0], c.LatentDim))
		fake := Generator(scope.In(gan.ScopeGenerator), c, z)
		fakeOut, _ := Discriminator(scope.In(gan.ScopeDiscriminator), c, fake, nil)
		gLoss := gan.NonSaturatingGeneratorLoss(fakeOut)
		gOpt.UpdateGraph(store.Scope("/"+gan.ScopeGenerator), g, gLoss)
		optimizer.GetGlobalStepVar(store).SetNodeValue(graph.AddScalar(step0, 1))
		return gLoss
	})
	sampler := &data.Sampler{Set: set, BatchSize: 16, Seed: 1}
	for i := range int64(3) {
		want, err := core.Step()
		if err != nil {
			t.Fatal(err)
		}
		x, _ := sampler.Batch(i)
		d := tensors.ToScalar[float32](dStep.MustCall1(x))
		gl := tensors.ToScalar[float32](gStep.MustCall1(x))
		if math.Abs(float64(d)-want.DLoss) > 1e-5 || math.Abs(float64(gl)-want.GLoss) > 1e-5 {
			t.Errorf("step %d: the core's losses D %g, G %g; written out D %g, G %g", i+1, want.DLoss, want.GLoss, d, gl)
		}
	}
}
