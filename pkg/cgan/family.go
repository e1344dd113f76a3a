// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import (
	"image"

	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the plug-in reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"
)

// The plug-in. What the condition changes in the GAN's step: G draws an image for a label y drawn uniformly,
// D judges {real image, its label} and {generated image, the label asked for}.

// Name is "cgan".
func (c *Config) Name() string { return Name }

// Shape: G reads the noise, then the one-hot label.
func (c *Config) Shape() gan.Shape {
	s := c.Config.Shape()
	s.Input = c.LatentDim + c.Classes
	return s
}

// Generator is the DCGAN generator on [z, one-hot y].
func (c *Config) Generator(scope *model.Scope, input *Node) *Node {
	return dcgan.Generator(scope, &c.Config, input)
}

// Discriminator is the DCGAN discriminator reading the labels cond [B] (int32): as Classes constant input
// channels (ConditionConcat), or through the projection term ⟨e_y, φ(x)⟩ added to its output
// (ConditionProjection).
func (c *Config) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	if cond == nil {
		exceptions.Panicf("cgan: the discriminator of a conditional GAN needs the labels")
	}
	if c.Condition == ConditionConcat {
		like := x
		if c.Model == dcgan.ModelMLP {
			like = Reshape(x, x.Shape().Dimensions[0], -1)
		}
		return dcgan.Discriminator(scope, &c.Config, x, LabelChannels(like, cond, c.Classes))
	}
	out, features = dcgan.Discriminator(scope, &c.Config, x, nil)
	return Add(out, Projection(scope.In("projection"), features, cond, c.Classes)), features
}

// Batch draws z and the labels G is asked for, uniformly; D judges real images with their labels.
func (c *Config) Batch(scope *model.Scope, data gan.Data) gan.Batch {
	g, b := data.Images.Graph(), data.Batch()
	z := scope.RandomNormal(g, shapes.Make(data.Images.DType(), b, c.LatentDim))
	y := scope.RandomIntN(g, int32(c.Classes), shapes.Make(dtypes.Int32, b))
	return gan.Batch{Input: GeneratorInput(z, y, c.Classes), Real: data.Images, RealCond: data.Labels, FakeCond: y}
}

// Latent is n samples for the classes in turn (0, 1, ..., Classes-1, 0, ...).
func (c *Config) Latent(_ *gan.Config, n int, seed uint64) (gan.Latent, error) {
	return c.LatentLabels(CycleLabels(n, c.Classes), seed)
}

// CycleLabels is n labels taking the values 0..classes-1 in turn.
func CycleLabels(n, classes int) []int {
	labels := make([]int, n)
	for i := range labels {
		labels[i] = i % classes
	}
	return labels
}

// LatentLabels is G's input for the given labels: noise drawn with seed (gan.Noise), each followed by its
// one-hot label.
func (c *Config) LatentLabels(labels []int, seed uint64) (gan.Latent, error) {
	noise := tensors.MustCopyFlatData[float32](gan.Noise(len(labels), c.LatentDim, seed))
	z := make([]float32, 0, len(labels)*c.Shape().Input)
	for i, y := range labels {
		if y < 0 || y >= c.Classes {
			return gan.Latent{}, errors.Errorf("cgan: label %d is not one of the run's %d classes (0 to %d)", y, c.Classes, c.Classes-1)
		}
		z = append(z, noise[i*c.LatentDim:(i+1)*c.LatentDim]...)
		z = gan.AppendOneHot(z, y, c.Classes)
	}
	return gan.Latent{Z: z, Labels: labels, LabelKind: "labels"}, nil
}

// SoftLatent is G's input for noise rows and label vectors of Classes weights each: a one-hot vector asks for
// a class, a mix of two (1-s, s) walks from one class to the other.
func (c *Config) SoftLatent(noise, labels [][]float32) ([]float32, error) {
	if len(noise) != len(labels) {
		return nil, errors.Errorf("cgan: %d noise rows and %d label vectors", len(noise), len(labels))
	}
	z := make([]float32, 0, len(noise)*c.Shape().Input)
	for i := range noise {
		if len(noise[i]) != c.LatentDim || len(labels[i]) != c.Classes {
			return nil, errors.Errorf("cgan: row %d has %d noise numbers and %d label weights, want %d and %d",
				i, len(noise[i]), len(labels[i]), c.LatentDim, c.Classes)
		}
		z = append(append(z, noise[i]...), labels[i]...)
	}
	return z, nil
}

// OneHotLabel is label y among classes as a label vector for SoftLatent.
func OneHotLabel(y, classes int) []float32 { return gan.AppendOneHot(nil, y, classes) }

// SampleLabels generates one image per requested label, from noise drawn with seed (flat [n·H·W·C]).
func SampleLabels(t *gan.Trainer, labels []int, seed uint64) ([]float32, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("cgan: labels need a conditional GAN (a run of `ganbook train cgan`); this one is %s", t.Config.FamilyName())
	}
	lat, err := c.LatentLabels(labels, seed)
	if err != nil {
		return nil, err
	}
	return t.GenerateFlat(lat.Z, len(labels))
}

// Grid is 100 samples, ten per class, the label changing along each row of 10.
func (c *Config) Grid(t *gan.Trainer, seed uint64) (image.Image, error) {
	images, err := SampleLabels(t, CycleLabels(100, c.Classes), seed)
	if err != nil {
		return nil, err
	}
	return viz.GridFromFlat(images, 100, c.Height, c.Width, c.Channels, 0, 2)
}

// ExportKeepsD: chapter 04 shows what D accepts with a wrong label.
func (c *Config) ExportKeepsD() bool { return true }

// Discriminate is D's raw output for n images (flat) under the given labels, in inference mode.
func Discriminate(t *gan.Trainer, images []float32, labels []int) ([]float64, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("cgan: not a conditional GAN run: %s", t.Config.FamilyName())
	}
	for _, y := range labels {
		if y < 0 || y >= c.Classes {
			return nil, errors.Errorf("cgan: label %d is not one of the %d classes", y, c.Classes)
		}
	}
	return t.Discriminate(images, len(labels), func(first, m, batch int) *tensors.Tensor {
		ys := make([]int32, batch)
		for j := range m {
			ys[j] = int32(labels[first+j])
		}
		return tensors.FromValue(ys)
	})
}
