// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"fmt"
	"math"

	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/nn"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the networks read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
)

// ScopeStage1 is where a Stage-II run keeps Stage-I's generator, frozen, inside G's scope.
const ScopeStage1 = "stage1"

// condition is the condition G reads from the text embedding e [B, E]: with CA, c = μ + σ ⊙ eps and the μ and
// log σ of the KL term (Augment, in scope "ca"); without, c = LeakyReLU(W·e) (scope "text_project") and nil.
// The unit embedding is first scaled by √E and the layer starts from He's initialisation, as text2img's
// projection (at DCGAN's N(0, 0.02) the text reaches G at a fiftieth of the noise's strength).
func (c *Config) condition(scope *model.Scope, e, eps *Node) (cond, mu, logSigma *Node) {
	scope = scope.WithInitializer(initializer.HeFn(scope))
	e = MulScalar(e, math.Sqrt(float64(e.Shape().Dimensions[1])))
	if c.CA {
		return Augment(scope, e, eps, c.CondDim)
	}
	return nn.LeakyReLU(dcgan.Dense(scope.In("text_project"), e, c.CondDim, true), 0.2), nil, nil
}

// Stage1Generator is G0(z, c): the DCGAN generator at the stage's side on [z, c], and c's μ and log σ (nil without CA).
func (c *Config) Stage1Generator(scope *model.Scope, z, eps, e *Node) (image, mu, logSigma *Node) {
	scope = scope.WithInitializer(initializer.RandomNormalFn(scope, c.InitStd))
	cond, mu, logSigma := c.condition(scope, e, eps)
	return dcgan.Generator(scope, &c.Config.Config, Concatenate([]*Node{z, cond}, -1)), mu, logSigma
}

// Refiner is G1(X1, c): Stage-I's images x1 [B, s, s, 3] encoded to s/2 × s/2 × Channels (a 3×3 convolution
// and ReLU, a stride-2 4×4 convolution, BatchNorm, ReLU), c (a fresh CA sample from eps) replicated there and
// joined as channels (a 3×3 convolution, BatchNorm, ReLU), ResBlocks residual blocks, and three stride-2
// transposed convolutions (BatchNorm, ReLU) to 4s × 4s, then a 3×3 convolution to RGB and tanh (with Refine.Skip,
// the convolution is added to atanh of x1 upsampled bilinearly before the tanh). It returns the image and c's μ
// and log σ.
func (c *Config) Refiner(scope *model.Scope, x1, eps, e *Node) (image, mu, logSigma *Node) {
	scope = scope.WithInitializer(initializer.RandomNormalFn(scope, c.InitStd))
	cond, mu, logSigma := c.condition(scope, e, eps)
	r := c.Refine
	relu := func(x *Node) *Node { return Max(x, ZerosLike(x)) }
	bn := func(name string, x *Node) *Node {
		return nn.BatchNorm(scope.In("%s", name), x).Momentum(c.BNMomentum).Epsilon(c.BNEpsilon).Done()
	}
	conv := func(name string, x *Node, ch, k, stride int) *Node {
		return nn.Conv2D(scope.In("%s", name), x, ch).Kernel(k).Stride(stride).UseBias(false).Lowering(c.ConvLowering()).Done()
	}
	h := relu(nn.Conv2D(scope.In("encode1"), x1, r.Channels/2).Kernel(3).Lowering(c.ConvLowering()).Done())
	h = relu(bn("bn_encode2", conv("encode2", h, r.Channels, 4, 2)))
	d := h.Shape().Dimensions // [B, s/2, s/2, Channels]
	t := BroadcastToDims(Reshape(cond, d[0], 1, 1, c.CondDim), d[0], d[1], d[2], c.CondDim)
	h = relu(bn("bn_joint", conv("joint", Concatenate([]*Node{h, t}, -1), r.Channels, 3, 1)))
	for i := range r.ResBlocks {
		name := func(s string) string { return fmt.Sprintf("res%d_%s", i+1, s) }
		y := relu(bn(name("bn1"), conv(name("conv1"), h, r.Channels, 3, 1)))
		y = bn(name("bn2"), conv(name("conv2"), y, r.Channels, 3, 1))
		h = relu(Add(h, y))
	}
	for i, ch := range r.UpChannels {
		name := fmt.Sprintf("up%d", i+1)
		h = nn.ConvTranspose2D(scope.In("%s", name), h, ch).Kernel(4).Stride(2).UseBias(false).Lowering(c.ConvLowering()).Done()
		h = relu(bn("bn_"+name, h))
	}
	out := nn.Conv2D(scope.In("to_rgb"), h, c.Channels).Kernel(3).Lowering(c.ConvLowering()).Done()
	if r.Skip {
		out = Add(out, atanh(Interpolate(x1, -1, c.Height, c.Width, -1).Bilinear().Done()))
	}
	return Tanh(out), mu, logSigma
}

// skipBound keeps Atanh finite on Stage-I's tanh outputs: atanh(±0.99) = ±2.65.
const skipBound = 0.99

// atanh is the inverse of tanh on x clipped to ±skipBound, ½·log((1 + x)/(1 − x)).
func atanh(x *Node) *Node {
	x = ClipScalar(x, -skipBound, skipBound)
	return MulScalar(Log(Div(OnePlus(x), OneMinus(x))), 0.5)
}
