// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"image"
	"io"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/viz"
)

const sampleSynopsis = "sample --run DIR [--n 64] [--format png|idx] [--seed S] --out FILE [the family's flags: " +
	"see `ganbook sample --run DIR -h`]"

func runSample(args []string, stdout io.Writer) error {
	// The run's family adds its own flags (--caption, --labels, --traverse...): find the run first.
	dir := peekFlags(args, "run")["run"]
	var draw gan.Draw
	var t *gan.Trainer
	if dir != "" && gan.RunFamily(dir) != "" {
		var closeRun func()
		var err error
		if t, closeRun, err = openRun(dir, stdout); err != nil {
			return err
		}
		defer closeRun()
	}
	fs := newFlags("sample", sampleSynopsis, stdout)
	run := fs.String("run", "", "run directory (made by `ganbook train`, or a pretrained/ one)")
	n := fs.Int("n", 64, "number of samples (pix2pix, srgan: of the first test images)")
	format := fs.String("format", "png", "png (a grid, or the family's picture) or idx (idx3-ubyte: uint8 N×H×W, or N×H×W×C for colour)")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	out := fs.String("out", "", "output file")
	if t != nil {
		if d, ok := t.Config.Family.(gan.Drawer); ok {
			draw = d.BindSampleFlags(fs)
		}
	}
	family := ""
	if t != nil {
		family = t.Config.FamilyName()
	}
	if err := parseFor(fs, args, family, dir); err != nil {
		return err
	}
	switch {
	case *run == "":
		return fmt.Errorf("sample: --run DIR is required")
	case t == nil:
		_, _, err := openRun(*run, stdout) // says what is wrong with the folder
		return fmt.Errorf("sample: %v", oneLine(err))
	case *out == "":
		return fmt.Errorf("sample: --out FILE is required")
	case *n <= 0 || *n > 200_000:
		return fmt.Errorf("sample: --n must be in 1..200000")
	case *format != "png" && *format != "idx":
		return fmt.Errorf("sample: unknown --format %q: use png or idx", excerpt(*format))
	}
	d, ok := gan.Drawing{}, false
	var err error
	if draw != nil {
		d, ok, err = draw(t, *n, *seed)
	}
	if err == nil && !ok {
		d = gan.Drawing{N: *n, Shape: t.Config.Family.Shape()}
		d.Images, d.Latent, err = t.Sample(*n, *seed)
	}
	if err != nil {
		return fmt.Errorf("sample: %v", err)
	}
	var what string
	if *format == "idx" {
		if d.Images == nil {
			return fmt.Errorf("sample: this drawing is a picture (a traversal): write it with --format png")
		}
		side, err := gan.WriteSamplesIDX(*out, d.Images, d.N, d.Shape, d.Latent)
		if err != nil {
			return err
		}
		if side != "" {
			fmt.Fprintf(stdout, "wrote the %s of each sample to %s (idx1-ubyte)\n", d.Latent.LabelKind, side)
		}
		what = fmt.Sprintf("%d samples", d.N)
	} else {
		img := d.Picture
		if img == nil {
			var err error
			if img, err = viz.GridFromFlat(d.Images, d.N, d.Shape.Height, d.Shape.Width, d.Shape.Channels, 0, 2); err != nil {
				return err
			}
		}
		if err := viz.SavePNG(*out, img); err != nil {
			return err
		}
		what = describeDrawing(d, img)
	}
	fmt.Fprintf(stdout, "wrote %s of %s (step %d) to %s\n", what, *run, t.GlobalStep(), *out)
	return nil
}

// describeDrawing says what a PNG holds: n samples, or a picture.
func describeDrawing(d gan.Drawing, img image.Image) string {
	if d.Images == nil {
		return fmt.Sprintf("a %dx%d picture", img.Bounds().Dx(), img.Bounds().Dy())
	}
	return fmt.Sprintf("%d samples", d.N)
}
