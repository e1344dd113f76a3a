// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"image"
	"strings"
	"testing"

	"github.com/gomlx/gomlx/core/tensors"
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

// inked counts the pixels of img inside r that have the labels' colour.
func inked(img image.Image, r image.Rectangle) int {
	n := 0
	for y := r.Min.Y; y < r.Max.Y; y++ {
		for x := r.Min.X; x < r.Max.X; x++ {
			if cr, cg, cb, _ := img.At(x, y).RGBA(); cr>>8 == inkGray && cg>>8 == inkGray && cb>>8 == inkGray {
				n++
			}
		}
	}
	return n
}

// grayAt is the gray level of img at (x, y) (the red channel of an RGB picture).
func grayAt(img image.Image, x, y int) int {
	r, _, _, _ := img.At(x, y).RGBA()
	return int(r >> 8)
}

func TestFont(t *testing.T) {
	for r := rune(32); r < 127; r++ {
		if _, ok := glyphs[r]; !ok {
			t.Errorf("the font lacks %q", r)
		}
	}
	// '1' is "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.": 10 pixels of ink.
	one, n := glyphs['1'], 0
	for y := range glyphH {
		for x := range glyphW {
			if one.ink(x, y) {
				n++
			}
		}
	}
	if n != 10 || !one.ink(2, 0) || one.ink(0, 0) || !one.ink(1, 6) || one.ink(2, 7) {
		t.Errorf("glyph '1' = %v (%d pixels of ink), want ..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.", one, n)
	}
	if !glyphs['g'].ink(1, 7) {
		t.Error("'g' has no descender")
	}
	for _, c := range []struct {
		s           string
		scale, want int
	}{{"", 1, 0}, {"1", 1, 5}, {"ab", 1, 11}, {"t=0.5", 2, 58}} {
		if got := textWidth(c.s, c.scale); got != c.want {
			t.Errorf("textWidth(%q, %d) = %d, want %d", c.s, c.scale, got, c.want)
		}
	}
	for _, bad := range []string{"##### #...#", "..... ..... ..... ..... ..... ..... ..... ..... .....", "...x. ..... ..... ..... ..... ..... .....", "#### ..... ..... ..... ..... ..... ....."} {
		if _, err := parseGlyph(bad); err == nil {
			t.Errorf("parseGlyph(%q) gave no error", bad)
		}
	}
}

func TestGridWithLabels(t *testing.T) {
	// Two 2x2 gray images, black and white, enlarged 3 times to 6x6 cells, the first labelled "1".
	flat := []float32{-1, -1, -1, -1, 1, 1, 1, 1}
	t.Run("under", func(t *testing.T) {
		img, err := GridFromFlatWith(flat, 2, 2, 2, 1, GridOptions{Cols: 2, Pad: 1, Scale: 3, Labels: []string{"1", ""}})
		if err != nil {
			t.Fatal(err)
		}
		// Width: 2 cells of 6 and 3 borders; height: a cell of 6, a label band of 8+2 and 2 borders.
		if b := img.Bounds(); b.Dx() != 15 || b.Dy() != 18 {
			t.Fatalf("grid is %v, want 15x18", b)
		}
		// The first cell covers x 1..6, the second 8..13, both y 1..6; the label starts at (1, 8), the cell's
		// left edge plus (6-5)/2 = 0, one pixel under the cell.
		for _, c := range []struct{ x, y, want int }{
			{1, 1, 0}, {6, 6, 0}, {7, 3, borderGray}, {8, 1, 255}, {13, 6, 255}, {0, 17, borderGray},
			{3, 8, inkGray}, {1, 8, borderGray}, // '1' row 0: ..#..
			{2, 14, inkGray}, {3, 14, inkGray}, {4, 14, inkGray}, {1, 14, borderGray}, // row 6: .###.
		} {
			if got := grayAt(img, c.x, c.y); got != c.want {
				t.Errorf("pixel (%d,%d) = %d, want %d", c.x, c.y, got, c.want)
			}
		}
		if n := inked(img, image.Rect(0, 7, 7, 17)); n != 10 {
			t.Errorf("the first label has %d pixels of ink, want 10 (the glyph '1')", n)
		}
		if n := inked(img, image.Rect(7, 0, 15, 18)); n != 0 {
			t.Errorf("the unlabelled cell has %d pixels of ink", n)
		}
	})
	t.Run("above", func(t *testing.T) {
		img, err := GridFromFlatWith(flat, 2, 2, 2, 1, GridOptions{Cols: 2, Pad: 1, Scale: 3, Labels: []string{"1"}, LabelsAbove: true})
		if err != nil {
			t.Fatal(err)
		}
		// The band is now y 1..10 (text from y 2) and the cell y 11..16.
		for _, c := range []struct{ x, y, want int }{{3, 2, inkGray}, {1, 11, 0}, {6, 16, 0}, {1, 10, borderGray}, {8, 11, 255}} {
			if got := grayAt(img, c.x, c.y); got != c.want {
				t.Errorf("pixel (%d,%d) = %d, want %d", c.x, c.y, got, c.want)
			}
		}
	})
	t.Run("wrapped", func(t *testing.T) {
		// "W WW" is 23 pixels wide and its cell 6: it is wrapped one glyph a line (5 pixels), in a band of
		// 3 lines of 8+1 pixels plus 1, and leaves the next cell alone. Nothing is cut: the band holds the
		// three W's ink.
		img, err := GridFromFlatWith(flat, 2, 2, 2, 1, GridOptions{Cols: 2, Pad: 1, Scale: 3, Labels: []string{"W WW", ""}})
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dy() != 1+6+28+1 {
			t.Fatalf("grid is %v, want 36 pixels tall", b)
		}
		if got := wrapGlyphs("W WW", 1, 6); strings.Join(got, "|") != "W|W|W" {
			t.Errorf("wrapGlyphs(%q) = %q", "W WW", got)
		}
		if n := inked(img, image.Rect(7, 0, 15, 36)); n != 0 {
			t.Errorf("the first label spilled %d pixels of ink past its cell", n)
		}
		w := inked(img, image.Rect(1, 8, 7, 17))
		if w == 0 || inked(img, image.Rect(1, 17, 7, 26)) != w || inked(img, image.Rect(1, 26, 7, 35)) != w {
			t.Error("the three lines of the wrapped label do not each hold a W")
		}
	})
	t.Run("rgb", func(t *testing.T) {
		// One red pixel enlarged to 6x6, labelled "A"; "A"'s row 3 is #####.
		img, err := GridFromFlatWith([]float32{1, -1, -1}, 1, 1, 1, 3, GridOptions{Scale: 6, Labels: []string{"A"}})
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 6 || b.Dy() != 16 {
			t.Fatalf("grid is %v, want 6x16", b)
		}
		r, g, b, _ := img.At(5, 5).RGBA()
		if r>>8 != 255 || g != 0 || b != 0 {
			t.Errorf("pixel (5,5) = %d,%d,%d, want red", r>>8, g>>8, b>>8)
		}
		if n := inked(img, image.Rect(0, 10, 6, 11)); n != 5 {
			t.Errorf("row 3 of 'A' has %d pixels of ink, want 5", n)
		}
	})
	t.Run("scale", func(t *testing.T) {
		// The 2x2 image [black white; gray black] enlarged twice: each pixel becomes a 2x2 square.
		img, err := GridFromFlatWith([]float32{-1, 1, 0, -1}, 1, 2, 2, 1, GridOptions{Scale: 2})
		if err != nil {
			t.Fatal(err)
		}
		want := [4][4]int{{0, 0, 255, 255}, {0, 0, 255, 255}, {128, 128, 0, 0}, {128, 128, 0, 0}}
		for y := range 4 {
			for x := range 4 {
				if got := grayAt(img, x, y); got != want[y][x] {
					t.Errorf("pixel (%d,%d) = %d, want %d", x, y, got, want[y][x])
				}
			}
		}
	})
	t.Run("tensor", func(t *testing.T) {
		img, err := GridWith(tensors.FromFlatDataAndDimensions(flat, 2, 2, 2, 1), GridOptions{Scale: 2})
		if err != nil {
			t.Fatal(err)
		}
		if b := img.Bounds(); b.Dx() != 8 || b.Dy() != 4 || grayAt(img, 3, 3) != 0 || grayAt(img, 4, 0) != 255 {
			t.Errorf("grid is %v with (3,3) = %d and (4,0) = %d, want 8x4, 0 and 255", b, grayAt(img, 3, 3), grayAt(img, 4, 0))
		}
		if _, err := GridWith(tensors.FromFlatDataAndDimensions(flat, 2, 2, 2), GridOptions{}); err == nil {
			t.Error("images without a channel axis gave no error")
		}
	})
}

func TestTraversalGrid(t *testing.T) {
	// 2 rows × 3 columns of 2x2 gray images enlarged to 8x8; image k is filled with -1 + 0.4k.
	flat := make([]float32, 6*4)
	for i := range flat {
		flat[i] = -1 + 0.4*float32(i/4)
	}
	images := tensors.FromFlatDataAndDimensions(flat, 6, 2, 2, 1)
	img, err := TraversalGrid(images, 2, 3, []string{"0", "1"}, []string{"a", "b", "c"}, GridOptions{Pad: 1, Scale: 4})
	if err != nil {
		t.Fatal(err)
	}
	// Row labels take 5 + 4 = 9 pixels at the left, column labels 8 + 2 at the top; cells are 8 plus a border of 1.
	if b := img.Bounds(); b.Dx() != 9+3*9+1 || b.Dy() != 10+2*9+1 {
		t.Fatalf("grid is %v, want 37x29", b)
	}
	// Image (r, c) starts at (10 + 9c, 11 + 9r); its gray level is (0.4k)·127.5 rounded.
	for _, c := range []struct{ x, y, want int }{
		{10, 11, 0}, {17, 18, 0}, {19, 11, 51}, {28, 20, 255}, {35, 27, 255}, {18, 11, borderGray},
		{3, 11, inkGray}, {2, 11, borderGray}, // row label "0" at (2, 11): .###.
		{4, 20, inkGray}, {3, 20, borderGray}, // row label "1" at (2, 20): ..#..
		{12, 3, inkGray}, {14, 3, inkGray}, {11, 3, borderGray}, // column label "a" at (11, 1); row 2 is .###.
	} {
		if got := grayAt(img, c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
	if n := inked(img, image.Rect(0, 0, 37, 1)); n != 0 {
		t.Errorf("%d pixels of ink above the column labels", n)
	}
	if _, err := TraversalGrid(images, 4, 2, nil, nil, GridOptions{}); err == nil {
		t.Error("6 images in a 4x2 traversal gave no error")
	}
	// Without labels there are no margins.
	img, err = TraversalGrid(images, 2, 3, nil, nil, GridOptions{})
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 6 || b.Dy() != 4 || grayAt(img, 5, 3) != 255 {
		t.Errorf("unlabelled traversal is %v with (5,3) = %d, want 6x4 and 255", b, grayAt(img, 5, 3))
	}
}

func TestStripImage(t *testing.T) {
	images := tensors.FromFlatDataAndDimensions([]float32{-1, 0, 1}, 3, 1, 1, 1)
	labels := RangeLabels("t=", 0, 1, 3)
	if strings.Join(labels, " ") != "t=0.00 t=0.50 t=1.00" {
		t.Errorf("RangeLabels = %q", labels)
	}
	img, err := StripImage(images, labels, GridOptions{Pad: 1, Scale: 40})
	if err != nil {
		t.Fatal(err)
	}
	// One row of three 40x40 cells with a label band of 10 under them.
	if b := img.Bounds(); b.Dx() != 3*41+1 || b.Dy() != 1+40+10+1 {
		t.Fatalf("strip is %v, want 124x52", b)
	}
	for _, c := range []struct{ x, y, want int }{{1, 1, 0}, {42, 40, 128}, {123 - 1, 1, 255}} {
		if got := grayAt(img, c.x, c.y); got != c.want {
			t.Errorf("pixel (%d,%d) = %d, want %d", c.x, c.y, got, c.want)
		}
	}
	// Each 6-character label (35 pixels) fits its 40-pixel cell: the three have the same amount of ink but for
	// the digits that differ, and none is cut.
	for k := range 3 {
		if n := inked(img, image.Rect(1+41*k, 42, 41+41*k, 50)); n == 0 {
			t.Errorf("label %d drew nothing", k)
		}
	}
	if RangeLabels("x", 2, 3, 1)[0] != "x2.00" || len(RangeLabels("x", 0, 1, 0)) != 0 {
		t.Error("RangeLabels with n = 1 or 0 is wrong")
	}
}
