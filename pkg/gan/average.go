// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"encoding/json"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/pkg/errors"
)

// ExportAverage writes into runDir, as Export does, a generator whose weights are the mean of the sampling
// weights of runs: each run's moving average of G's weights (bias-corrected; its last weights when it keeps
// none) and G's BatchNorm statistics, averaged over the runs. The runs are checkpoints of one configuration,
// typically of one training run at several steps: averaging G's weights over a longer stretch of training
// than the moving average's (about 1/(1-β) steps) smooths the game's oscillation further (Yazıcı et al. 2019,
// "The Unusual Effectiveness of Averaging in GAN Training", whose uniform average over the late iterations
// this is, sampled at the checkpoints). Where the family's export keeps D (DKeeper), D is runs[0]'s. It
// returns the config to store beside the export (GenEMA 0); runs[0]'s variables are as they were afterwards.
func ExportAverage(runs []*Trainer, runDir string) (Config, error) {
	if len(runs) == 0 {
		return Config{}, errors.New("gan: nothing to average")
	}
	first := runs[0]
	want, err := json.Marshal(first.Config.Family)
	if err != nil {
		return Config{}, err
	}
	var sums map[string][]float64
	for i, t := range runs {
		got, err := json.Marshal(t.Config.Family)
		if err != nil {
			return Config{}, err
		}
		if t.Config.Family.Name() != first.Config.Family.Name() || string(got) != string(want) {
			return Config{}, errors.Errorf("gan: run %d of the average is another model (%s %s, the first is %s %s): "+
				"average checkpoints of one configuration", i+1, t.Config.Family.Name(), got, first.Config.Family.Name(), want)
		}
		vals, err := samplingWeights(t)
		if err != nil {
			return Config{}, errors.WithMessagef(err, "gan: run %d of the average", i+1)
		}
		if sums == nil {
			sums = make(map[string][]float64, len(vals))
			for path, v := range vals {
				sums[path] = make([]float64, len(v))
			}
		}
		if len(vals) != len(sums) {
			return Config{}, errors.Errorf("gan: run %d of the average has %d generator variables, the first %d: average checkpoints of one configuration",
				i+1, len(vals), len(sums))
		}
		for path, v := range vals {
			s, ok := sums[path]
			if !ok || len(s) != len(v) {
				return Config{}, errors.Errorf("gan: run %d of the average differs from the first at %s: average checkpoints of one configuration", i+1, path)
			}
			for j, x := range v {
				s[j] += float64(x)
			}
		}
	}
	var restore []func()
	defer func() {
		for _, r := range restore {
			r()
		}
		first.VariablesChanged()
	}()
	for path, s := range sums {
		v := first.Store.GetVariable(path)
		dims := v.Shape().Dimensions
		original := tensors.MustCopyFlatData[float32](v.MustValue()) // a copy: setting a value frees the old one
		avg := make([]float32, len(s))
		for j := range s {
			avg[j] = float32(s[j] / float64(len(runs)))
		}
		if err := v.SetValue(tensors.FromFlatDataAndDimensions(avg, dims...)); err != nil {
			return Config{}, err
		}
		restore = append(restore, func() { v.MustSetValue(tensors.FromFlatDataAndDimensions(original, dims...)) })
	}
	keepD := false
	if k, ok := first.Config.Family.(DKeeper); ok {
		keepD = k.ExportKeepsD()
	}
	if err := exportVariables(first.Store, runDir, keepD, true); err != nil {
		return Config{}, err
	}
	cfg := first.Config
	cfg.GenEMA = 0
	return cfg, nil
}

// samplingWeights returns what t's samples are drawn with, by the generator variable's path: each trainable
// variable of G at its bias-corrected moving average (its own value without one), and G's other floating-point
// variables (BatchNorm's statistics) as they are.
func samplingWeights(t *Trainer) (map[string][]float32, error) {
	correction, ema := emaCorrection(t.Store)
	ema = ema && t.Config.GenEMA > 0
	out := map[string][]float32{}
	for v := range t.Store.Scope("/" + ScopeGenerator).IterVariables() {
		if !v.Shape().DType.IsFloat() {
			continue
		}
		src := v
		if v.Trainable && ema {
			if e := t.Store.GetVariable(emaPath(v.Path())); e != nil {
				src = e
			}
		}
		val, err := src.Value()
		if err != nil {
			return nil, errors.WithMessagef(err, "reading %s", src.Path())
		}
		vals := tensors.MustCopyFlatData[float32](val)
		if src != v {
			for i := range vals {
				vals[i] *= float32(correction)
			}
		}
		out[v.Path()] = vals
	}
	if len(out) == 0 {
		return nil, errors.New("it holds no generator: train it first")
	}
	return out, nil
}
