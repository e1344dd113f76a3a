// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package nbviz

import (
	"bytes"
	"encoding/base64"
	"image"
	"image/png"
	"strings"
	"testing"
	"time"

	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/gomlx/core/tensors"
)

// recorder stands in for the notebook: it records what the display functions send.
type recorder struct {
	active  bool
	htmls   []string
	updates [][2]string // id, HTML
	pngs    [][]byte
	syncs   int
}

// fakeNotebook replaces the front end for the test.
func fakeNotebook(t *testing.T, active bool) *recorder {
	r := &recorder{active: active}
	saved := notebook
	t.Cleanup(func() { notebook = saved })
	notebook = frontEnd{
		active: func() bool { return r.active },
		html:   func(h string) { r.htmls = append(r.htmls, h) },
		update: func(id, h string) { r.updates = append(r.updates, [2]string{id, h}) },
		png:    func(b []byte) { r.pngs = append(r.pngs, b) },
		sync:   func() { r.syncs++ },
	}
	return r
}

func TestShowOutsideNotebook(t *testing.T) {
	r := fakeNotebook(t, false)
	bad := tensors.FromFlatDataAndDimensions([]float32{1}, 1) // not images: ShowGrid does not even look
	if err := Show(image.NewGray(image.Rect(0, 0, 2, 2))); err != nil {
		t.Error(err)
	}
	if err := ShowImage(image.NewGray(image.Rect(0, 0, 2, 2)), 2); err != nil {
		t.Error(err)
	}
	if err := ShowSVG("<svg></svg>"); err != nil {
		t.Error(err)
	}
	if err := ShowGrid(bad, viz.GridOptions{}); err != nil {
		t.Error(err)
	}
	v := NewLiveView("quiet")
	v.Update(1, 2, nil, nil, nil)
	v.Done()
	var zero LiveView
	zero.Update(1, 2, nil, nil, nil)
	zero.Done()
	if len(r.htmls)+len(r.updates)+len(r.pngs) != 0 || InNotebook() {
		t.Errorf("outside a notebook something was displayed: %+v", r)
	}
}

func TestShow(t *testing.T) {
	r := fakeNotebook(t, true)
	if err := ShowGrid(tensors.FromFlatDataAndDimensions([]float32{-1, 1}, 2, 1, 1, 1), viz.GridOptions{Pad: 1, Scale: 3}); err != nil {
		t.Fatal(err)
	}
	if err := ShowSVG("<svg/>"); err != nil {
		t.Fatal(err)
	}
	if len(r.pngs) != 1 || len(r.htmls) != 1 || r.htmls[0] != "<div><svg/></div>" {
		t.Fatalf("sent %d PNGs and HTML %q, want 1 PNG and the SVG in a div", len(r.pngs), r.htmls)
	}
	if r.syncs != 2 {
		t.Errorf("%d syncs after 2 displays: each must wait for GoNB, or the last one is lost when the cell ends", r.syncs)
	}
	img, err := png.Decode(bytes.NewReader(r.pngs[0]))
	if err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 2*4+1 || b.Dy() != 5 || grayAt(img, 5, 1) != 255 {
		t.Errorf("shown grid is %v with (5,1) = %d, want 9x5 and 255", b, grayAt(img, 5, 1))
	}
	// ShowImage enlarges: a 2x1 picture [black white] shown 3 times larger is 6x3, with white from x = 3.
	small := image.NewGray(image.Rect(0, 0, 2, 1))
	small.Pix[1] = 255
	if err := ShowImage(small, 3); err != nil {
		t.Fatal(err)
	}
	if img, err = png.Decode(bytes.NewReader(r.pngs[1])); err != nil {
		t.Fatal(err)
	}
	if b := img.Bounds(); b.Dx() != 6 || b.Dy() != 3 || grayAt(img, 2, 2) != 0 || grayAt(img, 3, 0) != 255 || grayAt(img, 5, 2) != 255 {
		t.Errorf("ShowImage(×3) showed %v with (2,2) = %d, (3,0) = %d, want 6x3, 0 and 255", b, grayAt(img, 2, 2), grayAt(img, 3, 0))
	}
	if err := ShowGrid(tensors.FromFlatDataAndDimensions([]float32{1}, 1), viz.GridOptions{}); err == nil {
		t.Error("ShowGrid of a non-image tensor gave no error in a notebook")
	}
}

// clock is a fake time.Now that the test moves.
type clock struct{ t time.Time }

func (c *clock) now() time.Time          { return c.t }
func (c *clock) advance(d time.Duration) { c.t = c.t.Add(d) }

func TestLiveView(t *testing.T) {
	r := fakeNotebook(t, true)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	v := NewLiveView("DCGAN <MNIST>")
	v.now = c.now
	samples := image.NewGray(image.Rect(0, 0, 4, 3))
	samples.Pix[0] = 200
	losses := []viz.Series{{Name: "D loss", X: []float64{1, 2, 3}, Y: []float64{1, 0.8, 0.7}}}
	metrics := map[string]float64{"G loss": 1.25, "D loss": 0.5}

	v.Update(1, 10, metrics, losses, samples) // the first call draws
	c.advance(100 * time.Millisecond)
	if v.Due(2, 10) {
		t.Error("Due 100 ms after a redraw")
	}
	v.Update(2, 10, nil, nil, nil) // throttled
	c.advance(500 * time.Millisecond)
	if !v.Due(3, 10) {
		t.Error("not Due 600 ms after a redraw")
	}
	v.Update(3, 10, nil, nil, nil) // 600 ms since the first: draws
	if len(r.updates) != 2 || len(r.htmls) != 0 {
		t.Fatalf("%d redraws and %d permanent outputs after 3 updates, want 2 and 0", len(r.updates), len(r.htmls))
	}
	// 2 steps in 0.6 s is 3.3 steps/s; 7 steps to go take 2.1 s. Metrics come in the order of their names.
	if got, want := v.Status(), "step 3/10 (30%) · 3.3 steps/s · 1s elapsed · ETA 2s · D loss 0.5 · G loss 1.25"; got != want {
		t.Errorf("Status = %q, want %q", got, want)
	}
	id, h := r.updates[1][0], r.updates[1][1]
	if id != r.updates[0][0] || !strings.HasPrefix(id, "ganbook-live-") {
		t.Errorf("redraws went to blocks %q and %q, want one", r.updates[0][0], id)
	}
	for _, want := range []string{
		"<b>DCGAN &lt;MNIST&gt;</b>", `<progress value="3" max="10"`, "step 3/10 (30%)", "<svg", "D loss</text>",
		`<img alt="samples at step 3" width="8"`, // 4 pixels wide, shown doubled
	} {
		if !strings.Contains(h, want) {
			t.Errorf("HTML lacks %s", want)
		}
	}
	if strings.Contains(h, "<script") || strings.Contains(h, "http://") && !strings.Contains(h, `xmlns="http://www.w3.org/2000/svg"`) {
		t.Error("HTML loads something")
	}
	// The embedded PNG is the samples picture.
	_, b64, _ := strings.Cut(h, "data:image/png;base64,")
	b64, _, _ = strings.Cut(b64, `"`)
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if img.Bounds() != samples.Bounds() || grayAt(img, 0, 0) != 200 {
		t.Errorf("embedded PNG is %v with (0,0) = %d, want %v and 200", img.Bounds(), grayAt(img, 0, 0), samples.Bounds())
	}

	c.advance(100 * time.Millisecond)
	v.Update(10, 10, map[string]float64{"D loss": 0.25}, nil, nil) // the last step draws however soon
	if len(r.updates) != 3 || !strings.Contains(r.updates[2][1], "step 10/10 (100%) · 12.9 steps/s · 1s elapsed · D loss 0.25<") {
		t.Errorf("the last step was not redrawn with 9 steps in 0.7 s and the new metrics: %d redraws", len(r.updates))
	}
	v.Done()
	var zero LiveView // usable: it gets an output block when it first draws
	zero.Update(1, 0, nil, nil, nil)
	if n := len(r.updates); n != 5 || !strings.HasPrefix(r.updates[4][0], "ganbook-live-") || r.updates[4][0] == id {
		t.Errorf("a zero LiveView drew to block %q", r.updates[n-1][0])
	}
	r.updates = r.updates[:4]
	if len(r.updates) != 4 || r.updates[3] != [2]string{id, ""} || len(r.htmls) != 1 || r.htmls[0] != v.HTML() {
		t.Errorf("Done did not empty the live block and display the final HTML")
	}
	if !strings.Contains(r.htmls[0], "data:image/png;base64,") || !strings.Contains(r.htmls[0], "<svg") {
		t.Error("the final output lacks the samples or the plot")
	}
}

func TestLiveViewProgress(t *testing.T) {
	fakeNotebook(t, false)
	c := &clock{t: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)}
	var out bytes.Buffer
	v := NewLiveView("cli")
	v.now, v.Progress, v.Every = c.now, &out, time.Second
	for step := 1; step <= 20; step++ {
		c.advance(100 * time.Millisecond)
		v.Update(step, 20, map[string]float64{"loss": float64(step)}, nil, nil)
	}
	v.Done()
	// Redraws at steps 1, 11 (1 s later) and 20 (the last), then Done's line.
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 4 || !strings.HasPrefix(lines[1], "step 11/20 (55%) · 10.0 steps/s · 1s elapsed · ETA 1s · loss 11") || lines[2] != lines[3] {
		t.Errorf("progress lines:\n%s", out.String())
	}
	if v.HTML() == "" || strings.Contains(out.String(), "<") {
		t.Error("HTML went to the progress writer")
	}
}

func TestThin(t *testing.T) {
	s := viz.Series{Name: "D", Color: "#123456"}
	for i := range 1000 {
		s.X, s.Y = append(s.X, float64(i)), append(s.Y, float64(2*i))
	}
	got := thin(s, 100)
	// Runs of 10: the first averages x = 0..9 to 4.5.
	if len(got.X) != 100 || got.X[0] != 4.5 || got.Y[0] != 9 || got.X[99] != 994.5 || got.Color != s.Color {
		t.Errorf("thin gave %d points from (%g, %g) to (%g, %g), colour %q", len(got.X), got.X[0], got.Y[0], got.X[99], got.Y[99], got.Color)
	}
	if short := thin(viz.Series{X: []float64{1}, Y: []float64{2}}, 100); len(short.X) != 1 {
		t.Error("thin changed a short series")
	}
}

func grayAt(img image.Image, x, y int) int {
	r, _, _, _ := img.At(x, y).RGBA()
	return int(r >> 8)
}
