// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"flag"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/pkg/errors"
)

// BindSampleFlags adds --caption and --captions (text2img's), and --stage 1: a Stage-II run writes the frozen
// Stage-I's images of the same draws, at Stage-I's size.
func (c *Config) BindSampleFlags(fs *flag.FlagSet) gan.Draw {
	flags := text2img.BindCaptionFlags(fs)
	stage := fs.Int("stage", 0, "a Stage-II run: 1 writes the Stage-I images of the same draws (at Stage-I's size) instead of Stage-II's")
	return func(t *gan.Trainer, n int, seed uint64) (gan.Drawing, bool, error) {
		capts, asked, err := flags.Captions(n)
		if err != nil {
			return gan.Drawing{}, false, err
		}
		if *stage != 0 && *stage != 1 && *stage != c.Stage {
			return gan.Drawing{}, false, errors.Errorf("--stage %d: give --stage 1 with a StackGAN Stage-II run (this is a Stage-%d run)", *stage, c.Stage)
		}
		if !asked && *stage != 1 {
			return gan.Drawing{}, false, nil
		}
		if !asked {
			capts = text2img.GridCaptions(captions.Base(t.Config.Dataset), n)
		}
		s := c.Shape()
		var images []float32
		if *stage == 1 {
			images, err = Stage1Images(t, capts, seed)
			if c.Stage == 2 {
				s.Height, s.Width = c.Stage1.Height, c.Stage1.Width
			}
		} else {
			images, err = Sample(t, capts, seed)
		}
		return gan.Drawing{Images: images, N: len(capts), Shape: s}, true, err
	}
}
