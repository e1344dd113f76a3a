// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"flag"
	"os"
	"strings"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// CaptionFlags are the flags of `ganbook sample` that say what a text-to-image run draws: --caption TEXT (n
// images of it) or --captions FILE (one image per line).
type CaptionFlags struct {
	fs            *flag.FlagSet
	caption, file *string
}

// BindCaptionFlags adds --caption and --captions to fs.
func BindCaptionFlags(fs *flag.FlagSet) *CaptionFlags {
	return &CaptionFlags{fs: fs,
		caption: fs.String("caption", "", "the caption to draw --n images of"),
		file:    fs.String("captions", "", "a file of captions, one per line: one image per line, in order (--n is ignored)")}
}

// Captions are the captions the flags ask for (n of --caption, or --captions' lines), ok false when neither was
// given. An empty --caption or line, and more than 200,000 lines, are refused.
func (f *CaptionFlags) Captions(n int) (capts []string, ok bool, err error) {
	set := map[string]bool{}
	f.fs.Visit(func(fl *flag.Flag) { set[fl.Name] = true })
	switch {
	case set["caption"] && set["captions"]:
		return nil, false, errors.New("give --caption or --captions, not both")
	case set["caption"]:
		if strings.TrimSpace(*f.caption) == "" {
			return nil, false, errors.New("--caption is empty: write a few words, e.g. --caption \"a thick red seven\"")
		}
		capts = make([]string, n)
		for i := range capts {
			capts[i] = *f.caption
		}
		return capts, true, nil
	case set["captions"]:
		raw, err := os.ReadFile(*f.file)
		if err != nil {
			return nil, false, errors.Wrap(err, "--captions")
		}
		capts = strings.Split(strings.TrimRight(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n"), "\n")
		if len(raw) == 0 || len(capts) > 200_000 {
			return nil, false, errors.Errorf("--captions %s has %d lines: give 1 to 200000 captions, one per line", *f.file, len(capts))
		}
		return capts, true, nil
	}
	return nil, false, nil
}

// BindSampleFlags adds --caption and --captions: the run draws one image per caption asked for.
func (c *Config) BindSampleFlags(fs *flag.FlagSet) gan.Draw {
	flags := BindCaptionFlags(fs)
	return func(t *gan.Trainer, n int, seed uint64) (gan.Drawing, bool, error) {
		capts, ok, err := flags.Captions(n)
		if err != nil || !ok {
			return gan.Drawing{}, false, err
		}
		images, err := Sample(t, capts, seed)
		return gan.Drawing{Images: images, N: len(capts), Shape: c.Shape()}, true, err
	}
}
