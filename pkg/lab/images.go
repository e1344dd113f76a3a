// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"image"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// loadSet reads a dataset's training split (data.Load); the tests replace it with a small synthetic set.
var loadSet = func(name string) (*data.Set, error) { return data.Load(name, "train") }

// gridSamples is the number of samples in an image Lab's grid, drawn from the same noise at every frame.
const gridSamples = 64

// newImageTrainer builds the core's Trainer of a fully connected GAN (pkg/dcgan's ModelMLP, the GAN of
// Goodfellow et al. 2014 with PyTorch-GAN's BatchNorm in G) of the settings' widths on set, sampling its last
// weights (no weight average: the grid shows what training does now).
func newImageTrainer(b compute.Backend, s Settings, set *data.Set) (*gan.Trainer, error) {
	net := dcgan.Networks(dcgan.ModelMLP)
	net.Height, net.Width, net.Channels = set.Height, set.Width, set.Channels
	net.LatentDim, net.GenChannels, net.DiscChannels = s.NoiseDim, s.GenHidden, s.DiscHidden
	cfg := gan.CoreDefaults(&net)
	cfg.Dataset, cfg.Loss, cfg.StepOrder, cfg.Seed, cfg.GenEMA = s.Data, s.Loss, s.StepOrder, s.Seed, 0
	cfg.BatchSize, cfg.LearningRateG, cfg.LearningRateD, cfg.DSteps = s.BatchSize, s.LearningRateG, s.LearningRateD, s.DSteps
	if s.Loss == gan.LossWGANGP {
		cfg.Beta2 = 0.9 // Gulrajani et al. 2017, algorithm 1
	}
	tr, err := gan.NewTrainer(b, cfg, set)
	if err != nil {
		return nil, errors.WithMessage(err, "lab")
	}
	return tr, nil
}

// sampleGrid draws the grid of gridSamples samples of the fixed noise of seed.
func sampleGrid(tr *gan.Trainer, seed uint64) (image.Image, error) {
	flat, _, err := tr.Sample(gridSamples, seed)
	if err != nil {
		return nil, errors.WithMessage(err, "lab: sampling the grid")
	}
	sh := tr.Config.Family.Shape()
	return viz.GridFromFlat(flat, gridSamples, sh.Height, sh.Width, sh.Channels, 8, 2)
}
