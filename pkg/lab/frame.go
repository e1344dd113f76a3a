// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"image"
	"math"
	"slices"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/toy"
)

// Frame is the Lab's state at one step, ready to draw (SVG, HTML): on 2-D data its Plane, on images its
// Samples; on both the curves of the steps so far.
type Frame struct {
	Step     int64
	Settings Settings
	History  []Record   // every step since the last build
	JSD      []JSDPoint // on 2-D data: the estimate of every frame drawn since the last build, this one last

	Plane   *Plane      // on 2-D data; nil on images
	Samples image.Image // on images: a grid of samples of fixed noise; nil on 2-D data
}

// JSDPoint is the Jensen-Shannon estimate of one frame: HistogramJSD of the real and generated points, and its
// running (exponential moving) average over the frames, which smooths the sampling noise.
type JSDPoint struct {
	Step           int64
	Value, Running float64
}

// Plane is what the 2-D view shows: GAN Lab's layers.
type Plane struct {
	View       [4]float64  // the square shown: x0, x1, y0, y1
	Real, Fake [][]float64 // real points and G's points from fixed noise (the same noise at every frame)
	// Heat is D's output at the centres of HeatCells×HeatCells cells, row by row from the top, in [0, 1]: D(x)
	// for the sigmoid losses, D's score clipped to [0, 1] for least squares (whose targets are 0 and 1), D's
	// score rescaled from its minimum to its maximum over the view for WGAN-GP and hinge (whose scores have no
	// fixed scale). 1 (green) is "real", 0 (purple) "fake".
	Heat      []float64
	HeatCells int
	HeatLabel string
	// Manifold is G's image of a square grid of noise (GAN Lab's transformed grid): lines of points, each the
	// image of a line of constant z₁ or z₂ (the other noise coordinates 0).
	Manifold [][][]float64
	// Arrows are the directions G moves its points: minus the gradient of G's loss at each generated point.
	Arrows []Arrow
	// JSD is this frame's estimate (HistogramJSD of JSDSamples real and generated points on a 30×30 histogram
	// of the view), RunningJSD its moving average over the frames.
	JSD, RunningJSD float64
}

// Arrow is the direction (DX, DY) G moves a generated point at (X, Y): minus the gradient of G's loss there, as
// it is (the drawing scales all the arrows of a frame together).
type Arrow struct{ X, Y, DX, DY float64 }

// The sizes of a 2-D frame: kept so that G's points and grid are two calls of the graph and D's heat map and
// arrows one (evalChunk = 1024 points a call).
const (
	JSDSamples    = 1536     // real and generated points of the JSD estimate
	ShownPoints   = 500      // of them, drawn
	heatCells     = 30       // heat map cells per axis
	jsdBins       = 30       // histogram cells per axis of the JSD estimate
	arrowPoints   = 64       // generated points with an arrow
	manifoldLines = 9        // lines of constant z₁ (and as many of constant z₂)
	manifoldSteps = 24       // points along each line
	jsdSmoothing  = 0.3      // weight of the newest estimate in RunningJSD
	noiseSeedSalt = 0x6c6162 // "lab": the fixed noise's seed is the run's plus this
)

// Frame draws the Lab's state at its current step.
func (l *Lab) Frame() (*Frame, error) {
	f := &Frame{Step: l.GlobalStep(), Settings: l.Settings(), History: l.History()}
	seed := uint64(l.settings.Seed) + noiseSeedSalt
	if l.plane == nil {
		img, err := sampleGrid(l.trainer, seed)
		if err != nil {
			return nil, err
		}
		f.Samples = img
		return f, nil
	}
	p, err := l.plane.frame(l.settings, seed)
	if err != nil {
		return nil, err
	}
	p.RunningJSD = p.JSD
	if n := len(l.jsd); n > 0 {
		p.RunningJSD = jsdSmoothing*p.JSD + (1-jsdSmoothing)*l.jsd[n-1].Running
	}
	l.jsd = append(l.jsd, JSDPoint{Step: f.Step, Value: p.JSD, Running: p.RunningJSD})
	f.Plane, f.JSD = p, slices.Clone(l.jsd)
	return f, nil
}

// frame computes the layers of the 2-D view: G on the fixed noise and on the noise grid (one pass), D on the
// cells' centres and on the generated points with arrows (one pass).
func (p *planar) frame(s Settings, seed uint64) (*Plane, error) {
	pl := &Plane{View: p.view, HeatCells: heatCells, HeatLabel: "D(x)"}
	z := noise(s.Noise, JSDSamples, s.NoiseDim, seed)
	lines := noiseGrid(s.Noise, s.NoiseDim)
	for _, line := range lines {
		z = append(z, line...)
	}
	xs, err := p.generate(z)
	if err != nil {
		return nil, err
	}
	fake := xs[:JSDSamples]
	rest := xs[JSDSamples:]
	for _, line := range lines {
		pl.Manifold, rest = append(pl.Manifold, rest[:len(line)]), rest[len(line):]
	}
	real := p.dist.Sample(JSDSamples, toy.NewRand(seed+1))
	pl.JSD = HistogramJSD(real, fake, p.view, jsdBins)
	pl.Real, pl.Fake = real[:ShownPoints], fake[:ShownPoints]

	pts := make([][]float64, 0, heatCells*heatCells+arrowPoints)
	for j := range heatCells {
		y := p.view[3] - (float64(j)+0.5)*(p.view[3]-p.view[2])/heatCells
		for i := range heatCells {
			pts = append(pts, []float64{p.view[0] + (float64(i)+0.5)*(p.view[1]-p.view[0])/heatCells, y})
		}
	}
	pts = append(pts, fake[:arrowPoints]...)
	out, descent, err := p.discriminate(pts)
	if err != nil {
		return nil, err
	}
	pl.Heat = heatValues(s.Loss, out[:heatCells*heatCells])
	if !gan.IsSigmoidLoss(s.Loss) {
		pl.HeatLabel = "D's score"
	}
	for k, x := range fake[:arrowPoints] {
		d := descent[heatCells*heatCells+k]
		pl.Arrows = append(pl.Arrows, Arrow{X: x[0], Y: x[1], DX: d[0], DY: d[1]})
	}
	return pl, nil
}

// heatValues maps D's raw outputs to [0, 1] for the heat map (see Plane.Heat).
func heatValues(loss string, out []float64) []float64 {
	h := make([]float64, len(out))
	lo, hi := slices.Min(out), slices.Max(out)
	for i, v := range out {
		switch {
		case gan.IsSigmoidLoss(loss):
			h[i] = 1 / (1 + math.Exp(-v))
		case loss == gan.LossLeastSquares:
			h[i] = min(max(v, 0), 1)
		case hi > lo:
			h[i] = (v - lo) / (hi - lo)
		default:
			h[i] = 0.5
		}
	}
	return h
}

// noiseGrid is a square grid of noise as lines: manifoldLines lines of constant z₁ and as many of constant z₂
// across [-2, 2] (normal noise) or [-1, 1] (uniform), the other coordinates 0; with one noise dimension, one
// line along z₁.
func noiseGrid(kind string, dim int) [][][]float64 {
	r := 2.0
	if kind == NoiseUniform {
		r = 1
	}
	at := func(k, n int) float64 { return -r + 2*r*float64(k)/float64(n-1) }
	point := func(a, b float64) []float64 {
		z := make([]float64, dim)
		z[0] = a
		if dim > 1 {
			z[1] = b
		}
		return z
	}
	if dim == 1 {
		line := make([][]float64, 2*manifoldSteps)
		for k := range line {
			line[k] = point(at(k, len(line)), 0)
		}
		return [][][]float64{line}
	}
	var lines [][][]float64
	for i := range manifoldLines {
		across, along := make([][]float64, manifoldSteps), make([][]float64, manifoldSteps)
		for k := range manifoldSteps {
			across[k] = point(at(i, manifoldLines), at(k, manifoldSteps))
			along[k] = point(at(k, manifoldSteps), at(i, manifoldLines))
		}
		lines = append(lines, across, along)
	}
	return lines
}
