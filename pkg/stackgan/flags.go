// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"flag"
	"strings"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/pkg/errors"
)

// BindFlags binds a stage's settings to flags of `ganbook train stackgan`: which stage, Stage-II's Stage-I run,
// the networks, the text settings and conditioning augmentation's.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	c.Config.Config.BindFlags(fs)
	text2img.BindTextFlags(fs, &c.Config)
	fs.IntVar(&c.Stage, "stage", c.Stage, "1 (G0 draws from the text at low resolution) or 2 (G1 refines the images of --stage1 to 4× their side)")
	fs.StringVar(&c.Stage1Run, "stage1", c.Stage1Run, "--stage 2: the Stage-I run to refine (frozen; its encoder comes with it)")
	fs.BoolVar(&c.refineSkip, "refine-skip", c.refineSkip, "--stage 2: G1 draws a correction added to the Stage-I image upsampled bilinearly "+
		"(a departure from the paper, whose G1 draws the whole image)")
	fs.IntVar(&c.CondDim, "cond-dim", c.CondDim, "the size of the condition c G reads (Zhang et al. 2017: 128)")
	fs.BoolVar(&c.CA, "ca", c.CA, "conditioning augmentation, c = μ + σ·ε (Zhang et al. 2017; false: the ablation, a plain FC projection; give --kl 0 with it)")
	fs.Float64Var(&c.KLWeight, "kl", c.KLWeight, "λ of the KL term of conditioning augmentation (the authors' configurations: 2; the paper's text: 1)")
}

// SetUp makes a new stage from its flags (set: whether the command line gave a flag). Stage-I: its networks at
// the dataset's side (but for the sizes the flags gave) and the encoder run's sizes. Stage-II: its settings,
// encoder and dataset (the same data at 4× the side) from the Stage-I run, D1's own settings where the flags
// gave them.
func (c *Config) SetUp(run *gan.Config, set func(string) bool) error {
	switch c.Stage {
	case 1:
		if c.Stage1Run != "" || set("refine-skip") {
			return errors.New("--stage1 and --refine-skip are Stage-II's: give --stage 2 with them")
		}
		side, ok := captions.Sides[run.Dataset]
		if !ok {
			return errors.Errorf("%q has no captions: use one of %s", excerpt(run.Dataset), strings.Join(captions.Names, ", "))
		}
		if side != c.Height { // the networks of the dataset's side, but for what the flags said
			n := Networks(side)
			n.LatentDim, n.GenHidden, n.DiscHidden, n.DiscBatchNorm = c.LatentDim, c.GenHidden, c.DiscHidden, c.DiscBatchNorm
			if set("gen-channels") {
				n.GenChannels = c.GenChannels
			}
			if set("disc-channels") {
				n.DiscChannels = c.DiscChannels
			}
			c.Config.Config = n
		}
		return c.Config.SetUp(run, set)
	case 2:
		if c.Stage1Run == "" {
			return errors.New("--stage 2 needs --stage1 DIR, the Stage-I run it refines (`ganbook train stackgan --stage 1 --out DIR` first)")
		}
		if set("dataset") || set("encoder") || set("gen-channels") || set("latent") {
			return errors.Errorf("Stage-II takes its dataset, encoder, latent size and G0 from --stage1 %s: leave --dataset, --encoder, --latent and --gen-channels out", c.Stage1Run)
		}
		disc, project, wrong, match := c.Config.Config.DiscChannels, c.Project, c.WrongText, c.Match
		if !set("disc-channels") {
			c.Config.Config.DiscChannels = nil
		}
		if err := c.UseStage1(run, c.Stage1Run); err != nil {
			return err
		}
		c.Refine.Skip = c.refineSkip
		// D1's own settings, where the flags gave them (else Stage-I's).
		if set("disc-channels") {
			c.Config.Config.DiscChannels = disc
		}
		if set("text-project") {
			c.Project = project
		}
		if set("text-match") {
			c.Match = match
		}
		if set("wrong-text") {
			c.WrongText = wrong
		}
		return nil
	}
	return errors.Errorf("--stage %d: use 1 or 2", c.Stage)
}

// excerpt is s cut to 40 bytes, with "…" where it was cut: what an error echoes of a value it refuses.
func excerpt(s string) string {
	if len(s) <= 40 {
		return s
	}
	return strings.ToValidUTF8(s[:40], "") + "…"
}
