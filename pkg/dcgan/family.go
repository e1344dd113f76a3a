// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the plug-in reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

func init() {
	for _, m := range []string{ModelMLP, ModelDCGAN} {
		gan.RegisterFamily(m, func() gan.Config { return DefaultConfig(m) }, func() gan.Family { return &Config{Model: m} })
	}
}

// The plug-in: an unconditional GAN is the core's game as it is. G reads z ~ N(0, I), D judges images alone,
// there are no terms of its own.

// Name is the model's name: "gan" (the MLP) or "dcgan".
func (c *Config) Name() string { return c.Model }

// Validate checks the networks.
func (c *Config) Validate(*gan.Config) error { return c.ValidateNetworks() }

// String describes the networks in a few words.
func (c *Config) String() string {
	return fmt.Sprintf("%s (%dx%dx%d, z %d)", c.Model, c.Height, c.Width, c.Channels, c.LatentDim)
}

// Shape: G reads z, and makes Height×Width×Channels images.
func (c *Config) Shape() gan.Shape {
	return gan.Shape{Input: c.LatentDim, Height: c.Height, Width: c.Width, Channels: c.Channels}
}

// Generator is the package's Generator.
func (c *Config) Generator(scope *model.Scope, z *Node) *Node { return Generator(scope, c, z) }

// Discriminator is the package's Discriminator; an unconditional D reads no condition.
func (c *Config) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	if cond != nil {
		exceptions.Panicf("dcgan: an unconditional discriminator got a condition %s", cond.Shape())
	}
	return Discriminator(scope, c, x, nil)
}

// Batch draws z ~ N(0, I) for the batch; D judges the real images as they are.
func (c *Config) Batch(scope *model.Scope, data gan.Data) gan.Batch {
	z := scope.RandomNormal(data.Images.Graph(), shapes.Make(data.Images.DType(), data.Batch(), c.LatentDim))
	return gan.Batch{Input: z, Real: data.Images}
}

// Latent is z ~ N(0, I) for n samples: gan.Noise(n, LatentDim, seed).
func (c *Config) Latent(_ *gan.Config, n int, seed uint64) (gan.Latent, error) {
	return gan.Latent{Z: tensors.MustCopyFlatData[float32](gan.Noise(n, c.LatentDim, seed))}, nil
}
