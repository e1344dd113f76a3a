// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan

import (
	"flag"

	"github.com/ganbook/ganbook/pkg/gan"
)

// BindFlags binds the networks' sizes to flags of `ganbook train gan|dcgan`, with the names every family built on
// these networks uses (infogan, cgan, text2img, stackgan).
func (c *Config) BindFlags(fs *flag.FlagSet) {
	fs.IntVar(&c.LatentDim, "latent", c.LatentDim, "size of the noise z (Radford et al. 2015: 100)")
	fs.IntVar(&c.GenHidden, "gen-hidden", c.GenHidden, "units of a dense layer before G's projection (0: none; InfoGAN's MNIST G: 1024)")
	fs.IntVar(&c.DiscHidden, "disc-hidden", c.DiscHidden, "units of a dense layer after D's convolutions (0: none; InfoGAN's MNIST D: 1024)")
	fs.BoolVar(&c.DiscBatchNorm, "disc-batchnorm", c.DiscBatchNorm, "BatchNorm in D after every convolution but the first (Radford et al. 2015)")
	fs.Var((*gan.Ints)(&c.GenChannels), "gen-channels", "channels (dcgan) or units (gan) of G's layers, comma-separated")
	fs.Var((*gan.Ints)(&c.DiscChannels), "disc-channels", "channels (dcgan) or units (gan) of D's layers, comma-separated")
}
