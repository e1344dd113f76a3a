// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"
	"strings"

	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
)

// ScopeGeneratorEMA holds the exponential moving average of the generator's weights: the variable
// /generator/x/weights is averaged in /generator_ema/x/weights.
//
// Sampling from the average of the generator's recent weights rather than from the last ones (Karras et al.
// 2018, "Progressive Growing of GANs", section 4.1 and appendix A; Yazıcı et al. 2019, "The Unusual
// Effectiveness of Averaging in GAN Training") removes much of the step-to-step noise of the adversarial game:
// the same training run gives cleaner, more consistent samples. With Config.GenEMA = β each step does
//
//	ema ← β·ema + (1-β)·w
//
// starting from zero, and sampling uses ema / (1 - β^t) after t steps (the bias correction of Adam).
const ScopeGeneratorEMA = "generator_ema"

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

// emaVariable returns (creating it at zero if needed) the moving average of the generator variable v.
func emaVariable(store *model.Store, v *model.Variable) *model.Variable {
	dir, name := model.SplitPath(v.Path())
	scope := store.Scope("/" + ScopeGeneratorEMA + strings.TrimPrefix(dir, "/"+ScopeGenerator))
	zero := func(g *Graph, s shapes.Shape) *Node { return Zeros(g, s) }
	return scope.WithInitializer(zero).VariableWithShape(name, v.Shape()).SetTrainable(false)
}

// updateGeneratorEMA adds G's (updated) weights to their moving averages, in a training graph.
func updateGeneratorEMA(store *model.Store, g *Graph, decay float64) {
	for _, v := range generatorVariables(store) {
		if !v.InUseByGraph(g) {
			continue
		}
		ema := emaVariable(store, v)
		ema.SetNodeValue(Add(MulScalar(ema.NodeValue(g), decay), MulScalar(v.NodeValue(g), 1-decay)))
	}
}

// withGeneratorEMA builds fn with G's variables reading their bias-corrected moving averages (when there are
// any), and restores them afterwards so the graph does not write the averages into the weights.
func withGeneratorEMA(store *model.Store, g *Graph, decay float64, fn func() *Node) *Node {
	steps := optimizer.GetGlobalStep(store)
	if decay <= 0 || steps == 0 {
		return fn()
	}
	correction := 1 / (1 - math.Pow(decay, float64(steps)))
	var restore []func()
	for _, v := range generatorVariables(store) {
		dir, name := model.SplitPath(v.Path())
		emaPath := "/" + ScopeGeneratorEMA + strings.TrimPrefix(dir, "/"+ScopeGenerator) + "/" + name
		ema := store.GetVariable(emaPath)
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
