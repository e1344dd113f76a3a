// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"encoding/json"
	"fmt"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/pkg/errors"
)

// Families of image-conditioned GANs, as config.json's "family" field names them.
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

// Config is a pix2pix or SRGAN run's own settings, stored in config.json beside the core's (dataset, batch,
// steps, rates, seed: gan.Config). DefaultConfig gives each family's settings, with the paper's values where
// they fit 28×28 digits; a zero field is not a default: Validate rejects it.
type Config struct {
	Family string `json:"-"`    // FamilyPix2Pix or FamilySRGAN: config.json's "family", which the core writes
	Task   string `json:"task"` // pix2pix: TaskMask or TaskEdges; srgan: TaskDownsample

	MaskSize int `json:"mask_size,omitempty"` // TaskMask: side of the masked square, 12 pixels
	Scale    int `json:"scale,omitempty"`     // srgan: upscaling factor, 2 (14×14 → 28×28) or 4 (7×7 → 28×28)

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

	// Channels of G's and D's layers, as in every family. pix2pix: G's encoder [e1, e2, bottleneck] (its
	// decoder mirrors it), D's [c1, c2]; srgan: G's residual trunk [c], D's three convolutions [c1, c2, c3]
	// (its dense layer 4·c3). A single number is the first layer's width, the others doubling as in the papers
	// (pix2pix's C64-C128-C256; 32 here): the form of runs written before this was a list.
	GenChannels  Widths  `json:"gen_channels"`
	DiscChannels Widths  `json:"disc_channels"`
	LeakySlope   float64 `json:"leaky_slope"` // LeakyReLU slope: 0.2 in both papers
	BNMomentum   float64 `json:"bn_momentum"` // running-average momentum of BatchNorm: 0.9 (PyTorch's 0.1)
	BNEpsilon    float64 `json:"bn_epsilon"`  // 1e-5 (PyTorch)
	InitStd      float64 `json:"init_std"`    // weights ~ N(0, InitStd): 0.02 (Isola et al. 2017, section 6.2)
	Lowering     string  `json:"lowering"`    // convolutions: "" or "auto", "native", "patches" (pkg/nn)

	tests *testCache // the test split, loaded once: the sample grids' and Latent's images
}

// Widths is a list of layer widths; in JSON a number n is the list [n] (see Config.GenChannels).
type Widths []int

// UnmarshalJSON reads a list, or a single number.
func (w *Widths) UnmarshalJSON(b []byte) error {
	var n int
	if err := json.Unmarshal(b, &n); err == nil {
		*w = Widths{n}
		return nil
	}
	var list []int
	if err := json.Unmarshal(b, &list); err != nil {
		return errors.New("imagegan: gen_channels and disc_channels are a list of widths or one number")
	}
	*w = list
	return nil
}

// expand is w with n entries: as given, or, for a single width, doubling from it up to the cap of doubling
// (e.g. [32] → [32, 64, 128] with n 3, [32, 64, 64] with n 3 and cap 2).
func (w Widths) expand(n, capFactor int) []int {
	if len(w) != 1 {
		return w
	}
	out := make([]int, n)
	f := 1
	for i := range out {
		out[i] = w[0] * f
		if f < capFactor {
			f *= 2
		}
	}
	return out
}

// genWidths and discWidths are the networks' layer widths.
func (c *Config) genWidths() []int {
	if c.Family == FamilySRGAN {
		return c.GenChannels.expand(1, 1)
	}
	return c.GenChannels.expand(3, 4)
}

func (c *Config) discWidths() []int {
	if c.Family == FamilySRGAN {
		return c.DiscChannels.expand(3, 2)
	}
	return c.DiscChannels.expand(2, 2)
}

// Size of the images the tasks are made from (MNIST and Fashion-MNIST).
const (
	ImageSize = 28
	Channels  = 1
)

// DefaultConfig returns the run of family (FamilyPix2Pix or FamilySRGAN) on MNIST. The networks are narrower
// than the papers' (32 channels instead of 64, 4 residual blocks instead of 16) so that a run of a few thousand
// steps fits a laptop CPU; everything else is the papers' choice: batch 32 (pix2pix used 1 to 10, SRGAN 16),
// Adam 2e-4 with β1 0.5, the non-saturating loss, and samples from G's last weights.
func DefaultConfig(family string) gan.Config {
	c := &Config{
		Family:      family,
		GenChannels: Widths{32, 64, 128}, DiscChannels: Widths{32, 64},
		LeakySlope: 0.2, BNMomentum: 0.9, BNEpsilon: 1e-5, InitStd: 0.02,
	}
	switch family {
	case FamilySRGAN:
		c.Task, c.Scale = TaskDownsample, 2
		c.ContentWeight, c.PixelWeight, c.AdvWeight = 0.01, 1, 1e-3
		c.ResBlocks = 4
		c.GenChannels, c.DiscChannels = Widths{32}, Widths{32, 64, 64}
	default:
		c.Task, c.MaskSize = TaskMask, 12
		c.LambdaL1 = 100
	}
	run := gan.CoreDefaults(c)
	run.BatchSize, run.Steps, run.GenEMA = 32, 3000, 0
	return run
}

func init() {
	for _, f := range []string{FamilyPix2Pix, FamilySRGAN} {
		gan.RegisterFamily(f, func() gan.Config { return DefaultConfig(f) }, func() gan.Family { return &Config{Family: f} })
	}
}

// Validate reports the first bad setting, with what to do about it.
func (c *Config) Validate(run *gan.Config) error {
	bad := func(format string, args ...any) error { return errors.Errorf("imagegan: "+format, args...) }
	switch {
	case c.Family != FamilyPix2Pix && c.Family != FamilySRGAN:
		return bad("unknown family %q: use %q or %q", c.Family, FamilyPix2Pix, FamilySRGAN)
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
	case c.Family == FamilySRGAN && (c.ContentWeight < 0 || c.PixelWeight < 0 || c.AdvWeight < 0 || c.ResBlocks < 0 || c.ResBlocks > 64):
		return bad("content_weight, pixel_weight, adv_weight must not be negative and res_blocks must be in 0..64")
	case c.LeakySlope < 0 || c.LeakySlope >= 1:
		return bad("leaky_slope must be in [0, 1)")
	case c.BNMomentum < 0 || c.BNMomentum >= 1 || c.BNEpsilon <= 0 || c.InitStd <= 0:
		return bad("bn_momentum must be in [0, 1), bn_epsilon and init_std positive")
	}
	if _, err := nn.ParseLowering(c.Lowering); err != nil {
		return bad("%v", err)
	}
	gw, dw := c.genWidths(), c.discWidths()
	if want := map[string]int{FamilyPix2Pix: 3, FamilySRGAN: 1}[c.Family]; len(gw) != want {
		return bad("%s's gen_channels has %d widths (or one), got %v", c.Family, want, []int(c.GenChannels))
	}
	if want := map[string]int{FamilyPix2Pix: 2, FamilySRGAN: 3}[c.Family]; len(dw) != want {
		return bad("%s's disc_channels has %d widths (or one), got %v", c.Family, want, []int(c.DiscChannels))
	}
	for _, w := range append(append([]int{}, gw...), dw...) {
		if w <= 0 || w > 4096 {
			return bad("layer widths must be in 1..4096, got gen_channels %v and disc_channels %v", gw, dw)
		}
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

// Name is the family: "pix2pix" or "srgan".
func (c *Config) Name() string { return c.Family }

// String describes the task in a few words.
func (c *Config) String() string {
	switch {
	case c.Family == FamilySRGAN:
		return fmt.Sprintf("srgan (%dx%d to %dx%d (x%d), content %g, pixel %g, adversarial %g)", c.InputSize(), c.InputSize(),
			ImageSize, ImageSize, c.Scale, c.ContentWeight, c.PixelWeight, c.AdvWeight)
	case c.Task == TaskMask:
		return fmt.Sprintf("pix2pix (inpainting a %dx%d square, λ_L1 %g)", c.MaskSize, c.MaskSize, c.LambdaL1)
	}
	return fmt.Sprintf("pix2pix (edges to images, λ_L1 %g)", c.LambdaL1)
}

// convLowering is the pkg/nn lowering the config selects (Validate has checked the name).
func (c *Config) convLowering() nn.Lowering {
	l, _ := nn.ParseLowering(c.Lowering)
	return l
}
