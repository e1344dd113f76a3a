// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// Name is the family's name.
const Name = "infogan"

// Config is an InfoGAN: pkg/dcgan's networks with latent codes, stored in config.json beside the core's
// settings ("info" holds the codes).
type Config struct {
	dcgan.Config
	Info Codes `json:"info"`
}

// DefaultConfig returns the InfoGAN of Chen et al. 2016 for MNIST (their Table 1) on ganbook's DCGAN: 62
// noise dimensions, one Cat(10) and two Unif(-1, 1) codes with λ 1 and 0.1 (MNISTCodes); G: FC 1024, FC
// 7x7x128, two 4x4 stride-2 transposed convolutions; D: two 4x4 stride-2 convolutions, FC 1024 with BatchNorm,
// Q on its 1024 features; the paper's learning rates (D 2e-4, G 1e-3).
func DefaultConfig() gan.Config {
	net := dcgan.Networks(dcgan.ModelDCGAN)
	net.LatentDim = 62
	net.DiscBatchNorm = true
	net.GenHidden, net.DiscHidden = 1024, 1024 // the paper's Table 1: FC 1024 in both networks
	c := gan.CoreDefaults(&Config{Config: net, Info: MNISTCodes()})
	c.LearningRateG = 1e-3
	return c
}

func init() { gan.RegisterFamily(Name, DefaultConfig, func() gan.Family { return new(Config) }) }

// Validate checks the networks and the codes.
func (c *Config) Validate(*gan.Config) error {
	if err := c.ValidateNetworks(); err != nil {
		return err
	}
	bad := func(format string, args ...any) error { return errors.Errorf("infogan: "+format, args...) }
	switch {
	case !c.Info.Enabled():
		return bad("an InfoGAN needs codes: give --categorical or --continuous")
	case c.Info.Continuous < 0 || c.Info.Continuous > 64 || c.Info.WeightCat < 0 || c.Info.WeightCont < 0 ||
		c.Info.QHidden < 0 || c.Info.QHidden > 1<<16:
		return bad("continuous must be in 0..64, the weights λ and q_hidden must not be negative")
	case len(c.Info.Categorical) > 16:
		return bad("at most 16 categorical codes, got %d", len(c.Info.Categorical))
	}
	for _, k := range c.Info.Categorical {
		if k < 2 || k > 1024 {
			return bad("a categorical code needs 2 to 1024 values, got %v", c.Info.Categorical)
		}
	}
	return nil
}

// String describes the run in a few words.
func (c *Config) String() string {
	return fmt.Sprintf("infogan (%s, codes cat %v cont %d, λ %g/%g)", c.Model, c.Info.Categorical, c.Info.Continuous,
		c.Info.WeightCat, c.Info.WeightCont)
}
