// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/pkg/errors"
)

// Model names: the two families this package is.
const (
	ModelMLP   = "gan"   // the fully connected GAN of Goodfellow et al. 2014
	ModelDCGAN = "dcgan" // the deep convolutional GAN of Radford et al. 2015
)

// Config is the networks of an MLP GAN or a DCGAN, stored in config.json beside the core's settings. InfoGAN
// and the conditional GAN (pkg/infogan, pkg/cgan) use the same networks and embed it.
type Config struct {
	Model string `json:"model"` // ModelMLP or ModelDCGAN

	Height   int `json:"height"`   // image size: 28x28x1 for MNIST; the DCGAN blocks also serve 32x32x3, 64x64x3
	Width    int `json:"width"`    //
	Channels int `json:"channels"` //

	LatentDim int `json:"latent_dim"` // size of z ~ N(0, I): 100 (Radford et al. 2015)

	// Architecture (DCGAN): the generator maps its input with a dense layer to [H0, W0, GenChannels[0]], then
	// one transposed convolution per GenStrides entry, through GenChannels[1:] to the image's channels, where
	// H0 = Height / Π GenStrides. The discriminator applies one stride-2 convolution per DiscChannels entry,
	// then a dense layer to one logit. The MLP GAN uses GenChannels/DiscChannels as hidden layer widths.
	GenHidden     int     `json:"gen_hidden,omitempty"`  // DCGAN: a dense layer of this many units (BatchNorm, ReLU) before G's projection; 0 = none (InfoGAN's MNIST G: 1024)
	DiscHidden    int     `json:"disc_hidden,omitempty"` // DCGAN: a dense layer of this many units (BatchNorm when DiscBatchNorm, LeakyReLU) after D's convolutions, its features; 0 = none (InfoGAN's MNIST D: 1024)
	GenChannels   []int   `json:"gen_channels"`          // channels (DCGAN) or units (MLP) of G's layers
	GenStrides    []int   `json:"gen_strides"`           //
	DiscChannels  []int   `json:"disc_channels"`         // channels (DCGAN) or units (MLP) of D's layers
	Kernel        int     `json:"kernel"`                // 5 (TensorFlow DCGAN tutorial) or 4 (Radford et al., PyTorch)
	LeakySlope    float64 `json:"leaky_slope"`           // LeakyReLU slope in D (0.2, Radford et al.) and in G when GenLeaky
	GenLeaky      bool    `json:"gen_leaky"`             // LeakyReLU in G (TensorFlow tutorial) instead of ReLU (Radford et al.)
	DiscBatchNorm bool    `json:"disc_batchnorm"`        // BatchNorm in D after every conv but the first (Radford et al.)
	DiscDropout   float64 `json:"disc_dropout"`          // dropout after D's convolutions (0.3 in the TensorFlow tutorial)
	BNMomentum    float64 `json:"bn_momentum"`           // running-average momentum of BatchNorm: 0.9 (PyTorch's 0.1)
	BNEpsilon     float64 `json:"bn_epsilon"`            // 1e-5 (PyTorch); Keras uses 1e-3
	InitStd       float64 `json:"init_std"`              // weights ~ N(0, InitStd): 0.02 (Radford et al. 2015)
	Lowering      string  `json:"lowering"`              // convolutions: "" or "auto" (patches on the pure-Go backend), "native", "patches"
}

// Networks returns the paper settings of model (ModelMLP or ModelDCGAN) for 28x28 MNIST.
func Networks(model string) Config {
	c := Config{
		Model: model, Height: 28, Width: 28, Channels: 1, LatentDim: 100,
		Kernel: 4, LeakySlope: 0.2, BNMomentum: 0.9, BNEpsilon: 1e-5, InitStd: 0.02,
	}
	switch model {
	case ModelMLP:
		// PyTorch-GAN's gan.py: G 100-128-256-512-1024-784 with BatchNorm, D 784-512-256-1.
		c.GenChannels, c.DiscChannels = []int{128, 256, 512, 1024}, []int{512, 256}
	default:
		// A DCGAN sized for 28x28 on a laptop: G dense -> 7x7x128 -> 14x14x64 -> 28x28x1, D 64 -> 128.
		c.GenChannels, c.GenStrides, c.DiscChannels = []int{128, 64}, []int{2, 2}, []int{64, 128}
	}
	return c
}

// DefaultConfig returns a run of model (ModelMLP or ModelDCGAN) on 28x28 MNIST with the papers' settings
// (gan.CoreDefaults: Adam 2e-4, β1 0.5, batch 64, the non-saturating loss).
func DefaultConfig(model string) gan.Config {
	net := Networks(model)
	return gan.CoreDefaults(&net)
}

// TFTutorialDCGAN returns the DCGAN of the TensorFlow DCGAN tutorial, the architecture of the PyTorch peer
// benchmark (../shared/peers/dcgan_torch.py): G Dense 100->7x7x256 (no bias), BN, LeakyReLU, ConvT 256->128 k5
// s1, BN, LeakyReLU, ConvT 128->64 k5 s2, BN, LeakyReLU, ConvT 64->1 k5 s2, tanh; D Conv 1->64 k5 s2,
// LeakyReLU, Dropout 0.3, Conv 64->128 k5 s2, LeakyReLU, Dropout 0.3, Dense 1. Keras defaults: LeakyReLU 0.3,
// BatchNorm ε = 1e-3, momentum 0.99.
func TFTutorialDCGAN() gan.Config {
	net := Networks(ModelDCGAN)
	net.GenChannels, net.GenStrides, net.DiscChannels = []int{256, 128, 64}, []int{1, 2, 2}, []int{64, 128}
	net.Kernel, net.LeakySlope, net.GenLeaky, net.DiscDropout = 5, 0.3, true, 0.3
	net.BNEpsilon, net.BNMomentum = 1e-3, 0.99
	c := gan.CoreDefaults(&net)
	c.GenEMA = 0 // the peer samples its last weights: keep the step the same work
	return c
}

// Limits on sizes, checked before anything is allocated.
const (
	MaxSide      = 1024    // pixels
	MaxChannels  = 4096    // per layer
	MaxLatentDim = 1 << 16 // noise dimensions
)

// ValidateNetworks reports the first bad network setting, with what to do about it.
func (c *Config) ValidateNetworks() error {
	bad := func(format string, args ...any) error { return errors.Errorf("dcgan: "+format, args...) }
	switch {
	case c.Model != ModelMLP && c.Model != ModelDCGAN:
		return bad("unknown model %q: use %q or %q", c.Model, ModelMLP, ModelDCGAN)
	case c.Height <= 0 || c.Width <= 0 || c.Channels <= 0:
		return bad("image size %dx%dx%d must be positive", c.Height, c.Width, c.Channels)
	case c.Height > MaxSide || c.Width > MaxSide || c.Channels > 4:
		return bad("image size %dx%dx%d is too large (at most %dx%dx4)", c.Height, c.Width, c.Channels, MaxSide, MaxSide)
	case c.LatentDim <= 0 || c.LatentDim > MaxLatentDim:
		return bad("latent_dim %d must be in 1..%d", c.LatentDim, MaxLatentDim)
	case len(c.GenChannels) == 0 || len(c.DiscChannels) == 0:
		return bad("gen_channels and disc_channels must not be empty")
	case c.DiscDropout < 0 || c.DiscDropout >= 1 || c.LeakySlope < 0 || c.LeakySlope >= 1:
		return bad("disc_dropout and leaky_slope must be in [0, 1)")
	case c.BNMomentum < 0 || c.BNMomentum >= 1 || c.BNEpsilon <= 0 || c.InitStd <= 0:
		return bad("bn_momentum must be in [0, 1), bn_epsilon and init_std positive")
	case c.GenHidden < 0 || c.DiscHidden < 0 || c.GenHidden > 1<<16 || c.DiscHidden > 1<<16:
		return bad("gen_hidden and disc_hidden must be in 0..%d", 1<<16)
	}
	if _, err := nn.ParseLowering(c.Lowering); err != nil {
		return bad("%v", err)
	}
	for _, ch := range append(append([]int{}, c.GenChannels...), c.DiscChannels...) {
		if ch <= 0 || ch > MaxChannels {
			return bad("layer widths must be in 1..%d, got gen_channels %v, disc_channels %v", MaxChannels, c.GenChannels, c.DiscChannels)
		}
	}
	if c.Model == ModelDCGAN {
		if len(c.GenStrides) != len(c.GenChannels) {
			return bad("gen_strides needs one stride per transposed convolution: %d for gen_channels %v, got %v",
				len(c.GenChannels), c.GenChannels, c.GenStrides)
		}
		if c.Kernel <= 0 || c.Kernel > 16 {
			return bad("kernel must be in 1..16")
		}
		up := 1
		for _, s := range c.GenStrides {
			if s <= 0 || s > 4 {
				return bad("gen_strides must be in 1..4, got %v", c.GenStrides)
			}
			up *= s
		}
		if c.Height%up != 0 || c.Width%up != 0 {
			return bad("image %dx%d is not divisible by the generator's total stride %d", c.Height, c.Width, up)
		}
	}
	return nil
}

// ConvLowering is the pkg/nn lowering the config selects (Validate has checked the name).
func (c *Config) ConvLowering() nn.Lowering {
	l, _ := nn.ParseLowering(c.Lowering)
	return l
}
