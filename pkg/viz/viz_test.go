// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"image"
	"strings"
	"testing"
)

func TestGridGray(t *testing.T) {
	// Three 2x2 images: all -1 (black), all 1 (white), and 0 (mid gray); 2 columns, 1 pixel of border.
	flat := []float32{-1, -1, -1, -1, 1, 1, 1, 1, 0, 0, 0, 0}
	img, err := GridFromFlat(flat, 3, 2, 2, 1, 2, 1)
	if err != nil {
		t.Fatal(err)
	}
	g := img.(*image.Gray)
	if b := g.Bounds(); b.Dx() != 2*3+1 || b.Dy() != 2*3+1 {
		t.Fatalf("grid is %v, want 7x7", b)
	}
	for _, c := range []struct{ x, y, want int }{{1, 1, 0}, {4, 1, 255}, {1, 4, 128}, {0, 0, 40}, {4, 4, 40}} {
		if got := int(g.GrayAt(c.x, c.y).Y); got != c.want {
			t.Errorf("pixel (%d,%d) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
	if _, err := GridFromFlat(flat, 4, 2, 2, 1, 2, 1); err == nil {
		t.Error("a size mismatch gave no error")
	}
}

func TestGridRGB(t *testing.T) {
	img, err := GridFromFlat([]float32{1, -1, -1}, 1, 1, 1, 3, 0, 0) // one red pixel
	if err != nil {
		t.Fatal(err)
	}
	r, g, b, _ := img.At(0, 0).RGBA()
	if r>>8 != 255 || g != 0 || b != 0 {
		t.Errorf("pixel = %d,%d,%d, want red", r>>8, g>>8, b>>8)
	}
}

func TestLinePlotSVG(t *testing.T) {
	svg := LinePlotSVG("losses", "step", []Series{{Name: "D <loss>", X: []float64{0, 1, 2}, Y: []float64{1, 0.5, 0.25}}}, 400, 300)
	for _, want := range []string{"<svg", "polyline", "D &lt;loss&gt;", "</svg>"} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %q", want)
		}
	}
}
