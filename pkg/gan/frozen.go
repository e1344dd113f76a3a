// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"path"
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
)

// Import is one scope of variables that ImportFrozen or CopyFrozen copies from another store.
type Import struct {
	From string // the scope copied, absolute ("/generator", "/text_encoder")
	// To is where a variable goes in the store copied into, given its path below From; nil keeps its path.
	To func(rel string) string
	// Averaged copies G's variables at the weights its samples are drawn with: their bias-corrected moving
	// average where the source keeps one (see ScopeGeneratorEMA), their value otherwise; but for those Plain
	// names (by their path below From), copied as they are (a frozen part of G, which has no average).
	Averaged bool
	Plain    func(rel string) bool
}

// ImportFrozen copies, not trainable, the variables of the given scopes of the run (or encoder run) in dir
// into store, reading its latest checkpoint once; it returns how many it copied. A family's Prepare uses it for
// what its networks read but never train: text2img's text encoder, StackGAN's Stage-I generator. Each Import
// must copy at least one variable.
func ImportFrozen(store *model.Store, dir string, imports ...Import) (int, error) {
	scratch := model.NewStore()
	if _, err := LoadCheckpoint(scratch, dir); err != nil {
		return 0, err
	}
	n, err := CopyFrozen(store, scratch, imports...)
	return n, errors.WithMessagef(err, "gan: importing from %s", dir)
}

// CopyFrozen copies, not trainable, the variables of the given scopes of src into dst (see ImportFrozen), and
// returns how many it copied.
func CopyFrozen(dst, src *model.Store, imports ...Import) (int, error) {
	total := 0
	for _, im := range imports {
		n := 0
		correction, averaged := 1.0, false
		if im.Averaged {
			correction, averaged = emaCorrection(src)
		}
		for v := range src.Scope(im.From).IterVariables() {
			from := v
			rel := strings.TrimPrefix(strings.TrimPrefix(v.Path(), im.From), "/")
			if averaged && (im.Plain == nil || !im.Plain(rel)) {
				if e := src.GetVariable(emaPath(v.Path())); e != nil {
					from = e
				}
			}
			val, err := from.Value()
			if err != nil {
				return total, errors.WithMessagef(err, "reading %s", from.Path())
			}
			if from != v {
				val = scaled(val, correction)
			} else if val, err = val.LocalClone(); err != nil {
				return total, err
			}
			to := path.Join(im.From, rel)
			if im.To != nil {
				to = im.To(rel)
			}
			nv, err := dst.CreateVariable(to, val)
			if err != nil {
				return total, err
			}
			nv.SetTrainable(false)
			n++
		}
		if n == 0 {
			return total, errors.Errorf("it holds nothing under %s", im.From)
		}
		total += n
	}
	return total, nil
}

// emaCorrection is 1/(1 − P) for the product P of the decays of G's moving average in store, and whether store
// holds such an average (P < 1): what turns a moving average into the bias-corrected one sampling reads. Every
// reader of G's average goes through it (sampling, ExportAverage, CopyFrozen).
func emaCorrection(store *model.Store) (float64, bool) {
	pVar := store.GetVariable("/" + ScopeGeneratorEMA + "/" + emaProductName)
	if pVar == nil {
		return 1, false
	}
	p := float64(tensors.ToScalar[float32](pVar.MustValue()))
	if p >= 1 {
		return 1, false
	}
	return 1 / (1 - p), true
}

// scaled is a float32 tensor times f, as a new tensor.
func scaled(t *tensors.Tensor, f float64) *tensors.Tensor {
	vals := tensors.MustCopyFlatData[float32](t)
	for i := range vals {
		vals[i] *= float32(f)
	}
	return tensors.FromFlatDataAndDimensions(vals, t.Shape().Dimensions...)
}

// SetLearningRates sets the Adam learning rates of G and D from the next update on, and records them in
// Config; a rate ≤ 0 leaves that network's rate as it is. Each optimizer keeps its rate in a variable (saved with
// the checkpoint, which is why a resumed run with new rates needs this); a step reads it at every call, so no
// graph is rebuilt. The one place rates change after the Trainer is made: a resume with --lr-g or --lr-d, a
// schedule (pkg/toy's FitD), a lab's slider.
func (t *Trainer) SetLearningRates(lrG, lrD float64) error {
	for _, c := range []struct {
		scope string
		lr    float64
		field *float64
	}{{ScopeGenerator, lrG, &t.Config.LearningRateG}, {ScopeDiscriminator, lrD, &t.Config.LearningRateD}} {
		if c.lr <= 0 {
			continue
		}
		// The variable optimizer.LearningRateVar creates under the scope given to UpdateGraph. Created here if no
		// step has been built yet (the steps then use it as it is).
		p := "/" + c.scope + "/" + optimizer.Scope + "/" + optimizer.ParamLearningRate
		value := tensors.FromScalar(float32(c.lr))
		var err error
		if v := t.Store.GetVariable(p); v != nil {
			err = v.SetValue(value)
		} else if v, err = t.Store.CreateVariable(p, value); err == nil {
			v.SetTrainable(false)
		}
		if err != nil {
			return errors.WithMessagef(err, "gan: setting the learning rate of %s", c.scope)
		}
		*c.field = c.lr
	}
	return nil
}
