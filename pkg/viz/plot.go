// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"fmt"
	"html"
	"maps"
	"math"
	"slices"
	"strings"

	"github.com/pkg/errors"
)

// Series is one curve of a line plot.
type Series struct {
	Name string
	X, Y []float64
	// Color is the curve's CSS colour; "" takes the palette's colour for the curve's place in the plot.
	Color string
	// Dashed draws the curve dashed: for a theoretical curve (p_data, D*(x)) next to a learned one.
	Dashed bool
}

// palette holds the curves' colours (colour-blind safe, Okabe & Ito 2008).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// colour returns c, or the palette's k-th colour when c is "".
func colour(c string, k int) string {
	if c != "" {
		return c
	}
	return palette[k%len(palette)]
}

// The plots' margins in pixels: the legend goes in the right one.
const plotLeft, plotRight, plotTop, plotBottom = 60, 130, 30, 40

// LinePlotSVG draws the series as an SVG line plot of width×height pixels with axes, ticks and a legend.
// Non-finite points are skipped.
func LinePlotSVG(title, xLabel string, series []Series, width, height int) string {
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.X[i]) && finite(s.Y[i]) {
				xmin, xmax = math.Min(xmin, s.X[i]), math.Max(xmax, s.X[i])
				ymin, ymax = math.Min(ymin, s.Y[i]), math.Max(ymax, s.Y[i])
			}
		}
	}
	if xmin > xmax {
		xmin, xmax, ymin, ymax = 0, 1, 0, 1
	}
	if xmax == xmin {
		xmax = xmin + 1
	}
	if ymax == ymin {
		ymin, ymax = ymin-1, ymax+1
	}
	f := newFrame(title, width, height, xmin, xmax, ymin, ymax)
	f.axes(xLabel, "")
	for k, s := range series {
		c := colour(s.Color, k)
		f.polyline(s, c)
		f.legendLine(s.Name, c, s.Dashed)
	}
	return f.end()
}

// PlotOptions sets up ScatterSVG and HistogramSVG. The zero value is a 540×420 plot with axes fitted to the data.
type PlotOptions struct {
	// Width and Height are the picture's size in pixels; 0 means 540×420, which leaves a 350×350 plot area
	// next to the legend.
	Width, Height int
	// XLabel and YLabel name the axes.
	XLabel, YLabel string
	// XRange and YRange fix the axes to [lo, hi] when lo < hi (to keep the view still across training steps);
	// otherwise they are fitted to the data. Points outside a fixed range are not drawn.
	XRange, YRange [2]float64
	// MaxPoints caps the points ScatterSVG draws from each set, taking every k-th point; 0 means 1000.
	// It keeps the SVG small: a point costs about 40 bytes.
	MaxPoints int
	// PointRadius is the radius of ScatterSVG's dots in pixels; 0 means 2.5.
	PointRadius float64
	// Heat, when not nil, is drawn by ScatterSVG behind the points: its value at the centre of each of
	// HeatCells×HeatCells cells over the plot area, clipped to [0, 1], coloured from purple (0, "fake") through
	// white (0.5) to green (1, "real"), as in GAN Lab (Kahng et al. 2018). Pass the discriminator's output D(x, y)
	// to see its decision surface. NaN values leave a cell blank. The cells are rectangles, one <path> per colour.
	Heat func(x, y float64) float64
	// HeatCells is the heat map's resolution per axis; 0 means 40, and it is at most 64.
	HeatCells int
	// HeatLabel names the heat map in the legend; "" means "D(x)".
	HeatLabel string
	// Bins is the number of HistogramSVG's bins across the x range; 0 means 40.
	Bins int
}

func (o PlotOptions) size() (width, height int) {
	width, height = o.Width, o.Height
	if width <= 0 {
		width = 540
	}
	if height <= 0 {
		height = 420
	}
	return width, height
}

// Points is one set of 2-D points for ScatterSVG, such as samples of the real data or of the generator.
type Points struct {
	Name string
	X, Y []float64
	// Color is the dots' CSS colour; "" takes the palette's colour for the set's place in the plot.
	Color string
}

// ScatterSVG draws the point sets as dots of their colours, with axes and a legend, over an optional heat map
// of opts.Heat: the view of GAN Lab (Kahng et al. 2018), real samples against generated ones over the
// discriminator's output. Non-finite points are skipped; at most opts.MaxPoints of each set are drawn.
//
// For example, for a 2-D toy GAN:
//
//	svg := viz.ScatterSVG("step 1000", []viz.Points{{Name: "real", X: rx, Y: ry}, {Name: "generated", X: gx, Y: gy}},
//		viz.PlotOptions{XRange: [2]float64{-2, 2}, YRange: [2]float64{-2, 2}, Heat: discriminator})
func ScatterSVG(title string, sets []Points, opts PlotOptions) string {
	width, height := opts.size()
	xb, yb := newBounds(), newBounds()
	for _, s := range sets {
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.X[i]) && finite(s.Y[i]) {
				xb.add(s.X[i])
				yb.add(s.Y[i])
			}
		}
	}
	xmin, xmax := xb.fit(opts.XRange, 0.05)
	ymin, ymax := yb.fit(opts.YRange, 0.05)
	f := newFrame(title, width, height, xmin, xmax, ymin, ymax)
	if opts.Heat != nil {
		f.heat(opts.Heat, opts.HeatCells)
	}
	f.axes(opts.XLabel, opts.YLabel)
	maxPoints := opts.MaxPoints
	if maxPoints <= 0 {
		maxPoints = 1000
	}
	radius := opts.PointRadius
	if radius <= 0 {
		radius = 2.5
	}
	for k, s := range sets {
		c := colour(s.Color, k)
		n := min(len(s.X), len(s.Y))
		stride := max((n+maxPoints-1)/maxPoints, 1)
		fmt.Fprintf(&f.b, `<g fill="%s" fill-opacity="0.75">`, c)
		for i := 0; i < n; i += stride {
			if x, y := s.X[i], s.Y[i]; f.inside(x, y) {
				fmt.Fprintf(&f.b, `<circle cx="%.1f" cy="%.1f" r="%g"/>`, f.px(x), f.py(y), radius)
			}
		}
		f.b.WriteString(`</g>`)
		f.legendDot(s.Name, c)
	}
	if opts.Heat != nil {
		label := opts.HeatLabel
		if label == "" {
			label = "D(x)"
		}
		f.legendHeat(label)
	}
	return f.end()
}

// Histogram is one sample for HistogramSVG, such as real data or generated values.
type Histogram struct {
	Name    string
	Samples []float64
	// Color is the bars' CSS colour; "" takes the palette's colour for the histogram's place in the plot.
	Color string
}

// HistogramSVG draws the 1-D samples as translucent histograms over opts.Bins equal bins, normalised to
// densities (a bin's height is count / (n × bin width), n counting every finite sample, so the bars' area is the
// fraction of the sample inside the x range), and the curves on the same axes: densities such as p_data and p_g,
// or D(x) and D*(x) = p_data / (p_data + p_g) (Goodfellow et al. 2014, Prop. 1), whose values in [0, 1] share the
// density axis as they are; scale a curve yourself to compare it with densities of another size.
// Colours follow the palette: the histograms first, then the curves. The x range is opts.XRange if set, else
// that of the samples and the curves; the y range is opts.YRange if set, else from 0 to the highest bar or curve.
// CountsHistogram is a histogram of a class histogram: counts[k] samples at x = k (pkg/eval's class histogram
// of generated or real images, drawn with Bins 10 over [-0.5, 9.5]).
func CountsHistogram(name string, counts []int) Histogram {
	h := Histogram{Name: name}
	for k, n := range counts {
		for range n {
			h.Samples = append(h.Samples, float64(k))
		}
	}
	return h
}

// SampleFunc turns a formula into a curve.
func HistogramSVG(title string, hists []Histogram, curves []Series, opts PlotOptions) string {
	width, height := opts.size()
	xb := newBounds()
	for _, h := range hists {
		for _, v := range h.Samples {
			xb.add(v)
		}
	}
	for _, s := range curves {
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.Y[i]) {
				xb.add(s.X[i])
			}
		}
	}
	xmin, xmax := xb.fit(opts.XRange, 0)
	bins := opts.Bins
	if bins <= 0 {
		bins = 40
	}
	binWidth := (xmax - xmin) / float64(bins)
	top := 0.0
	densities := make([][]float64, len(hists))
	for k, h := range hists {
		counts, n := make([]float64, bins), 0
		for _, v := range h.Samples {
			if !finite(v) {
				continue
			}
			n++
			if v >= xmin && v <= xmax {
				counts[min(int((v-xmin)/binWidth), bins-1)]++
			}
		}
		for i := range counts {
			if n > 0 {
				counts[i] /= float64(n) * binWidth
			}
			top = max(top, counts[i])
		}
		densities[k] = counts
	}
	for _, s := range curves {
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.X[i]) && finite(s.Y[i]) && s.X[i] >= xmin && s.X[i] <= xmax {
				top = max(top, s.Y[i])
			}
		}
	}
	ymin, ymax := 0.0, top*1.05
	if opts.YRange[0] < opts.YRange[1] {
		ymin, ymax = opts.YRange[0], opts.YRange[1]
	} else if ymax <= 0 {
		ymax = 1
	}
	f := newFrame(title, width, height, xmin, xmax, ymin, ymax)
	f.axes(opts.XLabel, opts.YLabel)
	for k, h := range hists {
		c := colour(h.Color, k)
		fmt.Fprintf(&f.b, `<g fill="%s" fill-opacity="0.35">`, c)
		for i, d := range densities[k] {
			if d <= ymin {
				continue
			}
			x0, x1 := f.px(xmin+float64(i)*binWidth), f.px(xmin+float64(i+1)*binWidth)
			y0, y1 := f.py(min(d, ymax)), f.py(max(ymin, 0))
			fmt.Fprintf(&f.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x0, y0, x1-x0, y1-y0)
		}
		f.b.WriteString(`</g>`)
		f.legendBox(h.Name, c)
	}
	for k, s := range curves {
		c := colour(s.Color, len(hists)+k)
		f.polyline(s, c)
		f.legendLine(s.Name, c, s.Dashed)
	}
	return f.end()
}

// SampleFunc returns fn as a curve of n points evenly spaced from lo to hi (at least 2): a density such as
// p_data, or a discriminator's output, for HistogramSVG or LinePlotSVG.
func SampleFunc(name string, fn func(x float64) float64, lo, hi float64, n int) Series {
	n = max(n, 2)
	s := Series{Name: name, X: make([]float64, n), Y: make([]float64, n)}
	for i := range n {
		s.X[i] = lo + (hi-lo)*float64(i)/float64(n-1)
		s.Y[i] = fn(s.X[i])
	}
	return s
}

// SaveSVG writes an SVG document to path.
func SaveSVG(path, svg string) error {
	if !strings.HasPrefix(svg, "<svg") {
		return errors.New("viz: not an SVG document")
	}
	return writeFile(path, []byte(svg))
}

// HeatColor is the colour ScatterSVG gives a heat-map value v: purple at 0 through white at 0.5 to green at 1,
// v clipped to [0, 1] and rounded to a multiple of 1/32 (so that neighbouring cells of one colour merge).
func HeatColor(v float64) string {
	v = math.Round(min(max(v, 0), 1)*32) / 32
	lerp := func(a, b [3]float64, t float64) string {
		return fmt.Sprintf("#%02x%02x%02x", uint8(a[0]+(b[0]-a[0])*t+0.5), uint8(a[1]+(b[1]-a[1])*t+0.5), uint8(a[2]+(b[2]-a[2])*t+0.5))
	}
	purple, white, green := [3]float64{0xc9, 0xa6, 0xd9}, [3]float64{0xff, 0xff, 0xff}, [3]float64{0xa8, 0xd5, 0xa2}
	if v < 0.5 {
		return lerp(purple, white, v/0.5)
	}
	return lerp(white, green, (v-0.5)/0.5)
}

// frame is an SVG plot being written: the data range [xmin, xmax]×[ymin, ymax] maps to the plot area inside
// the margins, and the legend is written in the right margin, one entry per 18 pixels.
type frame struct {
	b                      strings.Builder
	height                 int
	xmin, xmax, ymin, ymax float64
	pw, ph                 float64 // the plot area's size
	legend                 int     // legend rows written
}

// newFrame starts an SVG of width×height pixels with a white background and the title.
func newFrame(title string, width, height int, xmin, xmax, ymin, ymax float64) *frame {
	f := &frame{height: height, xmin: xmin, xmax: xmax, ymin: ymin, ymax: ymax,
		pw: float64(width - plotLeft - plotRight), ph: float64(height - plotTop - plotBottom)}
	fmt.Fprintf(&f.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`, width, height)
	fmt.Fprintf(&f.b, `<rect width="100%%" height="100%%" fill="white"/>`)
	fmt.Fprintf(&f.b, `<text x="%d" y="18" font-size="14">%s</text>`, plotLeft, html.EscapeString(title))
	return f
}

func (f *frame) px(x float64) float64 { return plotLeft + (x-f.xmin)/(f.xmax-f.xmin)*f.pw }
func (f *frame) py(y float64) float64 { return plotTop + (f.ymax-y)/(f.ymax-f.ymin)*f.ph }

// inside reports whether (x, y) is finite and within the data range.
func (f *frame) inside(x, y float64) bool {
	return finite(x) && finite(y) && x >= f.xmin && x <= f.xmax && y >= f.ymin && y <= f.ymax
}

// axes draws the plot area's box, five ticks on each axis with horizontal grid lines, and the axis labels.
func (f *frame) axes(xLabel, yLabel string) {
	fmt.Fprintf(&f.b, `<rect x="%d" y="%d" width="%.0f" height="%.0f" fill="none" stroke="#888"/>`, plotLeft, plotTop, f.pw, f.ph)
	for i := 0; i <= 4; i++ {
		yv := f.ymin + (f.ymax-f.ymin)*float64(i)/4
		xv := f.xmin + (f.xmax-f.xmin)*float64(i)/4
		fmt.Fprintf(&f.b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, plotLeft-4, f.py(yv)+4, tick(yv))
		fmt.Fprintf(&f.b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#eee"/>`, plotLeft, plotLeft+f.pw, f.py(yv), f.py(yv))
		fmt.Fprintf(&f.b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, f.px(xv), plotTop+f.ph+16, tick(xv))
	}
	fmt.Fprintf(&f.b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, plotLeft+f.pw/2, f.height-4, html.EscapeString(xLabel))
	if yLabel != "" {
		fmt.Fprintf(&f.b, `<text transform="translate(14,%.1f) rotate(-90)" text-anchor="middle">%s</text>`, plotTop+f.ph/2, html.EscapeString(yLabel))
	}
}

// polyline draws s's finite points inside the x range as a line, clipping y to the y range.
func (f *frame) polyline(s Series, c string) {
	var pts []string
	for i := range min(len(s.X), len(s.Y)) {
		if x, y := s.X[i], s.Y[i]; finite(x) && finite(y) && x >= f.xmin && x <= f.xmax {
			pts = append(pts, fmt.Sprintf("%.1f,%.1f", f.px(x), f.py(min(max(y, f.ymin), f.ymax))))
		}
	}
	fmt.Fprintf(&f.b, `<polyline fill="none" stroke="%s" stroke-width="1.5"%s points="%s"/>`, c, dash(s.Dashed), strings.Join(pts, " "))
}

// heat draws fn's values on cells×cells cells coloured by HeatColor: one <path> per colour, each run of cells of
// that colour in a row a rectangle "M x y h w v h h -w z" of it (a third of a <rect>'s bytes).
func (f *frame) heat(fn func(x, y float64) float64, cells int) {
	if cells <= 0 {
		cells = 40
	}
	cells = min(cells, 64)
	cw, ch := f.pw/float64(cells), f.ph/float64(cells)
	paths := map[string]*strings.Builder{}
	for j := range cells { // j counts rows from the top
		y := f.ymax - (float64(j)+0.5)*(f.ymax-f.ymin)/float64(cells)
		run, runColour := 0, ""
		flush := func(end int) {
			if run == 0 || runColour == "" {
				return
			}
			p := paths[runColour]
			if p == nil {
				p = &strings.Builder{}
				paths[runColour] = p
			}
			w := float64(run) * cw
			fmt.Fprintf(p, "M%.1f %.1fh%.1fv%.1fh%.1fz", plotLeft+float64(end-run)*cw, plotTop+float64(j)*ch, w, ch, -w)
		}
		for i := range cells {
			x := f.xmin + (float64(i)+0.5)*(f.xmax-f.xmin)/float64(cells)
			c := ""
			if v := fn(x, y); !math.IsNaN(v) {
				c = HeatColor(v)
			}
			if c != runColour {
				flush(i)
				run, runColour = 0, c
			}
			run++
		}
		flush(cells)
	}
	f.b.WriteString(`<g shape-rendering="crispEdges">`)
	for _, c := range slices.Sorted(maps.Keys(paths)) {
		fmt.Fprintf(&f.b, `<path fill="%s" d="%s"/>`, c, paths[c])
	}
	f.b.WriteString(`</g>`)
}

// legendY is the baseline-ish y of the next legend row.
func (f *frame) legendY() int { return plotTop + 14 + 18*f.legend }

func (f *frame) legendLine(name, c string, dashed bool) {
	ly := f.legendY()
	fmt.Fprintf(&f.b, `<line x1="%.0f" x2="%.0f" y1="%d" y2="%d" stroke="%s" stroke-width="3"%s/>`, plotLeft+f.pw+10, plotLeft+f.pw+30, ly, ly, c, dash(dashed))
	f.legendText(name, ly)
}

func (f *frame) legendDot(name, c string) {
	ly := f.legendY()
	fmt.Fprintf(&f.b, `<circle cx="%.0f" cy="%d" r="4" fill="%s"/>`, plotLeft+f.pw+20, ly, c)
	f.legendText(name, ly)
}

func (f *frame) legendBox(name, c string) {
	ly := f.legendY()
	fmt.Fprintf(&f.b, `<rect x="%.0f" y="%d" width="20" height="10" fill="%s" fill-opacity="0.35"/>`, plotLeft+f.pw+10, ly-5, c)
	f.legendText(name, ly)
}

func (f *frame) legendText(name string, ly int) {
	fmt.Fprintf(&f.b, `<text x="%.0f" y="%d">%s</text>`, plotLeft+f.pw+35, ly+4, html.EscapeString(name))
	f.legend++
}

// legendHeat writes the heat map's name and a colour bar from 0 to 1 (three legend rows).
func (f *frame) legendHeat(name string) {
	ly, x0 := f.legendY(), plotLeft+f.pw+10
	fmt.Fprintf(&f.b, `<text x="%.0f" y="%d">%s</text>`, x0, ly+4, html.EscapeString(name))
	for i := range 5 {
		fmt.Fprintf(&f.b, `<rect x="%.0f" y="%d" width="20" height="10" fill="%s" stroke="#888" stroke-width="0.5"/>`, x0+20*float64(i), ly+10, HeatColor(float64(i)/4))
	}
	fmt.Fprintf(&f.b, `<text x="%.0f" y="%d" font-size="10">0</text>`, x0, ly+32)
	fmt.Fprintf(&f.b, `<text x="%.0f" y="%d" font-size="10" text-anchor="end">1</text>`, x0+100, ly+32)
	f.legend += 3
}

func (f *frame) end() string {
	f.b.WriteString(`</svg>`)
	return f.b.String()
}

func dash(dashed bool) string {
	if dashed {
		return ` stroke-dasharray="6 4"`
	}
	return ""
}

// bounds is the range of the finite values added.
type bounds struct{ lo, hi float64 }

func newBounds() bounds { return bounds{math.Inf(1), math.Inf(-1)} }

func (r *bounds) add(v float64) {
	if finite(v) {
		r.lo, r.hi = min(r.lo, v), max(r.hi, v)
	}
}

// fit returns fixed when fixed[0] < fixed[1]; else the range widened by margin times its width on each side,
// [lo-1, hi+1] for a single value and [0, 1] for none.
func (r bounds) fit(fixed [2]float64, margin float64) (lo, hi float64) {
	switch {
	case fixed[0] < fixed[1]:
		return fixed[0], fixed[1]
	case r.lo > r.hi:
		return 0, 1
	case r.lo == r.hi:
		return r.lo - 1, r.hi + 1
	}
	m := (r.hi - r.lo) * margin
	return r.lo - m, r.hi + m
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }

func tick(v float64) string {
	switch a := math.Abs(v); {
	case a == 0:
		return "0"
	case a >= 1000 || a < 0.01:
		return fmt.Sprintf("%.2g", v)
	case a >= 10:
		return fmt.Sprintf("%.0f", v)
	}
	return fmt.Sprintf("%.2f", v)
}
