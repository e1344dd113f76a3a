// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // model code reads best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Generator maps G's input z [B, in] (the noise, and a family's codes or labels after it) to images
// [B, Height, Width, Channels] in [-1, 1] (tanh output).
//
// DCGAN (Radford et al. 2015, section 3): a dense projection of z reshaped to [H0, W0, GenChannels[0]], then
// transposed convolutions ("fractionally-strided") instead of upsampling layers, BatchNorm and ReLU (or
// LeakyReLU) after every layer but the output, no pooling, no fully connected hidden layers.
//
// MLP (Goodfellow et al. 2014; PyTorch-GAN's gan.py): dense layers of GenChannels units with LeakyReLU, with
// BatchNorm after all but the first.
func Generator(scope *model.Scope, cfg *Config, z *Node) *Node {
	scope = withInit(scope, cfg)
	batch := z.Shape().Dimensions[0]
	act := func(x *Node) *Node {
		if cfg.GenLeaky || cfg.Model == ModelMLP {
			return nn.LeakyReLU(x, cfg.LeakySlope)
		}
		return Max(x, ZerosLike(x))
	}
	bn := func(i int, x *Node) *Node {
		name := fmt.Sprintf("bn%d", i)
		if i < 0 {
			name = "bn_hidden"
		}
		return nn.BatchNorm(scope.In("%s", name), x).Momentum(cfg.BNMomentum).Epsilon(cfg.BNEpsilon).Done()
	}
	if cfg.Model == ModelMLP {
		x := z
		for i, units := range cfg.GenChannels {
			x = dense(scope.In("fc%d", i+1), x, units, true)
			if i > 0 {
				x = bn(i+1, x)
			}
			x = act(x)
		}
		x = dense(scope.In("out"), x, cfg.Height*cfg.Width*cfg.Channels, true)
		return Reshape(Tanh(x), batch, cfg.Height, cfg.Width, cfg.Channels)
	}
	up := 1
	for _, s := range cfg.GenStrides {
		up *= s
	}
	h0, w0, c0 := cfg.Height/up, cfg.Width/up, cfg.GenChannels[0]
	if cfg.GenHidden > 0 {
		z = act(bn(-1, dense(scope.In("hidden"), z, cfg.GenHidden, false))) // InfoGAN's FC 1024, BN, ReLU
	}
	x := dense(scope.In("project"), z, h0*w0*c0, false) // no bias: BatchNorm's offset replaces it
	x = act(bn(0, Reshape(x, batch, h0, w0, c0)))       // [B, H0, W0, C0]
	for i, stride := range cfg.GenStrides {
		last := i == len(cfg.GenStrides)-1
		out := cfg.Channels
		if !last {
			out = cfg.GenChannels[i+1]
		}
		x = nn.ConvTranspose2D(scope.In("deconv%d", i+1), x, out).Kernel(cfg.Kernel).Stride(stride).UseBias(last).
			Lowering(cfg.ConvLowering()).Done()
		if last {
			return Tanh(x) // [B, H, W, C]
		}
		x = act(bn(i+1, x))
	}
	panic("unreachable")
}

// Discriminator maps images [B, Height, Width, Channels] to one raw score per image [B] (a logit for the sigmoid
// losses, a critic value for WGAN, a score for LSGAN and hinge), and returns the features [B, F] its last dense
// layer reads: the shared trunk that InfoGAN's Q head sits on, and the φ(x) of a projection discriminator.
//
// DCGAN (Radford et al. 2015): stride-2 convolutions instead of pooling, LeakyReLU (slope 0.2), BatchNorm on all
// but the first layer when DiscBatchNorm, then a dense layer to one output. MLP: dense layers of DiscChannels
// units with LeakyReLU.
//
// extra, when not nil, is joined to D's input: [B, H, W, K] as K more input channels (a conditional GAN's
// one-hot label maps), or [B, K] to the flattened image of the MLP.
func Discriminator(scope *model.Scope, cfg *Config, x, extra *Node) (out, features *Node) {
	scope = withInit(scope, cfg)
	batch := x.Shape().Dimensions[0]
	if cfg.Model == ModelMLP {
		h := Reshape(x, batch, -1)
		if extra != nil {
			h = Concatenate([]*Node{h, Reshape(extra, batch, -1)}, -1)
		}
		for i, units := range cfg.DiscChannels {
			h = nn.LeakyReLU(dense(scope.In("fc%d", i+1), h, units, true), cfg.LeakySlope)
		}
		return Reshape(dense(scope.In("out"), h, 1, true), batch), h
	}
	h := x
	if extra != nil {
		h = Concatenate([]*Node{h, extra}, -1)
	}
	for i, channels := range cfg.DiscChannels {
		useBN := cfg.DiscBatchNorm && i > 0
		h = nn.Conv2D(scope.In("conv%d", i+1), h, channels).Kernel(cfg.Kernel).Stride(2).UseBias(!useBN).
			Lowering(cfg.ConvLowering()).Done()
		if useBN {
			h = nn.BatchNorm(scope.In("bn%d", i+1), h).Momentum(cfg.BNMomentum).Epsilon(cfg.BNEpsilon).Done()
		}
		h = nn.LeakyReLU(h, cfg.LeakySlope)
		if cfg.DiscDropout > 0 {
			h = layers.DropoutStatic(scope, h, cfg.DiscDropout)
		}
	}
	features = Reshape(h, batch, -1)
	if cfg.DiscHidden > 0 { // InfoGAN's FC 1024 (BatchNorm), LeakyReLU: the features Q shares
		features = dense(scope.In("hidden"), features, cfg.DiscHidden, !cfg.DiscBatchNorm)
		if cfg.DiscBatchNorm {
			features = nn.BatchNorm(scope.In("bn_hidden"), features).Momentum(cfg.BNMomentum).Epsilon(cfg.BNEpsilon).Done()
		}
		features = nn.LeakyReLU(features, cfg.LeakySlope)
	}
	return Reshape(dense(scope.In("out"), features, 1, true), batch), features
}

// withInit sets DCGAN's N(0, InitStd) initializer (Radford et al. 2015, section 4) on the network's scope; the MLP
// keeps GoMLX's default (He) initializer.
func withInit(scope *model.Scope, cfg *Config) *model.Scope {
	if cfg.Model == ModelDCGAN {
		return scope.WithInitializer(initializer.RandomNormalFn(scope, cfg.InitStd))
	}
	return scope
}

// Dense is a fully connected layer x [B, in] -> [B, units] whose bias starts at zero whatever the initializer,
// its variables scope/weights and scope/biases; its weights are spectrally normalized where the scope asks for it
// (nn.ParamSpectralNorm, set on D's scope by the core).
func Dense(scope *model.Scope, x *Node, units int, useBias bool) *Node {
	return dense(scope, x, units, useBias)
}

func dense(scope *model.Scope, x *Node, units int, useBias bool) *Node {
	if x.Rank() != 2 {
		exceptions.Panicf("dcgan: dense layer needs [batch, features], got %s", x.Shape())
	}
	w := nn.Weight(scope, x.Graph(), "weights", shapes.Make(x.DType(), x.Shape().Dimensions[1], units))
	y := MatMul(x, w)
	if useBias {
		zero := func(g *Graph, s shapes.Shape) *Node { return Zeros(g, s) }
		b := scope.WithInitializer(zero).VariableWithShape("biases", shapes.Make(x.DType(), units))
		y = Add(y, ExpandLeftToRank(b.NodeValue(x.Graph()), 2))
	}
	return y
}
