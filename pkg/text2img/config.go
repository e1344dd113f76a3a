// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"fmt"
	"slices"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/pkg/errors"
)

// Name is the family's name.
const Name = "text2img"

// Config is a text-to-image GAN: pkg/dcgan's generator and D's convolutions at 32×32×3, the text encoder's
// sizes, and GAN-CLS's and GAN-INT's switches.
type Config struct {
	dcgan.Config
	Encoder    textenc.Networks `json:"text_encoder"` // the sizes of the frozen encoder (copied from EncoderRun)
	EncoderRun string           `json:"encoder_run"`  // the encoder run the weights come from (read once, at the first step)
	Project    int              `json:"text_project"` // φ(t) is projected to this many numbers in G and in D: 128
	WrongText  bool             `json:"wrong_text"`   // GAN-CLS: D also judges {real image, wrong text} as fake
	Interp     bool             `json:"gan_int"`      // GAN-INT: G also learns from interpolated texts
	Beta       float64          `json:"int_beta"`     // GAN-INT's β: 0.5
	// ModeSeeking weighs Mao et al. 2019's mode-seeking term in G's loss (MSGAN, arXiv 1903.05628): without it
	// G drew one image per caption whatever the noise (measured: the RMS distance between samples of one
	// caption 0.025, against 0.205 between real images of one digit and colour). Off by default: at 0.2 the samples
	// spread like real images (0.235) but after 3,000 steps G drew the asked digit 27% of the time; at Mao et al.'s 1,
	// G filled the backgrounds with speckles to keep its images apart. 0: off.
	ModeSeeking float64 `json:"mode_seeking"`
	// Match weighs a text-matching term in G's loss, the sentence level of AttnGAN's DAMSM loss (Xu et al. 2018,
	// arXiv 1711.10485): the encoder run's image encoder θ, copied in frozen, reads G's images, and DS-SJE's
	// hinge (the loss θ and φ were trained with) asks each image to score its own caption above the batch's
	// captions that do not describe it, as real images do. D is unchanged and never sees it; the evaluator that
	// measures R-precision is trained separately, so the figure is not the term's own. 0: off.
	Match float64 `json:"text_match"`
}

// Networks are the DCGAN blocks at 32×32×3, at half the widths of Reed et al.'s 64×64 networks so that a step
// takes a fifth of a second on two cores: G 4×4×128 → 8×8×64 → 16×16×32 → 32×32×3, D 32 → 64 → 128 to 4×4.
func Networks() dcgan.Config {
	n := dcgan.Networks(dcgan.ModelDCGAN)
	n.Height, n.Width, n.Channels = 32, 32, 3
	n.GenChannels, n.GenStrides, n.DiscChannels = []int{128, 64, 32}, []int{2, 2, 2}, []int{32, 64, 128}
	n.DiscBatchNorm = false // as pretrained/cgan-mnist; with BatchNorm, D won at once (D loss 0.12 by step 1,500) and G collapsed
	return n
}

// DefaultConfig is GAN-CLS with GAN-INT (Reed et al.'s GAN-INT-CLS) on capmnist, with the encoder of
// encoderRun (its sizes are read from there when training starts: see UseEncoder).
func DefaultConfig() gan.Config {
	cfg := gan.CoreDefaults(&Config{Config: Networks(), Encoder: textenc.DefaultNetworks(), Project: 128, WrongText: true, Interp: true, Beta: 0.5,
		ModeSeeking: 0})
	cfg.Dataset = "capmnist"
	return cfg
}

func init() { gan.RegisterFamily(Name, DefaultConfig, func() gan.Family { return new(Config) }) }

// UseEncoder points the run at an encoder run and takes its sizes.
func (c *Config) UseEncoder(dir string) error {
	enc, err := textenc.ReadConfig(dir)
	if err != nil {
		return err
	}
	c.EncoderRun, c.Encoder = dir, enc.Networks
	return nil
}

// Validate checks the networks, the encoder's sizes, the dataset and GAN-INT's β.
func (c *Config) Validate(run *gan.Config) error {
	if err := c.ValidateNetworks(); err != nil {
		return err
	}
	if c.Model != dcgan.ModelDCGAN {
		return errors.Errorf("text2img: the networks are convolutional (model dcgan), not %q", c.Model)
	}
	if len(c.DiscChannels) == 0 || c.Height>>len(c.DiscChannels) < 1 {
		return errors.Errorf("text2img: D's %d stride-2 convolutions do not fit a %dx%d image", len(c.DiscChannels), c.Height, c.Width)
	}
	if err := c.Encoder.Validate(); err != nil {
		return err
	}
	if !slices.Contains(captions.Names, run.Dataset) {
		return errors.Errorf("text2img: %q has no captions: use one of %v", run.Dataset, captions.Names)
	}
	if c.Project < 1 || c.Project > 4096 {
		return errors.Errorf("text2img: text_project %d must be in 1..4096", c.Project)
	}
	if c.Interp && !(c.Beta > 0 && c.Beta < 1) {
		return errors.Errorf("text2img: GAN-INT's β is %g: give a number strictly between 0 and 1 (the paper: 0.5)", c.Beta)
	}
	if !(c.ModeSeeking >= 0 && c.ModeSeeking <= 100) {
		return errors.Errorf("text2img: mode_seeking %g must be in 0..100 (Mao et al.: 1; ganbook: 0.2, where 1 filled the backgrounds with speckles)", c.ModeSeeking)
	}
	if !(c.Match >= 0 && c.Match <= 100) {
		return errors.Errorf("text2img: text_match %g must be in 0..100 (0: off)", c.Match)
	}
	if c.Match > 0 && !matchSizes(c.Height, c.Width, c.Channels, &c.Encoder) {
		return errors.Errorf("text2img: text_match needs the encoder's image encoder (%dx%dx%d) to read G's %dx%dx%d images: "+
			"the same channels, and a side that is the encoder's, smaller, or a multiple of it",
			c.Encoder.Height, c.Encoder.Width, c.Encoder.Channels, c.Height, c.Width, c.Channels)
	}
	if run.Loss == gan.LossWGANGP {
		return errors.New("text2img: the gradient penalty is not defined for GAN-CLS's three pairs here: use ns, ls or hinge")
	}
	return nil
}

// TextFamily is a family built on this one's text settings (pkg/stackgan's stages): EmbedCaptions and Verdicts
// work on its runs.
type TextFamily interface{ TextConfig() *Config }

// TextConfig is c: a text2img run is its own TextFamily.
func (c *Config) TextConfig() *Config { return c }

// textConfig is the text settings of t's family.
func textConfig(t *gan.Trainer) (*Config, error) {
	if f, ok := t.Config.Family.(TextFamily); ok {
		return f.TextConfig(), nil
	}
	return nil, errors.Errorf("text2img: not a text-to-image run: %s", t.Config.FamilyName())
}

// String describes the run in a few words.
func (c *Config) String() string {
	v := "GAN"
	switch {
	case c.WrongText && c.Interp:
		v = "GAN-INT-CLS"
	case c.WrongText:
		v = "GAN-CLS"
	case c.Interp:
		v = "GAN-INT"
	}
	if c.EncoderRun == "" {
		return fmt.Sprintf("text2img (%s)", v)
	}
	return fmt.Sprintf("text2img (%s, encoder %s)", v, c.EncoderRun)
}
