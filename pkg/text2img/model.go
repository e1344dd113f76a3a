// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"math"

	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/compute/dtypes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the networks read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// ScopeEncoder is where the frozen text encoder lives, inside G's scope: an export keeps it with G, and it is
// not trainable, so neither optimizer nor G's weight average touches it.
const ScopeEncoder = "text_encoder"

// EncoderPath is the encoder's scope in the store.
const EncoderPath = "/" + gan.ScopeGenerator + "/" + ScopeEncoder

// ScopeImageEncoder is where the encoder run's image encoder lives when the matching term (Config.Match) is on:
// inside G's scope and frozen, like the text encoder.
const ScopeImageEncoder = "image_encoder"

// ImageEncoderPath is the image encoder's scope in the store.
const ImageEncoderPath = "/" + gan.ScopeGenerator + "/" + ScopeImageEncoder

// MatchMargin is the matching term's hinge margin: the encoder's own (textenc.DefaultConfig).
const MatchMargin = 0.2

// MatchTerm is the text-matching term (Config.Match) of G's images [B, H, W, C] drawn for captions whose
// embeddings are right [B, Embed], mismatch [B, B] saying which captions do not describe which images: DS-SJE's
// hinge of the frozen image encoder's embeddings against the captions'. Images of another side than the encoder's
// are resized first: down by the mean of k×k blocks (as captions.Resize's area average), up bilinearly.
func (c *Config) MatchTerm(store *model.Store, images, right, mismatch *Node) gan.Term {
	v := textenc.Image(store.Scope(ImageEncoderPath), &c.Encoder, resizeTo(images, c.Encoder.Height, c.Encoder.Width))
	return gan.Term{Name: "text_match", Value: textenc.SJELoss(v, right, mismatch, MatchMargin), G: c.Match}
}

// matchSizes reports whether the image encoder n can read h×w×ch images through resizeTo.
func matchSizes(h, w, ch int, n *textenc.Networks) bool {
	fits := func(side, enc int) bool { return side <= enc || side%enc == 0 }
	return ch == n.Channels && fits(h, n.Height) && fits(w, n.Width) && (h <= n.Height) == (w <= n.Width)
}

// resizeTo is images [B, H, W, C] at h×w: the mean of each (H/h)×(W/w) block when larger, bilinear when smaller.
func resizeTo(images *Node, h, w int) *Node {
	d := images.Shape().Dimensions
	switch {
	case d[1] == h && d[2] == w:
		return images
	case d[1] > h:
		return ReduceMean(Reshape(images, d[0], h, d[1]/h, w, d[2]/w, d[3]), 2, 4)
	default:
		return Interpolate(images, d[0], h, w, d[3]).Bilinear().Done()
	}
}

// Embed is the frozen encoder's φ(t) [B, Embed] of caption codes [B, MaxLen] (int32), with no gradient.
func (c *Config) Embed(store *model.Store, codes *Node) *Node {
	return StopGradient(textenc.Text(store.Scope(EncoderPath), &c.Encoder, codes))
}

// ProjectText is Reed et al.'s compression of φ(t): a dense layer to Project numbers and LeakyReLU (0.2). The
// encoder's unit vector is first scaled by √Embed, so that its components, like z's, are of the order of 1, and
// the layer starts from He's initialisation rather than DCGAN's N(0, 0.02): at DCGAN's scale the text reaches G
// at a fiftieth of the noise's strength, and G learned the colours but drew one digit shape for every caption.
func (c *Config) ProjectText(scope *model.Scope, e *Node) *Node {
	scope = scope.In("text_project").WithInitializer(initializer.HeFn(scope))
	e = MulScalar(e, math.Sqrt(float64(e.Shape().Dimensions[1])))
	return nn.LeakyReLU(dcgan.Dense(scope, e, c.Project, true), c.LeakySlope)
}

// Generate is G on noise z [B, Z] and text embeddings e [B, Embed]: the DCGAN generator on [z, project(e)].
func (c *Config) Generate(scope *model.Scope, z, e *Node) *Node {
	scope = scope.WithInitializer(initializer.RandomNormalFn(scope, c.InitStd))
	return dcgan.Generator(scope, &c.Config, Concatenate([]*Node{z, c.ProjectText(scope, e)}, -1))
}

// splitInput is G's flat input [B, Z+MaxLen] as the noise and the caption's codes.
func (c *Config) splitInput(input *Node) (z, codes *Node) {
	z = Slice(input, AxisRange(), AxisRange(0, c.LatentDim))
	codes = ConvertDType(Round(Slice(input, AxisRange(), AxisRangeToEnd(c.LatentDim))), dtypes.Int32)
	return z, codes
}

// DiscriminateText is D on images x [B, H, W, C] and text embeddings e [B, Embed]: stride-2 convolutions down to
// a 4×4 map (BatchNorm on all but the first, LeakyReLU), the projected text replicated over the map and joined
// as channels, a 1×1 convolution (BatchNorm, LeakyReLU) and a dense layer to one raw score. The features are
// the flattened joint map.
func (c *Config) DiscriminateText(scope *model.Scope, x, e *Node) (out, features *Node) {
	scope = scope.WithInitializer(initializer.RandomNormalFn(scope, c.InitStd))
	h := x
	for i, ch := range c.DiscChannels {
		useBN := c.DiscBatchNorm && i > 0
		h = nn.Conv2D(scope.In("conv%d", i+1), h, ch).Kernel(c.Kernel).Stride(2).UseBias(!useBN).Lowering(c.ConvLowering()).Done()
		if useBN {
			h = nn.BatchNorm(scope.In("bn%d", i+1), h).Momentum(c.BNMomentum).Epsilon(c.BNEpsilon).Done()
		}
		h = nn.LeakyReLU(h, c.LeakySlope)
	}
	d := h.Shape().Dimensions    // [B, h, w, C]
	t := c.ProjectText(scope, e) // [B, Project]
	t = BroadcastToDims(Reshape(t, d[0], 1, 1, c.Project), d[0], d[1], d[2], c.Project)
	h = Concatenate([]*Node{h, t}, -1)
	last := c.DiscChannels[len(c.DiscChannels)-1]
	h = nn.Conv2D(scope.In("joint"), h, last).Kernel(1).Stride(1).UseBias(!c.DiscBatchNorm).Lowering(c.ConvLowering()).Done()
	if c.DiscBatchNorm {
		h = nn.BatchNorm(scope.In("bn_joint"), h).Momentum(c.BNMomentum).Epsilon(c.BNEpsilon).Done()
	}
	features = Reshape(nn.LeakyReLU(h, c.LeakySlope), d[0], -1)
	return Reshape(dcgan.Dense(scope.In("out"), features, 1, true), d[0]), features
}
