// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"math"
	"slices"
	"sort"
	"strings"
	"unicode"
)

// Colour names: what colour words an image shows (DominantColours) and a caption says (ColourWords).

// The colour words of DominantColours, in the order that breaks ties.
var colourNames = [...]string{"red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "grey"}

// ColourWords are the colour words a caption says (of DominantColours' names, as whole words, in the order of
// the caption): what an emoji's drawing should show.
func ColourWords(caption string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(caption), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if w == "gray" {
			w = "grey"
		}
		if slices.Contains(colourNames[:], w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

const (
	numColours = len(colourNames)
	// dominantShare is the share of the measured pixels a colour needs to be named; at most maxColours are.
	dominantShare = 0.2
	maxColours    = 2
)

// classifyColour names a colour (an index of colourNames): by lightness for the unsaturated ones (black, grey,
// white), by hue for the others, with dark oranges, yellows and dull dark reds brown, pale reds pink. Pale warm
// colours (light skin, beige: hue 20° to 50°, little saturation, light) have no name: ok is false.
func classifyColour(r, g, b uint8) (int, bool) {
	const (
		red = iota
		orange
		yellow
		green
		blue
		purple
		pink
		brown
		black
		white
		grey
	)
	rf, gf, bf := float64(r)/255, float64(g)/255, float64(b)/255
	hi, lo := math.Max(rf, math.Max(gf, bf)), math.Min(rf, math.Min(gf, bf))
	v, chroma := hi, hi-lo
	s := 0.0
	if hi > 0 {
		s = chroma / hi
	}
	switch {
	case v < 0.2:
		return black, true
	case s < 0.15 || chroma < 0.08:
		switch {
		case v > 0.85:
			return white, true
		case v < 0.3:
			return black, true
		}
		return grey, true
	}
	var hue float64 // degrees
	switch hi {
	case rf:
		hue = 60 * math.Mod((gf-bf)/chroma+6, 6)
	case gf:
		hue = 60 * ((bf-rf)/chroma + 2)
	default:
		hue = 60 * ((rf-gf)/chroma + 4)
	}
	switch {
	case hue < 20 || hue >= 340:
		switch {
		case v < 0.45 || s < 0.5 && v < 0.65:
			return brown, true
		case s < 0.45 && v > 0.75:
			return pink, true
		}
		return red, true
	case hue < 50:
		switch {
		case s < 0.45 && v > 0.7:
			return 0, false
		case v < 0.7:
			return brown, true
		case hue < 40:
			return orange, true
		}
		return yellow, true
	case hue < 70:
		if v < 0.5 {
			return brown, true
		}
		return yellow, true
	case hue < 165:
		return green, true
	case hue < 255:
		return blue, true
	case hue < 300:
		return purple, true
	default:
		if v < 0.45 {
			return purple, true
		}
		return pink, true
	}
}

// dominant names the colours of a histogram, of total pixels measured (some may have no name): the most common
// ones, at most maxColours, that hold dominantShare of the pixels each.
func dominant(counts [numColours]int, total int) []string {
	order := make([]int, numColours)
	for c := range order {
		order[c] = c
	}
	sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
	var out []string
	for _, c := range order[:maxColours] {
		if counts[c] > 0 && float64(counts[c]) >= dominantShare*float64(total) {
			out = append(out, colourNames[c])
		}
	}
	return out
}

// DominantColours names the dominant colours of an RGB image (side×side×3, 0..255, composited on white) from
// red, orange, yellow, green, blue, purple, pink, brown, black, white, grey: the two most common colours of its
// pixels, each if it holds at least a fifth of them. The background, pixels of 250 or more in every channel, is
// not counted; pale skin and beige pixels are counted but have no name. An image with nothing else has no
// colours. (OpenEmoji measures the source images before compositing, counting the pixels at least half
// opaque, so that an emoji's own white counts.)
func DominantColours(rgb []uint8, side int) []string {
	var counts [numColours]int
	total := 0
	for p := 0; p+2 < len(rgb) && p < side*side*3; p += 3 {
		r, g, b := rgb[p], rgb[p+1], rgb[p+2]
		if r >= 250 && g >= 250 && b >= 250 {
			continue
		}
		total++
		if c, ok := classifyColour(r, g, b); ok {
			counts[c]++
		}
	}
	return dominant(counts, total)
}
