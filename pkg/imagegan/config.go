// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/internal/runloop"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/pkg/errors"
)

// Families of image-conditioned GANs. config.json stores the family in its "family" field, which is how
// `ganbook eval` and `ganbook sample` tell these runs from pkg/gan's.
const (
	FamilyPix2Pix = "pix2pix" // image-to-image translation (Isola et al. 2017)
	FamilySRGAN   = "srgan"   // super-resolution (Ledig et al. 2017)
)

// Tasks: what the generator's input is.
const (
	TaskMask       = "mask"       // pix2pix: the digit with a MaskSize×MaskSize square greyed out (inpainting)
	TaskEdges      = "edges"      // pix2pix: the Sobel edge map of the digit
	TaskDownsample = "downsample" // srgan: the digit average-pooled by Scale
)

// Config is everything a run needs; it is stored as config.json in the run directory, so a run can be resumed,
// sampled and scored from its directory alone. DefaultConfig gives each family's settings, with the paper's
// values where they fit 28×28 digits; a zero field is not a default: Validate rejects it.
type Config struct {
	Family  string `json:"family"`  // FamilyPix2Pix or FamilySRGAN
	Dataset string `json:"dataset"` // "mnist" or "fashion"
	Task    string `json:"task"`    // pix2pix: TaskMask or TaskEdges; srgan: TaskDownsample

	MaskSize int `json:"mask_size,omitempty"` // TaskMask: side of the masked square, 12 pixels
	Scale    int `json:"scale,omitempty"`     // srgan: upscaling factor, 2 (14×14 → 28×28) or 4 (7×7 → 28×28)

	BatchSize     int     `json:"batch_size"`      // 32; pix2pix used 1 to 10, SRGAN 16
	Steps         int     `json:"steps"`           // training steps (one D and one G update each) in the whole run
	LearningRateG float64 `json:"learning_rate_g"` // Adam, 2e-4 (Isola et al. 2017, section 3.3)
	LearningRateD float64 `json:"learning_rate_d"` // Adam, 2e-4
	Beta1         float64 `json:"beta1"`           // 0.5 (Isola et al.; Radford et al. 2015)
	Beta2         float64 `json:"beta2"`           // 0.999
	Seed          int64   `json:"seed"`            // initial weights, dropout, data order and corruptions

	// pix2pix: G minimises L_cGAN + LambdaL1·L1 (λ = 100, Isola et al. 2017, section 4).
	LambdaL1 float64 `json:"lambda_l1,omitempty"`
	// pix2pix: dropout rate in G's decoder. The paper uses 0.5 at training and test time as G's only noise; the
	// default 0 keeps G deterministic, so that PSNR and SSIM score one output per input.
	Dropout float64 `json:"dropout,omitempty"`

	// srgan: G minimises ContentWeight·MSE(φ(G(x)), φ(y)) + PixelWeight·MSE(G(x), y) + AdvWeight·L_adv, φ the
	// penultimate features of pkg/eval's classifier (in place of the paper's VGG features). AdvWeight = 1e-3
	// (Ledig et al. 2017, eq. 3). ContentWeight = 0.01 brings the feature MSE to the pixel MSE's size (on 500
	// MNIST test digits against their bilinear ×2 upsampling: 4.31 against 0.059; ×4: 15.4 against 0.155), as
	// the paper rescales its VGG features by 1/12.75 (a factor 0.0062 on the squared distance).
	ContentWeight float64 `json:"content_weight,omitempty"`
	PixelWeight   float64 `json:"pixel_weight,omitempty"`
	AdvWeight     float64 `json:"adv_weight,omitempty"`
	ResBlocks     int     `json:"res_blocks,omitempty"` // srgan: residual blocks in G, 4 (16 in the paper)

	GenChannels  int     `json:"gen_channels"`  // width of G's first layer (pix2pix's C64 and SRGAN's 64 are 64; 32 here)
	DiscChannels int     `json:"disc_channels"` // width of D's first layer (64 in both papers; 32 here)
	LeakySlope   float64 `json:"leaky_slope"`   // LeakyReLU slope: 0.2 in both papers
	BNMomentum   float64 `json:"bn_momentum"`   // running-average momentum of BatchNorm: 0.9 (PyTorch's 0.1)
	BNEpsilon    float64 `json:"bn_epsilon"`    // 1e-5 (PyTorch)
	InitStd      float64 `json:"init_std"`      // weights ~ N(0, InitStd): 0.02 (Isola et al. 2017, section 6.2)
	Lowering     string  `json:"lowering"`      // convolutions: "" or "auto", "native", "patches" (pkg/nn)

	CheckpointEvery int `json:"checkpoint_every"` // steps between checkpoints
	SampleEvery     int `json:"sample_every"`     // steps between sample grids written to samples/
}

// Size of the images the tasks are made from (MNIST and Fashion-MNIST).
const (
	ImageSize = 28
	Channels  = 1
)

// DefaultConfig returns the settings of family (FamilyPix2Pix or FamilySRGAN) on MNIST. The networks are
// narrower than the papers' (32 channels instead of 64, 4 residual blocks instead of 16) so that a run of a few
// thousand steps fits a laptop CPU; everything else is the papers' choice.
func DefaultConfig(family string) Config {
	c := Config{
		Family: family, Dataset: "mnist",
		BatchSize: 32, Steps: 3000,
		LearningRateG: 2e-4, LearningRateD: 2e-4, Beta1: 0.5, Beta2: 0.999, Seed: 1,
		GenChannels: 32, DiscChannels: 32,
		LeakySlope: 0.2, BNMomentum: 0.9, BNEpsilon: 1e-5, InitStd: 0.02,
		CheckpointEvery: 500, SampleEvery: 250,
	}
	switch family {
	case FamilySRGAN:
		c.Task, c.Scale = TaskDownsample, 2
		c.ContentWeight, c.PixelWeight, c.AdvWeight = 0.01, 1, 1e-3
		c.ResBlocks = 4
	default:
		c.Task, c.MaskSize = TaskMask, 12
		c.LambdaL1 = 100
	}
	return c
}

// Validate reports the first bad setting, with what to do about it.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error { return errors.Errorf("imagegan: "+format, args...) }
	switch {
	case c.Family != FamilyPix2Pix && c.Family != FamilySRGAN:
		return bad("unknown family %q: use %q or %q", c.Family, FamilyPix2Pix, FamilySRGAN)
	case c.Dataset != "mnist" && c.Dataset != "fashion":
		return bad("unknown dataset %q: use mnist or fashion", c.Dataset)
	case c.Family == FamilyPix2Pix && c.Task != TaskMask && c.Task != TaskEdges:
		return bad("pix2pix task %q: use %q (inpainting) or %q (edges to digits)", c.Task, TaskMask, TaskEdges)
	case c.Family == FamilyPix2Pix && c.Task == TaskMask && (c.MaskSize <= 0 || c.MaskSize > ImageSize-8):
		return bad("mask size %d must be in 1..%d: the square lies inside the central 20×20 box", c.MaskSize, ImageSize-8)
	case c.Family == FamilyPix2Pix && (c.LambdaL1 < 0 || c.Dropout < 0 || c.Dropout >= 1):
		return bad("lambda_l1 must not be negative (100 in the paper) and dropout must be in [0, 1)")
	case c.Family == FamilySRGAN && c.Task != TaskDownsample:
		return bad("srgan task %q: use %q", c.Task, TaskDownsample)
	case c.Family == FamilySRGAN && c.Scale != 2 && c.Scale != 4:
		return bad("scale %d: use 2 (14×14 to 28×28) or 4 (7×7 to 28×28)", c.Scale)
	case c.Family == FamilySRGAN && (c.ContentWeight < 0 || c.PixelWeight < 0 || c.AdvWeight < 0 || c.ResBlocks < 0):
		return bad("content_weight, pixel_weight, adv_weight and res_blocks must not be negative")
	case c.BatchSize <= 0 || c.Steps <= 0:
		return bad("batch_size and steps must be positive (got %d and %d)", c.BatchSize, c.Steps)
	case c.LearningRateG <= 0 || c.LearningRateD <= 0:
		return bad("learning rates must be positive (got %g and %g)", c.LearningRateG, c.LearningRateD)
	case c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1:
		return bad("Adam betas must be in [0, 1) (got %g and %g)", c.Beta1, c.Beta2)
	case c.GenChannels <= 0 || c.DiscChannels <= 0:
		return bad("gen_channels and disc_channels must be positive")
	case c.LeakySlope < 0 || c.LeakySlope >= 1:
		return bad("leaky_slope must be in [0, 1)")
	case c.BNMomentum < 0 || c.BNMomentum >= 1 || c.BNEpsilon <= 0 || c.InitStd <= 0:
		return bad("bn_momentum must be in [0, 1), bn_epsilon and init_std positive")
	case c.Lowering != "" && c.Lowering != "auto" && c.Lowering != "native" && c.Lowering != "patches":
		return bad("unknown lowering %q: use auto, native or patches", c.Lowering)
	case c.CheckpointEvery <= 0 || c.SampleEvery <= 0:
		return bad("checkpoint_every and sample_every must be positive")
	}
	return nil
}

// InputSize is the side of G's input images: 28, or 28/Scale for srgan.
func (c *Config) InputSize() int {
	if c.Family == FamilySRGAN {
		return ImageSize / c.Scale
	}
	return ImageSize
}

// String is a one-line summary of the run's settings.
func (c Config) String() string {
	task := c.Task
	switch {
	case c.Family == FamilySRGAN:
		task = fmt.Sprintf("%dx%d to %dx%d (x%d), content %g, pixel %g, adversarial %g", c.InputSize(), c.InputSize(),
			ImageSize, ImageSize, c.Scale, c.ContentWeight, c.PixelWeight, c.AdvWeight)
	case c.Task == TaskMask:
		task = fmt.Sprintf("inpainting a %dx%d square, λ_L1 %g", c.MaskSize, c.MaskSize, c.LambdaL1)
	case c.Task == TaskEdges:
		task = fmt.Sprintf("edges to images, λ_L1 %g", c.LambdaL1)
	}
	return fmt.Sprintf("%s (%s) on %s, batch %d, %d steps, lr G %g D %g, seed %d",
		c.Family, task, c.Dataset, c.BatchSize, c.Steps, c.LearningRateG, c.LearningRateD, c.Seed)
}

// convLowering is the pkg/nn lowering the config selects.
func (c *Config) convLowering() nn.Lowering {
	switch c.Lowering {
	case "native":
		return nn.Native
	case "patches":
		return nn.Patches
	}
	return nn.Auto
}

// WriteConfig writes c as indented JSON to path, atomically.
func WriteConfig(path string, c Config) error {
	return errors.WithMessage(atomicfile.WriteJSON(path, c), "imagegan: saving the config")
}

// ReadConfig reads and validates a config.json written by WriteConfig.
func ReadConfig(path string) (Config, error) {
	return runloop.ReadConfig[Config](path, "imagegan")
}

// RunFamily returns the family recorded in runDir/config.json (FamilyPix2Pix or FamilySRGAN), or "" when the
// directory holds no config or the config is not of an image-conditioned GAN (e.g. a pkg/gan run).
func RunFamily(runDir string) string {
	b, err := os.ReadFile(filepath.Join(runDir, gan.ConfigFile))
	if err != nil {
		return ""
	}
	var head struct {
		Family string `json:"family"`
	}
	if json.Unmarshal(b, &head) != nil || (head.Family != FamilyPix2Pix && head.Family != FamilySRGAN) {
		return ""
	}
	return head.Family
}
