// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"sync"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/pkg/errors"
)

// Colour is a named stroke colour.
type Colour struct {
	Name string
	RGB  [3]float64 // in [0, 1]
}

// Colours are capmnist's eight colours, in the order of their index.
var Colours = []Colour{
	{"red", [3]float64{1, 0, 0}}, {"orange", [3]float64{1, 0.5, 0}}, {"yellow", [3]float64{1, 1, 0}},
	{"green", [3]float64{0, 1, 0}}, {"cyan", [3]float64{0, 1, 1}}, {"blue", [3]float64{0, 0, 1}},
	{"magenta", [3]float64{1, 0, 1}}, {"white", [3]float64{1, 1, 1}},
}

// DigitWords are the digits as words.
var DigitWords = []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// heldOut are the (digit, colour index) combinations the training split never shows: one colour per digit, each
// colour at most twice, so that every digit and every colour still appears in training.
var heldOut = map[[2]int]bool{
	{0, 6}: true, {1, 1}: true, {2, 4}: true, {3, 7}: true, {4, 5}: true,
	{5, 3}: true, {6, 2}: true, {7, 0}: true, {8, 6}: true, {9, 4}: true,
}

// HeldOut reports whether the combination of digit and colour (an index of Colours) is kept out of training.
func HeldOut(digit, colour int) bool { return heldOut[[2]int{digit, colour}] }

// Side is the side of capmnist's images: MNIST's 28 pixels padded by 2 on every side.
const Side = 32

// Attributes are what Measure reads from a digit's pixels, and their words.
type Attributes struct {
	Thickness float64 `json:"thickness"` // 2·area / perimeter of the ink, in pixels: about the stroke's width
	Slant     float64 `json:"slant"`     // radians, positive when the top leans right
	Height    int     `json:"height"`    // rows holding ink (MNIST scales most digits to 20)
	Width     int     `json:"width"`     // columns holding ink

	Thick string `json:"thick"` // "thin", "" (medium: no word) or "thick"
	Lean  string `json:"lean"`  // "left", "upright" or "right"
	Size  string `json:"size"`  // "small", "" or "large": the ink's bounding box, Height·Width
}

// Bucket thresholds, from the quartiles of MNIST's training digits (TestThresholdsAreQuartiles measures them):
// a quarter of the digits on each side is thin/thick, slanted left/right, small/large.
const (
	ThinBelow   = 2.42
	ThickAbove  = 3.34
	LeftBelow   = -0.073
	RightAbove  = 0.287
	SmallBelow  = 240 // pixels of the bounding box
	LargeAbove  = 340
	inkMinValue = 128 // a pixel with at least this intensity is ink
)

// Measure reads the attributes of a 28×28 grey digit (0..255, row-major).
func Measure(img []uint8) Attributes {
	const n = 28
	ink := func(x, y int) bool { return x >= 0 && y >= 0 && x < n && y < n && img[y*n+x] >= inkMinValue }
	var area, perimeter int
	var sx, sy float64
	top, bottom, left, right := n, -1, n, -1
	for y := range n {
		for x := range n {
			if !ink(x, y) {
				continue
			}
			area++
			sx, sy = sx+float64(x), sy+float64(y)
			top, bottom, left, right = min(top, y), max(bottom, y), min(left, x), max(right, x)
			if !ink(x-1, y) || !ink(x+1, y) || !ink(x, y-1) || !ink(x, y+1) {
				perimeter++
			}
		}
	}
	var a Attributes
	if area == 0 {
		a.Lean = "upright"
		return a
	}
	a.Thickness = 2 * float64(area) / float64(max(perimeter, 1))
	a.Height, a.Width = bottom-top+1, right-left+1
	mx, my := sx/float64(area), sy/float64(area)
	var cxy, cyy float64
	for y := range n {
		for x := range n {
			if ink(x, y) {
				dx, dy := float64(x)-mx, -(float64(y) - my) // y up
				cxy, cyy = cxy+dx*dy, cyy+dy*dy
			}
		}
	}
	if cyy > 0 {
		a.Slant = math.Atan(cxy / cyy)
	}
	switch {
	case a.Thickness < ThinBelow:
		a.Thick = "thin"
	case a.Thickness > ThickAbove:
		a.Thick = "thick"
	}
	switch {
	case a.Slant < LeftBelow:
		a.Lean = "left"
	case a.Slant > RightAbove:
		a.Lean = "right"
	default:
		a.Lean = "upright"
	}
	switch {
	case a.Height*a.Width < SmallBelow:
		a.Size = "small"
	case a.Height*a.Width > LargeAbove:
		a.Size = "large"
	}
	return a
}

// Set is a captioned split.
type Set struct {
	Split   string
	N       int
	Pixels  []uint8 // N×32×32×3, 0..255
	Digits  []uint8
	Colours []uint8 // indices of Colours
	Attrs   []Attributes
	seed    uint64

	once sync.Once
	set  *data.Set // Images
}

// Build makes capmnist from an MNIST split: each image's colour drawn from seed (never a HeldOut combination in
// the train split), its attributes measured.
func Build(mnist *data.Set, seed uint64) (*Set, error) {
	if mnist.Height != 28 || mnist.Width != 28 || mnist.Channels != 1 || len(mnist.ClassNames) != 10 {
		return nil, errors.Errorf("captions: capmnist is made from 28×28 grey digits of 10 classes, got %dx%dx%d with %d classes",
			mnist.Height, mnist.Width, mnist.Channels, len(mnist.ClassNames))
	}
	s := &Set{Split: mnist.Split, N: mnist.N, Pixels: make([]uint8, mnist.N*Side*Side*3),
		Digits: make([]uint8, mnist.N), Colours: make([]uint8, mnist.N), Attrs: make([]Attributes, mnist.N), seed: seed}
	for i := range mnist.N {
		digit := int(mnist.Labels[i])
		rng := rand.New(rand.NewPCG(seed, uint64(i)))
		colour := rng.IntN(len(Colours))
		for mnist.Split == "train" && HeldOut(digit, colour) {
			colour = rng.IntN(len(Colours))
		}
		grey := mnist.Images[i*784 : (i+1)*784]
		s.Digits[i], s.Colours[i], s.Attrs[i] = uint8(digit), uint8(colour), Measure(grey)
		rgb := Colours[colour].RGB
		out := s.Pixels[i*Side*Side*3 : (i+1)*Side*Side*3]
		for y := range 28 {
			for x := range 28 {
				v := float64(grey[y*28+x])
				for c := range 3 {
					out[((y+2)*Side+x+2)*3+c] = uint8(math.Round(v * rgb[c]))
				}
			}
		}
	}
	return s, nil
}

// Captions returns k captions of image i, drawn from the templates with seed and (i, variant): the same
// arguments give the same captions.
func (s *Set) Captions(i, k int) []string {
	out := make([]string, k)
	for v := range k {
		out[v] = s.Caption(i, v)
	}
	return out
}

// Caption is caption number variant of image i.
func (s *Set) Caption(i, variant int) string {
	return Describe(int(s.Digits[i]), int(s.Colours[i]), s.Attrs[i], rand.New(rand.NewPCG(s.seed^0x63617073, uint64(i)<<8|uint64(variant))))
}

// Describe writes one caption of a digit of a colour with attributes, the template and synonyms drawn with rng.
func Describe(digit, colour int, a Attributes, rng *rand.Rand) string {
	pick := func(options ...string) string { return options[rng.IntN(len(options))] }
	col := Colours[colour].Name
	num := fmt.Sprint(digit)
	word := pick(DigitWords[digit], num)
	thick := map[string]string{"thin": pick("thin", "narrow"), "thick": pick("thick", "bold"), "": ""}[a.Thick]
	size := map[string]string{"small": pick("small", "little"), "large": pick("large", "big"), "": ""}[a.Size]
	lean := map[string]string{"left": pick("slanted to the left", "leaning left"), "right": pick("slanted to the right", "leaning right"),
		"upright": pick("upright", "standing straight")}[a.Lean]
	adjectives := func(words ...string) string {
		var kept []string
		for _, w := range words {
			if w != "" {
				kept = append(kept, w)
			}
		}
		return strings.Join(kept, " ")
	}
	article := func(phrase string) string {
		if strings.ContainsRune("aeiou", rune(phrase[0])) {
			return "an " + phrase
		}
		return "a " + phrase
	}
	switch rng.IntN(5) {
	case 0:
		return article(adjectives(thick, col, word))
	case 1:
		return fmt.Sprintf("the digit %s in %s, %s", num, col, lean)
	case 2:
		return col + " " + num
	case 3:
		return article(adjectives(size, col, word)) + ", " + lean
	default:
		return fmt.Sprintf("%s written in %s", word, col)
	}
}
