// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"fmt"
	"math"
	"math/rand/v2"
)

// The tasks are made on the host from real images, flat float32 in [-1, 1] (pkg/data's convention), one channel,
// row-major [H, W]. Every function here returns a new slice and leaves its input alone.

// MakeInputs returns G's inputs for n target images (flat, n·28·28 values in [-1, 1]), n·s·s values where s is
// InputSize(): the masked digit, its edge map or its downsampled version, as c.Task says.
//
// The inpainting mask of image i is drawn from rand.New(rand.NewPCG(seed, keys[i])): the same image, key and
// seed always give the same input. Training uses the image's position in the stream of batches as its key
// (batch·BatchSize + i), so an image gets a new mask each time it comes back and a resumed run sees the masks an
// uninterrupted one would; Evaluate uses the test image's index and EvalSeed. The edge map and the downsampling
// do not depend on the key.
func (c *Config) MakeInputs(targets []float32, n int, keys []uint64, seed uint64) []float32 {
	const size = ImageSize * ImageSize
	if len(targets) != n*size || len(keys) != n {
		panic(fmt.Sprintf("imagegan: MakeInputs needs %d·%d values and %d keys, got %d and %d", n, size, n, len(targets), len(keys)))
	}
	s := c.InputSize()
	out := make([]float32, 0, n*s*s)
	for i := range n {
		img := targets[i*size : (i+1)*size]
		switch c.Task {
		case TaskMask:
			top, left := MaskPosition(rand.New(rand.NewPCG(seed, keys[i])), ImageSize, c.MaskSize)
			out = append(out, MaskSquare(img, ImageSize, ImageSize, top, left, c.MaskSize)...)
		case TaskEdges:
			out = append(out, SobelEdges(img, ImageSize, ImageSize)...)
		default:
			out = append(out, AvgPool(img, ImageSize, ImageSize, c.Scale)...)
		}
	}
	return out
}

// MaskFill is the value a masked pixel takes: 0, mid-grey, so that the hole differs from both the black
// background (-1) and the ink (1) and G can see where it is.
const MaskFill = 0

// MaskPosition draws the top-left corner of a size×size square inside the central (side-8)×(side-8) box of a
// side×side image (the 20×20 box MNIST centres its digits in), uniformly, so that the square mostly hides ink.
func MaskPosition(rng *rand.Rand, side, size int) (top, left int) {
	span := side - 8 - size + 1
	return 4 + rng.IntN(span), 4 + rng.IntN(span)
}

// MaskSquare returns img (h×w) with the size×size square at (top, left) set to MaskFill.
func MaskSquare(img []float32, h, w, top, left, size int) []float32 {
	out := append([]float32(nil), img[:h*w]...)
	for y := top; y < min(top+size, h); y++ {
		for x := left; x < min(left+size, w); x++ {
			out[y*w+x] = MaskFill
		}
	}
	return out
}

// SobelEdges returns the edge map of img (h×w in [-1, 1]): the magnitude of the Sobel gradient of the image in
// [0, 1] (zero outside it, which is the background of a digit),
//
//	g_x = [-1 0 1; -2 0 2; -1 0 1] * p,   g_y = g_xᵀ * p,   e = min(1, sqrt(g_x² + g_y²) / 4),
//
// mapped back to [-1, 1] (2e - 1). A step from 0 to 1 has magnitude 4, so a clean stroke edge is white.
func SobelEdges(img []float32, h, w int) []float32 {
	at := func(y, x int) float64 {
		if y < 0 || y >= h || x < 0 || x >= w {
			return 0
		}
		return (float64(img[y*w+x]) + 1) / 2
	}
	out := make([]float32, h*w)
	for y := range h {
		for x := range w {
			gx := at(y-1, x+1) + 2*at(y, x+1) + at(y+1, x+1) - at(y-1, x-1) - 2*at(y, x-1) - at(y+1, x-1)
			gy := at(y+1, x-1) + 2*at(y+1, x) + at(y+1, x+1) - at(y-1, x-1) - 2*at(y-1, x) - at(y-1, x+1)
			e := min(1, math.Sqrt(gx*gx+gy*gy)/4)
			out[y*w+x] = float32(2*e - 1)
		}
	}
	return out
}

// AvgPool downsamples img (h×w, both divisible by factor) by averaging each factor×factor block: the
// low-resolution input of super-resolution (2×2 blocks: 28×28 → 14×14; 4×4: → 7×7).
func AvgPool(img []float32, h, w, factor int) []float32 {
	if factor <= 0 || h%factor != 0 || w%factor != 0 {
		panic(fmt.Sprintf("imagegan: AvgPool of %dx%d by %d: the sides must be multiples of the factor", h, w, factor))
	}
	oh, ow := h/factor, w/factor
	out := make([]float32, oh*ow)
	inv := 1 / float64(factor*factor)
	for y := range oh {
		for x := range ow {
			var sum float64
			for dy := range factor {
				for dx := range factor {
					sum += float64(img[(y*factor+dy)*w+x*factor+dx])
				}
			}
			out[y*ow+x] = float32(sum * inv)
		}
	}
	return out
}

// UpsampleNearest enlarges img (h×w) factor times by repeating each pixel factor×factor times.
func UpsampleNearest(img []float32, h, w, factor int) []float32 {
	oh, ow := h*factor, w*factor
	out := make([]float32, oh*ow)
	for y := range oh {
		for x := range ow {
			out[y*ow+x] = img[(y/factor)*w+x/factor]
		}
	}
	return out
}

// UpsampleBilinear enlarges img (h×w) factor times by bilinear interpolation with half-pixel centres (PyTorch's
// align_corners=False, TensorFlow 2's resize): output pixel o samples the input at (o + ½)/factor - ½, clamped
// to the image, so a constant image stays constant and the image is not shifted.
func UpsampleBilinear(img []float32, h, w, factor int) []float32 {
	oh, ow := h*factor, w*factor
	type tap struct {
		i0, i1 int
		t      float64
	}
	taps := func(n, in int) []tap {
		out := make([]tap, n)
		for o := range n {
			src := min(max((float64(o)+0.5)/float64(factor)-0.5, 0), float64(in-1))
			i0 := int(math.Floor(src))
			out[o] = tap{i0, min(i0+1, in-1), src - float64(i0)}
		}
		return out
	}
	ty, tx := taps(oh, h), taps(ow, w)
	out := make([]float32, oh*ow)
	for y, a := range ty {
		for x, b := range tx {
			top := (1-b.t)*float64(img[a.i0*w+b.i0]) + b.t*float64(img[a.i0*w+b.i1])
			bottom := (1-b.t)*float64(img[a.i1*w+b.i0]) + b.t*float64(img[a.i1*w+b.i1])
			out[y*ow+x] = float32((1-a.t)*top + a.t*bottom)
		}
	}
	return out
}

// mapImages applies fn to each of the n images of side×side in flat and concatenates the results.
func mapImages(flat []float32, n, side int, fn func(img []float32) []float32) []float32 {
	var out []float32
	for i := range n {
		out = append(out, fn(flat[i*side*side:(i+1)*side*side])...)
	}
	return out
}
