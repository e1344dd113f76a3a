// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import (
	"math"
	"testing"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

// TestConditioning checks the label's way into both networks with values worked by hand.
func TestConditioning(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	z := tensors.FromValue([][]float32{{0.5, -1}, {2, 3}})
	labels := tensors.FromValue([]int32{2, 0})
	x := tensors.FromShape(shapes.Make(dtypes.Float32, 2, 2, 3, 1)) // zeros
	outs := graph.MustExecOnceN(b, func(z, labels, x *graph.Node) []*graph.Node {
		return []*graph.Node{GeneratorInput(z, labels, 3), ConcatChannels(x, labels, 3), ConcatChannels(z, labels, 3)}
	}, z, labels, x)
	if got, want := outs[0].Value(), [][]float32{{0.5, -1, 0, 0, 1}, {2, 3, 1, 0, 0}}; !equal(got.([][]float32), want) {
		t.Errorf("GeneratorInput = %v, want %v", got, want)
	}
	maps := outs[1].Value().([][][][]float32)
	if len(maps[0][0][0]) != 4 {
		t.Fatalf("ConcatChannels gave %d channels, want 1+3", len(maps[0][0][0]))
	}
	for i, y := range []int{2, 0} {
		for h := range 2 {
			for w := range 3 {
				for c := range 3 {
					want := float32(0)
					if c == y {
						want = 1
					}
					if maps[i][h][w][1+c] != want {
						t.Fatalf("image %d pixel (%d,%d): label channels %v, want label %d everywhere", i, h, w, maps[i][h][w][1:], y)
					}
				}
			}
		}
	}
	if got := outs[2].Value().([][]float32); !equal(got, [][]float32{{0.5, -1, 0, 0, 1}, {2, 3, 1, 0, 0}}) {
		t.Errorf("ConcatChannels of a flat input = %v", got)
	}
}

// TestProjection: ⟨e_y, φ(x)⟩ with a known embedding, and its gradient reaches only the rows of the labels used.
func TestProjection(t *testing.T) {
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	store := model.NewStore()
	emb := [][]float32{{1, 0}, {0, 2}, {-1, 1}}
	exec, err := model.NewExec(b, store, func(scope *model.Scope, features, labels *graph.Node) []*graph.Node {
		p := Projection(scope.In("projection"), features, labels, 3)
		v := store.GetVariable("/projection/embedding")
		return []*graph.Node{p, graph.Gradient(graph.ReduceAllSum(p), v.NodeValue(features.Graph()))[0]}
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := exec.Call(tensors.FromValue([][]float32{{0, 0}}), tensors.FromValue([]int32{0})); err != nil {
		t.Fatal(err) // creates the variable
	}
	store.GetVariable("/projection/embedding").MustSetValue(tensors.FromValue(emb))
	outs, err := exec.Call(tensors.FromValue([][]float32{{3, 4}, {5, -1}}), tensors.FromValue([]int32{1, 2}))
	if err != nil {
		t.Fatal(err)
	}
	if got := outs[0].Value().([]float32); math.Abs(float64(got[0]-8)) > 1e-6 || math.Abs(float64(got[1]-(-6))) > 1e-6 {
		t.Errorf("projection = %v, want [0·3+2·4, -1·5+1·(-1)] = [8 -6]", got)
	}
	if got := outs[1].Value().([][]float32); !equal(got, [][]float32{{0, 0}, {3, 4}, {5, -1}}) {
		t.Errorf("gradient on the embedding = %v, want row y = the features of the image with label y", got)
	}
}

func equal(a, b [][]float32) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if len(a[i]) != len(b[i]) {
			return false
		}
		for j := range a[i] {
			if a[i][j] != b[i][j] {
				return false
			}
		}
	}
	return true
}
