// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan

import (
	"flag"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// BindSampleFlags adds --labels: the classes to draw, in turn.
func (c *Config) BindSampleFlags(fs *flag.FlagSet) gan.Draw {
	labels := fs.String("labels", "", "the labels to generate, in turn (comma-separated, or all: every class in turn; default all)")
	return func(t *gan.Trainer, n int, seed uint64) (gan.Drawing, bool, error) {
		if *labels == "" || *labels == "all" {
			return gan.Drawing{}, false, nil
		}
		var list gan.Ints
		if err := list.Set(*labels); err != nil || len(list) == 0 {
			return gan.Drawing{}, false, errors.Errorf("--labels %q: give comma-separated class numbers, or all", excerpt(*labels))
		}
		asked := make([]int, n)
		for i := range asked {
			asked[i] = list[i%len(list)]
		}
		lat, err := c.LatentLabels(asked, seed)
		if err != nil {
			return gan.Drawing{}, false, err
		}
		images, err := t.GenerateFlat(lat.Z, n)
		return gan.Drawing{Images: images, N: n, Shape: c.Shape(), Latent: lat}, true, err
	}
}

// excerpt is s cut to 40 bytes, with "…" where it was cut.
func excerpt(s string) string {
	if len(s) <= 40 {
		return s
	}
	return s[:40] + "…"
}
