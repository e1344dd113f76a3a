// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package storetest holds what the trainers' tests share to see which variables a training step moved.
package storetest

import (
	"strings"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// Snapshot copies the values of the variables under scope ("generator", "discriminator/q", ...): the trainable
// ones only, unless all.
func Snapshot(store *model.Store, scope string, all bool) map[string][]float32 {
	out := map[string][]float32{}
	for v := range store.IterVariables() {
		if (all || v.Trainable) && strings.HasPrefix(v.Scope(), "/"+scope) {
			out[v.Path()] = tensors.MustCopyFlatData[float32](v.MustValue())
		}
	}
	return out
}

// Changed counts the variables of snapshot a whose values differ in snapshot b.
func Changed(a, b map[string][]float32) (n int) {
	for k, va := range a {
		for i := range va {
			if va[i] != b[k][i] {
				n++
				break
			}
		}
	}
	return n
}
