// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/pkg/errors"
)

// Name is the family's name.
const Name = "stackgan"

// Config is one stage of a StackGAN. Its text2img.Config holds what the stages share with GAN-CLS: the frozen
// text encoder, D's convolutions and joint text map at the stage's size (the matching-aware D, with the wrong
// text), and, for Stage-I, G0's DCGAN blocks from 4×4 up to the stage's size. Stage-II keeps Stage-I's settings
// (Stage1) and weights (frozen, inside G) and adds the refiner G1.
type Config struct {
	text2img.Config
	Stage   int `json:"stage"`    // 1: G0(z, c) at low resolution; 2: G1(G0's image, c) at 4× the side
	CondDim int `json:"cond_dim"` // the size of c: 128 (the paper's N_g)
	// CA is conditioning augmentation: c = μ(φ(t)) + σ(φ(t)) ⊙ ε with the KL term; false is the ablation, a
	// plain FC projection c = LeakyReLU(W·φ(t)) with no noise and no KL.
	CA bool `json:"conditioning_augmentation"`
	// KLWeight is λ, the weight of KL(N(μ, σ²) ‖ N(0, I)) in G's loss: 2, as the authors' configurations
	// (TRAIN.COEFF.KL: 2.0), where the paper's text says 1.
	KLWeight float64 `json:"kl_weight"`

	// Stage-II: the Stage-I run it refines, its settings, and G1's sizes.
	Stage1Run string   `json:"stage1_run,omitempty"`
	Stage1    *Config  `json:"stage1,omitempty"`
	Refine    *Refiner `json:"refiner,omitempty"`
	// Stage1Upsample is how the frozen Stage-I's G upsamples (its run's gan.Config.Upsample): this run's own
	// Upsample is G1's, and the copied G0 must be rebuilt as it was trained.
	Stage1Upsample string `json:"stage1_upsample,omitempty"`

	refineSkip bool // --refine-skip, until SetUp makes the refiner
}

// Refiner is G1's sizes: the Stage-I image encoded to half its side (a 3×3 and a stride-2 4×4 convolution),
// joined with c replicated there, residual blocks, and transposed convolutions doubling the side three times, to
// 4× Stage-I's side.
type Refiner struct {
	Channels   int   `json:"channels"`    // of the encoded map and the residual blocks: 64
	ResBlocks  int   `json:"res_blocks"`  // 2 (the paper: 4 at 16×16×512)
	UpChannels []int `json:"up_channels"` // of the three upsamplings: 32, 16, 8
	// Skip makes G1 draw a correction to Stage-I's image instead of a whole image: its last convolution is added
	// to the logits (atanh) of X1 upsampled bilinearly to 4× the side, before the tanh. A departure from the
	// paper, whose G1 reads X1 only through its encoder (false, the default); with the skip, G1 starts from
	// the upsampled Stage-I image and cannot lose its digit by forgetting it.
	Skip bool `json:"skip,omitempty"`
}

// DefaultRefiner is G1 at the CPU's sizes.
func DefaultRefiner() *Refiner {
	return &Refiner{Channels: 64, ResBlocks: 2, UpChannels: []int{32, 16, 8}}
}

// Networks are the DCGAN blocks of a stage at side×side×3 (side 8, 16, 32 or 64): G from 4×4×128, halving the
// channels as it doubles the side (16: 128 → 64 → 3); D from side/2 up to 128 channels at 4×4 (16: 64, 128),
// with no BatchNorm (as text2img).
func Networks(side int) dcgan.Config {
	n := text2img.Networks()
	n.Height, n.Width = side, side
	n.GenChannels, n.GenStrides, n.DiscChannels = nil, nil, nil
	for ch, s := 128, 4; s < side; ch, s = ch/2, s*2 {
		n.GenChannels = append(n.GenChannels, ch)
		n.GenStrides = append(n.GenStrides, 2)
		n.DiscChannels = append([]int{ch}, n.DiscChannels...)
	}
	return n
}

// DefaultConfig is Stage-I on capmnist16 with conditioning augmentation, λ = 2 and GAN-CLS's wrong text.
func DefaultConfig() gan.Config {
	t := text2img.Config{Config: Networks(16), Encoder: textenc.DefaultNetworks(), Project: 128, WrongText: true}
	cfg := gan.CoreDefaults(&Config{Config: t, Stage: 1, CondDim: 128, CA: true, KLWeight: 2})
	cfg.Dataset = "capmnist16"
	return cfg
}

func init() { gan.RegisterFamily(Name, DefaultConfig, func() gan.Family { return new(Config) }) }

// UseStage1 makes the config Stage-II of the Stage-I run in dir: its settings, its encoder, D's networks at 4×
// its side, and G1's default sizes (unless set); the run's dataset is the same data at the larger side.
func (c *Config) UseStage1(run *gan.Config, dir string) error {
	s1cfg, err := gan.ReadConfig(dir + "/" + gan.ConfigFile)
	if err != nil {
		return errors.WithMessage(err, "stackgan: --stage1")
	}
	s1, ok := s1cfg.Family.(*Config)
	if !ok || s1.Stage != 1 {
		return errors.Errorf("stackgan: %s is not a Stage-I run (it is %s): train one with `ganbook train stackgan --stage 1`", dir, s1cfg.FamilyName())
	}
	if !gan.HasCheckpoint(dir) {
		return errors.Errorf("stackgan: %s has no checkpoint yet: train it first (`ganbook train stackgan --stage 1 --out %s`)", dir, dir)
	}
	side := 4 * s1.Height
	ds, ok := captions.AtSide(s1cfg.Dataset, side)
	if !ok {
		return errors.Errorf("stackgan: Stage-I %s is %s at %dx%d: there is no such data at %dx%d for a Stage-II (the captioned datasets: %v)",
			dir, s1cfg.Dataset, s1.Height, s1.Width, side, side, captions.Names)
	}
	stage1 := *s1
	stage1.Stage1, stage1.Refine = nil, nil
	keepD := c.Config.Config.DiscChannels
	c.Config = s1.Config
	c.Config.Config = Networks(side)
	if len(keepD) > 0 && len(keepD) == len(c.Config.Config.DiscChannels) {
		c.Config.Config.DiscChannels = keepD
	}
	c.Config.Config.LatentDim = s1.LatentDim
	c.Stage, c.Stage1Run, c.Stage1, c.Stage1Upsample = 2, dir, &stage1, s1cfg.Upsample
	if c.Refine == nil {
		c.Refine = DefaultRefiner()
	}
	run.Dataset = ds
	return nil
}

// Validate checks the stage, the sizes, the text settings (text2img's) and, for Stage-II, that Stage-I's side is
// a quarter of this one.
func (c *Config) Validate(run *gan.Config) error {
	if c.Stage != 1 && c.Stage != 2 {
		return errors.Errorf("stackgan: stage %d: use 1 (G0 draws from the text) or 2 (G1 refines a Stage-I run's images)", c.Stage)
	}
	if c.Interp {
		return errors.New("stackgan: GAN-INT is not part of StackGAN (conditioning augmentation smooths the text manifold instead): leave gan_int off")
	}
	if c.ModeSeeking != 0 {
		return errors.New("stackgan: the mode-seeking term is text2img's: leave mode_seeking at 0 (conditioning augmentation's noise varies the samples)")
	}
	if c.CondDim < 1 || c.CondDim > 4096 {
		return errors.Errorf("stackgan: cond_dim %d must be in 1..4096 (the paper: 128)", c.CondDim)
	}
	if !(c.KLWeight >= 0 && c.KLWeight <= 100) {
		return errors.Errorf("stackgan: kl_weight %g must be in 0..100 (the authors: 2)", c.KLWeight)
	}
	if c.KLWeight != 0 && !c.CA {
		return errors.Errorf("stackgan: kl_weight %g without conditioning augmentation: the KL term is CA's; set it to 0 or turn CA on", c.KLWeight)
	}
	if err := c.Config.Validate(run); err != nil {
		return errors.New(strings.Replace(err.Error(), "text2img:", "stackgan:", 1))
	}
	if c.Stage == 1 {
		if c.Stage1 != nil || c.Refine != nil || c.Stage1Run != "" {
			return errors.New("stackgan: a Stage-I run has no stage1 or refiner settings")
		}
		return nil
	}
	s1 := c.Stage1
	if s1 == nil || c.Stage1Run == "" {
		return errors.New("stackgan: Stage-II needs its Stage-I run: `ganbook train stackgan --stage 2 --stage1 DIR`")
	}
	if s1.Stage != 1 || s1.Stage1 != nil {
		return errors.New("stackgan: stage1 must hold a Stage-I config")
	}
	if 4*s1.Height != c.Height || 4*s1.Width != c.Width || s1.Channels != c.Channels {
		return errors.Errorf("stackgan: Stage-II draws at 4× Stage-I's side: Stage-I is %dx%d, this stage %dx%d", s1.Height, s1.Width, c.Height, c.Width)
	}
	if fmt.Sprint(s1.Encoder) != fmt.Sprint(c.Encoder) {
		return errors.New("stackgan: Stage-II reads Stage-I's text encoder: its sizes must be Stage-I's")
	}
	if err := s1.validateNetworks(); err != nil {
		return errors.WithMessage(err, "stackgan: stage1")
	}
	r := c.Refine
	if r == nil || r.Channels < 1 || r.Channels > 4096 || r.ResBlocks < 0 || r.ResBlocks > 64 || len(r.UpChannels) != 3 || slices.ContainsFunc(r.UpChannels, func(v int) bool { return v < 1 || v > 4096 }) {
		return errors.Errorf("stackgan: the refiner needs channels in 1..4096, 0..64 residual blocks and three up-channel widths, got %s", jsonOf(r))
	}
	if s1.Height%2 != 0 {
		return errors.Errorf("stackgan: Stage-I's side %d must be even (G1 encodes it to half)", s1.Height)
	}
	return nil
}

// validateNetworks checks a Stage-I config kept inside a Stage-II one (its dataset is not the run's).
func (c *Config) validateNetworks() error {
	if err := c.ValidateNetworks(); err != nil {
		return err
	}
	if c.CondDim < 1 || (c.KLWeight != 0 && !c.CA) {
		return errors.New("bad conditioning settings")
	}
	return nil
}

// String describes the run in a few words.
func (c *Config) String() string {
	cond := "CA, λ " + fmt.Sprint(c.KLWeight)
	if !c.CA {
		cond = "FC projection, no CA"
	}
	if c.Stage == 2 {
		if c.Refine != nil && c.Refine.Skip {
			cond += ", G1 corrects the upsampled Stage-I image"
		}
		return fmt.Sprintf("stackgan Stage-II (%dx%d from Stage-I %s, %s)", c.Height, c.Width, c.Stage1Run, cond)
	}
	return fmt.Sprintf("stackgan Stage-I (%dx%d, %s, encoder %s)", c.Height, c.Width, cond, c.EncoderRun)
}

func jsonOf(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
