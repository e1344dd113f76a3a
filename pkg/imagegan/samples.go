// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"flag"
	"image"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/pkg/errors"
)

// SampleCount is the number of input | output | target triplets in a run's sample grids.
const SampleCount = 16

// EvalSeed seeds the corruptions of the test images that Evaluate and the sample grids use (with each test
// image's index as its key), so that every run is scored on the same inputs.
const EvalSeed = 1

// TestInputs returns the true images of set at indices (flat, [-1, 1]) and G's inputs made from them
// (MakeInputs with the indices as keys and EvalSeed).
func (c *Config) TestInputs(set *data.Set, indices []int) (inputs, targets []float32) {
	targets = set.ImagesFloat(indices)
	keys := make([]uint64, len(indices))
	for i, idx := range indices {
		keys[i] = uint64(idx)
	}
	return c.MakeInputs(targets, len(indices), keys, EvalSeed), targets
}

// family is the run's pix2pix or SRGAN settings.
func family(t *gan.Trainer) (*Config, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("imagegan: not a pix2pix or srgan run: %s", t.Config.FamilyName())
	}
	return c, nil
}

// Triplets returns, for each image of set at indices, G's input (enlarged to 28×28 by repeating pixels for
// srgan), G's output and the true image: 3·len(indices) images of 28×28, flat, in that order.
func Triplets(t *gan.Trainer, set *data.Set, indices []int) ([]float32, error) {
	c, err := family(t)
	if err != nil {
		return nil, err
	}
	if len(indices) == 0 {
		return nil, errors.New("imagegan: Triplets needs at least one image")
	}
	inputs, targets := c.TestInputs(set, indices)
	outputs, err := t.GenerateFlat(inputs, len(indices))
	if err != nil {
		return nil, err
	}
	const size = ImageSize * ImageSize
	s := c.InputSize()
	var flat []float32
	for i := range indices {
		flat = append(flat, UpsampleNearest(inputs[i*s*s:(i+1)*s*s], s, s, ImageSize/s)...)
		flat = append(flat, outputs[i*size:(i+1)*size]...)
		flat = append(flat, targets[i*size:(i+1)*size]...)
	}
	return flat, nil
}

// TripletsPerRow is the number of input | output | target triplets in each row of a triplet grid.
const TripletsPerRow = 4

// TripletGrid draws Triplets as a PNG-ready picture: TripletsPerRow triplets per row, each column labelled.
func TripletGrid(t *gan.Trainer, set *data.Set, indices []int) (image.Image, error) {
	flat, err := Triplets(t, set, indices)
	if err != nil {
		return nil, err
	}
	n := len(indices)
	perRow := min(TripletsPerRow, n)
	rows := (n + perRow - 1) / perRow
	// Pad the last row with blank (black) cells so the grid is rows×cols.
	flat = append(flat, make([]float32, (rows*perRow-n)*3*ImageSize*ImageSize)...)
	for i := n * 3 * ImageSize * ImageSize; i < len(flat); i++ {
		flat[i] = -1
	}
	var labels []string
	for range perRow {
		labels = append(labels, "input", "output", "target")
	}
	images := tensors.FromFlatDataAndDimensions(flat, rows*perRow*3, ImageSize, ImageSize, Channels)
	return viz.TraversalGrid(images, rows, perRow*3, nil, labels, viz.GridOptions{Pad: 2, Scale: 2})
}

// TripletGridOfTest is TripletGrid of the first n images of the run's test split: `ganbook sample`'s picture.
func TripletGridOfTest(t *gan.Trainer, n int) (image.Image, error) {
	c, err := family(t)
	if err != nil {
		return nil, err
	}
	test, err := c.testSet(t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	return TripletGrid(t, test, firstN(min(n, test.N)))
}

// BindSampleFlags adds nothing; the drawing is G's outputs for the first n test images and, as a picture, the
// input | output | target triplets.
func (c *Config) BindSampleFlags(*flag.FlagSet) gan.Draw {
	return func(t *gan.Trainer, n int, seed uint64) (gan.Drawing, bool, error) {
		images, lat, err := t.Sample(n, seed)
		if err != nil {
			return gan.Drawing{}, false, err
		}
		img, err := TripletGridOfTest(t, n)
		return gan.Drawing{Images: images, N: n, Shape: c.Shape(), Latent: lat, Picture: img}, true, err
	}
}
