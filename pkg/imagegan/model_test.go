// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"slices"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
)

var testBackend = testenv.Backend

func testData(t testing.TB) *data.Set { return testenv.MNIST(t, 256) }

// tinyConfig is a family's config small enough for a step to take milliseconds.
func tinyConfig(family string) gan.Config {
	cfg := DefaultConfig(family)
	c := cfg.Family.(*Config)
	cfg.BatchSize, cfg.Steps = 8, 10
	c.GenChannels, c.DiscChannels, c.ResBlocks = Widths{8}, Widths{8}, 1
	return cfg
}

// own is the family's settings of a run.
func own(cfg gan.Config) *Config { return cfg.Family.(*Config) }

func TestPixelShuffle(t *testing.T) {
	// One pixel with channels (i·2 + j)·C + k for C = 2: output pixel (i, j) channel k is input channel
	// (i·2 + j)·2 + k.
	in := tensors.FromFlatDataAndDimensions([]float32{0, 1, 2, 3, 4, 5, 6, 7}, 1, 1, 1, 8)
	out := model.MustCallOnce(testBackend(t), model.NewStore(), func(_ *model.Scope, x *Node) *Node { return PixelShuffle(x, 2) }, in)
	if d := out.Shape().Dimensions; !slices.Equal(d, []int{1, 2, 2, 2}) {
		t.Fatalf("PixelShuffle shape %v, want [1 2 2 2]", d)
	}
	if got := tensors.MustCopyFlatData[float32](out); !slices.Equal(got, []float32{0, 1, 2, 3, 4, 5, 6, 7}) {
		t.Errorf("PixelShuffle of one pixel = %v, want the channels in raster order", got)
	}
	// Two pixels side by side: row 0 is a0 a1 b0 b1 (each pixel's first two channel pairs), row 1 the rest.
	in = tensors.FromFlatDataAndDimensions([]float32{0, 1, 2, 3, 10, 11, 12, 13}, 1, 1, 2, 4)
	out = model.MustCallOnce(testBackend(t), model.NewStore(), func(_ *model.Scope, x *Node) *Node { return PixelShuffle(x, 2) }, in)
	if got := tensors.MustCopyFlatData[float32](out); !slices.Equal(got, []float32{0, 1, 10, 11, 2, 3, 12, 13}) {
		t.Errorf("PixelShuffle of two pixels = %v, want [0 1 10 11 2 3 12 13]", got)
	}
}

// TestNetworkShapes builds each network in inference mode: G's output has the image's shape and lies in
// [-1, 1]; PatchGAN gives a 7×7 grid of logits, SRGAN's D one logit per image.
func TestNetworkShapes(t *testing.T) {
	for _, c := range []struct {
		family string
		scale  int
		dOut   []int
	}{{FamilyPix2Pix, 0, []int{3, 7, 7}}, {FamilySRGAN, 2, []int{3}}, {FamilySRGAN, 4, []int{3}}} {
		cfg := own(tinyConfig(c.family))
		if c.scale > 0 {
			cfg.Scale = c.scale
		}
		s := cfg.InputSize()
		x := tensors.FromShape(shapes.Make(dtypes.Float32, 3, s, s, 1))
		exec := model.MustNewExec(testBackend(t), model.NewStore(), func(scope *model.Scope, x *Node) (*Node, *Node) {
			fake := Generator(scope.In(gan.ScopeGenerator), cfg, x)
			return fake, Discriminator(scope.In(gan.ScopeDiscriminator), cfg, x, fake)
		})
		fake, logits := exec.MustCall2(x)
		outs := []*tensors.Tensor{fake, logits}
		if d := outs[0].Shape().Dimensions; !slices.Equal(d, []int{3, 28, 28, 1}) {
			t.Errorf("%s x%d: G output %v, want [3 28 28 1]", c.family, c.scale, d)
		}
		for _, v := range tensors.MustCopyFlatData[float32](outs[0]) {
			if v < -1 || v > 1 {
				t.Fatalf("%s: G output %g outside [-1, 1]", c.family, v)
			}
		}
		if d := outs[1].Shape().Dimensions; !slices.Equal(d, c.dOut) {
			t.Errorf("%s x%d: D output %v, want %v", c.family, c.scale, d, c.dOut)
		}
	}
}
