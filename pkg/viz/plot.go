// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"fmt"
	"html"
	"math"
	"strings"

	"github.com/pkg/errors"
)

// Series is one curve of a line plot.
type Series struct {
	Name string
	X, Y []float64
}

// palette holds the curves' colours (colour-blind safe, Okabe & Ito 2008).
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9"}

// LinePlotSVG draws the series as an SVG line plot of width×height pixels with axes, ticks and a legend.
// Non-finite points are skipped.
func LinePlotSVG(title, xLabel string, series []Series, width, height int) string {
	const left, right, top, bottom = 60, 130, 30, 40
	xmin, xmax, ymin, ymax := math.Inf(1), math.Inf(-1), math.Inf(1), math.Inf(-1)
	for _, s := range series {
		for i := range s.X {
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
	pw, ph := float64(width-left-right), float64(height-top-bottom)
	px := func(x float64) float64 { return left + (x-xmin)/(xmax-xmin)*pw }
	py := func(y float64) float64 { return top + (ymax-y)/(ymax-ymin)*ph }
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`, width, height)
	fmt.Fprintf(&b, `<rect width="100%%" height="100%%" fill="white"/>`)
	fmt.Fprintf(&b, `<text x="%d" y="18" font-size="14">%s</text>`, left, html.EscapeString(title))
	fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%.0f" height="%.0f" fill="none" stroke="#888"/>`, left, top, pw, ph)
	for i := 0; i <= 4; i++ {
		yv := ymin + (ymax-ymin)*float64(i)/4
		xv := xmin + (xmax-xmin)*float64(i)/4
		fmt.Fprintf(&b, `<text x="%d" y="%.1f" text-anchor="end">%s</text>`, left-4, py(yv)+4, tick(yv))
		fmt.Fprintf(&b, `<line x1="%d" x2="%.1f" y1="%.1f" y2="%.1f" stroke="#eee"/>`, left, left+pw, py(yv), py(yv))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" text-anchor="middle">%s</text>`, px(xv), top+ph+16, tick(xv))
	}
	fmt.Fprintf(&b, `<text x="%.1f" y="%d" text-anchor="middle">%s</text>`, left+pw/2, height-4, html.EscapeString(xLabel))
	for k, s := range series {
		colour := palette[k%len(palette)]
		var pts []string
		for i := range s.X {
			if finite(s.X[i]) && finite(s.Y[i]) {
				pts = append(pts, fmt.Sprintf("%.1f,%.1f", px(s.X[i]), py(s.Y[i])))
			}
		}
		fmt.Fprintf(&b, `<polyline fill="none" stroke="%s" stroke-width="1.5" points="%s"/>`, colour, strings.Join(pts, " "))
		ly := top + 14 + 18*k
		fmt.Fprintf(&b, `<line x1="%.0f" x2="%.0f" y1="%d" y2="%d" stroke="%s" stroke-width="3"/>`, left+pw+10, left+pw+30, ly, ly, colour)
		fmt.Fprintf(&b, `<text x="%.0f" y="%d">%s</text>`, left+pw+35, ly+4, html.EscapeString(s.Name))
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// SaveSVG writes an SVG document to path.
func SaveSVG(path, svg string) error {
	if !strings.HasPrefix(svg, "<svg") {
		return errors.New("viz: not an SVG document")
	}
	return writeFile(path, []byte(svg))
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
