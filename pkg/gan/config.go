// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/internal/runloop"
	"github.com/ganbook/ganbook/pkg/cgan"
	"github.com/ganbook/ganbook/pkg/infogan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/pkg/errors"
)

// Model names.
const (
	ModelMLP   = "gan"   // the fully connected GAN of Goodfellow et al. 2014
	ModelDCGAN = "dcgan" // the deep convolutional GAN of Radford et al. 2015
)

// Loss names, as the --loss flag spells them.
const (
	LossNonSaturating = "ns"
	LossMinimax       = "minimax"
	LossLeastSquares  = "ls"
	LossWGANGP        = "wgan-gp"
	LossHinge         = "hinge"
)

// Losses lists the valid loss names.
var Losses = []string{LossNonSaturating, LossMinimax, LossLeastSquares, LossWGANGP, LossHinge}

// Config is everything a run needs; it is stored as config.json in the run directory, so a run can be resumed,
// sampled and scored from its directory alone. DefaultConfig gives the values of the papers; a zero field is
// not a default: Validate rejects it.
type Config struct {
	Model   string `json:"model"`   // ModelMLP or ModelDCGAN
	Dataset string `json:"dataset"` // "mnist" or "fashion"
	Loss    string `json:"loss"`    // one of Losses

	Height   int `json:"height"`   // image size: 28x28x1 for MNIST; the DCGAN blocks also serve 32x32x3, 64x64x3
	Width    int `json:"width"`    //
	Channels int `json:"channels"` //

	LatentDim      int     `json:"latent_dim"`      // size of z ~ N(0, I): 100 (Radford et al. 2015)
	BatchSize      int     `json:"batch_size"`      // 64 (PyTorch-GAN); Radford et al. used 128
	Steps          int     `json:"steps"`           // generator updates in the whole run
	LearningRateG  float64 `json:"learning_rate_g"` // Adam, 2e-4 (Radford et al. 2015, section 4)
	LearningRateD  float64 `json:"learning_rate_d"` // Adam, 2e-4
	Beta1          float64 `json:"beta1"`           // 0.5 (Radford et al.: 0.9 oscillated)
	Beta2          float64 `json:"beta2"`           // 0.999
	DSteps         int     `json:"d_steps"`         // discriminator updates per generator update: k = 1 (Goodfellow et al. 2014, algorithm 1); WGAN-GP uses 5
	LabelSmoothing float64 `json:"label_smoothing"` // one-sided: real target 1-s for the sigmoid losses (Salimans et al. 2016); 0 = off
	GPWeight       float64 `json:"gp_weight"`       // λ of WGAN-GP: 10 (Gulrajani et al. 2017)
	Seed           int64   `json:"seed"`            // initial weights, noise and data order
	GenEMA         float64 `json:"gen_ema"`         // samples come from a moving average of G's weights with this decay (0.999); 0 = the last weights

	// Architecture (DCGAN): the generator maps z with a dense layer to [H0, W0, GenChannels[0]], then one
	// transposed convolution per GenStrides entry, through GenChannels[1:] to the image's channels, where
	// H0 = Height / Π GenStrides. The discriminator applies one stride-2 convolution per DiscChannels entry,
	// then a dense layer to one logit. The MLP GAN uses GenChannels/DiscChannels as hidden layer widths.
	GenHidden     int     `json:"gen_hidden,omitempty"`  // DCGAN: a dense layer of this many units (BatchNorm, ReLU) before G's projection; 0 = none (InfoGAN's MNIST G: 1024)
	DiscHidden    int     `json:"disc_hidden,omitempty"` // DCGAN: a dense layer of this many units (BatchNorm when DiscBatchNorm, LeakyReLU) after D's convolutions, its features; 0 = none (InfoGAN's MNIST D: 1024)
	GenChannels   []int   `json:"gen_channels"`
	GenStrides    []int   `json:"gen_strides"`
	DiscChannels  []int   `json:"disc_channels"`
	Kernel        int     `json:"kernel"`         // 5 (TensorFlow DCGAN tutorial) or 4 (Radford et al., PyTorch)
	LeakySlope    float64 `json:"leaky_slope"`    // LeakyReLU slope in D (0.2, Radford et al.) and in G when GenLeaky
	GenLeaky      bool    `json:"gen_leaky"`      // LeakyReLU in G (TensorFlow tutorial) instead of ReLU (Radford et al.)
	DiscBatchNorm bool    `json:"disc_batchnorm"` // BatchNorm in D after every conv but the first (Radford et al.)
	DiscDropout   float64 `json:"disc_dropout"`   // dropout after D's convolutions (0.3 in the TensorFlow tutorial)
	BNMomentum    float64 `json:"bn_momentum"`    // running-average momentum of BatchNorm: 0.9 (PyTorch's 0.1)
	BNEpsilon     float64 `json:"bn_epsilon"`     // 1e-5 (PyTorch); Keras uses 1e-3
	InitStd       float64 `json:"init_std"`       // weights ~ N(0, InitStd): 0.02 (Radford et al. 2015)
	Lowering      string  `json:"lowering"`       // convolutions: "" or "auto" (patches on the pure-Go backend), "native", "patches"

	CheckpointEvery int `json:"checkpoint_every"` // steps between checkpoints
	SampleEvery     int `json:"sample_every"`     // steps between sample grids written to samples/

	// Info, when it has codes, makes the run an InfoGAN (Chen et al. 2016; pkg/infogan): G's input is z and the
	// codes, a Q head on D's trunk reads the codes back, and both G and Q minimise -λ·L_I.
	Info infogan.Codes `json:"info"`

	// Classes > 0 makes the run a conditional GAN (Mirza & Osindero 2014; pkg/cgan) on the dataset's labels: G
	// reads z and the one-hot label, D reads the label as Condition says (cgan.ConditionConcat or
	// cgan.ConditionProjection).
	Classes   int    `json:"classes,omitempty"`
	Condition string `json:"condition,omitempty"`
}

// Families of GANs a Config describes.
const (
	FamilyGAN     = "gan"     // an unconditional GAN (MLP or DCGAN)
	FamilyInfoGAN = "infogan" // with latent codes and a Q head
	FamilyCGAN    = "cgan"    // conditioned on the class label
)

// Family is FamilyInfoGAN when the config has InfoGAN codes, FamilyCGAN when it has classes, else FamilyGAN.
func (c *Config) Family() string {
	switch {
	case c.Info.Enabled():
		return FamilyInfoGAN
	case c.Classes > 0:
		return FamilyCGAN
	}
	return FamilyGAN
}

// GenInputDim is the width of the generator's input: the noise z, then InfoGAN's codes or the one-hot label.
func (c *Config) GenInputDim() int { return c.LatentDim + c.Info.Dim() + c.Classes }

// DefaultConfig returns the paper settings for model (ModelMLP or ModelDCGAN) on 28x28 MNIST.
func DefaultConfig(model string) Config {
	c := Config{
		Model: model, Dataset: "mnist", Loss: LossNonSaturating,
		Height: 28, Width: 28, Channels: 1,
		LatentDim: 100, BatchSize: 64, Steps: 5000,
		LearningRateG: 2e-4, LearningRateD: 2e-4, Beta1: 0.5, Beta2: 0.999, DSteps: 1,
		GPWeight: 10, Seed: 1, GenEMA: 0.999,
		Kernel: 4, LeakySlope: 0.2, BNMomentum: 0.9, BNEpsilon: 1e-5, InitStd: 0.02,
		CheckpointEvery: 500, SampleEvery: 250,
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

// DefaultInfoGANConfig returns the InfoGAN of Chen et al. 2016 for MNIST (their Table 1) on ganbook's DCGAN: 62
// noise dimensions, one Cat(10) and two Unif(-1, 1) codes with λ 1 and 0.1 (infogan.MNISTCodes); G: FC 1024,
// FC 7x7x128, two 4x4 stride-2 transposed convolutions; D: two 4x4 stride-2 convolutions, FC 1024 with BatchNorm,
// Q on its 1024 features; the paper's learning rates (D 2e-4, G 1e-3).
func DefaultInfoGANConfig() Config {
	c := DefaultConfig(ModelDCGAN)
	c.LatentDim = 62
	c.Info = infogan.MNISTCodes()
	c.DiscBatchNorm = true
	c.GenHidden, c.DiscHidden = 1024, 1024 // the paper's Table 1: FC 1024 in both networks
	c.LearningRateG = 1e-3
	return c
}

// DefaultCGANConfig returns a label-conditioned DCGAN for 10-class 28x28 data: G reads z (100) and the one-hot
// label, D the label through a projection (Miyato & Koyama 2018).
func DefaultCGANConfig() Config {
	c := DefaultConfig(ModelDCGAN)
	c.Classes, c.Condition = 10, cgan.ConditionProjection
	return c
}

// TFTutorialDCGAN returns the DCGAN of the TensorFlow DCGAN tutorial, the architecture of the PyTorch peer
// benchmark (../shared/peers/dcgan_torch.py): G Dense 100->7x7x256 (no bias), BN, LeakyReLU, ConvT 256->128 k5
// s1, BN, LeakyReLU, ConvT 128->64 k5 s2, BN, LeakyReLU, ConvT 64->1 k5 s2, tanh; D Conv 1->64 k5 s2,
// LeakyReLU, Dropout 0.3, Conv 64->128 k5 s2, LeakyReLU, Dropout 0.3, Dense 1. Keras defaults: LeakyReLU 0.3,
// BatchNorm ε = 1e-3, momentum 0.99.
func TFTutorialDCGAN() Config {
	c := DefaultConfig(ModelDCGAN)
	c.GenChannels, c.GenStrides, c.DiscChannels = []int{256, 128, 64}, []int{1, 2, 2}, []int{64, 128}
	c.Kernel, c.LeakySlope, c.GenLeaky, c.DiscDropout = 5, 0.3, true, 0.3
	c.BNEpsilon, c.BNMomentum = 1e-3, 0.99
	c.GenEMA = 0 // the peer samples its last weights: keep the step the same work
	return c
}

// Validate reports the first bad setting, with what to do about it.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error { return errors.Errorf("gan: "+format, args...) }
	switch {
	case c.Model != ModelMLP && c.Model != ModelDCGAN:
		return bad("unknown model %q: use %q or %q", c.Model, ModelMLP, ModelDCGAN)
	case c.Dataset != "mnist" && c.Dataset != "fashion":
		return bad("unknown dataset %q: use mnist or fashion", c.Dataset)
	case !slices.Contains(Losses, c.Loss):
		return bad("unknown loss %q: use one of %s", c.Loss, strings.Join(Losses, ", "))
	case c.Height <= 0 || c.Width <= 0 || c.Channels <= 0:
		return bad("image size %dx%dx%d must be positive", c.Height, c.Width, c.Channels)
	case c.LatentDim <= 0 || c.BatchSize <= 0 || c.Steps <= 0 || c.DSteps <= 0:
		return bad("latent_dim, batch_size, steps and d_steps must be positive (got %d, %d, %d, %d)",
			c.LatentDim, c.BatchSize, c.Steps, c.DSteps)
	case c.LearningRateG <= 0 || c.LearningRateD <= 0:
		return bad("learning rates must be positive (got %g and %g)", c.LearningRateG, c.LearningRateD)
	case c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1:
		return bad("Adam betas must be in [0, 1) (got %g and %g)", c.Beta1, c.Beta2)
	case c.GenEMA < 0 || c.GenEMA >= 1:
		return bad("gen_ema %g must be in [0, 1): the decay of the generator's weight average, 0 to sample the last weights", c.GenEMA)
	case c.LabelSmoothing < 0 || c.LabelSmoothing >= 0.5:
		return bad("label smoothing %g must be in [0, 0.5)", c.LabelSmoothing)
	case c.Loss == LossWGANGP && c.GPWeight <= 0:
		return bad("wgan-gp needs a positive gp_weight (10 in the paper)")
	case len(c.GenChannels) == 0 || len(c.DiscChannels) == 0:
		return bad("gen_channels and disc_channels must not be empty")
	case c.DiscDropout < 0 || c.DiscDropout >= 1 || c.LeakySlope < 0 || c.LeakySlope >= 1:
		return bad("disc_dropout and leaky_slope must be in [0, 1)")
	case c.BNMomentum < 0 || c.BNMomentum >= 1 || c.BNEpsilon <= 0 || c.InitStd <= 0:
		return bad("bn_momentum must be in [0, 1), bn_epsilon and init_std positive")
	case c.Lowering != "" && c.Lowering != "auto" && c.Lowering != "native" && c.Lowering != "patches":
		return bad("unknown lowering %q: use auto, native or patches", c.Lowering)
	case c.CheckpointEvery <= 0 || c.SampleEvery <= 0:
		return bad("checkpoint_every and sample_every must be positive")
	case c.GenHidden < 0 || c.DiscHidden < 0:
		return bad("gen_hidden and disc_hidden must not be negative")
	case c.Info.Continuous < 0 || c.Info.WeightCat < 0 || c.Info.WeightCont < 0 || c.Info.QHidden < 0:
		return bad("info: continuous, the weights λ and q_hidden must not be negative")
	}
	if c.Classes < 0 || (c.Classes > 0 && !slices.Contains(cgan.Conditions, c.Condition)) {
		return bad("classes %d with condition %q: a conditional GAN needs classes > 0 and a condition, %s",
			c.Classes, c.Condition, strings.Join(cgan.Conditions, " or "))
	}
	if c.Classes > 0 && c.Info.Enabled() {
		return bad("a run is either an InfoGAN (info codes) or a conditional GAN (classes), not both")
	}
	for _, k := range c.Info.Categorical {
		if k < 2 {
			return bad("info: a categorical code needs at least 2 values, got %v", c.Info.Categorical)
		}
	}
	if c.Model == ModelDCGAN {
		if len(c.GenStrides) != len(c.GenChannels) {
			return bad("gen_strides needs one stride per transposed convolution: %d for gen_channels %v, got %v",
				len(c.GenChannels), c.GenChannels, c.GenStrides)
		}
		if c.Kernel <= 0 {
			return bad("kernel must be positive")
		}
		up := 1
		for _, s := range c.GenStrides {
			if s <= 0 {
				return bad("gen_strides must be positive, got %v", c.GenStrides)
			}
			up *= s
		}
		if c.Height%up != 0 || c.Width%up != 0 {
			return bad("image %dx%d is not divisible by the generator's total stride %d", c.Height, c.Width, up)
		}
	}
	return nil
}

// WriteConfig writes c as indented JSON to path, atomically (a temporary file renamed over it).
func WriteConfig(path string, c Config) error {
	return errors.WithMessage(atomicfile.WriteJSON(path, c), "gan: saving the config")
}

// ReadConfig reads and validates a config.json.
func ReadConfig(path string) (Config, error) {
	return runloop.ReadConfig[Config](path, "gan")
}

// String is a one-line summary of the run's settings.
func (c Config) String() string {
	family := c.Model
	if c.Classes > 0 {
		family = fmt.Sprintf("cgan (%s, %d classes, %s)", c.Model, c.Classes, c.Condition)
	}
	if c.Info.Enabled() {
		family = fmt.Sprintf("infogan (%s, codes cat %v cont %d, λ %g/%g)", c.Model, c.Info.Categorical,
			c.Info.Continuous, c.Info.WeightCat, c.Info.WeightCont)
	}
	return fmt.Sprintf("%s on %s, %s loss, batch %d, %d steps, lr G %g D %g, seed %d",
		family, c.Dataset, c.Loss, c.BatchSize, c.Steps, c.LearningRateG, c.LearningRateD, c.Seed)
}

// ConvLowering is the pkg/nn lowering the config selects.
func (c *Config) ConvLowering() nn.Lowering {
	switch c.Lowering {
	case "native":
		return nn.Native
	case "patches":
		return nn.Patches
	}
	return nn.Auto
}
