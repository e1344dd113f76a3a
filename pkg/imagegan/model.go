// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // model code reads best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Generator maps G's input [B, s, s, 1] (s = cfg.InputSize()) to images [B, 28, 28, 1] in [-1, 1]:
// UNet for pix2pix, SRResNet for srgan. (Their variables live under gan.ScopeGenerator and D's under
// gan.ScopeDiscriminator; SRGAN's content loss reads pkg/eval's classifier from eval.ScopeClassifier, which no
// optimizer sees.)
func Generator(scope *model.Scope, cfg *Config, x *Node) *Node {
	if cfg.Family == FamilySRGAN {
		return SRResNet(scope, cfg, x)
	}
	return UNet(scope, cfg, x)
}

// Discriminator returns D's logits on the image img [B, 28, 28, 1] given G's input cond: PatchDiscriminator's
// [B, 7, 7] patch logits on the pair (cond, img) for pix2pix, SRDiscriminator's one logit per image [B] on img
// alone for srgan (SRGAN's D is not conditioned).
func Discriminator(scope *model.Scope, cfg *Config, cond, img *Node) *Node {
	if cfg.Family == FamilySRGAN {
		return SRDiscriminator(scope, cfg, img)
	}
	return PatchDiscriminator(scope, cfg, cond, img)
}

// UNet is pix2pix's generator (Isola et al. 2017, section 3.2.1 and appendix 6.1.1) sized for 28×28: an
// encoder-decoder whose decoder layer i also reads the encoder's layer n-i through a skip connection
// (concatenated channels), so low-level detail - where the strokes are - shuttles across the bottleneck.
// With [c1, c2, c3] = cfg.GenChannels ([c, 2c, 4c] in the paper):
//
//	e1 = LReLU(conv 4×4/2 (x))                          [B, 14, 14, c1]   (no BatchNorm on the first layer)
//	e2 = LReLU(BN(conv 4×4/2 (e1)))                     [B, 7, 7, c2]
//	b  = ReLU(BN(conv 3×3/1 (e2)))                      [B, 7, 7, c3]    bottleneck
//	d1 = Dropout(ReLU(BN(convT 4×4/2 ([b, e2]))))       [B, 14, 14, c1]
//	y  = tanh(convT 4×4/2 ([d1, e1]))                   [B, 28, 28, 1]
//
// Encoder LeakyReLU slope 0.2, decoder ReLU, N(0, 0.02) weights, as in the paper; dropout (cfg.Dropout) only
// while training.
func UNet(scope *model.Scope, cfg *Config, x *Node) *Node {
	checkImage("UNet", x, ImageSize)
	scope = withInit(scope, cfg)
	w := cfg.genWidths()
	conv := func(name string, x *Node, ch, k, stride int, bias bool) *Node {
		return nn.Conv2D(scope.In("%s", name), x, ch).Kernel(k).Stride(stride).UseBias(bias).Lowering(cfg.convLowering()).Done()
	}
	deconv := func(name string, x *Node, ch int, bias bool) *Node {
		return nn.ConvTranspose2D(scope.In("%s", name), x, ch).Kernel(4).Stride(2).UseBias(bias).Lowering(cfg.convLowering()).Done()
	}
	bn := func(name string, x *Node) *Node { return batchNorm(scope.In("%s", name), cfg, x) }
	lrelu := func(x *Node) *Node { return nn.LeakyReLU(x, cfg.LeakySlope) }

	e1 := lrelu(conv("enc1", x, w[0], 4, 2, true))                                       // [B, 14, 14, c1]
	e2 := lrelu(bn("enc2_bn", conv("enc2", e1, w[1], 4, 2, false)))                      // [B, 7, 7, c2]
	b := activation.Relu(bn("bottleneck_bn", conv("bottleneck", e2, w[2], 3, 1, false))) // [B, 7, 7, c3]
	d1 := deconv("dec1", Concatenate([]*Node{b, e2}, -1), w[0], false)                   // [B, 14, 14, c1]
	d1 = activation.Relu(bn("dec1_bn", d1))
	d1 = layers.DropoutStatic(scope, d1, cfg.Dropout)
	return Tanh(deconv("dec2", Concatenate([]*Node{d1, e1}, -1), Channels, true)) // [B, 28, 28, 1]
}

// PatchDiscriminator is pix2pix's PatchGAN (Isola et al. 2017, section 3.2.2): a fully convolutional D on the
// pair (cond, img) concatenated along the channels, whose output is a grid of logits, each judging whether one
// patch of the pair is real. With [c1, c2] = cfg.DiscChannels:
//
//	h = LReLU(conv 4×4/2 ([cond, img]))    [B, 14, 14, c1]
//	h = LReLU(BN(conv 4×4/2 (h)))          [B, 7, 7, c2]
//	l = conv 3×3/1 (h)                     [B, 7, 7]
//
// Each logit sees an 18×18 patch (receptive field 4, then 4 + 3·2 = 10, then 10 + 2·4 = 18): 64% of the image's
// side, against 27% for the paper's 70×70 patches of 256×256 images, because a digit has little texture to judge
// locally. pkg/gan's losses average over the grid.
func PatchDiscriminator(scope *model.Scope, cfg *Config, cond, img *Node) *Node {
	checkImage("PatchDiscriminator", img, ImageSize)
	checkImage("PatchDiscriminator", cond, ImageSize)
	scope = withInit(scope, cfg)
	w, batch := cfg.discWidths(), img.Shape().Dimensions[0]
	h := Concatenate([]*Node{cond, img}, -1) // [B, 28, 28, 2]
	h = nn.LeakyReLU(nn.Conv2D(scope.In("conv1"), h, w[0]).Kernel(4).Stride(2).Lowering(cfg.convLowering()).Done(), cfg.LeakySlope)
	h = nn.Conv2D(scope.In("conv2"), h, w[1]).Kernel(4).Stride(2).UseBias(false).Lowering(cfg.convLowering()).Done()
	h = nn.LeakyReLU(batchNorm(scope.In("bn2"), cfg, h), cfg.LeakySlope)
	h = nn.Conv2D(scope.In("logits"), h, 1).Kernel(3).Lowering(cfg.convLowering()).Done() // [B, 7, 7, 1]
	d := h.Shape().Dimensions
	return Reshape(h, batch, d[1], d[2])
}

// SRResNet is SRGAN's generator (Ledig et al. 2017, section 2.2 and Figure 4), on a low-resolution input
// [B, 28/Scale, 28/Scale, 1]. With [c] = cfg.GenChannels:
//
//	h0 = PReLU(conv 3×3 (x))                                   [B, s, s, c]
//	h  = h + BN(conv(PReLU(BN(conv(h)))))   × ResBlocks        residual blocks
//	h  = h0 + BN(conv(h))                                      the long skip connection
//	h  = PReLU(PixelShuffle(conv(h) to 4c))  × log2(Scale)     sub-pixel upsampling by 2 (Shi et al. 2016)
//	y  = tanh(conv 3×3 (h))                                    [B, 28, 28, 1]
//
// The paper's first and last convolutions are 9×9 and it stacks 16 blocks; on 7×7 and 14×14 inputs 3×3 kernels
// and cfg.ResBlocks (4) blocks suffice. The tanh output matches the targets' [-1, 1].
func SRResNet(scope *model.Scope, cfg *Config, x *Node) *Node {
	checkImage("SRResNet", x, cfg.InputSize())
	scope = withInit(scope, cfg)
	c := cfg.genWidths()[0]
	conv := func(s *model.Scope, x *Node, ch int, bias bool) *Node {
		return nn.Conv2D(s, x, ch).Kernel(3).UseBias(bias).Lowering(cfg.convLowering()).Done()
	}
	h0 := PReLU(scope.In("in_prelu"), conv(scope.In("in"), x, c, true)) // [B, s, s, c]
	h := h0
	for i := range cfg.ResBlocks {
		s := scope.In("res%d", i+1)
		r := PReLU(s.In("prelu"), batchNorm(s.In("bn1"), cfg, conv(s.In("conv1"), h, c, false)))
		r = batchNorm(s.In("bn2"), cfg, conv(s.In("conv2"), r, c, false))
		h = Add(h, r)
	}
	h = Add(h0, batchNorm(scope.In("post_bn"), cfg, conv(scope.In("post"), h, c, false)))
	for i, f := 0, 1; f < cfg.Scale; i, f = i+1, f*2 {
		s := scope.In("up%d", i+1)
		h = PReLU(s.In("prelu"), PixelShuffle(conv(s.In("conv"), h, 4*c, true), 2)) // [B, 2·side, 2·side, c]
	}
	return Tanh(conv(scope.In("out"), h, Channels, true)) // [B, 28, 28, 1]
}

// SRDiscriminator is SRGAN's discriminator (Ledig et al. 2017, Figure 4) shortened for 28×28 images: 3×3
// convolutions with BatchNorm (not on the first) and LeakyReLU 0.2, then the paper's two dense layers (written
// as a 7×7 VALID and a 1×1 convolution). With [c1, c2, c3] = cfg.DiscChannels ([c, 2c, 2c]):
//
//	c1 (stride 2) → c2 (stride 1) → c3 (stride 2)   [B, 7, 7, c3]
//	dense 4·c3, LReLU, dense 1                       [B]
//
// The paper starts with a stride-1 layer at full resolution and goes on to 512 channels and a dense layer of 1024
// on 96×96 images; at 28×28 the full-resolution layer cost as much as the rest of the step on the pure-Go
// backend and is left out.
func SRDiscriminator(scope *model.Scope, cfg *Config, img *Node) *Node {
	checkImage("SRDiscriminator", img, ImageSize)
	scope = withInit(scope, cfg)
	w, batch := cfg.discWidths(), img.Shape().Dimensions[0]
	h := img
	for i, layer := range []struct{ ch, stride int }{{w[0], 2}, {w[1], 1}, {w[2], 2}} {
		useBN := i > 0
		h = nn.Conv2D(scope.In("conv%d", i+1), h, layer.ch).Kernel(3).Stride(layer.stride).UseBias(!useBN).
			Lowering(cfg.convLowering()).Done()
		if useBN {
			h = batchNorm(scope.In("bn%d", i+1), cfg, h)
		}
		h = nn.LeakyReLU(h, cfg.LeakySlope)
	}
	side := h.Shape().Dimensions[1]                                                                          // 7
	h = nn.Conv2D(scope.In("dense1"), h, 4*w[2]).Kernel(side).PadValid().Lowering(cfg.convLowering()).Done() // [B, 1, 1, 8c]
	h = nn.LeakyReLU(h, cfg.LeakySlope)
	h = nn.Conv2D(scope.In("dense2"), h, 1).Kernel(1).Lowering(cfg.convLowering()).Done() // [B, 1, 1, 1]
	return Reshape(h, batch)
}

// PReLU is the parametric ReLU of He et al. 2015 that SRGAN's generator uses: max(x, 0) + a·min(x, 0) with a
// learned slope a per channel (the last axis), starting at 0.25 (the paper's and PyTorch's initial value).
// Its variable is scope/alpha.
func PReLU(scope *model.Scope, x *Node) *Node {
	ch := x.Shape().Dimensions[x.Rank()-1]
	quarter := func(g *Graph, s shapes.Shape) *Node { return MulScalar(Ones(g, s), 0.25) }
	alpha := scope.WithInitializer(quarter).VariableWithShape("alpha", shapes.Make(x.DType(), ch)).NodeValue(x.Graph())
	zero := ZerosLike(x)
	return Add(Max(x, zero), Mul(ExpandLeftToRank(alpha, x.Rank()), Min(x, zero)))
}

// PixelShuffle rearranges the channels of x [B, H, W, r·r·C] into an r times larger image [B, r·H, r·W, C]
// (depth-to-space; the sub-pixel convolution of Shi et al. 2016, arXiv 1609.05158): output pixel (r·y + i,
// r·x + j) channel k is input pixel (y, x) channel (i·r + j)·C + k, TensorFlow's depth_to_space order.
func PixelShuffle(x *Node, r int) *Node {
	d := x.Shape().Dimensions
	if x.Rank() != 4 || d[3]%(r*r) != 0 {
		exceptions.Panicf("imagegan: PixelShuffle by %d needs [B, H, W, C] with C a multiple of %d, got %s", r, r*r, x.Shape())
	}
	b, h, w, c := d[0], d[1], d[2], d[3]/(r*r)
	y := Reshape(x, b, h, w, r, r, c)         // [B, H, W, i, j, C]
	y = TransposeAllAxes(y, 0, 1, 3, 2, 4, 5) // [B, H, i, W, j, C]
	return Reshape(y, b, h*r, w*r, c)
}

// batchNorm is pkg/nn's BatchNorm with the config's momentum and ε.
func batchNorm(scope *model.Scope, cfg *Config, x *Node) *Node {
	return nn.BatchNorm(scope, x).Momentum(cfg.BNMomentum).Epsilon(cfg.BNEpsilon).Done()
}

// withInit sets the N(0, InitStd) initializer of both papers (Isola et al. 2017, section 6.2) on a network's
// scope; pkg/nn starts biases at zero whatever the initializer.
func withInit(scope *model.Scope, cfg *Config) *model.Scope {
	return scope.WithInitializer(initializer.RandomNormalFn(scope, cfg.InitStd))
}

// checkImage panics unless x is [B, side, side, 1].
func checkImage(what string, x *Node, side int) {
	if d := x.Shape().Dimensions; x.Rank() != 4 || d[1] != side || d[2] != side || d[3] != Channels {
		exceptions.Panicf("imagegan: %s needs images [B, %d, %d, %d], got %s", what, side, side, Channels, x.Shape())
	}
}
