// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import (
	"fmt"
	"slices"
	"strings"

	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// Name is the family's name.
const Name = "cgan"

// Config is a conditional GAN: pkg/dcgan's networks, with the dataset's Classes read by G (one-hot, after z)
// and by D as Condition says.
type Config struct {
	dcgan.Config
	Classes   int    `json:"classes"`
	Condition string `json:"condition"` // ConditionConcat or ConditionProjection
}

// DefaultConfig returns a label-conditioned DCGAN for 10-class 28x28 data: G reads z (100) and the one-hot
// label, D the label through a projection (Miyato & Koyama 2018).
func DefaultConfig() gan.Config {
	return gan.CoreDefaults(&Config{Config: dcgan.Networks(dcgan.ModelDCGAN), Classes: 10, Condition: ConditionProjection})
}

func init() { gan.RegisterFamily(Name, DefaultConfig, func() gan.Family { return new(Config) }) }

// classesOf is the number of classes of each dataset a conditional GAN can train on.
var classesOf = map[string]int{"mnist": 10, "fashion": 10}

// Validate checks the networks, the classes against the run's dataset, and the condition.
func (c *Config) Validate(run *gan.Config) error {
	if err := c.ValidateNetworks(); err != nil {
		return err
	}
	if !slices.Contains(Conditions, c.Condition) {
		return errors.Errorf("cgan: unknown condition %q: use %s", c.Condition, strings.Join(Conditions, " or "))
	}
	if k, ok := classesOf[run.Dataset]; ok && c.Classes != k {
		return errors.Errorf("cgan: %s has %d classes, the config says %d", run.Dataset, k, c.Classes)
	}
	if c.Classes < 2 {
		return errors.Errorf("cgan: a conditional GAN needs at least 2 classes, got %d", c.Classes)
	}
	return nil
}

// String describes the run in a few words.
func (c *Config) String() string {
	return fmt.Sprintf("cgan (%s, %d classes, %s)", c.Model, c.Classes, c.Condition)
}
