// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package nbviz shows pkg/viz's pictures inline in a GoNB notebook cell: Show (a picture as PNG), ShowImage
// (enlarged, crisp pixels), ShowSVG, ShowGrid, and LiveView, a training view redrawn in place at most every
// Every (0.5 s): a progress line (step/total, steps/s, ETA, metrics), the loss plot and the latest samples,
// whose Done keeps the final state as a permanent output, which `jupyter nbconvert --execute` saves as
// text/html with the SVG and PNG inside. Outside a notebook (InNotebook reports which) they do nothing, and
// LiveView can write its status line to an io.Writer instead.
//
// It is the only ganbook package that imports GoNB (github.com/janpfeifer/gonb/gonbui), and only notebooks
// import it: the training core and the command line do not link the notebook UI.
package nbviz

import (
	"encoding/base64"
	"fmt"
	"html"
	"image"
	"io"
	"maps"
	"math"
	"slices"
	"strings"
	"time"

	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/janpfeifer/gonb/gonbui"
)

// frontEnd is what the display functions talk to: GoNB's notebook, or a recorder in the tests.
type frontEnd struct {
	active func() bool
	html   func(html string)
	update func(id, html string)
	png    func(png []byte)
	sync   func() // waits until GoNB has what was sent: a cell's program may exit right after a display
}

var notebook = frontEnd{
	active: func() bool { return gonbui.IsNotebook },
	html:   gonbui.DisplayHTML,
	update: gonbui.UpdateHTML,
	png:    gonbui.DisplayPng,
	sync:   gonbui.Sync,
}

// InNotebook reports whether the program runs in a GoNB notebook cell (gonbui.IsNotebook, set when GoNB
// started it). There Show, ShowImage, ShowSVG, ShowGrid and LiveView display their pictures in the cell's output;
// elsewhere (the command line, tests) they do nothing.
func InNotebook() bool { return notebook.active() }

// Show displays img in the notebook cell as a PNG. Outside a notebook it does nothing and returns nil.
func Show(img image.Image) error {
	if !notebook.active() {
		return nil
	}
	b, err := viz.EncodePNG(img)
	if err != nil {
		return err
	}
	notebook.png(b)
	notebook.sync()
	return nil
}

// ShowImage displays img enlarged scale times (nearest neighbour, so pixels stay crisp), as a PNG; scale ≤ 1
// shows it as it is. Outside a notebook it does nothing and returns nil.
func ShowImage(img image.Image, scale int) error {
	if !notebook.active() {
		return nil
	}
	return Show(enlarge(img, scale))
}

// enlarge returns img with each pixel a scale×scale square (an RGBA picture), or img itself when scale ≤ 1.
func enlarge(img image.Image, scale int) image.Image {
	if scale <= 1 {
		return img
	}
	b := img.Bounds()
	out := image.NewRGBA(image.Rect(0, 0, b.Dx()*scale, b.Dy()*scale))
	for y := range out.Rect.Dy() {
		for x := range out.Rect.Dx() {
			out.Set(x, y, img.At(b.Min.X+x/scale, b.Min.Y+y/scale))
		}
	}
	return out
}

// ShowSVG displays an SVG document, such as viz.LinePlotSVG's, in the notebook cell. It is sent as HTML
// (an inline <svg> in a <div>, as gonbui.DisplaySvg does) so that it survives `jupyter nbconvert --to html`.
// Outside a notebook it does nothing and returns nil.
func ShowSVG(svg string) error {
	if !notebook.active() {
		return nil
	}
	notebook.html("<div>" + svg + "</div>")
	notebook.sync()
	return nil
}

// ShowGrid displays viz.GridWith(images, opts) in the notebook cell. Outside a notebook it does nothing (it does
// not even read the images) and returns nil.
func ShowGrid(images *tensors.Tensor, opts viz.GridOptions) error {
	if !notebook.active() {
		return nil
	}
	img, err := viz.GridWith(images, opts)
	if err != nil {
		return err
	}
	return Show(img)
}

// LiveView shows training as it happens: one block of a notebook cell's output, redrawn in place, with a progress
// line (step/total, steps per second, time elapsed, ETA and the latest metrics), the loss curves and the latest
// samples. Done then displays the final state as a permanent output, which `jupyter nbconvert --execute` keeps
// in the saved notebook (as text/html with the SVG and the PNG inside). Everything is drawn in Go; the HTML
// loads nothing.
//
// Outside a notebook a LiveView draws nothing, or writes one status line per redraw to Progress if set.
// A LiveView is not safe for concurrent use.
//
// Usage, in a training loop:
//
//	live := nbviz.NewLiveView("DCGAN on MNIST")
//	for step := 1; step <= steps; step++ {
//		dLoss, gLoss := trainStep()
//		losses[0].X, losses[0].Y = append(losses[0].X, float64(step)), append(losses[0].Y, dLoss)
//		...
//		var samples image.Image
//		if live.Due(step, steps) {
//			samples, _ = viz.Grid(generate(fixedNoise), 8, 2)
//		}
//		live.Update(step, steps, map[string]float64{"D loss": dLoss, "G loss": gLoss}, losses, samples)
//	}
//	live.Done()
type LiveView struct {
	// Title is shown in bold above the progress line.
	Title string
	// Every is the least time between two redraws; 0 means 500 ms. Update redraws the last step anyway.
	Every time.Duration
	// Progress, when not nil, receives a status line per redraw and one from Done, outside a notebook.
	Progress io.Writer
	// PlotWidth and PlotHeight size the loss plot in pixels; 0 means 560×260.
	PlotWidth, PlotHeight int
	// MaxPlotPoints caps each loss curve's points, averaging runs of consecutive points; 0 means 400.
	// It keeps each redraw small however long training runs.
	MaxPlotPoints int

	id          string           // the output block's display id
	now         func() time.Time // nil means time.Now
	start, last time.Time        // the first Update, and the last redraw (zero before either)
	startStep   int
	step, total int
	elapsed     time.Duration // from the first Update to the last
	rate        float64       // steps per second since the first Update
	metrics     map[string]float64
	losses      []viz.Series
	samples     image.Image
}

// NewLiveView returns a LiveView with the given title, drawing into a new output block. (A zero LiveView works
// too: it gets its block at its first redraw.)
func NewLiveView(title string) *LiveView {
	return &LiveView{Title: title, id: newLiveID()}
}

func newLiveID() string { return "ganbook-live-" + gonbui.UniqueId() }

// Due reports whether Update(step, total, ...) would redraw: on the first call, on the last step
// (step ≥ total > 0), or when Every has passed since the last redraw. Use it to skip making samples that would
// not be shown.
func (v *LiveView) Due(step, total int) bool {
	return v.last.IsZero() || (total > 0 && step >= total) || v.clock().Sub(v.last) >= v.every()
}

// Update records the training state at step of total (total ≤ 0: unknown) and redraws if Due. metrics are
// shown in the progress line in the order of their names, losses in the plot (X is usually the step) and
// samples as a picture; a nil argument keeps the previous value, so samples need only be passed when Due.
func (v *LiveView) Update(step, total int, metrics map[string]float64, losses []viz.Series, samples image.Image) {
	now := v.clock()
	due := v.Due(step, total)
	if v.start.IsZero() {
		v.start, v.startStep = now, step
	}
	v.step, v.total, v.elapsed = step, total, now.Sub(v.start)
	if s := v.elapsed.Seconds(); s > 0 && step > v.startStep {
		v.rate = float64(step-v.startStep) / s
	}
	if metrics != nil {
		v.metrics = metrics
	}
	if losses != nil {
		v.losses = losses
	}
	if samples != nil {
		v.samples = samples
	}
	if !due {
		return
	}
	v.last = now
	if v.id == "" {
		v.id = newLiveID()
	}
	switch {
	case notebook.active():
		notebook.update(v.id, v.HTML())
	case v.Progress != nil:
		fmt.Fprintln(v.Progress, v.Status())
	}
}

// Done displays the final state as a permanent output and empties the live block (whose content Jupyter treats
// as transient). Outside a notebook it writes the last status line to Progress, if set.
func (v *LiveView) Done() {
	switch {
	case notebook.active():
		if v.id != "" {
			notebook.update(v.id, "")
		}
		notebook.html(v.HTML())
		notebook.sync()
	case v.Progress != nil:
		fmt.Fprintln(v.Progress, v.Status())
	}
}

// Status is the progress line as plain text, for example
// "step 1200/5000 (24%) · 35.2 steps/s · 34s elapsed · ETA 1m48s · D loss 0.6931 · G loss 0.7123".
// Speed and ETA appear once two Updates at different steps have measured them.
func (v *LiveView) Status() string {
	parts := []string{fmt.Sprintf("step %d", v.step)}
	if v.total > 0 {
		parts[0] += fmt.Sprintf("/%d (%.0f%%)", v.total, 100*float64(v.step)/float64(v.total))
	}
	if v.rate > 0 {
		parts = append(parts, fmt.Sprintf("%.1f steps/s", v.rate))
	}
	if !v.start.IsZero() {
		parts = append(parts, roundDuration(v.elapsed)+" elapsed")
	}
	if v.rate > 0 && v.total > v.step {
		parts = append(parts, "ETA "+roundDuration(time.Duration(float64(v.total-v.step)/v.rate*float64(time.Second))))
	}
	for _, name := range slices.Sorted(maps.Keys(v.metrics)) {
		parts = append(parts, fmt.Sprintf("%s %.4g", name, v.metrics[name]))
	}
	return strings.Join(parts, " · ")
}

// HTML is the block LiveView displays: the title, a <progress> bar with Status, the loss plot as inline SVG
// and the samples as an embedded PNG (<img src="data:image/png;base64,...">), doubled with crisp pixels when
// under 300 pixels wide. It needs no script, stylesheet or file.
func (v *LiveView) HTML() string {
	var b strings.Builder
	b.WriteString(`<div style="font-family:sans-serif;font-size:13px">`)
	if v.Title != "" {
		fmt.Fprintf(&b, `<div><b>%s</b></div>`, html.EscapeString(v.Title))
	}
	b.WriteString(`<div>`)
	if v.total > 0 {
		fmt.Fprintf(&b, `<progress value="%d" max="%d" style="width:200px;vertical-align:middle"></progress> `, min(max(v.step, 0), v.total), v.total)
	}
	fmt.Fprintf(&b, `%s</div>`, html.EscapeString(v.Status()))
	b.WriteString(`<div style="display:flex;flex-wrap:wrap;gap:12px;align-items:flex-start">`)
	if len(v.losses) > 0 {
		w, h := v.PlotWidth, v.PlotHeight
		if w <= 0 {
			w = 560
		}
		if h <= 0 {
			h = 260
		}
		maxPoints := v.MaxPlotPoints
		if maxPoints <= 0 {
			maxPoints = 400
		}
		thinned := make([]viz.Series, len(v.losses))
		for i, s := range v.losses {
			thinned[i] = thin(s, maxPoints)
		}
		fmt.Fprintf(&b, `<div>%s</div>`, viz.LinePlotSVG("losses", "step", thinned, w, h))
	}
	if v.samples != nil {
		if png, err := viz.EncodePNG(v.samples); err != nil {
			fmt.Fprintf(&b, `<div>samples: %s</div>`, html.EscapeString(err.Error()))
		} else {
			w := v.samples.Bounds().Dx()
			if w < 300 {
				w *= 2
			}
			fmt.Fprintf(&b, `<img alt="samples at step %d" width="%d" style="image-rendering:pixelated" src="data:image/png;base64,%s"/>`,
				v.step, w, base64.StdEncoding.EncodeToString(png))
		}
	}
	b.WriteString(`</div></div>`)
	return b.String()
}

// clock is the time now: time.Now, or a fake one in the tests.
func (v *LiveView) clock() time.Time {
	if v.now == nil {
		return time.Now()
	}
	return v.now()
}

func (v *LiveView) every() time.Duration {
	if v.Every <= 0 {
		return 500 * time.Millisecond
	}
	return v.Every
}

func roundDuration(d time.Duration) string { return d.Round(time.Second).String() }

// thin returns s with at most maxPoints points: the means of runs of consecutive points (non-finite ones left
// out), which also smooths a noisy loss. The result may share s's slices.
func thin(s viz.Series, maxPoints int) viz.Series {
	n := min(len(s.X), len(s.Y))
	if n <= maxPoints {
		return s
	}
	run := (n + maxPoints - 1) / maxPoints
	out := viz.Series{Name: s.Name, Color: s.Color, Dashed: s.Dashed}
	for i := 0; i < n; i += run {
		var sx, sy, k float64
		for j := i; j < min(i+run, n); j++ {
			if finite(s.X[j]) && finite(s.Y[j]) {
				sx, sy, k = sx+s.X[j], sy+s.Y[j], k+1
			}
		}
		if k > 0 {
			out.X, out.Y = append(out.X, sx/k), append(out.Y, sy/k)
		}
	}
	return out
}

func finite(v float64) bool { return !math.IsNaN(v) && !math.IsInf(v, 0) }
