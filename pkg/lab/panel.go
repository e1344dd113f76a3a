// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"encoding/base64"
	"fmt"
	"html"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/janpfeifer/gonb/gonbui"
	"github.com/janpfeifer/gonb/gonbui/comms"
	"github.com/janpfeifer/gonb/gonbui/dom"
	"github.com/janpfeifer/gonb/gonbui/widgets"
	"github.com/pkg/errors"
)

// frontEnd is what a Panel talks to: GoNB's notebook, or a recorder in the tests.
type frontEnd struct {
	active   func() bool
	html     func(html string)
	update   func(id, html string)
	sync     func()
	controls func(p *Panel, parentID string) // builds the widgets and forwards their events; nil: none
}

var notebook = frontEnd{
	active:   func() bool { return gonbui.IsNotebook },
	html:     gonbui.DisplayHTML,
	update:   gonbui.UpdateHTML,
	sync:     gonbui.Sync,
	controls: buildControls,
}

// Panel is a Lab in a GoNB cell: controls (play, pause, one step, reset, stop; sliders for G's and D's learning
// rates and D's steps per G step; selects for the loss, the step order, the noise and the data) above a view
// redrawn up to FPS times a second while it trains. Run trains until a number of steps or seconds, or until the
// stop button, then leaves the final frame and a strip of StripFrames earlier frames as the cell's permanent
// output: what `jupyter nbconvert --execute` keeps, where no browser runs the controls.
//
// The controls are GoNB widgets (gonbui/widgets): they answer only in a notebook open in a browser; until
// they do (and when nobody does) Run plays on by itself.
//
// Usage, in a GoNB cell:
//
//	p := lab.NewPanel(must.M1(lab.New(must.M1(backend.New()), lab.DefaultSettings(lab.DataRing))))
//	stats := must.M1(p.Run(2000, time.Minute)) // 2,000 steps or a minute, whichever comes first
//	fmt.Println(stats)
type Panel struct {
	Lab *Lab
	// FPS is the most redraws a second while playing; 0 means 20.
	FPS float64
	// StripFrames is the number of frames of the final strip; 0 means 6, a negative number none.
	StripFrames int
	// Paused starts Run paused: it then trains only when the play or step button says so. Leave it false in a
	// notebook that runs headless, or Run only waits for its time limit.
	Paused bool

	front   frontEnd
	events  chan event
	message string // what the last control did, shown above the view
}

// NewPanel returns a Panel on l.
func NewPanel(l *Lab) *Panel {
	return &Panel{Lab: l, front: notebook, events: make(chan event, 64)}
}

// event is what a control asked for.
type event struct {
	kind  string // one of the control names below
	value int
}

// The controls' names (event kinds).
const (
	ctlPlay, ctlPause, ctlStep, ctlReset, ctlStop = "play", "pause", "step", "reset", "stop"
	ctlRateG, ctlRateD, ctlDSteps                 = "rate_g", "rate_d", "d_steps"
	ctlLoss, ctlOrder, ctlNoise, ctlData          = "loss", "order", "noise", "data"
)

// curvesEvery is the least time between two redraws of the curves: they change slowly, and cost as much to send
// as the 2-D view.
const curvesEvery = 500 * time.Millisecond

// Slider positions of the learning rates: tenths of a power of ten, from 1e-5 to 1.
const rateSliderMin, rateSliderMax = -50, 0

func rateToSlider(r float64) int {
	return min(max(int(math.Round(10*math.Log10(r))), rateSliderMin), rateSliderMax)
}

func sliderToRate(v int) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(math.Pow(10, float64(v)/10), 'g', 3, 64), 64) // 3 digits
	return r
}

// RunStats is what Run did.
type RunStats struct {
	Steps   int64         // steps trained
	Frames  int           // frames drawn
	Elapsed time.Duration // wall time of the run
	Stopped bool          // ended by the stop button
}

// String is "N steps in T (S steps/s), F frames (R frames/s)".
func (s RunStats) String() string {
	sec := max(s.Elapsed.Seconds(), 1e-9)
	out := fmt.Sprintf("%d steps in %s (%.1f steps/s), %d frames (%.1f frames/s)", s.Steps, s.Elapsed.Round(10*time.Millisecond),
		float64(s.Steps)/sec, s.Frames, float64(s.Frames)/sec)
	if s.Stopped {
		out += ", stopped by the stop button"
	}
	return out
}

// Run shows the panel and trains until steps steps (0: no limit) or duration (0: no limit) have passed, or until
// the stop button; one of the two limits must be set, so that a cell run headless ends by itself. Outside a
// notebook it trains without drawing. It returns an error (and stops) when a step fails, such as a run that
// diverged; a bad setting asked for by a control only shows its error above the view.
func (p *Panel) Run(steps int, duration time.Duration) (RunStats, error) {
	if steps <= 0 && duration <= 0 {
		return RunStats{}, errors.New("lab: Run needs a limit, a number of steps or a duration, so that a headless run ends")
	}
	if p.Lab == nil {
		return RunStats{}, errors.New("lab: the Panel has no Lab: make it with NewPanel(lab)")
	}
	if p.events == nil { // a Panel made without NewPanel
		p.events, p.front = make(chan event, 64), notebook
	}
	show := p.front.active()
	rootID := "ganbook-lab-" + gonbui.UniqueId()
	viewID, curvesID := rootID+"-view", rootID+"-curves"
	var lastCurves time.Time
	if show {
		p.front.html(fmt.Sprintf(`<div id="%s" style="font-family:sans-serif;font-size:13px"></div>`, rootID))
		if p.front.controls != nil {
			go p.front.controls(p, rootID)
		}
	}
	fps := p.FPS
	if fps <= 0 {
		fps = 20
	}
	interval := time.Duration(float64(time.Second) / fps)
	nStrip := p.StripFrames
	if nStrip == 0 {
		nStrip = 6
	}
	var strip []*Frame
	nextStrip := 0 // the strip frame due next, by steps or by time
	stripDue := func(trained int64, elapsed time.Duration) bool {
		if nStrip <= 1 || nextStrip >= nStrip-1 {
			return false
		}
		if steps > 0 {
			return trained >= int64(nextStrip)*int64(steps)/int64(nStrip-1)
		}
		return elapsed >= time.Duration(nextStrip)*duration/time.Duration(nStrip-1)
	}

	var stats RunStats
	start := time.Now()
	playing, pending := !p.Paused, 0 // pending: steps asked for by the step button
	var lastDraw time.Time
	dirty := true
	var last *Frame
	draw := func() error {
		began := time.Now() // the next frame is due an interval after this one began
		f, err := p.Lab.Frame()
		if err != nil {
			return err
		}
		last, lastDraw, dirty = f, began, false
		stats.Frames++
		if stripDue(stats.Steps, time.Since(start)) {
			strip, nextStrip = append(strip, f), nextStrip+1
		}
		if show {
			p.front.update(viewID, p.viewHTML(f, playing))
			if time.Since(lastCurves) >= curvesEvery {
				p.front.update(curvesID, f.CurvesSVG())
				lastCurves = time.Now()
			}
		}
		return nil
	}
	var runErr error
loop:
	for {
		// The controls' events: all that are waiting, after the first one to come when there is nothing to do.
		take := func(e event) {
			switch e.kind {
			case ctlStop: // after the steps the step button asked for
				stats.Stopped, playing = true, false
				return
			case ctlStep:
				pending++
			}
			playing, dirty = p.handle(e, playing), true
		}
		if !playing && pending == 0 && !dirty && !stats.Stopped {
			select {
			case e := <-p.events:
				take(e)
			case <-time.After(interval):
			}
		}
	drain:
		for !stats.Stopped {
			select {
			case e := <-p.events:
				take(e)
			default:
				break drain
			}
		}
		if (stats.Stopped && pending == 0) || (steps > 0 && stats.Steps >= int64(steps)) || (duration > 0 && time.Since(start) >= duration) {
			break
		}
		// Train until the next frame is due.
		for first := true; (playing || pending > 0) && (first || time.Since(lastDraw) < interval) &&
			(steps <= 0 || stats.Steps < int64(steps)); first = false {
			if _, err := p.Lab.Step(); err != nil {
				runErr = err
				break loop
			}
			stats.Steps++
			pending = max(pending-1, 0)
			dirty = true
		}
		if dirty {
			if err := draw(); err != nil {
				runErr = err
				break
			}
		}
	}
	stats.Elapsed = time.Since(start)
	if last == nil || last.Step != p.Lab.GlobalStep() {
		if err := draw(); err != nil && runErr == nil {
			runErr = err
		}
	}
	if last != nil && nStrip > 1 && (len(strip) == 0 || strip[len(strip)-1] != last) {
		strip = append(strip, last)
	}
	if show {
		p.front.update(viewID, "")
		p.front.update(curvesID, "")
		p.front.html(p.finalHTML(last, strip, stats, runErr))
		p.front.sync()
	}
	return stats, runErr
}

// handle carries out one control's event on the Lab and returns whether to play.
func (p *Panel) handle(e event, playing bool) bool {
	s := p.Lab.Settings()
	switch e.kind {
	case ctlPlay:
		return true
	case ctlPause, ctlStep:
		return false
	case ctlReset:
		p.report(Applied{Rebuilt: true, Changes: []string{"reset"}}, p.Lab.Reset())
		return playing
	case ctlRateG:
		s.LearningRateG = sliderToRate(e.value)
	case ctlRateD:
		s.LearningRateD = sliderToRate(e.value)
	case ctlDSteps:
		s.DSteps = e.value
	case ctlLoss:
		s.Loss = pick(gan.Losses, e.value, s.Loss)
	case ctlOrder:
		s.StepOrder = pick(gan.StepOrders, e.value, s.StepOrder)
	case ctlNoise:
		s.Noise = pick(Noises, e.value, s.Noise)
	case ctlData:
		name := pick(Datasets, e.value, s.Data)
		if IsImages(name) != IsImages(s.Data) || name == DataPoints && len(s.Points) < 2 {
			// Another kind of data needs other sizes and rates: take its defaults, keep the game.
			d := DefaultSettings(name)
			d.Loss, d.StepOrder, d.Seed, d.DSteps = s.Loss, s.StepOrder, s.Seed, s.DSteps
			s = d
		}
		s.Data = name
	default:
		return playing
	}
	a, err := p.Lab.Apply(s)
	p.report(a, err)
	return playing
}

// pick is list[i], or def when i is out of range.
func pick(list []string, i int, def string) string {
	if i < 0 || i >= len(list) {
		return def
	}
	return list[i]
}

// report keeps what a control did, or its error, for the line above the view.
func (p *Panel) report(a Applied, err error) {
	if err != nil {
		p.message = err.Error()
		return
	}
	p.message = a.String()
}

// viewHTML is the live view: what the last control did, then the frame.
func (p *Panel) viewHTML(f *Frame, playing bool) string {
	state := "paused"
	if playing {
		state = "playing"
	}
	return fmt.Sprintf(`<div class="lab-view" data-step="%d"><div><b>%s</b> · <span class="lab-message">%s</span></div>%s</div>`,
		f.Step, state, html.EscapeString(p.message), f.ViewHTML())
}

// finalHTML is the permanent output: the run's numbers, the last frame, and the strip.
func (p *Panel) finalHTML(last *Frame, strip []*Frame, stats RunStats, err error) string {
	var b strings.Builder
	b.WriteString(`<div style="font-family:sans-serif;font-size:13px">`)
	fmt.Fprintf(&b, `<div>lab: %s</div>`, html.EscapeString(stats.String()))
	if err != nil {
		fmt.Fprintf(&b, `<div style="color:#b00">%s</div>`, html.EscapeString(err.Error()))
	}
	if last != nil {
		b.WriteString(last.HTML())
	}
	if len(strip) > 1 {
		b.WriteString(`<div style="display:flex;flex-wrap:wrap;gap:6px;margin-top:6px">`)
		for _, f := range strip {
			b.WriteString(`<div style="text-align:center">`)
			switch {
			case f.Plane != nil:
				b.WriteString(resizeSVG(f.PlaneSVG(), PlaneSize/2))
			case f.Samples != nil:
				if png, err := viz.EncodePNG(f.Samples); err == nil {
					fmt.Fprintf(&b, `<img width="%d" style="image-rendering:pixelated" src="data:image/png;base64,%s"/>`,
						f.Samples.Bounds().Dx(), encode64(png))
				}
			}
			fmt.Fprintf(&b, `<div>step %d</div></div>`, f.Step)
		}
		b.WriteString(`</div>`)
	}
	b.WriteString(`</div>`)
	return b.String()
}

// resizeSVG shows an SVG of PlaneSVG's at width pixels (its viewBox keeps the drawing whole).
func resizeSVG(svg string, width int) string {
	h := PlaneSize + 42 // PlaneSVG's height: the title and the legend around the square
	old := fmt.Sprintf(`width="%d" height="%d"`, PlaneSize, h)
	return strings.Replace(svg, old, fmt.Sprintf(`width="%d" height="%d"`, width, width*h/PlaneSize), 1)
}

// buildControls puts GoNB's widgets into the panel's root and forwards their events. Each widget's Done waits
// for the browser to answer, so it runs in a goroutine of its own: headless, it waits forever and nothing is sent.
func buildControls(p *Panel, rootID string) {
	comms.Start()
	s := p.Lab.Settings()
	rows := 0
	row := func(label string) string {
		rows++
		id := fmt.Sprintf("%s-row%d", rootID, rows)
		dom.Append(rootID, fmt.Sprintf(`<span style="margin-right:10px">%s <span id="%s"></span></span>`, html.EscapeString(label), id))
		return id
	}
	forward := func(kind string, c *comms.AddressChan[int]) {
		go func() {
			for v := range c.C {
				p.events <- event{kind: kind, value: v}
			}
		}()
	}
	buttons := row("run")
	for _, kind := range []string{ctlPlay, ctlPause, ctlStep, ctlReset, ctlStop} {
		bt := widgets.Button(kind).AppendTo(buttons).Done()
		forward(kind, bt.Listen())
	}
	dom.Append(rootID, "<br/>")
	for _, c := range []struct {
		label, kind string
		lo, hi, v   int
	}{
		{"G's rate 10^(x/10)", ctlRateG, rateSliderMin, rateSliderMax, rateToSlider(s.LearningRateG)},
		{"D's rate 10^(x/10)", ctlRateD, rateSliderMin, rateSliderMax, rateToSlider(s.LearningRateD)},
		{"D steps per G step", ctlDSteps, 1, 10, min(s.DSteps, 10)},
	} {
		sl := widgets.Slider(c.lo, c.hi, c.v).AppendTo(row(c.label)).Done()
		forward(c.kind, sl.Listen())
	}
	dom.Append(rootID, "<br/>")
	for _, c := range []struct {
		label, kind string
		options     []string
		v           string
	}{
		{"loss", ctlLoss, gan.Losses, s.Loss},
		{"step order", ctlOrder, gan.StepOrders, s.StepOrder},
		{"noise", ctlNoise, Noises, s.Noise},
		{"data", ctlData, Datasets, s.Data},
	} {
		sel := widgets.Select(c.options).SetDefault(max(slices.Index(c.options, c.v), 0)).AppendTo(row(c.label)).Done()
		forward(c.kind, sel.Listen())
	}
}

// encode64 is the standard base64 of b.
func encode64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }
