// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"strings"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
)

// ScopeGeneratorEMA holds the exponential moving average of the generator's weights: the variable
// /generator/x/weights is averaged in /generator_ema/x/weights.
//
// Sampling from the average of the generator's recent weights rather than from the last ones (Karras et al.
// 2018, "Progressive Growing of GANs", section 4.1 and appendix A; Yazıcı et al. 2019, "The Unusual
// Effectiveness of Averaging in GAN Training") removes much of the step-to-step noise of the adversarial game:
// the same training run gives cleaner, more consistent samples. With Config.GenEMA = β, step t does
//
//	d = min(β, (1+t)/(10+t)),   ema ← d·ema + (1-d)·w,   P ← d·P
//
// starting from ema = 0 and P = 1, and sampling uses ema / (1 - P). The ramp of d (TensorFlow's
// ExponentialMovingAverage with num_updates) keeps the average short while G still changes fast; dividing by
// 1 - P, the total weight the average has given to the steps so far, removes the bias of starting at zero.
const ScopeGeneratorEMA = "generator_ema"

// emaProductName is the scalar variable holding P, the product of the decays so far.
const emaProductName = "decay_product"

// generatorVariables lists the trainable variables of G, in the store's order.
func generatorVariables(store *model.Store) []*model.Variable {
	var vars []*model.Variable
	for v := range store.Scope("/" + ScopeGenerator).IterVariables() {
		if v.Trainable {
			vars = append(vars, v)
		}
	}
	return vars
}

// emaPath is where the moving average of the generator variable at path lives.
func emaPath(path string) string {
	dir, name := model.SplitPath(path)
	return "/" + ScopeGeneratorEMA + strings.TrimPrefix(dir, "/"+ScopeGenerator) + "/" + name
}

// emaVariable returns (creating it at zero if needed) the moving average of the generator variable v.
func emaVariable(store *model.Store, v *model.Variable) *model.Variable {
	dir, name := model.SplitPath(v.Path())
	scope := store.Scope("/" + ScopeGeneratorEMA + strings.TrimPrefix(dir, "/"+ScopeGenerator))
	zero := func(g *Graph, s shapes.Shape) *Node { return Zeros(g, s) }
	return scope.WithInitializer(zero).VariableWithShape(name, v.Shape()).SetTrainable(false)
}

// emaProduct returns (creating it at 1 if needed) the variable holding the product of the decays so far.
func emaProduct(store *model.Store) *model.Variable {
	one := func(g *Graph, s shapes.Shape) *Node { return Ones(g, s) }
	return store.Scope("/"+ScopeGeneratorEMA).WithInitializer(one).
		VariableWithShape(emaProductName, shapes.Make(dtypes.Float32)).SetTrainable(false)
}

// updateGeneratorEMA adds G's (updated) weights to their moving averages, in a training graph; step is the
// global step before this update.
func updateGeneratorEMA(store *model.Store, step *Node, decay float64) {
	g := step.Graph()
	t := ConvertDType(step, dtypes.Float32)
	d := Min(Scalar(g, dtypes.Float32, decay), Div(AddScalar(t, 1), AddScalar(t, 10)))
	for _, v := range generatorVariables(store) {
		if !v.InUseByGraph(g) {
			continue
		}
		ema := emaVariable(store, v)
		dv := ConvertDType(d, v.DType())
		ema.SetNodeValue(Add(Mul(dv, ema.NodeValue(g)), Mul(OneMinus(dv), v.NodeValue(g))))
	}
	p := emaProduct(store)
	p.SetNodeValue(Mul(p.NodeValue(g), d))
}

// withGeneratorEMA builds fn with G's variables reading their bias-corrected moving averages (when there are
// any), and restores them afterwards so the graph does not write the averages into the weights.
func withGeneratorEMA(store *model.Store, g *Graph, decay float64, fn func() *Node) *Node {
	correction, ok := emaCorrection(store)
	if decay <= 0 || !ok {
		return fn() // no average yet
	}
	var restore []func()
	for _, v := range generatorVariables(store) {
		ema := store.GetVariable(emaPath(v.Path()))
		if ema == nil {
			continue // a run saved before it had averages
		}
		original := v.NodeValue(g)
		v.SetNodeValue(MulScalar(ema.NodeValue(g), correction))
		restore = append(restore, func() { v.SetNodeValue(original) })
	}
	out := fn()
	for _, r := range restore {
		r()
	}
	return out
}

// InferenceGenerator builds fn, a family's own sampling graph on G's variables (an interpolation between
// conditions, say), reading G's weights as Trainer.Generate does: their moving averages when the run keeps them.
func (t *Trainer) InferenceGenerator(g *Graph, fn func() *Node) *Node {
	return withGeneratorEMA(t.Store, g, t.Config.GenEMA, fn)
}
