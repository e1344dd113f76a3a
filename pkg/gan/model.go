// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/cgan"
	"github.com/ganbook/ganbook/pkg/infogan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // model code reads best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/initializer"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Scope names of the two networks: every variable of G lives under /generator, of D under /discriminator, so
// each optimizer updates only its own network.
const (
	ScopeGenerator     = "generator"
	ScopeDiscriminator = "discriminator"
)

// Generator maps noise z [B, LatentDim] to images [B, Height, Width, Channels] in [-1, 1] (tanh output).
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

// Discriminator maps images [B, Height, Width, Channels] to one raw score per image [B]: a logit for the
// sigmoid losses, a critic value for WGAN, a score for LSGAN and hinge.
//
// DCGAN (Radford et al. 2015): stride-2 convolutions instead of pooling, LeakyReLU (slope 0.2), BatchNorm on all
// but the first layer when DiscBatchNorm, then a dense layer to one output.
//
// MLP: dense layers of DiscChannels units with LeakyReLU.
func Discriminator(scope *model.Scope, cfg *Config, x *Node) *Node {
	out, _ := DiscriminatorFeatures(scope, cfg, x, nil)
	return out
}

// DiscriminatorFeatures is Discriminator that also returns the features [B, F] its last dense layer reads: the
// shared trunk that InfoGAN's Q head sits on. A conditional GAN's D (Config.Classes) also reads the labels [B]
// (int32): as extra input channels, or through the projection term added to its output (pkg/cgan).
func DiscriminatorFeatures(scope *model.Scope, cfg *Config, x, labels *Node) (out, features *Node) {
	scope = withInit(scope, cfg)
	batch := x.Shape().Dimensions[0]
	if cfg.Classes > 0 && labels == nil {
		exceptions.Panicf("gan: the discriminator of a conditional GAN needs the labels")
	}
	concat := cfg.Classes > 0 && cfg.Condition == cgan.ConditionConcat
	project := func(out, features *Node) *Node {
		if cfg.Classes > 0 && cfg.Condition == cgan.ConditionProjection {
			out = Add(out, cgan.Projection(scope.In("projection"), features, labels, cfg.Classes))
		}
		return out
	}
	if cfg.Model == ModelMLP {
		h := Reshape(x, batch, -1)
		if concat {
			h = cgan.ConcatChannels(h, labels, cfg.Classes)
		}
		for i, units := range cfg.DiscChannels {
			h = nn.LeakyReLU(dense(scope.In("fc%d", i+1), h, units, true), cfg.LeakySlope)
		}
		return project(Reshape(dense(scope.In("out"), h, 1, true), batch), h), h
	}
	h := x
	if concat {
		h = cgan.ConcatChannels(h, labels, cfg.Classes)
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
	return project(Reshape(dense(scope.In("out"), features, 1, true), batch), features), features
}

// ScopeQ is the scope of InfoGAN's Q head, inside D's scope so that D's optimizer trains it with the trunk.
const ScopeQ = "q"

// qHead is InfoGAN's Q on D's features (pkg/infogan), its variables in /discriminator/q.
func qHead(scope *model.Scope, cfg *Config, features *Node) infogan.QOutput {
	return cfg.Info.QHead(scope.At(ScopeDiscriminator).At(ScopeQ), features)
}

// withInit sets DCGAN's N(0, InitStd) initializer (Radford et al. 2015, section 4) on the network's scope; the MLP
// keeps GoMLX's default (He) initializer.
func withInit(scope *model.Scope, cfg *Config) *model.Scope {
	if cfg.Model == ModelDCGAN {
		return scope.WithInitializer(initializer.RandomNormalFn(scope, cfg.InitStd))
	}
	return scope
}

// dense is a fully connected layer x [B, in] -> [B, units] whose bias starts at zero whatever the initializer.
func dense(scope *model.Scope, x *Node, units int, useBias bool) *Node {
	if x.Rank() != 2 {
		exceptions.Panicf("gan: dense layer needs [batch, features], got %s", x.Shape())
	}
	w := scope.VariableWithShape("weights", shapes.Make(x.DType(), x.Shape().Dimensions[1], units))
	y := MatMul(x, w.NodeValue(x.Graph()))
	if useBias {
		zero := func(g *Graph, s shapes.Shape) *Node { return Zeros(g, s) }
		b := scope.WithInitializer(zero).VariableWithShape("biases", shapes.Make(x.DType(), units))
		y = Add(y, ExpandLeftToRank(b.NodeValue(x.Graph()), 2))
	}
	return y
}
