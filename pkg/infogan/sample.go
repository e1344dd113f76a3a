// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"flag"

	"github.com/ganbook/ganbook/pkg/gan"
)

// BindSampleFlags adds --traverse: a latent traversal (a picture) instead of samples.
func (c *Config) BindSampleFlags(fs *flag.FlagSet) gan.Draw {
	traverse := fs.String("traverse", "", "a PNG latent traversal instead of samples: categorical (its values across "+
		"the columns, one noise per row) or contJ (continuous code J from -2 to 2 across, one categorical value per row)")
	return func(t *gan.Trainer, _ int, seed uint64) (gan.Drawing, bool, error) {
		if *traverse == "" {
			return gan.Drawing{}, false, nil
		}
		img, err := TraversalGrid(t, *traverse, seed)
		return gan.Drawing{Picture: img}, true, err
	}
}
