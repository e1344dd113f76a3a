// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"encoding/xml"
	"fmt"
	"image"
	"io"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
)

// svgText is one <text> element of an SVG: its content and the box it covers, measured with TextWidth.
type svgText struct {
	content               string
	left, right, top, bot float64
}

// parseSVG decodes an SVG document (failing the test if it is not well-formed XML) and returns its size and its
// texts with their boxes. A text's box runs from 0.75 em above its baseline (DejaVu Sans's capitals and digits
// are 0.73 em tall) to 0.24 em below (its descenders); it follows the x, y, text-anchor, font-size and
// transform="translate(a,b) rotate(-90)" the plots use.
func parseSVG(t *testing.T, svg string) (width, height float64, texts []svgText) {
	t.Helper()
	translate := regexp.MustCompile(`translate\(([-0-9.]+),([-0-9.]+)\)`)
	dec := xml.NewDecoder(strings.NewReader(svg))
	var cur *svgText
	var attrs map[string]string
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch tok := tok.(type) {
		case xml.StartElement:
			a := map[string]string{}
			for _, at := range tok.Attr {
				a[at.Name.Local] = at.Value
			}
			switch tok.Name.Local {
			case "svg":
				width, _ = strconv.ParseFloat(a["width"], 64)
				height, _ = strconv.ParseFloat(a["height"], 64)
			case "text":
				cur, attrs = &svgText{}, a
			}
		case xml.CharData:
			if cur != nil {
				cur.content += string(tok)
			}
		case xml.EndElement:
			if tok.Name.Local != "text" || cur == nil {
				continue
			}
			num := func(k string) float64 { v, _ := strconv.ParseFloat(attrs[k], 64); return v }
			size := labelSize
			if attrs["font-size"] != "" {
				size = num("font-size")
			}
			w := TextWidth(cur.content, size)
			start := num("x") - w*map[string]float64{"": 0, "start": 0, "middle": 0.5, "end": 1}[attrs["text-anchor"]]
			y := num("y")
			if m := translate.FindStringSubmatch(attrs["transform"]); m != nil {
				if !strings.Contains(attrs["transform"], "rotate(-90)") {
					t.Fatalf("unexpected transform %q", attrs["transform"])
				}
				// rotate(-90) maps the text's (x, y) to (y, -x), then translate moves it by (a, b).
				a, _ := strconv.ParseFloat(m[1], 64)
				b, _ := strconv.ParseFloat(m[2], 64)
				cur.left, cur.right = a+y-0.75*size, a+y+0.24*size
				cur.top, cur.bot = b-start-w, b-start
			} else {
				cur.left, cur.right = start, start+w
				cur.top, cur.bot = y-0.75*size, y+0.24*size
			}
			texts = append(texts, *cur)
			cur = nil
		}
	}
	return width, height, texts
}

// checkLegible fails the test if a text of svg passes the picture's edge or overlaps another text.
func checkLegible(t *testing.T, svg string) []svgText {
	t.Helper()
	w, h, texts := parseSVG(t, svg)
	for _, x := range texts {
		if x.left < -0.5 || x.right > w+0.5 || x.top < -0.5 || x.bot > h+0.5 {
			t.Errorf("%q covers x %.1f to %.1f, y %.1f to %.1f: past the edge of the %gx%g picture", x.content, x.left, x.right, x.top, x.bot, w, h)
		}
	}
	for i, a := range texts {
		for _, b := range texts[i+1:] {
			if a.left < b.right-0.5 && b.left < a.right-0.5 && a.top < b.bot-0.5 && b.top < a.bot-0.5 {
				t.Errorf("%q (%.1f..%.1f, %.1f..%.1f) overlaps %q (%.1f..%.1f, %.1f..%.1f)",
					a.content, a.left, a.right, a.top, a.bot, b.content, b.left, b.right, b.top, b.bot)
			}
		}
	}
	return texts
}

// joined is the texts' contents joined with spaces: a wrapped title or legend entry reads as a whole in it.
func joined(texts []svgText) string {
	var parts []string
	for _, x := range texts {
		parts = append(parts, x.content)
	}
	return strings.Join(parts, " ")
}

func TestLongLabelsFit(t *testing.T) {
	title := "a very long title that goes on and on about the discriminator's verdicts on real and generated " +
		"images, with λ = 0: G ignores the codes, far wider than any picture it is drawn in"
	longName := "a series with a very long name indeed, longer than the whole picture is wide, so that it must wrap"
	xLabel, yLabel := "an x label that is long as well, very long, longer still", "a long y label with many words in it"
	series := []Series{
		{Name: longName, X: []float64{0, 1e6}, Y: []float64{-123456.5, 2e5}},
		{Name: "λ = 0: G ignores the codes", X: []float64{0, 1e6}, Y: []float64{0, 1}},
	}
	ring := Points{Name: longName}
	for k := range 8 {
		ring.X = append(ring.X, -1234.5+2*math.Cos(float64(k)))
		ring.Y = append(ring.Y, 98765.25+2*math.Sin(float64(k)))
	}
	for _, size := range [][2]int{{320, 240}, {540, 420}, {720, 300}, {200, 120}} {
		opts := PlotOptions{Width: size[0], Height: size[1], XLabel: xLabel, YLabel: yLabel}
		heatOpts := opts
		heatOpts.Heat, heatOpts.HeatLabel = func(x, y float64) float64 { return 0.5 }, "D(x, y), the discriminator's verdict"
		for _, c := range []struct {
			name, svg string
			names     []string // the legend's names, each of which must be drawn in full
		}{
			{"line", LinePlotSVGWith(title, series, opts), []string{longName, series[1].Name}},
			{"scatter", ScatterSVG(title, []Points{ring, {Name: "G(z)"}}, heatOpts), []string{longName, "G(z)", heatOpts.HeatLabel}},
			{"histogram", HistogramSVG(title, []Histogram{{Name: longName, Samples: []float64{1e-5, 3e-5}}}, nil, opts), []string{longName}},
			{"bars", BarSVG(title, []string{"real image, right caption", "real image with the wrong caption", "x",
				"a category name far too long for its slot"}, []Bars{{Name: longName, Values: []float64{1, -2, 3, 4}}}, opts), []string{longName}},
		} {
			t.Run(fmt.Sprintf("%s %dx%d", c.name, size[0], size[1]), func(t *testing.T) {
				all := joined(checkLegible(t, c.svg))
				for _, want := range append([]string{title, xLabel, yLabel}, c.names...) {
					if !strings.Contains(all, xmlText(want)) && !strings.Contains(all, want) {
						t.Errorf("%q is not drawn in full", want)
					}
				}
			})
		}
	}
}

func TestLegendEntriesStayDistinct(t *testing.T) {
	// Two names with a long common prefix, as two runs of one experiment: each is drawn in full, so the entries
	// differ, at every size (in the right margin, or under the plot wrapped onto several lines).
	prefix := strings.Repeat("text2img-capmnist-", 6)
	names := []string{"text2img-capmnist", "text2img-capmnist-nowrong", prefix + "a", prefix + "b"}
	var series []Series
	for _, n := range names {
		series = append(series, Series{Name: n, X: []float64{1, 2, 3}, Y: []float64{0.8, 0.2, 0.3}})
	}
	for _, width := range []int{640, 300} {
		svg := LinePlotSVG("mean σ(D) on the three pairs", "pair", series, width, 300)
		_, _, texts := parseSVG(t, svg)
		// A name wrapped onto several lines (inside a word: these have no spaces) reads whole with its lines
		// joined, as an entry's lines are consecutive texts.
		var legend []string
		for _, x := range texts {
			legend = append(legend, x.content)
		}
		all := strings.Join(legend, "")
		for _, n := range names {
			if !strings.Contains(all, n) {
				t.Errorf("width %d: the legend lacks %q", width, n)
			}
		}
		checkLegible(t, svg)
	}
	// Entry by entry: each legend entry's lines joined give its name back.
	f := newFrame(plotSpec{title: "t", width: 300, height: 300, x: axisSpec{lo: 0, hi: 1}, y: axisSpec{lo: 0, hi: 1},
		legend: []legendEntry{{name: names[2]}, {name: names[3]}}})
	got := []string{strings.Join(f.legend[0].lines, ""), strings.Join(f.legend[1].lines, "")}
	if got[0] != names[2] || got[1] != names[3] || got[0] == got[1] {
		t.Errorf("legend entries read %q, want %q", got, names[2:])
	}
}

// circleScales returns ScatterSVG's pixels per unit along x and y, from the dots of a unit circle's four points.
func circleScales(t *testing.T, svg string) (sx, sy float64) {
	t.Helper()
	re := regexp.MustCompile(`<circle cx="([-0-9.]+)" cy="([-0-9.]+)" r="2.5"/>`)
	var xs, ys []float64
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		x, _ := strconv.ParseFloat(m[1], 64)
		y, _ := strconv.ParseFloat(m[2], 64)
		xs, ys = append(xs, x), append(ys, y)
	}
	if len(xs) != 4 {
		t.Fatalf("%d dots, want 4", len(xs))
	}
	return (slices.Max(xs) - slices.Min(xs)) / 2, (slices.Max(ys) - slices.Min(ys)) / 2
}

func TestScatterSVGEqualAxes(t *testing.T) {
	circle := []Points{{Name: "unit circle", X: []float64{1, 0, -1, 0}, Y: []float64{0, 1, 0, -1}}}
	for _, c := range []struct {
		name  string
		opts  PlotOptions
		equal bool
	}{
		// The ring of Gaussians' view: both ranges given, the legend taking width from a square picture.
		{"both ranges", PlotOptions{Width: 420, Height: 420, XRange: [2]float64{-3, 3}, YRange: [2]float64{-3, 3}}, true},
		{"ranges of different lengths", PlotOptions{Width: 540, Height: 420, XRange: [2]float64{-2, 2}, YRange: [2]float64{-4, 4}}, true},
		{"fitted, asked for", PlotOptions{Width: 800, Height: 300, EqualAxes: true}, true},
		{"fitted", PlotOptions{Width: 800, Height: 300}, false},
		{"stretched", PlotOptions{Width: 800, Height: 300, XRange: [2]float64{-3, 3}, YRange: [2]float64{-3, 3}, StretchAxes: true}, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			svg := ScatterSVG("ring", circle, c.opts)
			sx, sy := circleScales(t, svg) // from dots' centres rounded to 0.1 pixel
			if equal := math.Abs(sx-sy) <= 0.11; equal != c.equal {
				t.Errorf("a unit circle is %.1f pixels wide and %.1f tall; equal axes %v, want %v", 2*sx, 2*sy, equal, c.equal)
			}
			checkLegible(t, svg)
		})
	}
}

// xTickLabels returns the texts of svg that follow a tick mark on the x axis: the x tick labels.
func xTickLabels(t *testing.T, svg string) []string {
	t.Helper()
	re := regexp.MustCompile(`<line x1="[-0-9.]+" x2="[-0-9.]+" y1="[-0-9.]+" y2="[-0-9.]+" stroke="#888"/><text x="[-0-9.]+" y="[-0-9.]+" text-anchor="middle">([^<]*)</text>`)
	var labels []string
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		labels = append(labels, m[1])
	}
	return labels
}

// yTickLabels returns the texts of svg right-aligned left of the plot box: the y tick labels.
func yTickLabels(svg string) []string {
	re := regexp.MustCompile(`<text x="[-0-9.]+" y="[-0-9.]+" text-anchor="end">([^<]*)</text><line`)
	var labels []string
	for _, m := range re.FindAllStringSubmatch(svg, -1) {
		labels = append(labels, m[1])
	}
	return labels
}

func TestIntegerTicks(t *testing.T) {
	isInt := func(labels []string) bool {
		for _, l := range labels {
			if _, err := strconv.Atoi(l); err != nil {
				return false
			}
		}
		return len(labels) > 0
	}
	// Categories at x = 1, 2, 3: the ticks are 1, 2 and 3, not 1.50 and 2.50.
	svg := LinePlotSVG("pairs", "pair", []Series{{Name: "a", X: []float64{1, 2, 3}, Y: []float64{0.8, 0.2, 0.3}}}, 640, 300)
	if got := xTickLabels(t, svg); fmt.Sprint(got) != "[1 2 3]" {
		t.Errorf("x ticks of x = 1, 2, 3: %q, want [1 2 3]", got)
	}
	if got := yTickLabels(svg); isInt(got) {
		t.Errorf("y ticks of non-integer values are all integers: %q", got)
	}
	// A class histogram over [-0.5, 9.5]: integer ticks, none at -0.50 or 4.50.
	svg = HistogramSVG("classes", []Histogram{CountsHistogram("real", []int{3, 1, 4, 1, 5, 9, 2, 6, 5, 3})}, nil,
		PlotOptions{Bins: 10, XRange: [2]float64{-0.5, 9.5}, XLabel: "class"})
	if got := xTickLabels(t, svg); !isInt(got) || !slices.Contains(got, "0") || !slices.Contains(got, "9") {
		t.Errorf("class histogram's x ticks: %q, want integers from 0 to 9", got)
	}
	// Counts in bars: integer y ticks, and the classes' names under the bars.
	svg = BarSVG("classes", IntLabels("", 10), []Bars{CountBars("real", []int{3, 1, 4, 1, 5, 9, 2, 6, 5, 3})}, PlotOptions{})
	if got := yTickLabels(svg); !isInt(got) {
		t.Errorf("bar chart of counts: y ticks %q, want integers", got)
	}
	if got := xTickLabels(t, svg); fmt.Sprint(got) != "[0 1 2 3 4 5 6 7 8 9]" {
		t.Errorf("bar chart of 10 classes: x ticks %q, want 0 to 9", got)
	}
	// Steps: integers, at a round step.
	steps := SampleFunc("loss", math.Sqrt, 0, 3000, 31)
	if got := xTickLabels(t, LinePlotSVG("losses", "step", []Series{steps}, 720, 300)); fmt.Sprint(got) != "[0 500 1000 1500 2000 2500 3000]" {
		t.Errorf("steps 0 to 3000: x ticks %q", got)
	}
}

func TestNiceTicks(t *testing.T) {
	all := func([]tickMark) bool { return true }
	atMost := func(n int) func([]tickMark) bool { return func(m []tickMark) bool { return len(m) <= n } }
	labels := func(marks []tickMark) string {
		var s []string
		for _, m := range marks {
			s = append(s, m.label)
		}
		return strings.Join(s, " ")
	}
	// The expected ticks are the multiples of 1, 2 or 5 × 10^k in the range, the finest step that fits.
	for _, c := range []struct {
		lo, hi  float64
		integer bool
		fits    func([]tickMark) bool
		want    string
	}{
		{0.25, 1, false, atMost(8), "0.3 0.4 0.5 0.6 0.7 0.8 0.9 1.0"},
		{0.25, 1, false, atMost(5), "0.4 0.6 0.8 1.0"},
		{-0.5, 9.5, true, atMost(10), "0 1 2 3 4 5 6 7 8 9"},
		{-0.5, 9.5, true, atMost(6), "0 2 4 6 8"},
		{0.9, 3.1, true, all, "1 2 3"},
		{0.9, 3.1, false, atMost(5), "1.0 1.5 2.0 2.5 3.0"},
		{-3, 3, false, atMost(7), "-3 -2 -1 0 1 2 3"},
		{0, 3e6, false, atMost(4), "0 1e6 2e6 3e6"},
		{0, 2e-5, false, atMost(3), "0 1e-5 2e-5"},
	} {
		if got := labels(niceTicks(c.lo, c.hi, c.integer, c.fits)); got != c.want {
			t.Errorf("niceTicks(%g, %g, integer %v) = %q, want %q", c.lo, c.hi, c.integer, got, c.want)
		}
	}
}

func TestTextWidth(t *testing.T) {
	// DejaVu Sans's digits are 1303/2048 = 0.636 em wide; 5% more at 12 pixels is 8.01 pixels.
	if got := TextWidth("0", 12); math.Abs(got-0.636*12*1.05) > 1e-9 {
		t.Errorf(`TextWidth("0", 12) = %g, want %g`, got, 0.636*12*1.05)
	}
	if TextWidth("", 12) != 0 || TextWidth("iiii", 12) >= TextWidth("WWWW", 12) || TextWidth("ab", 24) != 2*TextWidth("ab", 12) {
		t.Error("TextWidth is not additive, or not proportional to the size, or i is not narrower than W")
	}
	// A rune the table lacks counts 1 em (CJK), an emoji 1.3, a combining accent nothing.
	for _, c := range []struct {
		s    string
		want float64
	}{{"漢", 12 * 1.05}, {"🙂", 1.3 * 12 * 1.05}, {"e\u0301", TextWidth("e", 12)}, {"→", 0.838 * 12 * 1.05}} {
		if got := TextWidth(c.s, 12); math.Abs(got-c.want) > 1e-9 {
			t.Errorf("TextWidth(%q, 12) = %g, want %g", c.s, got, c.want)
		}
	}
	// The table is sorted and its runs do not overlap (sort.Search relies on it).
	for i := 1; i < len(widthRuns); i++ {
		if widthRuns[i].lo <= widthRuns[i-1].hi || widthRuns[i].lo > widthRuns[i].hi {
			t.Fatalf("widthRuns %d and %d overlap or are out of order", i-1, i)
		}
	}
}

func TestWrapText(t *testing.T) {
	s := "mean σ(D) on the three pairs: 1 real+right, 2 real+wrong, 3 fake+right  text2img-capmnist-nowrong-and-more"
	for _, maxWidth := range []float64{40, 100, 250, 1000} {
		lines := wrapText(s, 12, maxWidth)
		if got := strings.Join(lines, " "); strings.ReplaceAll(got, " ", "") != strings.ReplaceAll(s, " ", "") {
			t.Errorf("wrapped at %g, the lines %q lose text", maxWidth, lines)
		}
		for _, l := range lines {
			if TextWidth(l, 12) > maxWidth {
				t.Errorf("wrapped at %g, the line %q is %.1f wide", maxWidth, l, TextWidth(l, 12))
			}
		}
	}
	if lines, size := fitText("a title that fits", 14, 10, 1000, 2); len(lines) != 1 || size != 14 {
		t.Errorf("fitText of a short title: %q at %g", lines, size)
	}
}

func TestSymbolsInSVG(t *testing.T) {
	// The symbols of the book's labels stay as they are in the SVG (it is UTF-8); markup is escaped, and what
	// XML cannot hold is dropped, so that the document stays well-formed.
	symbols := "1→7 σ λ² ≈ ‖x‖ ∂/∂μ ±×≤≥ Δ∇ Fréchet"
	svg := LinePlotSVG(symbols+" <&>\x01\xff", "step", []Series{{Name: symbols, X: []float64{0, 1}, Y: []float64{0, 1}}}, 640, 300)
	_, _, texts := parseSVG(t, svg)
	if texts[0].content != symbols+" <&>" {
		t.Errorf("title reads %q, want %q", texts[0].content, symbols+" <&>")
	}
	if strings.Count(svg, symbols) != 2 {
		t.Errorf("the symbols are not in the SVG as they are")
	}
}

func TestArrowAndSymbolGlyphs(t *testing.T) {
	// Each symbol of the book's labels has a glyph of its own: not blank, not the hollow box of a missing rune,
	// and not another glyph's picture ("1→7" once read "107", its arrow drawn as a box like a zero).
	seen := map[glyph]rune{}
	for r := rune(32); r < 127; r++ {
		seen[glyphs[r]] = r
	}
	for _, r := range "→←↑↓σλμ²³≈‖∂±×≤≥αβγδεθπΣΦΔ∇∞√é·°" {
		g, ok := glyphs[r]
		if !ok || g == unknownGlyph || g == (glyph{}) {
			t.Errorf("%q has no glyph of its own", r)
			continue
		}
		if other, dup := seen[g]; dup {
			t.Errorf("%q is drawn like %q", r, other)
		}
		seen[g] = r
	}
	// Spelled-out runes become runes the font has.
	for r, sp := range spelled {
		for _, s := range sp {
			if _, ok := glyphs[s]; !ok {
				t.Errorf("%q is spelled %q, whose %q the font lacks", r, sp, s)
			}
		}
	}
	if got := string(glyphRunes("a⇐b x₁ −1")); got != "a<=b x_1 -1" {
		t.Errorf("glyphRunes spells %q", got)
	}
	if textWidth("1→7", 1) != 17 || textWidth("a⇐b", 1) != 23 {
		t.Errorf(`textWidth("1→7") = %d, want 17; textWidth("a⇐b") = %d, want 23`, textWidth("1→7", 1), textWidth("a⇐b", 1))
	}
	// Drawn: a row label "1→7" inks, in its middle glyph's cell, the arrow's pixels.
	img, err := GridFromFlatWith(make([]float32, 4), 1, 2, 2, 1, GridOptions{Scale: 10, Labels: []string{"1→7"}})
	if err != nil {
		t.Fatal(err)
	}
	// The label is 17 pixels wide, centred on a 20-pixel cell from x = 1; the arrow is at x 7..11, y 21..28.
	want, arrow := 0, glyphs['→']
	for y := range glyphH {
		for x := range glyphW {
			if arrow.ink(x, y) {
				want++
				if grayAt(img, 7+x, 21+y) != inkGray {
					t.Errorf("the arrow's pixel (%d,%d) is not inked", x, y)
				}
			}
		}
	}
	if n := inked(img, image.Rect(7, 21, 12, 29)); n != want {
		t.Errorf("the arrow's cell has %d pixels of ink, want %d", n, want)
	}
}
