// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"math"
	"strings"
)

// Grey is the digit of a capmnist-sized image (Side×Side×3, values in [-1, 1]) as MNIST would hold it: the
// brightest channel of each pixel (every colour has a channel at full strength), the 2-pixel border dropped,
// 28×28 in 0..255.
func Grey(rgb []float32) []uint8 {
	out := make([]uint8, 28*28)
	for y := range 28 {
		for x := range 28 {
			p := ((y+2)*Side + x + 2) * 3
			v := max(rgb[p], rgb[p+1], rgb[p+2])
			out[y*28+x] = uint8(math.Round(math.Max(0, math.Min(255, (float64(v)+1)*127.5))))
		}
	}
	return out
}

// MeasureColour names the colour of a capmnist-sized image's strokes (Side×Side×3 in [-1, 1]): the mean over
// its ink (pixels whose brightest channel is above half) of each pixel's colour divided by its brightest
// channel, nearest of Colours. It returns -1 for an image without ink.
func MeasureColour(rgb []float32) int {
	var sum [3]float64
	var n int
	for p := 0; p+2 < len(rgb); p += 3 {
		r, g, b := (float64(rgb[p])+1)/2, (float64(rgb[p+1])+1)/2, (float64(rgb[p+2])+1)/2
		m := math.Max(r, math.Max(g, b))
		if m < 0.5 {
			continue
		}
		sum[0], sum[1], sum[2] = sum[0]+r/m, sum[1]+g/m, sum[2]+b/m
		n++
	}
	if n == 0 {
		return -1
	}
	best, bestD := -1, math.Inf(1)
	for k, c := range Colours {
		var d float64
		for ch := range 3 {
			diff := sum[ch]/float64(n) - c.RGB[ch]
			d += diff * diff
		}
		if d < bestD {
			best, bestD = k, d
		}
	}
	return best
}

// Asked reads from a capmnist caption the stroke words it asks for: thick is "thin", "thick" or "" (not
// said), lean "left", "right", "upright" or "".
func Asked(caption string) (thick, lean string) {
	has := func(words ...string) bool {
		for _, w := range strings.FieldsFunc(caption, func(r rune) bool { return r == ' ' || r == ',' }) {
			for _, x := range words {
				if w == x {
					return true
				}
			}
		}
		return false
	}
	switch {
	case has("thin", "narrow"):
		thick = "thin"
	case has("thick", "bold"):
		thick = "thick"
	}
	switch {
	case has("left"):
		lean = "left"
	case has("right"):
		lean = "right"
	case has("upright", "straight"):
		lean = "upright"
	}
	return thick, lean
}
