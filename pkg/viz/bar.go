// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"fmt"
	"strconv"
)

// Bars is one series of a bar chart: Values[k] is its bar for category k.
type Bars struct {
	Name   string
	Values []float64
	// Color is the bars' CSS colour; "" takes the palette's colour for the series' place in the chart.
	Color string
}

// CountBars is counts as bars: pkg/eval's class histogram, say, counts[k] images of class k.
func CountBars(name string, counts []int) Bars {
	b := Bars{Name: name, Values: make([]float64, len(counts))}
	for k, n := range counts {
		b.Values[k] = float64(n)
	}
	return b
}

// ShareBars is counts as shares of their total, which compares samples of different sizes: counts[k] / Σ counts.
// All zero counts give zero shares.
func ShareBars(name string, counts []int) Bars {
	b, total := CountBars(name, counts), 0
	for _, n := range counts {
		total += n
	}
	if total > 0 {
		for k := range b.Values {
			b.Values[k] /= float64(total)
		}
	}
	return b
}

// IntLabels returns the n category names prefix+"0", prefix+"1", …: IntLabels("", 10) names MNIST's classes.
func IntLabels(prefix string, n int) []string {
	labels := make([]string, max(n, 0))
	for k := range labels {
		labels[k] = prefix + strconv.Itoa(k)
	}
	return labels
}

// BarSVG draws categorical data as a bar chart: one slot per category along x, its name as the tick label, and
// in each slot one bar per series side by side (grouped bars, in the palette's colours), with a legend naming
// the series. Category names that do not fit across their slot are wrapped, or drawn vertically.
// The y axis runs from 0 (or the least negative value) to 5% above the highest bar, or over opts.YRange; its
// ticks are integers when every value is (counts). opts sets the size, the axis labels and YRange; a series
// shorter than categories leaves the last slots without its bar, and non-finite values are not drawn.
//
// For example, the classes a classifier sees in real and generated digits:
//
//	svg := viz.BarSVG("predicted classes", viz.IntLabels("", 10),
//		[]viz.Bars{viz.ShareBars("real", real.ClassHistogram), viz.ShareBars("DCGAN", fake.ClassHistogram)},
//		viz.PlotOptions{XLabel: "class", YLabel: "share of the samples"})
func BarSVG(title string, categories []string, series []Bars, opts PlotOptions) string {
	width, height := opts.size()
	yb := newBounds()
	yb.add(0)
	var values [][]float64
	for _, s := range series {
		for _, v := range s.Values[:min(len(s.Values), len(categories))] {
			yb.add(v)
		}
		values = append(values, s.Values)
	}
	ymin, ymax := yb.lo, yb.hi+0.05*(yb.hi-yb.lo)
	if ymin < 0 {
		ymin -= 0.05 * (yb.hi - yb.lo)
	}
	if opts.YRange[0] < opts.YRange[1] {
		ymin, ymax = opts.YRange[0], opts.YRange[1]
	} else if ymax <= ymin {
		ymax = ymin + 1
	}
	spec := plotSpec{title: title, width: width, height: height, xLabel: opts.XLabel, yLabel: opts.YLabel,
		x: axisSpec{lo: -0.5, hi: float64(max(len(categories), 1)) - 0.5, categories: categories},
		y: axisSpec{lo: ymin, hi: ymax, integer: allIntegers(values...)}}
	if categories == nil {
		spec.x.categories = []string{}
	}
	for k, s := range series {
		spec.legend = append(spec.legend, legendEntry{kind: legendBox, name: s.Name, colour: colour(s.Color, k), opacity: 0.85})
	}
	f := newFrame(spec)
	f.axes()
	// A slot is one unit wide; its bars fill the middle 80%.
	group := 0.8 / float64(max(len(series), 1))
	base := min(max(0, ymin), ymax)
	for k, s := range series {
		fmt.Fprintf(&f.b, `<g fill="%s" fill-opacity="0.85">`, colour(s.Color, k))
		for c, v := range s.Values[:min(len(s.Values), len(categories))] {
			if !finite(v) {
				continue
			}
			x0 := f.px(float64(c) - 0.4 + float64(k)*group)
			x1 := f.px(float64(c) - 0.4 + float64(k+1)*group)
			y0, y1 := f.py(min(max(v, base), ymax)), f.py(base)
			if v < base {
				y0, y1 = f.py(base), f.py(max(v, ymin))
			}
			fmt.Fprintf(&f.b, `<rect x="%.1f" y="%.1f" width="%.1f" height="%.1f"/>`, x0, y0, x1-x0, y1-y0)
		}
		f.b.WriteString(`</g>`)
	}
	return f.end()
}
