// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/data"
)

// draw is a 28×28 digit of ink where inside(x, y) holds.
func draw(inside func(x, y int) bool) []uint8 {
	img := make([]uint8, 784)
	for y := range 28 {
		for x := range 28 {
			if inside(x, y) {
				img[y*28+x] = 255
			}
		}
	}
	return img
}

// TestMeasure on strokes drawn by hand: a bar 2 pixels wide is thin and one 6 wide thick (2·area/perimeter is
// the width for a long bar); a bar whose top leans right has a positive slant of its angle; the bounding box
// gives the size.
func TestMeasure(t *testing.T) {
	thin := Measure(draw(func(x, y int) bool { return x >= 13 && x < 15 && y >= 4 && y < 24 }))
	thick := Measure(draw(func(x, y int) bool { return x >= 11 && x < 17 && y >= 4 && y < 24 }))
	if thin.Thick != "thin" || thick.Thick != "thick" || math.Abs(thin.Thickness-2) > 0.01 || thick.Thickness < 3.5 {
		t.Errorf("bars 2 and 6 wide: %+v, %+v", thin, thick)
	}
	if thin.Height != 20 || thin.Width != 2 || thin.Lean != "upright" || math.Abs(thin.Slant) > 1e-9 || thin.Size != "small" {
		t.Errorf("an upright bar: %+v", thin)
	}
	// x = 14 + (14 - y)/2: the top (small y) is to the right, a shear of 1/2: atan(0.5) = 0.4636 rad.
	lean := Measure(draw(func(x, y int) bool { c := 14 + (14-y)/2; return y >= 4 && y < 24 && x >= c-1 && x <= c+1 }))
	if lean.Lean != "right" || math.Abs(lean.Slant-math.Atan(0.5)) > 0.05 {
		t.Errorf("a bar leaning right by a shear of ½: %+v", lean)
	}
	mirror := Measure(draw(func(x, y int) bool { c := 14 - (14-y)/2; return y >= 4 && y < 24 && x >= c-1 && x <= c+1 }))
	if mirror.Lean != "left" || math.Abs(mirror.Slant+lean.Slant) > 1e-9 {
		t.Errorf("its mirror image: %+v", mirror)
	}
	big := Measure(draw(func(x, y int) bool {
		return (x == 4 || x == 23 || y == 4 || y == 23) && x >= 4 && x <= 23 && y >= 4 && y <= 23
	}))
	if big.Size != "large" {
		t.Errorf("a 20×20 square outline: %+v", big)
	}
	if empty := Measure(make([]uint8, 784)); empty.Thickness != 0 || empty.Lean != "upright" {
		t.Errorf("no ink: %+v", empty)
	}
}

// TestThresholdsAreQuartiles: on MNIST's training digits each bucket word goes to about a quarter of them.
func TestThresholdsAreQuartiles(t *testing.T) {
	set, err := data.Load("mnist", "train")
	if err != nil {
		t.Fatal(err)
	}
	count := map[string]int{}
	for i := range set.N {
		a := Measure(set.Images[i*784 : (i+1)*784])
		count["thick:"+a.Thick]++
		count["lean:"+a.Lean]++
		count["size:"+a.Size]++
	}
	for _, k := range []string{"thick:thin", "thick:thick", "lean:left", "lean:right", "size:small", "size:large"} {
		if share := float64(count[k]) / float64(set.N); share < 0.15 || share > 0.3 {
			t.Errorf("%s: %.1f%% of the training digits, want about a quarter", k, 100*share)
		}
	}
}

// TestBuild: the images are the digits in their colour, the held-out combinations never appear in the train
// split (but do in the test split), every colour and digit still appears, and it is deterministic.
func TestBuild(t *testing.T) {
	test := testenv.MNIST(t, 2000)
	train := *test
	train.Split = "train"
	tr, err := Build(&train, 7)
	if err != nil {
		t.Fatal(err)
	}
	te, _ := Build(test, 7)
	seenTrain, seenTest := map[[2]int]bool{}, map[[2]int]bool{}
	colours := map[int]bool{}
	for i := range tr.N {
		d, c := int(tr.Digits[i]), int(tr.Colours[i])
		seenTrain[[2]int{d, c}], colours[c] = true, true
		seenTest[[2]int{int(te.Digits[i]), int(te.Colours[i])}] = true
		if HeldOut(d, c) {
			t.Fatalf("train image %d: a held-out %s %d", i, Colours[c].Name, d)
		}
	}
	heldInTest := 0
	for k := range heldOut {
		if seenTest[k] {
			heldInTest++
		}
	}
	if len(colours) != 8 || heldInTest < 8 || len(seenTrain) != 80-len(heldOut) {
		t.Errorf("colours %d, held-out combinations in the test split %d, combinations in train %d", len(colours), heldInTest, len(seenTrain))
	}
	// Image 0 of MNIST's test split is a 7; its brightest pixel, in the image's colour.
	i, c := 0, Colours[tr.Colours[0]].RGB
	var maxGrey uint8
	var at int
	for p, v := range test.Images[:784] {
		if v > maxGrey {
			maxGrey, at = v, p
		}
	}
	y, x := at/28, at%28
	for ch := range 3 {
		if got, want := tr.Pixels[((y+2)*Side+x+2)*3+ch], uint8(math.Round(float64(maxGrey)*c[ch])); got != want {
			t.Errorf("channel %d at (%d, %d): %d, want %d", ch, x+2, y+2, got, want)
		}
	}
	if tr.Pixels[0] != 0 || tr.Digits[i] != 7 {
		t.Errorf("the border is not black, or image 0 is not a 7")
	}
	again, _ := Build(&train, 7)
	other, _ := Build(&train, 8)
	same := func(a, b *Set) bool {
		for i := range a.Colours {
			if a.Colours[i] != b.Colours[i] {
				return false
			}
		}
		return true
	}
	if !same(tr, again) || same(tr, other) || tr.Caption(5, 1) != again.Caption(5, 1) {
		t.Error("Build is not deterministic from its seed, or ignores it")
	}
	if _, err := Build(&data.Set{Height: 32, Width: 32, Channels: 3}, 1); err == nil {
		t.Error("a colour data set was accepted")
	}
}

// TestCaptions: every caption names the digit (word or numeral) and the colour, and the attribute words only
// when the digit has them; the templates and synonyms all occur.
func TestCaptions(t *testing.T) {
	a := Attributes{Thick: "thick", Lean: "right", Size: "large"}
	forms := map[string]bool{}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 400 {
		c := Describe(7, 0, a, rng)
		if !strings.Contains(c, "red") || !(strings.Contains(c, "seven") || strings.Contains(c, "7")) {
			t.Fatalf("%q names neither the digit nor the colour", c)
		}
		if strings.Contains(c, "thin") || strings.Contains(c, "left") || strings.Contains(c, "small") {
			t.Fatalf("%q says what the digit is not", c)
		}
		forms[c] = true
	}
	for _, want := range []string{"a thick red seven", "the digit 7 in red, slanted to the right", "red 7", "a big red 7, leaning right", "seven written in red"} {
		if !forms[want] {
			t.Errorf("%q never drawn in 400 captions", want)
		}
	}
	if c := Describe(8, 1, Attributes{Lean: "upright"}, rand.New(rand.NewPCG(3, 3))); c == "" {
		t.Error("an empty caption")
	}
	if got := Describe(8, 1, Attributes{Lean: "upright"}, rand.New(rand.NewPCG(0, 0))); strings.HasPrefix(got, "a o") || strings.HasPrefix(got, "a e") {
		t.Errorf("article: %q", got)
	}
}
