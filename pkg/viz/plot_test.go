// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"fmt"
	"math"
	"strings"
	"testing"
)

// A 390×270 picture leaves a 200×200 plot area from (60, 30) to (260, 230) between the margins, so that data
// coordinates in [0, 10] map to pixels by x ↦ 60 + 20x and y ↦ 230 - 20y.
const testW, testH = plotLeft + plotRight + 200, plotTop + plotBottom + 200

func TestLinePlotSVGCoordinates(t *testing.T) {
	// x in [0, 2] spans the 210 pixels of a 400-wide plot from x = 60; y in [0.25, 1] spans 230 pixels from y = 30.
	svg := LinePlotSVG("losses", "step", []Series{
		{Name: "D", X: []float64{0, 1, 2}, Y: []float64{1, 0.5, 0.25}},
		{Name: "D*", X: []float64{0, 2}, Y: []float64{0.5, 0.5}, Color: "#123456", Dashed: true},
	}, 400, 300)
	for _, want := range []string{
		`points="60.0,30.0 165.0,183.3 270.0,260.0"`,
		`<polyline fill="none" stroke="#0072B2" stroke-width="1.5" points=`,
		`<polyline fill="none" stroke="#123456" stroke-width="1.5" stroke-dasharray="6 4" points="60.0,183.3 270.0,183.3"/>`,
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	if n := strings.Count(svg, "<polyline"); n != 2 {
		t.Errorf("%d polylines, want 2", n)
	}
	if n := strings.Count(svg, "stroke-dasharray"); n != 2 {
		t.Errorf("%d dashed elements, want 2 (the curve and its legend)", n)
	}
}

func TestScatterSVG(t *testing.T) {
	many := Points{Name: "G(<z>)"}
	for i := range 5000 {
		many.X, many.Y = append(many.X, float64(i%10)), append(many.Y, float64(i%7))
	}
	sets := []Points{
		{Name: "real", X: []float64{5, 0, 11, math.NaN()}, Y: []float64{5, 10, 5, 1}, Color: "#123456"},
		many,
	}
	opts := PlotOptions{Width: testW, Height: testH, XRange: [2]float64{0, 10}, YRange: [2]float64{0, 10}, XLabel: "x1", YLabel: "x2"}
	svg := ScatterSVG("toy", sets, opts)
	// (5, 5) is the plot's centre and (0, 10) its top-left corner; (11, 5) is out of range and NaN is skipped.
	for _, want := range []string{
		`<g fill="#123456" fill-opacity="0.75"><circle cx="160.0" cy="130.0" r="2.5"/><circle cx="60.0" cy="30.0" r="2.5"/></g>`,
		`<g fill="#D55E00" fill-opacity="0.75"><circle cx="60.0" cy="230.0" r="2.5"/>`,
		"G(&lt;z&gt;)", ">x1</text>", "rotate(-90)", ">x2</text>",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	// 2 real points and 1000 of the 5000 generated ones (every 5th); the legend's dots have r="4".
	if n := strings.Count(svg, `r="2.5"`); n != 1002 {
		t.Errorf("%d points drawn, want 1002", n)
	}
	if n := strings.Count(svg, `r="4"`); n != 2 {
		t.Errorf("%d legend dots, want 2", n)
	}
	if strings.Contains(svg, "crispEdges") {
		t.Error("a heat map without Heat")
	}

	// Fitted ranges: x in [0, 9] widened by 5% either side, so the point x = 0 lies 0.45/9.9 of 200 pixels in.
	svg = ScatterSVG("fit", []Points{many}, PlotOptions{Width: testW, Height: testH, MaxPoints: 10})
	if !strings.Contains(svg, `<circle cx="69.1" cy="`) {
		t.Errorf("fitted range: the point x = 0 is not at pixel 69.1")
	}
	if n := strings.Count(svg, `r="2.5"`); n != 10 {
		t.Errorf("MaxPoints 10 drew %d points", n)
	}
}

func TestScatterSVGHeat(t *testing.T) {
	opts := PlotOptions{Width: testW, Height: testH, XRange: [2]float64{0, 10}, YRange: [2]float64{0, 10}, HeatCells: 10}
	// cells returns the rectangles of the heat map's path of colour c, and the number of paths.
	cells := func(svg, c string) (rects []string, paths int) {
		start := strings.Index(svg, `<g shape-rendering="crispEdges">`)
		heat := svg[start : start+strings.Index(svg[start:], "</g>")]
		_, d, ok := strings.Cut(heat, fmt.Sprintf(`<path fill="%s" d="`, c))
		if ok {
			d, _, _ = strings.Cut(d, `"`)
			rects = strings.SplitAfter(d, "z")
			rects = rects[:len(rects)-1]
		}
		return rects, strings.Count(heat, "<path")
	}

	// f = y/10 is constant along each row: 10 colours, each one 200-pixel rectangle; the top row is sampled at
	// y = 9.5, the bottom one at 0.5.
	opts.Heat = func(x, y float64) float64 { return y / 10 }
	svg := ScatterSVG("D", nil, opts)
	if rects, n := cells(svg, HeatColor(0.95)); n != 10 || fmt.Sprint(rects) != "[M60.0 30.0h200.0v20.0h-200.0z]" {
		t.Errorf("f = y/10: %d paths, colour of 0.95 at %v, want 10 and the top row", n, rects)
	}
	if rects, _ := cells(svg, HeatColor(0.05)); fmt.Sprint(rects) != "[M60.0 210.0h200.0v20.0h-200.0z]" {
		t.Errorf("f = y/10: colour of 0.05 at %v, want the bottom row", rects)
	}
	if !strings.Contains(svg, ">D(x)</text>") {
		t.Error("the heat map's legend lacks its default label D(x)")
	}

	// f = x/10 is constant along each column: 10 colours, each 10 cells of 20 pixels; NaN leaves a cell out.
	opts.Heat = func(x, y float64) float64 {
		if x < 1 && y < 1 {
			return math.NaN()
		}
		return x / 10
	}
	opts.HeatLabel = "D(x, y)"
	svg = ScatterSVG("D", nil, opts)
	rects, n := cells(svg, HeatColor(0.15))
	if n != 10 || len(rects) != 10 || rects[0] != "M80.0 30.0h20.0v20.0h-20.0z" || rects[9] != "M80.0 210.0h20.0v20.0h-20.0z" {
		t.Errorf("f = x/10: %d paths, colour of 0.15 at %v, want 10 and the second column", n, rects)
	}
	if rects, _ := cells(svg, HeatColor(0.05)); len(rects) != 9 {
		t.Errorf("f = x/10 with a NaN cell: the first column has %d cells, want 9", len(rects))
	}
	if !strings.Contains(svg, ">D(x, y)</text>") {
		t.Error("the heat map's legend lacks its label")
	}
}

func TestHeatColor(t *testing.T) {
	// The ends and the middle are the constants; 0.25 is halfway from purple to white: (0xc9+0xff)/2 = 0xe4, ...
	for _, c := range []struct {
		v    float64
		want string
	}{{0, "#c9a6d9"}, {-3, "#c9a6d9"}, {0.25, "#e4d3ec"}, {0.5, "#ffffff"}, {1, "#a8d5a2"}, {7, "#a8d5a2"}, {0.5 + 1.0/128, "#ffffff"}} {
		if got := HeatColor(c.v); got != c.want {
			t.Errorf("HeatColor(%g) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestScatterSVGSize(t *testing.T) {
	// Three sets of 100,000 points over the finest heat map of a noisy D stay well under 300 KB.
	sets := make([]Points, 3)
	for k := range sets {
		for i := range 100_000 {
			sets[k].X = append(sets[k].X, math.Sin(float64(i)))
			sets[k].Y = append(sets[k].Y, math.Cos(float64(i*k)))
		}
	}
	svg := ScatterSVG("big", sets, PlotOptions{HeatCells: 1000, Heat: func(x, y float64) float64 { return math.Sin(40*x) * math.Cos(40*y) }})
	if len(svg) > 300_000 {
		t.Errorf("SVG is %d bytes", len(svg))
	}
	if n := strings.Count(svg, `r="2.5"`); n != 3000 {
		t.Errorf("%d points drawn, want 3000", n)
	}
}

func TestHistogramSVG(t *testing.T) {
	// Four samples over 4 bins of width 1 in [0, 4]: densities 1/4, 2/4, 0, 1/4. With y in [0, 1] over 200 pixels,
	// density d is drawn from y = 230 - 200d down to 230, and bin i from x = 60 + 50i, 50 pixels wide.
	dStar := SampleFunc("D*(x)", func(float64) float64 { return 0.5 }, 0, 4, 5)
	dStar.Dashed = true
	svg := HistogramSVG("1-D", []Histogram{{Name: "p_data", Samples: []float64{0.5, 1.5, 1.5, 3.5, math.Inf(1)}}}, []Series{dStar},
		PlotOptions{Width: testW, Height: testH, XRange: [2]float64{0, 4}, YRange: [2]float64{0, 1}, Bins: 4})
	// The infinite sample counts for nothing: n is 4.
	for _, want := range []string{
		`<g fill="#0072B2" fill-opacity="0.35"><rect x="60.0" y="180.0" width="50.0" height="50.0"/><rect x="110.0" y="130.0" width="50.0" height="100.0"/><rect x="210.0" y="180.0" width="50.0" height="50.0"/></g>`,
		`stroke="#D55E00" stroke-width="1.5" stroke-dasharray="6 4" points="60.0,130.0 110.0,130.0 160.0,130.0 210.0,130.0 260.0,130.0"`,
		">p_data</text>", ">D*(x)</text>",
	} {
		if !strings.Contains(svg, want) {
			t.Errorf("SVG lacks %s", want)
		}
	}
	// Fitted: x from the samples and the curve ([0, 4]), y from 0 to 1.05 × the highest bar (0.5).
	svg = HistogramSVG("fit", []Histogram{{Samples: []float64{0.5, 1.5, 1.5, 3.5}}}, []Series{dStar}, PlotOptions{Width: testW, Height: testH, Bins: 4})
	if want := fmt.Sprintf(`<rect x="110.0" y="%.1f" width="50.0" height="%.1f"/>`, 230-200*0.5/0.525, 200*0.5/0.525); !strings.Contains(svg, want) {
		t.Errorf("fitted SVG lacks %s", want)
	}
	if n := strings.Count(svg, "<rect"); n != 2+3 {
		t.Errorf("%d rects, want 5 (background, box, 3 bars; the unnamed histogram has no legend entry)", n)
	}
}

func TestSampleFunc(t *testing.T) {
	s := SampleFunc("x²", func(x float64) float64 { return x * x }, -1, 1, 5)
	if fmt.Sprint(s.X, s.Y) != "[-1 -0.5 0 0.5 1] [1 0.25 0 0.25 1]" {
		t.Errorf("SampleFunc = %v %v", s.X, s.Y)
	}
}

func TestCountsHistogram(t *testing.T) {
	h := CountsHistogram("c", []int{2, 0, 1})
	if h.Name != "c" || len(h.Samples) != 3 || h.Samples[0] != 0 || h.Samples[1] != 0 || h.Samples[2] != 2 {
		t.Errorf("CountsHistogram: %+v", h)
	}
}
