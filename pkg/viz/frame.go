// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
)

// The smallest margins around the plot area, in pixels; the legend goes in the right one when its names fit.
// The plot grows a margin, down to a plot area of minPlot pixels, when its title, tick labels, axis labels or
// legend need more room, and past that grows the picture: no text is ever cut at the picture's edge.
const plotLeft, plotRight, plotTop, plotBottom = 60, 130, 30, 40

const (
	labelSize    = 12.0 // tick labels, axis labels and legend, the SVG's font-size
	titleSize    = 14.0 // the title's size; a long title shrinks down to minTitleSize on two lines, then wraps on
	minTitleSize = 10.0
	edge         = 6.0  // the space kept free at the picture's edges
	swatch       = 25.0 // a legend entry's symbol (20 pixels) and the space before its name
	legendRow    = 18.0 // the height of a one-line legend entry
	heatRows     = 54.0 // the heat map's legend entry: its name, a colour bar and the 0 and 1 under it
	heatBar      = 100.0
	minPlot      = 60.0 // the smallest plot area along either axis
)

// legendKind is how a legend entry shows its series.
type legendKind int

const (
	legendLine legendKind = iota // a stroke, dashed for a dashed curve
	legendDot                    // a dot, for a point set
	legendBox                    // a filled box, for histograms and bars
	legendHeat                   // a colour bar from 0 to 1, for a heat map
)

// legendEntry is one entry of a plot's legend and, once laid out, where it goes.
type legendEntry struct {
	kind    legendKind
	name    string
	colour  string
	dashed  bool
	opacity float64 // legendBox's fill opacity

	x, y  float64  // the entry's top-left corner
	lines []string // the name, wrapped
}

// height is the entry's height in the legend.
func (e legendEntry) height() float64 {
	if e.kind == legendHeat {
		return heatRows + lineHeight(labelSize)*float64(max(len(e.lines)-1, 0))
	}
	return legendRow + lineHeight(labelSize)*float64(max(len(e.lines)-1, 0))
}

// axisSpec is one axis of a plot: its data range and how to tick it.
type axisSpec struct {
	lo, hi     float64
	integer    bool     // ticks on integers only: counts, classes, steps
	categories []string // ticks at 0, 1, …, labelled with these names (a bar chart's x axis)
}

// plotSpec is what a plot holds besides its data: everything its layout depends on.
type plotSpec struct {
	title          string
	width, height  int
	x, y           axisSpec
	xLabel, yLabel string
	legend         []legendEntry // entries without a name are left out
	equal          bool          // the same units per pixel on both axes
}

// frame is an SVG plot being written. newFrame lays it out: the data range [xmin, xmax]×[ymin, ymax] maps to
// the plot area pw×ph pixels from (x0, y0), inside margins made wide enough for the title, the tick labels, the
// axis labels and the legend. With equal axes the plot area is as large as the room for it allows with the
// same units per pixel on both axes; the picture loses the height it does not use.
type frame struct {
	b                      strings.Builder
	width, height          float64 // the picture's size: the one asked for, or larger when the text needs it
	xmin, xmax, ymin, ymax float64
	x0, y0, pw, ph         float64

	title             []string
	titleSize         float64
	xLabel, yLabel    []string
	xTicks, yTicks    []tickMark
	categories        [][]string // a bar chart's category names, wrapped to their slots
	rotated           bool       // category names drawn vertically: they do not fit their slots across
	tickBlock         float64    // the height of the x tick labels under the plot area
	legend            []legendEntry
	legendRight       bool
	legendBelowHeight float64
}

// newFrame lays out a plot and starts its SVG: a white background and the title.
func newFrame(spec plotSpec) *frame {
	f := &frame{width: float64(spec.width), height: float64(spec.height),
		xmin: spec.x.lo, xmax: spec.x.hi, ymin: spec.y.lo, ymax: spec.y.hi}
	f.layout(spec)
	fmt.Fprintf(&f.b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="%s" font-size="%g">`,
		int(f.width), int(f.height), FontFamily, labelSize)
	f.b.WriteString(`<rect width="100%" height="100%" fill="white"/>`)
	tx := f.x0
	if len(f.title) > 1 || tx+TextWidth(strings.Join(f.title, ""), f.titleSize) > f.width-edge {
		tx = edge
	}
	for i, line := range f.title {
		fmt.Fprintf(&f.b, `<text x="%s" y="%s" font-size="%g">%s</text>`, num(tx), num(4+f.titleSize+float64(i)*lineHeight(f.titleSize)), f.titleSize, xmlText(line))
	}
	return f
}

// layout places the title, the plot area, the ticks, the axis labels and the legend; see frame.
func (f *frame) layout(spec plotSpec) {
	// The title: at most two lines, shrunk to fit, on more lines at 10 pixels if it must.
	titleBottom := 0.0
	if strings.TrimSpace(spec.title) != "" {
		f.title, f.titleSize = fitText(spec.title, titleSize, minTitleSize, f.width-2*edge, 2)
		titleBottom = 4 + f.titleSize + float64(len(f.title)-1)*lineHeight(f.titleSize) // the last line's baseline
	}
	top := math.Max(plotTop, math.Ceil(titleBottom+12))

	// The legend: in the right margin when the names fit there (in at most 35% of the width), else under the plot.
	for _, e := range spec.legend {
		if e.name != "" || e.kind == legendHeat {
			f.legend = append(f.legend, e)
		}
	}
	right, rightHeight := 0.0, 0.0
	for i, e := range f.legend {
		w := swatch + TextWidth(e.name, labelSize)
		if e.kind == legendHeat {
			w = math.Max(heatBar, TextWidth(e.name, labelSize))
		}
		right = math.Max(right, 10+w+edge)
		f.legend[i].lines = []string{e.name}
		rightHeight += f.legend[i].height()
	}
	f.legendRight = len(f.legend) > 0 && right <= math.Max(plotRight, 0.35*f.width) && rightHeight <= f.height-top-edge
	if len(f.legend) > 0 && !f.legendRight {
		f.layoutLegendBelow()
	}
	if f.legendRight {
		right = math.Max(right, plotRight)
	} else {
		right = 20
	}

	// The plot area and the margins around it, until they agree: the y tick labels' width sets the left margin,
	// the plot's height the y ticks, the x tick labels (and a bar chart's rotated names) the bottom margin, and
	// the width of the first and last x labels the left and right margins. Margins only grow, so this stops.
	left, bottom := float64(plotLeft), float64(plotBottom)
	for range 10 {
		areaW, areaH := f.width-left-right, f.height-top-bottom
		if areaW < minPlot {
			f.width, areaW = left+right+minPlot, minPlot
		}
		if areaH < minPlot {
			f.height, areaH = top+bottom+minPlot, minPlot
		}
		f.x0, f.y0, f.pw, f.ph = left, top, areaW, areaH
		if spec.equal {
			u := math.Max((f.xmax-f.xmin)/areaW, (f.ymax-f.ymin)/areaH)
			f.pw, f.ph = (f.xmax-f.xmin)/u, (f.ymax-f.ymin)/u
		}

		f.yTicks = niceTicks(f.ymin, f.ymax, spec.y.integer, f.fitsY)
		needLeft := edge + f.tickWidth(f.yTicks) + 5
		f.yLabel = nil
		if spec.yLabel != "" {
			f.yLabel = wrapText(spec.yLabel, labelSize, f.ph)
			needLeft += lineHeight(labelSize)*float64(len(f.yLabel)) + 2
		}
		needRight := 0.0
		if spec.x.categories != nil {
			f.layoutCategories(spec.x.categories)
		} else {
			f.xTicks = niceTicks(f.xmin, f.xmax, spec.x.integer, f.fitsX)
			f.tickBlock = 21
			if n := len(f.xTicks); n > 0 {
				// The first and last labels are centred on their ticks: they may stick out of the plot area.
				first, last := f.xTicks[0], f.xTicks[n-1]
				needLeft = math.Max(needLeft, edge+TextWidth(first.label, labelSize)/2-(f.px(first.v)-f.x0))
				needRight = edge + TextWidth(last.label, labelSize)/2 - (f.x0 + f.pw - f.px(last.v)) - (areaW - f.pw)
			}
		}
		f.xLabel = nil
		xLabelBlock := 0.0
		if spec.xLabel != "" {
			f.xLabel = wrapText(spec.xLabel, labelSize, f.width-2*edge)
			xLabelBlock = lineHeight(labelSize) * float64(len(f.xLabel))
		}
		needBottom := f.tickBlock + xLabelBlock + f.legendBelowHeight + 2
		if f.legendBelowHeight > 0 {
			needBottom += 6
		}
		if needLeft <= left && needRight <= right && needBottom <= bottom {
			break
		}
		left, right, bottom = math.Max(left, math.Ceil(needLeft)), math.Max(right, math.Ceil(needRight)), math.Max(bottom, math.Ceil(needBottom))
	}
	if f.ph < f.height-top-bottom {
		// Equal axes left the plot area shorter than the room for it: trim the picture to the plot, keeping the
		// legend. (A narrower plot area leaves its room at the right, where the title may need it.)
		legendBottom := 0.0
		if f.legendRight {
			for _, e := range f.legend {
				legendBottom += e.height()
			}
			legendBottom += f.y0 + 5 + edge
		}
		f.height = math.Max(f.y0+f.ph+bottom, legendBottom)
	}
	f.width, f.height = math.Ceil(f.width), math.Ceil(f.height)

	// Place the legend's entries.
	if f.legendRight {
		y := f.y0 + 5
		for i := range f.legend {
			f.legend[i].x, f.legend[i].y = f.x0+f.pw+10, y
			y += f.legend[i].height()
		}
		return
	}
	y := f.y0 + f.ph + f.tickBlock + lineHeight(labelSize)*float64(len(f.xLabel)) + 6
	for i := range f.legend {
		f.legend[i].y += y
	}
}

// layoutLegendBelow lays the legend's entries out in rows across the picture under the plot: an entry too wide
// for a row of its own has its name wrapped. It sets each entry's position relative to the legend's top-left
// corner (x from the picture's left edge) and the legend's height.
func (f *frame) layoutLegendBelow() {
	avail := f.width - 2*edge
	x, y, rowHeight := edge, 0.0, 0.0
	for i := range f.legend {
		e := &f.legend[i]
		var w float64
		if e.kind == legendHeat {
			e.lines = wrapText(e.name, labelSize, avail)
			w = math.Max(heatBar, maxTextWidth(e.lines, labelSize))
		} else {
			e.lines = wrapText(e.name, labelSize, avail-swatch)
			w = swatch + maxTextWidth(e.lines, labelSize)
		}
		if x > edge && x+w > f.width-edge {
			x, y, rowHeight = edge, y+rowHeight, 0
		}
		e.x, e.y = x, y
		x += w + 16
		rowHeight = math.Max(rowHeight, e.height())
	}
	f.legendBelowHeight = y + rowHeight
}

// layoutCategories places a bar chart's category names under their slots: across, wrapped at spaces onto up to
// three lines, when every name fits its slot so; else vertically, reading upwards, each ending under its slot.
func (f *frame) layoutCategories(names []string) {
	f.xTicks = f.xTicks[:0]
	f.categories = make([][]string, len(names))
	slot := f.pw / math.Max(float64(len(names)), 1)
	f.rotated = false
	lines := 1
	for k, name := range names {
		f.xTicks = append(f.xTicks, tickMark{float64(k), name})
		f.categories[k] = wrapText(name, labelSize, slot-4)
		if len(f.categories[k]) > 3 || maxTextWidth(f.categories[k], labelSize) > slot-4 || (len(f.categories[k]) > 1 && slot < 40) {
			f.rotated = true
		}
		lines = max(lines, len(f.categories[k]))
	}
	if f.rotated {
		w := 0.0
		for k, name := range names {
			f.categories[k] = []string{name}
			w = math.Max(w, TextWidth(name, labelSize))
		}
		f.tickBlock = 8 + w + 6
		return
	}
	f.tickBlock = 21 + lineHeight(labelSize)*float64(lines-1)
}

// fitsY accepts y ticks at least 32 pixels apart, at most 8 of them.
func (f *frame) fitsY(marks []tickMark) bool {
	return len(marks) <= 8 && (len(marks) < 2 || f.py(marks[0].v)-f.py(marks[1].v) >= 32)
}

// fitsX accepts x ticks whose labels leave 10 pixels between them, at most 12 of them.
func (f *frame) fitsX(marks []tickMark) bool {
	if len(marks) > 12 {
		return false
	}
	for i := 1; i < len(marks); i++ {
		if f.px(marks[i].v)-f.px(marks[i-1].v) < (TextWidth(marks[i].label, labelSize)+TextWidth(marks[i-1].label, labelSize))/2+10 {
			return false
		}
	}
	return true
}

// tickWidth is the width of the widest tick label.
func (f *frame) tickWidth(marks []tickMark) float64 {
	w := 0.0
	for _, m := range marks {
		w = math.Max(w, TextWidth(m.label, labelSize))
	}
	return w
}

func (f *frame) px(x float64) float64 { return f.x0 + (x-f.xmin)/(f.xmax-f.xmin)*f.pw }
func (f *frame) py(y float64) float64 { return f.y0 + (f.ymax-y)/(f.ymax-f.ymin)*f.ph }

// inside reports whether (x, y) is finite and within the data range.
func (f *frame) inside(x, y float64) bool {
	return finite(x) && finite(y) && x >= f.xmin && x <= f.xmax && y >= f.ymin && y <= f.ymax
}

// axes draws the plot area's box, the y ticks with horizontal grid lines, the x ticks (or a bar chart's category
// names) and the axis labels.
func (f *frame) axes() {
	fmt.Fprintf(&f.b, `<rect x="%s" y="%s" width="%s" height="%s" fill="none" stroke="#888"/>`, num(f.x0), num(f.y0), num(f.pw), num(f.ph))
	for _, t := range f.yTicks {
		y := f.py(t.v)
		fmt.Fprintf(&f.b, `<text x="%s" y="%s" text-anchor="end">%s</text>`, num(f.x0-5), num(y+4), xmlText(t.label))
		fmt.Fprintf(&f.b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#eee"/>`, num(f.x0), num(f.x0+f.pw), num(y), num(y))
	}
	bottom := f.y0 + f.ph
	for k, t := range f.xTicks {
		x := f.px(t.v)
		fmt.Fprintf(&f.b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="#888"/>`, num(x), num(x), num(bottom), num(bottom+4))
		switch {
		case f.categories == nil:
			fmt.Fprintf(&f.b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(x), num(bottom+17), xmlText(t.label))
		case f.rotated:
			fmt.Fprintf(&f.b, `<text transform="translate(%s,%s) rotate(-90)" x="0" y="4" text-anchor="end">%s</text>`, num(x), num(bottom+8), xmlText(t.label))
		default:
			for i, line := range f.categories[k] {
				fmt.Fprintf(&f.b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(x), num(bottom+17+float64(i)*lineHeight(labelSize)), xmlText(line))
			}
		}
	}
	for i, line := range f.xLabel {
		// Centred under the plot area, moved in where a long label would pass the picture's edge.
		w := TextWidth(line, labelSize)
		x := math.Min(math.Max(f.x0+f.pw/2, edge+w/2), f.width-edge-w/2)
		fmt.Fprintf(&f.b, `<text x="%s" y="%s" text-anchor="middle">%s</text>`, num(x), num(bottom+f.tickBlock+14+float64(i)*lineHeight(labelSize)), xmlText(line))
	}
	for i, line := range f.yLabel {
		fmt.Fprintf(&f.b, `<text transform="translate(%s,%s) rotate(-90)" text-anchor="middle">%s</text>`,
			num(edge+10+float64(i)*lineHeight(labelSize)), num(f.y0+f.ph/2), xmlText(line))
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
			fmt.Fprintf(p, "M%.1f %.1fh%.1fv%.1fh%.1fz", f.x0+float64(end-run)*cw, f.y0+float64(j)*ch, w, ch, -w)
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

// drawLegend writes the legend's entries where layout put them.
func (f *frame) drawLegend() {
	for _, e := range f.legend {
		cy := e.y + 9 // the middle of the entry's first row
		switch e.kind {
		case legendLine:
			fmt.Fprintf(&f.b, `<line x1="%s" x2="%s" y1="%s" y2="%s" stroke="%s" stroke-width="3"%s/>`, num(e.x), num(e.x+20), num(cy), num(cy), e.colour, dash(e.dashed))
		case legendDot:
			fmt.Fprintf(&f.b, `<circle cx="%s" cy="%s" r="4" fill="%s"/>`, num(e.x+10), num(cy), e.colour)
		case legendBox:
			fmt.Fprintf(&f.b, `<rect x="%s" y="%s" width="20" height="10" fill="%s" fill-opacity="%g"/>`, num(e.x), num(cy-5), e.colour, e.opacity)
		case legendHeat:
			for i, line := range e.lines {
				fmt.Fprintf(&f.b, `<text x="%s" y="%s">%s</text>`, num(e.x), num(cy+4+float64(i)*lineHeight(labelSize)), xmlText(line))
			}
			by := cy + 10 + float64(len(e.lines)-1)*lineHeight(labelSize)
			for i := range 5 {
				fmt.Fprintf(&f.b, `<rect x="%s" y="%s" width="20" height="10" fill="%s" stroke="#888" stroke-width="0.5"/>`, num(e.x+20*float64(i)), num(by), HeatColor(float64(i)/4))
			}
			fmt.Fprintf(&f.b, `<text x="%s" y="%s" font-size="10">0</text>`, num(e.x), num(by+22))
			fmt.Fprintf(&f.b, `<text x="%s" y="%s" font-size="10" text-anchor="end">1</text>`, num(e.x+heatBar), num(by+22))
			continue
		}
		for i, line := range e.lines {
			fmt.Fprintf(&f.b, `<text x="%s" y="%s">%s</text>`, num(e.x+swatch), num(cy+4+float64(i)*lineHeight(labelSize)), xmlText(line))
		}
	}
}

// end writes the legend and closes the SVG.
func (f *frame) end() string {
	f.drawLegend()
	f.b.WriteString(`</svg>`)
	return f.b.String()
}

func dash(dashed bool) string {
	if dashed {
		return ` stroke-dasharray="6 4"`
	}
	return ""
}

// num formats a pixel coordinate with at most one decimal: 60, 60.5.
func num(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }
