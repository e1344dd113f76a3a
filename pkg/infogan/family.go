// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"image"
	"math/rand/v2"

	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the plug-in reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// ScopeQ is the scope of the Q head, inside D's scope (/discriminator/q) so that D's optimizer trains it with
// the trunk it shares.
const ScopeQ = "q"

// The plug-in. What InfoGAN changes in the GAN's step:
//
//	G reads [z, c], c drawn from the codes' priors;
//	Q reads c back from D's features of G(z, c);
//	L_G += -λ·L_I (G makes the codes readable), L_D += -λ·L_I (Q and the trunk learn to read them).

// Name is "infogan".
func (c *Config) Name() string { return Name }

// Shape: G reads the noise, then the one-hot categorical codes, then the continuous ones.
func (c *Config) Shape() gan.Shape {
	s := c.Config.Shape()
	s.Input = c.LatentDim + c.Info.Dim()
	return s
}

// Generator is the DCGAN generator on [z, c].
func (c *Config) Generator(scope *model.Scope, input *Node) *Node {
	return dcgan.Generator(scope, &c.Config, input)
}

// Discriminator is the DCGAN discriminator, whose features Q reads.
func (c *Config) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	if cond != nil {
		exceptions.Panicf("infogan: D reads no condition, got %s", cond.Shape())
	}
	return dcgan.Discriminator(scope, &c.Config, x, nil)
}

// Batch draws z ~ N(0, I) and the codes from their priors. Its terms are the information terms: Q reads the
// codes back from D's features of the generated batch; G adds -λ·L_I to its loss, D adds Q's version of it (its
// optimizer trains Q's head and the shared trunk). L_I ("info_bound", ≤ H(c)) and H(c) ("info_entropy") are
// reported.
func (c *Config) Batch(scope *model.Scope, data gan.Data) gan.Batch {
	g, dtype, b := data.Images.Graph(), data.Images.DType(), data.Batch()
	z := scope.RandomNormal(g, shapes.Make(dtype, b, c.LatentDim))
	codes := c.Info.Draw(scope, g, dtype, b)
	terms := func(scope *model.Scope, fake gan.Fake) []gan.Term {
		q := c.Info.QHead(scope.At(gan.ScopeDiscriminator).At(ScopeQ), fake.Features)
		terms := c.Info.Objective(q, codes)
		return []gan.Term{
			{Name: "info_bound", Value: terms.LowerBound},
			{Name: "info_entropy", Value: Scalar(g, fake.Images.DType(), c.Info.Entropy())},
			{Value: terms.Loss, G: 1},
			{Value: terms.QLoss, D: 1},
		}
	}
	return gan.Batch{Input: Concatenate([]*Node{z, codes.Vector}, -1), Real: data.Images, Terms: terms}
}

// Latent draws the generator's input for n samples from seed: z ~ N(0, I) (gan.Noise(n, LatentDim, seed)),
// then the codes from their priors; Labels are the first categorical code's values.
func (c *Config) Latent(_ *gan.Config, n int, seed uint64) (gan.Latent, error) {
	z, cats := c.latent(n, seed)
	lat := gan.Latent{Z: z, LabelKind: "codes"}
	if len(cats) > 0 {
		lat.Labels = cats[0]
	}
	return lat, nil
}

// latent returns the inputs and each categorical code's values (one slice per code).
func (c *Config) latent(n int, seed uint64) (z []float32, cats [][]int) {
	noise := tensors.MustCopyFlatData[float32](gan.Noise(n, c.LatentDim, seed))
	rng := rand.New(rand.NewPCG(seed, 0x636f_6465_73)) // "codes"
	cats = make([][]int, len(c.Info.Categorical))
	z = make([]float32, 0, n*c.Shape().Input)
	for i := range n {
		z = append(z, noise[i*c.LatentDim:(i+1)*c.LatentDim]...)
		for j, k := range c.Info.Categorical {
			v := rng.IntN(k)
			cats[j] = append(cats[j], v)
			z = gan.AppendOneHot(z, v, k)
		}
		for range c.Info.Continuous {
			z = append(z, float32(2*rng.Float64()-1))
		}
	}
	return z, cats
}

// FixedLatent is the input of the sample grids a run saves as it trains: 64 draws of Latent for seed, except
// that the first categorical code cycles through its values along each row of 8 (i mod 8 mod K), so that the
// grid shows what the code controls.
func (c *Config) FixedLatent(seed uint64) []float32 {
	z, _ := c.latent(64, seed)
	width := c.Shape().Input
	if len(c.Info.Categorical) > 0 {
		k := c.Info.Categorical[0]
		for i := range 64 {
			row := z[i*width+c.LatentDim : i*width+c.LatentDim+k]
			for j := range row {
				row[j] = 0
			}
			row[i%8%k] = 1
		}
	}
	return z
}

// Grid draws FixedLatent's 64 samples.
func (c *Config) Grid(t *gan.Trainer, seed uint64) (image.Image, error) {
	images, err := t.GenerateFlat(c.FixedLatent(seed), 64)
	if err != nil {
		return nil, err
	}
	return viz.GridFromFlat(images, 64, c.Height, c.Width, c.Channels, 0, 2)
}

// ExportKeepsD: Q, on D's trunk, reads the code of real images, which Evaluate scores.
func (c *Config) ExportKeepsD() bool { return true }
