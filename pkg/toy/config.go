// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// Config sizes and trains a toy GAN. DefaultConfig gives working values for the 1-D and 2-D problems of this
// package (a few thousand steps on a laptop CPU); Validate rejects bad ones.
type Config struct {
	Loss string // one of gan.Losses: "ns" (default), "minimax", "wgan-gp", "ls", "hinge"

	NoiseDim   int   // size of z ~ N(0, I); 0 means the data's dimension d (claim (c): d normals reach R^d)
	GenHidden  []int // hidden layer widths of G (ReLU): [128, 128]
	DiscHidden []int // hidden layer widths of D (LeakyReLU): [128, 128]
	LeakySlope float64

	BatchSize     int     // examples per update: 256
	LearningRateG float64 // Adam, G: 1e-3; 3e-4 for WGAN-GP (gan_toy.py of Gulrajani et al. 2017 uses 1e-4 for 100k steps)
	LearningRateD float64 // Adam, D: the same
	Beta1, Beta2  float64 // Adam: 0.5, 0.999 (Radford et al. 2015); 0.5, 0.9 for WGAN-GP (Gulrajani et al. 2017)
	DSteps        int     // D updates per G update: k = 1 (Goodfellow et al. 2014, algorithm 1); 5 for WGAN-GP
	GPWeight      float64 // λ of WGAN-GP: 0.1, as in the toy experiments of Gulrajani et al. (gan_toy.py); 10 on images
	Seed          int64   // initial weights, noise and data: one seed, one run

	SnapshotSize int // samples in each Snapshot of Train (drawn from fixed noise): 1000

	// StepOrder is the core's step order (gan.StepOrders): "" is gan.StepAlternating, Goodfellow et al.'s
	// algorithm 1 (G against the updated D), which chapter 01 teaches; gan.StepSimultaneous is the image GANs'.
	StepOrder string
}

// DefaultConfig returns the configuration for a loss (one of gan.Losses).
func DefaultConfig(loss string) Config {
	c := Config{
		Loss:       loss,
		GenHidden:  []int{128, 128},
		DiscHidden: []int{128, 128},
		LeakySlope: 0.2,
		BatchSize:  256, LearningRateG: 1e-3, LearningRateD: 1e-3, Beta1: 0.5, Beta2: 0.999, DSteps: 1,
		GPWeight: 0.1, Seed: 1, SnapshotSize: 1000,
	}
	if loss == gan.LossWGANGP {
		c.LearningRateG, c.LearningRateD, c.Beta2, c.DSteps = 3e-4, 3e-4, 0.9, 5
	}
	return c
}

// Validate checks every field.
func (c Config) Validate() error {
	bad := func(format string, args ...any) error {
		return errors.Errorf("toy: bad config: "+format, args...)
	}
	switch {
	case !slices.Contains(gan.Losses, c.Loss):
		return bad("unknown loss %q: use one of %s", c.Loss, strings.Join(gan.Losses, ", "))
	case c.NoiseDim < 0:
		return bad("NoiseDim is %d: use 0 (the data's dimension) or a positive size", c.NoiseDim)
	case len(c.GenHidden) == 0 || len(c.DiscHidden) == 0 || slices.Min(c.GenHidden) <= 0 || slices.Min(c.DiscHidden) <= 0:
		return bad("GenHidden %v and DiscHidden %v need at least one positive width each", c.GenHidden, c.DiscHidden)
	case c.BatchSize <= 0 || c.DSteps <= 0 || c.SnapshotSize <= 0:
		return bad("BatchSize %d, DSteps %d and SnapshotSize %d must be positive", c.BatchSize, c.DSteps, c.SnapshotSize)
	case !(c.LearningRateG > 0) || !(c.LearningRateD > 0):
		return bad("learning rates must be positive, got G %g, D %g", c.LearningRateG, c.LearningRateD)
	case c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1:
		return bad("Adam betas must be in [0, 1), got %g, %g", c.Beta1, c.Beta2)
	case c.LeakySlope < 0 || c.LeakySlope >= 1:
		return bad("LeakySlope must be in [0, 1), got %g", c.LeakySlope)
	case c.Loss == gan.LossWGANGP && !(c.GPWeight > 0):
		return bad("wgan-gp needs a positive GPWeight, got %g", c.GPWeight)
	case c.StepOrder != "" && !slices.Contains(gan.StepOrders, c.StepOrder):
		return bad("unknown StepOrder %q: use %s", c.StepOrder, strings.Join(gan.StepOrders, " or "))
	}
	return nil
}

// String is a one-line summary of the configuration.
func (c Config) String() string {
	return fmt.Sprintf("loss=%s noise=%d G=%v D=%v batch=%d lr(G,D)=%g,%g betas=%g,%g dsteps=%d seed=%d",
		c.Loss, c.NoiseDim, c.GenHidden, c.DiscHidden, c.BatchSize, c.LearningRateG, c.LearningRateD,
		c.Beta1, c.Beta2, c.DSteps, c.Seed)
}
