// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"math"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/text2img"
)

// Report is what Evaluate measures of a StackGAN run.
type Report struct {
	Run   string `json:"run,omitempty"`
	Stage int    `json:"stage"`
	Step  int64  `json:"step"`
	Side  int    `json:"side"` // of the run's images
	// Samples: the run's images, measured as text2img measures (attributes, R-precision, Fréchet distance,
	// mismatch AUC, diversity) at the size the evaluators read (capmnist's and emoji's 32×32).
	Samples *text2img.Report `json:"samples"`
	// Stage1Bicubic (Stage-II runs): the Stage-I images of the same draws, upsampled bicubically to the run's
	// side and measured the same way: what G1 adds over interpolation.
	Stage1Bicubic *text2img.Report `json:"stage1_bicubic,omitempty"`
	// Sharpness is the mean variance of the Laplacian of the grey images (values in [0, 1]) at the run's side,
	// over SharpnessN images: of the samples, of the upsampled Stage-I images, and of real test images.
	Sharpness              float64 `json:"sharpness"`
	Stage1BicubicSharpness float64 `json:"stage1_bicubic_sharpness,omitempty"`
	RealSharpness          float64 `json:"real_sharpness"`
	SharpnessN             int     `json:"sharpness_n"`
	// SharpnessGap is |log(Sharpness / RealSharpness)|, how far the samples' sharpness is from real images'
	// either way (a blur lowers it, noise raises it); Stage1BicubicGap the same for the upsampled Stage-I.
	SharpnessGap     float64 `json:"sharpness_gap"`
	Stage1BicubicGap float64 `json:"stage1_bicubic_sharpness_gap,omitempty"`

	Provenance *eval.Provenance `json:"provenance,omitempty"`
}

// Evaluate scores a StackGAN run on its dataset's test captions (text2img.EvaluateDrawer), and, for Stage-II,
// the bicubically upsampled Stage-I images of the same draws beside it; then sharpness at the run's side.
func Evaluate(t *gan.Trainer, o text2img.EvalOptions) (*Report, error) {
	c, err := run(t)
	if err != nil {
		return nil, err
	}
	if o.Backend == nil {
		o.Backend = t.Backend
	}
	rep := &Report{Stage: c.Stage, Step: t.GlobalStep(), Side: c.Height}
	ds := t.Config.Dataset
	if rep.Samples, err = text2img.EvaluateDrawer(drawer{t, false}, ds, o); err != nil {
		return nil, err
	}
	rep.Samples.Step = rep.Step
	if c.Stage == 2 {
		if rep.Stage1Bicubic, err = text2img.EvaluateDrawer(drawer{t, true}, ds, o); err != nil {
			return nil, err
		}
		rep.Stage1Bicubic.Step = rep.Step
	}
	test, err := captions.Open(ds, "test")
	if err != nil {
		return nil, err
	}
	n := min(500, test.Images().N)
	idx := make([]int, n)
	capts := make([]string, n)
	for i := range idx {
		idx[i], capts[i] = i, test.Caption(i, 0)
	}
	rep.SharpnessN = n
	rep.RealSharpness = Sharpness(test.Images().ImagesFloat(idx), n, c.Height, c.Channels)
	d := drawer{t, false}
	images, _, err := d.Draw(capts, o.Seed)
	if err != nil {
		return nil, err
	}
	rep.Sharpness = Sharpness(images, n, c.Height, c.Channels)
	if c.Stage == 2 {
		images, _, err := drawer{t, true}.Draw(capts, o.Seed)
		if err != nil {
			return nil, err
		}
		rep.Stage1BicubicSharpness = Sharpness(images, n, c.Height, c.Channels)
		rep.Stage1BicubicGap = math.Abs(math.Log(rep.Stage1BicubicSharpness / rep.RealSharpness))
	}
	rep.SharpnessGap = math.Abs(math.Log(rep.Sharpness / rep.RealSharpness))
	return rep, nil
}

// drawer is a StackGAN run as text2img's Drawer: its images, or (bicubic) its Stage-I images upsampled to its
// side, which have no D of their own.
type drawer struct {
	t       *gan.Trainer
	bicubic bool
}

func (d drawer) Draw(capts []string, seed uint64) ([]float32, int, error) {
	c := d.t.Config.Family.(*Config)
	if !d.bicubic {
		images, err := Sample(d.t, capts, seed)
		return images, c.Height, err
	}
	low, err := Stage1Images(d.t, capts, seed)
	if err != nil {
		return nil, 0, err
	}
	return captions.ResizeFlat(low, len(capts), c.Stage1.Height, c.Channels, c.Height), c.Height, nil
}

func (d drawer) Judge(idx []int, capts []string) ([]float64, error) {
	if d.bicubic {
		return nil, nil
	}
	test, err := captions.Open(d.t.Config.Dataset, "test")
	if err != nil {
		return nil, err
	}
	return text2img.Verdicts(d.t, test.Images().ImagesFloat(idx), capts)
}

// Sharpness is the mean over n images (flat, side×side×ch, values in [-1, 1]) of the variance of the discrete
// Laplacian (4-neighbour, interior pixels) of the grey image mapped to [0, 1]: a blur lowers it, noise raises
// it, so it is read against the same figure for real images.
func Sharpness(images []float32, n, side, ch int) float64 {
	size := side * side * ch
	grey := make([]float64, side*side)
	var total float64
	for i := range n {
		img := images[i*size : (i+1)*size]
		for p := range grey {
			var s float64
			for k := range ch {
				s += float64(img[p*ch+k])
			}
			grey[p] = (s/float64(ch) + 1) / 2
		}
		var sum, sq float64
		m := 0
		for y := 1; y < side-1; y++ {
			for x := 1; x < side-1; x++ {
				l := grey[(y-1)*side+x] + grey[(y+1)*side+x] + grey[y*side+x-1] + grey[y*side+x+1] - 4*grey[y*side+x]
				sum += l
				sq += l * l
				m++
			}
		}
		mean := sum / float64(m)
		total += math.Max(0, sq/float64(m)-mean*mean)
	}
	return total / float64(n)
}
