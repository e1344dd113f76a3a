// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"flag"

	"github.com/ganbook/ganbook/pkg/gan"
)

// BindFlags binds the DCGAN networks' sizes and the latent codes to flags of `ganbook train infogan`.
func (c *Config) BindFlags(fs *flag.FlagSet) {
	c.Config.BindFlags(fs)
	fs.Var((*gan.Ints)(&c.Info.Categorical), "categorical", "the number of values of each categorical code, comma-separated (Chen et al. 2016's MNIST: 10)")
	fs.IntVar(&c.Info.Continuous, "continuous", c.Info.Continuous, "the number of continuous codes, Unif(-1, 1) (Chen et al. 2016's MNIST: 2)")
	fs.Float64Var(&c.Info.WeightCat, "lambda-cat", c.Info.WeightCat, "λ of the categorical codes' information term (Chen et al. 2016: 1; 0: the ablation, G ignores the codes)")
	fs.Float64Var(&c.Info.WeightCont, "lambda-cont", c.Info.WeightCont, "λ of the continuous codes' information term (the authors' code and pretrained/infogan-mnist use 1)")
}
