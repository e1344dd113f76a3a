// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"math"
	"slices"
	"testing"
)

func TestUpsampleBilinear(t *testing.T) {
	for _, f := range []int{2, 4} {
		s := ImageSize / f
		img := make([]float32, s*s)
		for i := range img {
			img[i] = -0.37
		}
		for i, v := range UpsampleBilinear(img, s, s, f) {
			if math.Abs(float64(v)+0.37) > 1e-6 {
				t.Fatalf("x%d: bilinear upsampling of a constant image gives %g at pixel %d, want -0.37", f, v, i)
			}
		}
	}
	// A 1×2 row [0, 1] at ×2 with half-pixel centres samples the input at -0.25 (clamped to 0), 0.25, 0.75 and
	// 1.25 (clamped to 1): PyTorch's F.interpolate(mode="bilinear", align_corners=False) gives the same.
	got := UpsampleBilinear([]float32{0, 1}, 1, 2, 2)
	want := []float32{0, 0.25, 0.75, 1, 0, 0.25, 0.75, 1}
	if !slices.Equal(got, want) {
		t.Errorf("bilinear x2 of [0 1] = %v, want %v", got, want)
	}
	if got := UpsampleNearest([]float32{1, 2, 3, 4}, 2, 2, 2); !slices.Equal(got, []float32{1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4}) {
		t.Errorf("nearest x2 = %v", got)
	}
}

func TestAvgPool(t *testing.T) {
	img := []float32{1, 3, 0, 0, 5, 7, 0, 4, 1, 1, 2, 2, 1, 1, 2, 2}
	if got := AvgPool(img, 4, 4, 2); !slices.Equal(got, []float32{4, 1, 1, 2}) {
		t.Errorf("AvgPool = %v, want [4 1 1 2]", got)
	}
	if got := AvgPool(img, 4, 4, 4); len(got) != 1 || math.Abs(float64(got[0])-2) > 1e-6 {
		t.Errorf("AvgPool x4 = %v, want [2]", got)
	}
	// Pooling then repeating pixels gives back an image that was constant on the blocks.
	blocks := UpsampleNearest([]float32{-1, 0.5, 0.25, 1}, 2, 2, 2)
	if got := UpsampleNearest(AvgPool(blocks, 4, 4, 2), 2, 2, 2); !slices.Equal(got, blocks) {
		t.Errorf("nearest(pool(x)) = %v, want %v", got, blocks)
	}
}

func TestSobelEdges(t *testing.T) {
	// Black on the left half, white on the right: the two columns at the step have |g_x| = 4, edge 1 (white);
	// flat regions away from the step and the border have none (-1).
	img := make([]float32, ImageSize*ImageSize)
	for y := range ImageSize {
		for x := range ImageSize {
			img[y*ImageSize+x] = float32(map[bool]float64{true: 1, false: -1}[x >= 14])
		}
	}
	e := SobelEdges(img, ImageSize, ImageSize)
	for _, c := range []struct {
		x, y int
		want float32
	}{{13, 10, 1}, {14, 10, 1}, {5, 10, -1}, {20, 10, -1}} {
		if got := e[c.y*ImageSize+c.x]; got != c.want {
			t.Errorf("edge at (%d, %d) = %g, want %g", c.x, c.y, got, c.want)
		}
	}
	black := make([]float32, ImageSize*ImageSize)
	for i := range black {
		black[i] = -1
	}
	for i, v := range SobelEdges(black, ImageSize, ImageSize) {
		if v != -1 {
			t.Fatalf("a black image has an edge %g at %d", v, i)
		}
	}
}

func TestMakeInputs(t *testing.T) {
	set := testData(t)
	const n = 6
	idx := []int{0, 1, 2, 3, 4, 5}
	targets := set.ImagesFloat(idx)
	keys := []uint64{10, 11, 12, 13, 14, 15}
	for _, c := range []struct {
		family, task string
		scale, size  int
	}{{FamilyPix2Pix, TaskMask, 0, 28}, {FamilyPix2Pix, TaskEdges, 0, 28}, {FamilySRGAN, TaskDownsample, 2, 14}, {FamilySRGAN, TaskDownsample, 4, 7}} {
		cfg := own(DefaultConfig(c.family))
		cfg.Task = c.task
		if c.scale > 0 {
			cfg.Scale = c.scale
		}
		if cfg.InputSize() != c.size {
			t.Errorf("%s/%s x%d: input size %d, want %d", c.family, c.task, c.scale, cfg.InputSize(), c.size)
		}
		a, b := cfg.MakeInputs(targets, n, keys, 7), cfg.MakeInputs(targets, n, keys, 7)
		if len(a) != n*c.size*c.size || !slices.Equal(a, b) {
			t.Errorf("%s/%s x%d: %d values (want %d), deterministic: %v", c.family, c.task, c.scale, len(a), n*c.size*c.size, slices.Equal(a, b))
		}
		for _, v := range a {
			if v < -1 || v > 1 {
				t.Fatalf("%s/%s: input value %g outside [-1, 1]", c.family, c.task, v)
			}
		}
		if c.task != TaskMask {
			continue
		}
		// The mask: exactly MaskSize² pixels at MaskFill (no MNIST pixel p/127.5 - 1 is 0), in one square inside
		// the central 20×20 box, the rest unchanged; another key or seed moves it.
		for i := range n {
			img, in := targets[i*784:(i+1)*784], a[i*784:(i+1)*784]
			minX, minY, maxX, maxY, count := 99, 99, -1, -1, 0
			for p := range 784 {
				if in[p] == MaskFill {
					count++
					x, y := p%28, p/28
					minX, minY, maxX, maxY = min(minX, x), min(minY, y), max(maxX, x), max(maxY, y)
				} else if in[p] != img[p] {
					t.Fatalf("image %d: pixel %d changed outside the mask", i, p)
				}
			}
			if count != 144 || maxX-minX != 11 || maxY-minY != 11 || minX < 4 || minY < 4 || maxX > 23 || maxY > 23 {
				t.Errorf("image %d: %d masked pixels in [%d..%d]x[%d..%d], want a 12×12 square inside [4..23]²", i, count, minX, maxX, minY, maxY)
			}
		}
		other := cfg.MakeInputs(targets, n, []uint64{20, 21, 22, 23, 24, 25}, 7)
		reseeded := cfg.MakeInputs(targets, n, keys, 8)
		if slices.Equal(a, other) || slices.Equal(a, reseeded) {
			t.Error("other keys or another seed gave the same masks")
		}
	}
}
