// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"strings"

	"github.com/pkg/errors"
	"golang.org/x/image/webp"
)

// The emoji images: decoded, put on white, resized by area averaging.

// decodeEmojiImage reads a PNG or WebP image.
func decodeEmojiImage(file string) (image.Image, error) {
	fluent := strings.HasSuffix(file, ".webp")
	again := "delete it and run `ganbook data fetch emoji` again"
	if fluent {
		again = "delete its folder and run `ganbook data fetch emoji --fluent` again"
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, errors.Errorf("captions: the emoji image %s is missing; run `ganbook data fetch emoji` again "+
			"(it fetches what is missing)", file)
	}
	var img image.Image
	if fluent {
		img, err = webp.Decode(bytes.NewReader(raw))
	} else {
		img, err = png.Decode(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, errors.Errorf("captions: the emoji image %s is corrupt (%v); %s", file, err, again)
	}
	if b := img.Bounds(); b.Dx() < 1 || b.Dy() < 1 {
		return nil, errors.Errorf("captions: the emoji image %s is empty; %s", file, again)
	}
	return img, nil
}

// composite puts img on white, resizes it to side×side by area averaging and measures its colours (from the
// pixels at least half opaque, so that the white of an emoji counts but the background does not).
func composite(img image.Image, side int) ([]uint8, []string) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := make([]float64, w*h*3)
	var counts [numColours]int
	total := 0
	measure := func(r, g, bl, a uint8) {
		if a >= 128 {
			total++
			if c, ok := classifyColour(r, g, bl); ok {
				counts[c]++
			}
		}
	}
	var pixel func(x, y int) (r, g, b, a uint8) // not premultiplied
	switch m := img.(type) {
	case *image.NRGBA: // the PNGs
		pixel = func(x, y int) (uint8, uint8, uint8, uint8) {
			p := m.Pix[m.PixOffset(b.Min.X+x, b.Min.Y+y):]
			return p[0], p[1], p[2], p[3]
		}
	case *image.NYCbCrA: // Fluent's WebP
		pixel = func(x, y int) (uint8, uint8, uint8, uint8) {
			x, y = b.Min.X+x, b.Min.Y+y
			c := m.COffset(x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[c], m.Cr[c])
			return r, g, bl, m.A[m.AOffset(x, y)]
		}
	}
	if pixel != nil {
		for y := range h {
			for x := range w {
				r, g, bl, a := pixel(x, y)
				o, white := (y*w+x)*3, 255*(255-float64(a))
				src[o] = (float64(r)*float64(a) + white) / 255
				src[o+1] = (float64(g)*float64(a) + white) / 255
				src[o+2] = (float64(bl)*float64(a) + white) / 255
				measure(r, g, bl, a)
			}
		}
		return resizeArea(src, w, h, side), dominant(counts, total)
	}
	for y := range h {
		for x := range w {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA() // premultiplied, 0..65535
			white := float64(65535 - a)
			o := (y*w + x) * 3
			src[o], src[o+1], src[o+2] = (float64(r)+white)/257, (float64(g)+white)/257, (float64(bl)+white)/257
			if a > 0 {
				un := func(c uint32) uint8 { return uint8((c*255 + a/2) / a) }
				measure(un(r), un(g), un(bl), uint8(a>>8))
			}
		}
	}
	return resizeArea(src, w, h, side), dominant(counts, total)
}

// resizeArea resizes an RGB image (w×h×3, values 0..255) to side×side: each output pixel is the mean of the
// source area it covers, rounded half away from zero.
func resizeArea(src []float64, w, h, side int) []uint8 {
	wx, wy := areaWeights(w, side), areaWeights(h, side)
	out := make([]uint8, side*side*3)
	for oy := range side {
		for ox := range side {
			var acc [3]float64
			for _, ty := range wy[oy] {
				for _, tx := range wx[ox] {
					wt := ty.w * tx.w
					i := (ty.k*w + tx.k) * 3
					acc[0] += wt * src[i]
					acc[1] += wt * src[i+1]
					acc[2] += wt * src[i+2]
				}
			}
			for c, v := range acc {
				out[(oy*side+ox)*3+c] = uint8(math.Round(math.Max(0, math.Min(255, v))))
			}
		}
	}
	return out
}

type tap struct {
	k int
	w float64
}

// areaWeights are, for each of dst output pixels, the source pixels of a row of n it covers and their weights
// (the overlap of [o·n/dst, (o+1)·n/dst) with each, over the interval's length).
func areaWeights(n, dst int) [][]tap {
	out := make([][]tap, dst)
	scale := float64(n) / float64(dst)
	for o := range dst {
		lo, hi := float64(o)*scale, float64(o+1)*scale
		for k := int(math.Floor(lo)); k < n && float64(k) < hi; k++ {
			overlap := math.Min(hi, float64(k+1)) - math.Max(lo, float64(k))
			if overlap > 1e-12 {
				out[o] = append(out[o], tap{k, overlap / scale})
			}
		}
	}
	return out
}
