// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"flag"

	"github.com/ganbook/ganbook/pkg/gan"
)

// BindFlags binds the networks' widths and the task's settings to flags of `ganbook train pix2pix|srgan`.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	fs.Var((*gan.Ints)(&c.GenChannels), "gen-channels", "widths of G's layers, comma-separated, or one width (the rest doubling)")
	fs.Var((*gan.Ints)(&c.DiscChannels), "disc-channels", "widths of D's layers, comma-separated, or one width (the rest doubling)")
	if c.Family == FamilyPix2Pix {
		fs.StringVar(&c.Task, "task", c.Task, "mask (inpaint a greyed-out square) or edges (Sobel edge map to image)")
		fs.IntVar(&c.MaskSize, "mask-size", c.MaskSize, "side of the masked square")
		fs.Float64Var(&c.LambdaL1, "lambda-l1", c.LambdaL1, "λ of the L1 term (Isola et al. 2017: 100)")
		fs.Float64Var(&c.Dropout, "dropout", c.Dropout, "dropout in G's decoder while training (Isola et al. 2017: 0.5)")
		return
	}
	fs.IntVar(&c.Scale, "scale", c.Scale, "upscaling factor, 2 (14x14 to 28x28) or 4 (7x7 to 28x28)")
	fs.Float64Var(&c.ContentWeight, "content-weight", c.ContentWeight, "weight of the classifier-feature MSE (Ledig et al. 2017's VGG loss)")
	fs.Float64Var(&c.PixelWeight, "pixel-weight", c.PixelWeight, "weight of the pixel MSE")
	fs.Float64Var(&c.AdvWeight, "adv-weight", c.AdvWeight, "weight of the adversarial loss (Ledig et al. 2017: 1e-3)")
	fs.IntVar(&c.ResBlocks, "res-blocks", c.ResBlocks, "residual blocks in G (Ledig et al. 2017: 16)")
}
