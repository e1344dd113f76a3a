// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"encoding/base64"
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/ganbook/ganbook/pkg/viz"
)

// Colours of the 2-D view: the points in the first two colours of viz's palette (so they stand out from the
// purple-to-green heat map), the grid in grey, the arrows in black.
const (
	colourReal     = "#0072B2"
	colourFake     = "#D55E00"
	colourManifold = "#555555"
	colourArrow    = "#111111"
)

// PlaneSize is the side of the 2-D view in pixels, CurvesWidth and CurvesHeight the size of each curve plot.
const (
	PlaneSize    = 420
	CurvesWidth  = 420
	CurvesHeight = 200
	maxCurve     = 300 // points per curve: runs of steps are averaged beyond that
)

// SVG draws the 2-D view (PlaneSVG) on 2-D data, or the curves on images.
func (f *Frame) SVG() string {
	if f.Plane == nil {
		return f.CurvesSVG()
	}
	return f.PlaneSVG()
}

// PlaneSVG draws the 2-D view, GAN Lab's: D's heat map behind, G's transformed grid, the real and the generated
// points, the arrows G follows, and a title with the step and the JSD estimate. It is "" on images.
func (f *Frame) PlaneSVG() string {
	p := f.Plane
	if p == nil {
		return ""
	}
	const size, top = PlaneSize, 24.0
	side := float64(size)
	px := func(x float64) float64 { return (x - p.View[0]) / (p.View[1] - p.View[0]) * side }
	py := func(y float64) float64 { return top + (p.View[3]-y)/(p.View[3]-p.View[2])*side }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" font-family="sans-serif" font-size="12">`,
		size, size+int(top)+18, size, size+int(top)+18)
	fmt.Fprintf(&b, `<text x="4" y="16">step %d · JSD ≈ %.3f (running %.3f) · %s</text>`, f.Step, p.JSD, p.RunningJSD,
		html.EscapeString(f.Settings.Loss))
	// D's heat map: each run of cells of one colour in a row is one rectangle of a <path> of that colour.
	cell := side / float64(p.HeatCells)
	paths := map[string]*strings.Builder{}
	var order []string
	for j := range p.HeatCells {
		run, runColour := 0, ""
		flush := func(end int) {
			if run == 0 {
				return
			}
			pb := paths[runColour]
			if pb == nil {
				pb = &strings.Builder{}
				paths[runColour] = pb
				order = append(order, runColour)
			}
			fmt.Fprintf(pb, "M%.1f %.1fh%.1fv%.1fh%.1fz", float64(end-run)*cell, top+float64(j)*cell, float64(run)*cell, cell, -float64(run)*cell)
		}
		for i := range p.HeatCells {
			c := viz.HeatColor(p.Heat[j*p.HeatCells+i])
			if c != runColour {
				flush(i)
				run, runColour = 0, c
			}
			run++
		}
		flush(p.HeatCells)
	}
	b.WriteString(`<g shape-rendering="crispEdges">`)
	for _, c := range order {
		fmt.Fprintf(&b, `<path fill="%s" d="%s"/>`, c, paths[c])
	}
	b.WriteString(`</g>`)
	fmt.Fprintf(&b, `<svg x="0" y="%g" width="%d" height="%d" viewBox="0 %g %d %d" overflow="hidden">`, top, size, size, top, size, size)
	// G's transformed grid.
	fmt.Fprintf(&b, `<g fill="none" stroke="%s" stroke-width="0.8" stroke-opacity="0.6">`, colourManifold)
	for _, line := range p.Manifold {
		b.WriteString(`<polyline points="`)
		for k, pt := range line {
			if k > 0 {
				b.WriteByte(' ')
			}
			fmt.Fprintf(&b, "%.1f,%.1f", clampPx(px(pt[0])), clampPx(py(pt[1])))
		}
		b.WriteString(`"/>`)
	}
	b.WriteString(`</g>`)
	// The points: each a zero-length segment with round caps, a dot in a third of a <circle>'s bytes.
	for _, set := range []struct {
		pts    [][]float64
		colour string
	}{{p.Real, colourReal}, {p.Fake, colourFake}} {
		fmt.Fprintf(&b, `<path stroke="%s" stroke-opacity="0.75" stroke-width="4.4" stroke-linecap="round" d="`, set.colour)
		for _, pt := range set.pts {
			if x, y := px(pt[0]), py(pt[1]); x >= 0 && x <= side && y >= top && y <= top+side {
				fmt.Fprintf(&b, "M%.1f %.1fh0", x, y)
			}
		}
		b.WriteString(`"/>`)
	}
	// The arrows, scaled together so that the longest is a tenth of the view.
	var longest float64
	for _, a := range p.Arrows {
		longest = max(longest, math.Hypot(a.DX, a.DY))
	}
	if longest > 0 && !math.IsInf(longest, 0) {
		scale := 0.1 * (p.View[1] - p.View[0]) / longest
		fmt.Fprintf(&b, `<g stroke="%s" stroke-width="1" fill="none">`, colourArrow)
		for _, a := range p.Arrows {
			x0, y0 := px(a.X), py(a.Y)
			x1, y1 := px(a.X+scale*a.DX), py(a.Y+scale*a.DY)
			if math.Hypot(x1-x0, y1-y0) < 1 {
				continue
			}
			ang := math.Atan2(y1-y0, x1-x0)
			hx1, hy1 := x1-4*math.Cos(ang-0.5), y1-4*math.Sin(ang-0.5)
			hx2, hy2 := x1-4*math.Cos(ang+0.5), y1-4*math.Sin(ang+0.5)
			fmt.Fprintf(&b, `<path d="M%.1f %.1fL%.1f %.1fM%.1f %.1fL%.1f %.1fL%.1f %.1f"/>`, x0, y0, x1, y1, hx1, hy1, x1, y1, hx2, hy2)
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	fmt.Fprintf(&b, `<rect x="0.5" y="%g" width="%d" height="%d" fill="none" stroke="#888"/>`, top+0.5, size-1, size-1)
	fmt.Fprintf(&b, `<text x="4" y="%g"><tspan fill="%s">● real</tspan> <tspan fill="%s">● G(z)</tspan> · lines: G's grid · `+
		`arrows: G's step · heat: %s</text>`, top+side+14, colourReal, colourFake, html.EscapeString(p.HeatLabel))
	b.WriteString(`</svg>`)
	return b.String()
}

// clampPx keeps a far-flung grid point near the view so that its line still leaves in the right direction.
func clampPx(v float64) float64 { return min(max(v, -PlaneSize), 2*PlaneSize) }

// CurvesSVG draws the losses, D's mean outputs and, on 2-D data, the JSD estimate, against the step: one SVG
// holding the plots side by side.
func (f *Frame) CurvesSVG() string {
	steps := make([]float64, len(f.History))
	dl, gl, dr, df := make([]float64, len(steps)), make([]float64, len(steps)), make([]float64, len(steps)), make([]float64, len(steps))
	for i, r := range f.History {
		steps[i], dl[i], gl[i], dr[i], df[i] = float64(r.Step), r.DLoss, r.GLoss, r.DReal, r.DFake
	}
	plots := []string{
		viz.LinePlotSVG("losses", "step", []viz.Series{thin("D loss", steps, dl), thin("G loss", steps, gl)}, CurvesWidth, CurvesHeight),
		viz.LinePlotSVG("D's mean output", "step", []viz.Series{thin("D(x)", steps, dr), thin("D(G(z))", steps, df)}, CurvesWidth, CurvesHeight),
	}
	if len(f.JSD) > 0 {
		js, jv, jr := make([]float64, len(f.JSD)), make([]float64, len(f.JSD)), make([]float64, len(f.JSD))
		for i, p := range f.JSD {
			js[i], jv[i], jr[i] = float64(p.Step), p.Value, p.Running
		}
		plots = append(plots, viz.LinePlotSVG("JSD estimate (nats)", "step",
			[]viz.Series{thin("per frame", js, jv), thin("running", js, jr)}, CurvesWidth, CurvesHeight))
	}
	return `<div style="display:flex;flex-direction:column;gap:4px">` + strings.Join(plots, "") + `</div>`
}

// thin is a series of at most maxCurve points: the means of runs of consecutive points.
func thin(name string, xs, ys []float64) viz.Series {
	run := max(1, (len(xs)+maxCurve-1)/maxCurve)
	s := viz.Series{Name: name}
	for i := 0; i < len(xs); i += run {
		var sx, sy, k float64
		for j := i; j < min(i+run, len(xs)); j++ {
			if !math.IsNaN(ys[j]) && !math.IsInf(ys[j], 0) {
				sx, sy, k = sx+xs[j], sy+ys[j], k+1
			}
		}
		if k > 0 {
			s.X, s.Y = append(s.X, sx/k), append(s.Y, sy/k)
		}
	}
	return s
}

// HTML is the whole view as one block that needs no script, stylesheet or file: ViewHTML beside the curves.
func (f *Frame) HTML() string {
	return `<div style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">` + f.ViewHTML() + f.CurvesSVG() + `</div>`
}

// ViewHTML is the frame without its curves: a status line over the 2-D view or the sample grid (an embedded
// PNG, doubled with crisp pixels). The panel redraws it at every frame, the curves less often.
func (f *Frame) ViewHTML() string {
	var b strings.Builder
	b.WriteString(`<div style="font-family:sans-serif;font-size:13px">`)
	fmt.Fprintf(&b, `<div class="lab-status">step <span class="lab-step">%d</span> · %s</div>`, f.Step, html.EscapeString(f.Settings.String()))
	if f.Plane != nil {
		b.WriteString("<div>" + f.PlaneSVG() + "</div>")
	}
	if f.Samples != nil {
		if png, err := viz.EncodePNG(f.Samples); err != nil {
			fmt.Fprintf(&b, `<div>samples: %s</div>`, html.EscapeString(err.Error()))
		} else {
			fmt.Fprintf(&b, `<img alt="samples at step %d" width="%d" style="image-rendering:pixelated" src="data:image/png;base64,%s"/>`,
				f.Step, 2*f.Samples.Bounds().Dx(), base64.StdEncoding.EncodeToString(png))
		}
	}
	b.WriteString(`</div>`)
	return b.String()
}
