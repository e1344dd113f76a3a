// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
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
