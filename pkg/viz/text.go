// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

//go:generate go run ./internal/genwidths -o gen_widths.go

import (
	"html"
	"math"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FontFamily is the font-family every SVG plot declares. TextWidth measures text in its first font, DejaVu Sans
// (the default sans-serif of most Linux systems, and the widest of the common ones); Verdana, which Windows and
// macOS have, is drawn from the same design (Bitstream Vera) with nearly the same widths, and the generic
// sans-serif of a system with neither (Arial, Helvetica, Liberation Sans) is narrower: a label measured to fit,
// fits.
const FontFamily = "DejaVu Sans, Verdana, Geneva, sans-serif"

// widthSlack widens every measured width by 5%: Verdana's space, 'r' and a few capitals are up to 10% wider than
// DejaVu Sans's, and browsers round glyph positions.
const widthSlack = 1.05

// widthRun gives runes lo to hi (inclusive) the advance width w, in thousandths of an em (gen_widths.go).
type widthRun struct {
	lo, hi rune
	w      uint16
}

// runeWidth is r's advance width in ems: from widthRuns, 0 for control characters, variation selectors and
// zero-width joiners, 1.3 for emoji and pictographs (U+1F000 and up, as wide as Noto Color Emoji's), and 1 for any
// other rune the table lacks (CJK ideographs are 1 em wide; 1 em is wider than all of DejaVu Sans's letters but
// a few symbols).
func runeWidth(r rune) float64 {
	i := sort.Search(len(widthRuns), func(i int) bool { return widthRuns[i].hi >= r })
	switch {
	case i < len(widthRuns) && widthRuns[i].lo <= r:
		return float64(widthRuns[i].w) / 1000
	case unicode.IsControl(r), r == 0x200d, r >= 0xfe00 && r <= 0xfe0f, unicode.Is(unicode.Mn, r):
		return 0
	case r >= 0x1f000:
		return 1.3
	}
	return 1
}

// TextWidth returns the width in pixels of s, one line, set in FontFamily at size pixels (SVG's font-size): the
// sum of DejaVu Sans's advance widths (gen_widths.go, made from the font by internal/genwidths), 5% wider to
// cover Verdana and rounding. Runes the table lacks count 1 em (1.3 for emoji). It ignores kerning, which only
// makes text narrower.
//
// The plots use it to lay themselves out: titles, legends and tick labels are measured, and the plot makes
// room for them (wrapping a title onto a second line, growing a margin, moving the legend under the plot)
// instead of letting the picture's edge cut them.
func TextWidth(s string, size float64) float64 {
	ems := 0.0
	for _, r := range s {
		ems += runeWidth(r)
	}
	return ems * size * widthSlack
}

// wrapText breaks s into lines no wider than maxWidth at size pixels: greedily at spaces, and inside a word only
// where the word alone is wider than maxWidth. Nothing is dropped but the spaces where lines break: joined
// with spaces, the lines give s back (runs of spaces collapsed). It returns one line for an empty s.
func wrapText(s string, size, maxWidth float64) []string {
	var lines []string
	line := ""
	for _, word := range strings.Fields(s) {
		if line != "" && TextWidth(line+" "+word, size) <= maxWidth {
			line += " " + word
			continue
		}
		if line != "" {
			lines = append(lines, line)
			line = ""
		}
		for TextWidth(word, size) > maxWidth {
			// The longest prefix that fits, at least one rune.
			cut, w := 0, 0.0
			for i, r := range word {
				if w += runeWidth(r) * size * widthSlack; w > maxWidth && i > 0 {
					break
				}
				cut = i + utf8.RuneLen(r)
			}
			lines = append(lines, word[:cut])
			word = word[cut:]
		}
		line = word
	}
	return append(lines, line)
}

// fitText sets s in lines no wider than maxWidth: on one line at size or down to 2 pixels smaller, else on at
// most maxLines lines at size or smaller down to minSize (a pixel at a time), else at minSize on as many lines as
// it needs. Nothing is cut.
func fitText(s string, size, minSize, maxWidth float64, maxLines int) (lines []string, fitted float64) {
	for fitted = size; fitted >= max(size-2, minSize); fitted-- {
		if TextWidth(s, fitted) <= maxWidth {
			return []string{strings.Join(strings.Fields(s), " ")}, fitted
		}
	}
	for fitted = size; fitted >= minSize; fitted-- {
		if lines = wrapText(s, fitted, maxWidth); len(lines) <= maxLines {
			return lines, fitted
		}
	}
	return wrapText(s, minSize, maxWidth), minSize
}

// maxTextWidth is the width of the widest of lines at size pixels.
func maxTextWidth(lines []string, size float64) float64 {
	w := 0.0
	for _, l := range lines {
		w = math.Max(w, TextWidth(l, size))
	}
	return w
}

// lineHeight is the distance between the baselines of two lines of text at size pixels.
func lineHeight(size float64) float64 { return math.Round(size * 1.25) }

// xmlText escapes s for an SVG <text> element: &, <, >, ' and " become entities, and what XML cannot hold
// (invalid UTF-8, control characters) is dropped. Everything else, Greek letters, arrows and mathematical
// symbols included, stays as it is: the SVG is UTF-8.
func xmlText(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == utf8.RuneError || (r < 0x20 && r != '\t') || (r >= 0x7f && r < 0xa0) || r == 0xfffe || r == 0xffff {
			return -1
		}
		return r
	}, strings.ToValidUTF8(s, ""))
	return html.EscapeString(s)
}
