// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
)

// TestMeasureColourAndGrey: on capmnist's own images the measured colour is the one it was drawn in and the
// grey image is the MNIST digit again; an image without ink has no colour.
func TestMeasureColourAndGrey(t *testing.T) {
	mnist := testenv.MNIST(t, 500)
	s, err := Build(mnist, 3)
	if err != nil {
		t.Fatal(err)
	}
	set := s.Images()
	wrong := 0
	for i := range s.N {
		rgb := set.ImagesFloat([]int{i})
		if MeasureColour(rgb) != int(s.Colours[i]) {
			wrong++
		}
		grey := Grey(rgb)
		for p, v := range mnist.Images[i*784 : (i+1)*784] {
			if d := int(grey[p]) - int(v); d > 1 || d < -1 {
				t.Fatalf("image %d pixel %d: grey %d, MNIST %d", i, p, grey[p], v)
			}
		}
	}
	if wrong != 0 {
		t.Errorf("%d of %d capmnist images measured in another colour than drawn", wrong, s.N)
	}
	black := make([]float32, Side*Side*3)
	for i := range black {
		black[i] = -1
	}
	if MeasureColour(black) != -1 {
		t.Error("an image without ink has a colour")
	}
}

// TestAsked: the stroke words of every template are read back, and a caption without them asks for none.
func TestAsked(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 1))
	for range 300 {
		a := Attributes{Thick: []string{"thin", "", "thick"}[rng.IntN(3)], Lean: []string{"left", "upright", "right"}[rng.IntN(3)],
			Size: []string{"small", "", "large"}[rng.IntN(3)]}
		c := Describe(rng.IntN(10), rng.IntN(8), a, rng)
		thick, lean := Asked(c)
		if thick != "" && thick != a.Thick || lean != "" && lean != a.Lean {
			t.Errorf("%q with %+v: read thick %q lean %q", c, a, thick, lean)
		}
	}
	if th, le := Asked("red 7"); th != "" || le != "" {
		t.Errorf("\"red 7\" asks for %q, %q", th, le)
	}
	if th, le := Asked("a bold green two, leaning right"); th != "thick" || le != "right" {
		t.Errorf("read %q, %q", th, le)
	}
}

// TestResizeFlat: bicubic growth reproduces a linear ramp between the edges and keeps a constant, 2×2 area
// shrinking is the mean of each block, and capmnist8 keeps capmnist's captions, mismatches and order.
func TestResizeFlat(t *testing.T) {
	const side, to = 8, 16
	ramp := make([]float32, side*side)
	for y := range side {
		for x := range side {
			ramp[y*side+x] = float32(3*x + 2*y)
		}
	}
	up := ResizeFlat(ramp, 1, side, 1, to)
	for oy := 3; oy < to-3; oy++ {
		for ox := 3; ox < to-3; ox++ {
			x, y := (float64(ox)+0.5)/2-0.5, (float64(oy)+0.5)/2-0.5
			if got, want := float64(up[oy*to+ox]), 3*x+2*y; math.Abs(got-want) > 1e-4 {
				t.Fatalf("bicubic at (%d, %d) = %g, want %g (a ramp stays a ramp)", ox, oy, got, want)
			}
		}
	}
	flat := ResizeFlat(make([]float32, side*side*3), 1, side, 3, 32)
	for _, v := range flat {
		if v != 0 {
			t.Fatalf("a constant image resized to %g", v)
		}
	}
	down := ResizeFlat(ramp, 1, side, 1, side/2)
	for oy := range side / 2 {
		for ox := range side / 2 {
			var mean float32
			for _, d := range [][2]int{{0, 0}, {0, 1}, {1, 0}, {1, 1}} {
				mean += ramp[(2*oy+d[0])*side+2*ox+d[1]] / 4
			}
			if math.Abs(float64(down[oy*side/2+ox]-mean)) > 1e-5 {
				t.Fatalf("area shrink at (%d, %d) = %g, want the block's mean %g", ox, oy, down[oy*side/2+ox], mean)
			}
		}
	}
	// Two columns, 0 and 255: Keys' weights at x = -¼, ¼ put -0.0703 and 0.2031 of the bright column in the first
	// two pixels, clipped and rounded to 0 and 52; the last two mirror them.
	if got := ResizeImages([]uint8{0, 255, 0, 255}, 1, 2, 1, 4); got[0] != 0 || got[1] != 52 || got[2] != 203 || got[3] != 255 {
		t.Errorf("ResizeImages of two columns: first row %v, want 0, 52, 203, 255 (clipped overshoot, rounded)", got[:4])
	}
	for _, c := range []struct {
		name string
		side int
		want string
	}{{"capmnist16", 64, "capmnist64"}, {"capmnist8", 32, "capmnist"}, {"emoji16", 64, "emoji64"}, {"emoji-fluent64", 256, "emoji-fluent256"}, {"emoji-fluent32", 128, "emoji-fluent128"}, {"capmnist16", 128, ""}} {
		if got, _ := AtSide(c.name, c.side); got != c.want {
			t.Errorf("AtSide(%s, %d) = %q, want %q", c.name, c.side, got, c.want)
		}
	}
	base, err := Open("capmnist", "test")
	if err != nil {
		t.Skip(err)
	}
	small, err := Open("capmnist8", "test")
	if err != nil {
		t.Fatal(err)
	}
	if s := small.Images(); s.Height != 8 || s.Width != 8 || s.Channels != 3 || s.N != base.Images().N || s.Name != "capmnist8" || Base(s.Name) != "capmnist" {
		t.Fatalf("capmnist8 is %s %dx%dx%d, %d images", s.Name, s.Height, s.Width, s.Channels, s.N)
	}
	want := ResizeImages(base.Images().Images[:Side*Side*3], 1, Side, 3, 8)
	for i := range want {
		if small.Images().Images[i] != want[i] {
			t.Fatalf("capmnist8's first image differs from capmnist's shrunk at value %d", i)
		}
	}
	for _, i := range []int{0, 17, 9999} {
		if small.Caption(i, 2) != base.Caption(i, 2) || small.Mismatch(i, 3) != base.Mismatch(i, 3) || small.Images().Labels[i] != base.Images().Labels[i] {
			t.Errorf("image %d: capmnist8 captions, mismatches or labels differ from capmnist's", i)
		}
	}
}
