// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"flag"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// BindFlags binds the networks' sizes, the text encoder run and GAN-CLS's and GAN-INT's switches to flags of
// `ganbook train text2img`.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	c.Config.BindFlags(fs)
	c.bindTextFlags(fs)
	fs.BoolVar(&c.Interp, "gan-int", c.Interp, "GAN-INT: G also learns from captions interpolated between two (Reed et al. 2016; false: the ablation)")
	fs.Float64Var(&c.Beta, "beta", c.Beta, "GAN-INT's β: the interpolated embedding is β·φ(t1) + (1-β)·φ(t2) (Reed et al. 2016: 0.5)")
	fs.Float64Var(&c.ModeSeeking, "mode-seeking", c.ModeSeeking, "weight of the mode-seeking term that keeps G's images moving with the noise (Mao et al. 2019: 1; 0: off)")
}

// bindTextFlags are the flags every text-to-image family has (text2img, stackgan): the encoder run, GAN-CLS's
// wrong text, the text projection and the matching term.
func (c *Config) bindTextFlags(fs *flag.FlagSet) {
	fs.StringVar(&c.EncoderRun, "encoder", c.EncoderRun, "the text encoder run (made by ganbook train textenc) whose weights the run copies in, frozen")
	fs.BoolVar(&c.WrongText, "wrong-text", c.WrongText, "GAN-CLS: D also judges real images with a wrong caption as fake (Reed et al. 2016; false: the ablation)")
	fs.IntVar(&c.Project, "text-project", c.Project, "the text embedding's projection in G and D (Reed et al. 2016: 128)")
	fs.Float64Var(&c.Match, "text-match", c.Match, "weight of the text-matching term: the encoder's frozen image encoder scores G's images against their captions (AttnGAN's DAMSM, Xu et al. 2018; 0: off)")
}

// BindTextFlags binds the flags of a family built on text2img's text settings (pkg/stackgan) to c.
func BindTextFlags(fs *flag.FlagSet, c *Config) { c.bindTextFlags(fs) }

// SetUp takes the sizes of the encoder run given with --encoder (required).
func (c *Config) SetUp(run *gan.Config, _ func(string) bool) error {
	if c.EncoderRun == "" {
		base := captions.Base(run.Dataset)
		return errors.Errorf("--encoder is required: the text encoder run, e.g. `ganbook train textenc --dataset %s --out runs/textenc-%s`, "+
			"then --encoder runs/textenc-%s", base, base, base)
	}
	return errors.WithMessage(c.UseEncoder(c.EncoderRun), "--encoder")
}
