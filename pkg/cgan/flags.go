// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import "flag"

// BindFlags binds the DCGAN networks' sizes and how D reads the label to flags of `ganbook train cgan`.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	c.Config.BindFlags(fs)
	fs.StringVar(&c.Condition, "condition", c.Condition, "how D reads the label: projection (Miyato & Koyama 2018) or concat (as input channels, Mirza & Osindero 2014)")
}
