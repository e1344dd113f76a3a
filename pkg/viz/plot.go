// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"fmt"
	"math"
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

// LinePlotSVG draws the series as an SVG line plot of width×height pixels with axes, ticks and a legend.
// Non-finite points are skipped. It is LinePlotSVGWith with only a size and an x label.
func LinePlotSVG(title, xLabel string, series []Series, width, height int) string {
	return LinePlotSVGWith(title, series, PlotOptions{Width: width, Height: height, XLabel: xLabel})
}

// LinePlotSVGWith draws the series as an SVG line plot with axes, ticks and a legend, set up by opts: its size
// (0: 540×420), axis labels and fixed ranges (XRange, YRange; else fitted to the data). Non-finite points are
// skipped. When every x (or every y) is an integer, steps or classes say, the axis has integer ticks only.
// Use BarSVG rather than lines for categories (pairs, classes, runs): a line between two categories means
// nothing.
func LinePlotSVGWith(title string, series []Series, opts PlotOptions) string {
	xb, yb := newBounds(), newBounds()
	var xs, ys [][]float64
	for _, s := range series {
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.X[i]) && finite(s.Y[i]) {
				xb.add(s.X[i])
				yb.add(s.Y[i])
			}
		}
		xs, ys = append(xs, s.X), append(ys, s.Y)
	}
	width, height := opts.size()
	spec := plotSpec{title: title, width: width, height: height, xLabel: opts.XLabel, yLabel: opts.YLabel}
	spec.x.lo, spec.x.hi = xb.fit(opts.XRange, 0)
	spec.y.lo, spec.y.hi = yb.fit(opts.YRange, 0)
	spec.x.integer, spec.y.integer = allIntegers(xs...), allIntegers(ys...)
	for k, s := range series {
		spec.legend = append(spec.legend, legendEntry{kind: legendLine, name: s.Name, colour: colour(s.Color, k), dashed: s.Dashed})
	}
	f := newFrame(spec)
	f.axes()
	for k, s := range series {
		f.polyline(s, colour(s.Color, k))
	}
	return f.end()
}

// PlotOptions sets up LinePlotSVGWith, ScatterSVG, HistogramSVG and BarSVG. The zero value is a 540×420 plot
// with axes fitted to the data.
type PlotOptions struct {
	// Width and Height are the picture's size in pixels; 0 means 540×420, which leaves a 350×350 plot area
	// next to the legend. A plot whose labels need more room than the size leaves grows its margins first,
	// then the picture: no title, legend name or tick label is cut.
	Width, Height int
	// XLabel and YLabel name the axes.
	XLabel, YLabel string
	// XRange and YRange fix the axes to [lo, hi] when lo < hi (to keep the view still across training steps);
	// otherwise they are fitted to the data. Points outside a fixed range are not drawn.
	XRange, YRange [2]float64
	// EqualAxes gives x and y the same units per pixel, so that a circle in the data is a circle on the page
	// (the ring of Gaussians stays a ring): the plot area shrinks along one axis and is centred. ScatterSVG
	// uses equal axes when EqualAxes is set, and also when XRange and YRange are both given, unless
	// StretchAxes is set. The other plots use them only when EqualAxes is set.
	EqualAxes bool
	// StretchAxes lets ScatterSVG fill the plot area with fixed XRange and YRange of different lengths, each
	// axis on its own scale. EqualAxes wins over it.
	StretchAxes bool
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
// discriminator's output. Non-finite points are skipped; at most opts.MaxPoints of each set are drawn. With
// both XRange and YRange given (or EqualAxes), x and y have the same scale: see PlotOptions.EqualAxes.
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
	spec := plotSpec{title: title, width: width, height: height, xLabel: opts.XLabel, yLabel: opts.YLabel,
		equal: opts.EqualAxes || (!opts.StretchAxes && opts.XRange[0] < opts.XRange[1] && opts.YRange[0] < opts.YRange[1])}
	spec.x.lo, spec.x.hi = xb.fit(opts.XRange, 0.05)
	spec.y.lo, spec.y.hi = yb.fit(opts.YRange, 0.05)
	for k, s := range sets {
		spec.legend = append(spec.legend, legendEntry{kind: legendDot, name: s.Name, colour: colour(s.Color, k)})
	}
	if opts.Heat != nil {
		label := opts.HeatLabel
		if label == "" {
			label = "D(x)"
		}
		spec.legend = append(spec.legend, legendEntry{kind: legendHeat, name: label})
	}
	f := newFrame(spec)
	if opts.Heat != nil {
		f.heat(opts.Heat, opts.HeatCells)
	}
	f.axes()
	maxPoints := opts.MaxPoints
	if maxPoints <= 0 {
		maxPoints = 1000
	}
	radius := opts.PointRadius
	if radius <= 0 {
		radius = 2.5
	}
	for k, s := range sets {
		n := min(len(s.X), len(s.Y))
		stride := max((n+maxPoints-1)/maxPoints, 1)
		fmt.Fprintf(&f.b, `<g fill="%s" fill-opacity="0.75">`, colour(s.Color, k))
		for i := 0; i < n; i += stride {
			if x, y := s.X[i], s.Y[i]; f.inside(x, y) {
				fmt.Fprintf(&f.b, `<circle cx="%.1f" cy="%.1f" r="%g"/>`, f.px(x), f.py(y), radius)
			}
		}
		f.b.WriteString(`</g>`)
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

// CountsHistogram is a histogram of a class histogram: counts[k] samples at x = k (pkg/eval's class histogram
// of generated or real images, drawn with Bins 10 over [-0.5, 9.5]). BarSVG with CountBars or ShareBars draws
// such counts better: one bar per class, the class names as ticks.
func CountsHistogram(name string, counts []int) Histogram {
	h := Histogram{Name: name}
	for k, n := range counts {
		for range n {
			h.Samples = append(h.Samples, float64(k))
		}
	}
	return h
}

// HistogramSVG draws the 1-D samples as translucent histograms over opts.Bins equal bins, normalised to
// densities (a bin's height is count / (n × bin width), n counting every finite sample, so the bars' area is the
// fraction of the sample inside the x range), and the curves on the same axes: densities such as p_data and p_g,
// or D(x) and D*(x) = p_data / (p_data + p_g) (Goodfellow et al. 2014, Prop. 1), whose values in [0, 1] share the
// density axis as they are; scale a curve yourself to compare it with densities of another size.
// Colours follow the palette: the histograms first, then the curves. The x range is opts.XRange if set, else
// that of the samples and the curves; the y range is opts.YRange if set, else from 0 to the highest bar or curve.
// When every sample and every curve's x is an integer (classes), the x ticks are integers.
func HistogramSVG(title string, hists []Histogram, curves []Series, opts PlotOptions) string {
	width, height := opts.size()
	xb := newBounds()
	var positions [][]float64
	for _, h := range hists {
		for _, v := range h.Samples {
			xb.add(v)
		}
		positions = append(positions, h.Samples)
	}
	for _, s := range curves {
		for i := range min(len(s.X), len(s.Y)) {
			if finite(s.Y[i]) {
				xb.add(s.X[i])
			}
		}
		positions = append(positions, s.X)
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
	spec := plotSpec{title: title, width: width, height: height, xLabel: opts.XLabel, yLabel: opts.YLabel, equal: opts.EqualAxes,
		x: axisSpec{lo: xmin, hi: xmax, integer: allIntegers(positions...)}, y: axisSpec{lo: ymin, hi: ymax}}
	for k, h := range hists {
		spec.legend = append(spec.legend, legendEntry{kind: legendBox, name: h.Name, colour: colour(h.Color, k), opacity: 0.35})
	}
	for k, s := range curves {
		spec.legend = append(spec.legend, legendEntry{kind: legendLine, name: s.Name, colour: colour(s.Color, len(hists)+k), dashed: s.Dashed})
	}
	f := newFrame(spec)
	f.axes()
	for k, h := range hists {
		fmt.Fprintf(&f.b, `<g fill="%s" fill-opacity="0.35">`, colour(h.Color, k))
		for i, d := range densities[k] {
			if d <= ymin {
				continue
			}
			x0, x1 := f.px(xmin+float64(i)*binWidth), f.px(xmin+float64(i+1)*binWidth)
			y0, y1 := f.py(min(d, ymax)), f.py(max(ymin, 0))
			fmt.Fprintf(&f.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x0, y0, x1-x0, y1-y0)
		}
		f.b.WriteString(`</g>`)
	}
	for k, s := range curves {
		f.polyline(s, colour(s.Color, len(hists)+k))
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
