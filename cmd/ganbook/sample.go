// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"image"
	"io"
	"os"
	"strings"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/cgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/imagegan"
	"github.com/ganbook/ganbook/pkg/infogan"
	"github.com/ganbook/ganbook/pkg/stackgan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/viz"
)

func runSample(args []string, stdout io.Writer) error {
	fs := newFlags("sample", "sample --run DIR [--n 64] [--format png|idx] [--seed S] [--labels 0,1,...|all] "+
		"[--traverse categorical|cont0|cont1...] [--caption TEXT | --captions FILE] --out FILE", stdout)
	run := fs.String("run", "", "run directory (made by `ganbook train`, or a pretrained/ one)")
	n := fs.Int("n", 64, "number of samples (pix2pix, srgan: of the first test images)")
	format := fs.String("format", "png", "png (a grid; pix2pix and srgan: input | output | target) or idx (idx3-ubyte: uint8 N×H×W, or N×H×W×C for colour)")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	out := fs.String("out", "", "output file")
	traverse := fs.String("traverse", "", "infogan: a PNG latent traversal instead of samples: categorical (its values across "+
		"the columns, one noise per row) or contJ (continuous code J from -2 to 2 across, one categorical value per row)")
	labelsFlag := fs.String("labels", "", "cgan: the labels to generate, in turn (comma-separated, or all: every class in turn; default all)")
	caption := fs.String("caption", "", "text2img, stackgan: the caption to draw --n images of")
	captionsFile := fs.String("captions", "", "text2img, stackgan: a file of captions, one per line: one image per line, in order (--n is ignored)")
	stage := fs.Int("stage", 0, "stackgan Stage-II runs: 1 writes the Stage-I images of the same draws (at Stage-I's size) instead of Stage-II's")
	if err := parse(fs, args); err != nil {
		return err
	}
	var capts []string
	switch {
	case *caption != "" && *captionsFile != "":
		return fmt.Errorf("sample: give --caption or --captions, not both")
	case *caption != "":
		capts = make([]string, *n)
		for i := range capts {
			capts[i] = *caption
		}
	case *captionsFile != "":
		raw, err := os.ReadFile(*captionsFile)
		if err != nil {
			return fmt.Errorf("sample: --captions: %v", err)
		}
		for _, line := range strings.Split(strings.TrimRight(strings.ReplaceAll(string(raw), "\r\n", "\n"), "\n"), "\n") {
			capts = append(capts, line)
		}
		if len(capts) == 0 || len(capts) > 200_000 {
			return fmt.Errorf("sample: --captions %s has %d lines: give 1 to 200000 captions, one per line", *captionsFile, len(capts))
		}
		*n = len(capts)
	}
	switch {
	case *run == "":
		return fmt.Errorf("sample: --run DIR is required")
	case *out == "":
		return fmt.Errorf("sample: --out FILE is required")
	case *n <= 0 || *n > 200_000:
		return fmt.Errorf("sample: --n must be in 1..200000")
	case *format != "png" && *format != "idx":
		return fmt.Errorf("sample: unknown --format %q: use png or idx", *format)
	}
	t, closeRun, err := openRun(*run, stdout)
	if err != nil {
		return err
	}
	defer closeRun()
	fam := t.Config.FamilyName()
	if *traverse != "" {
		img, err := infogan.TraversalGrid(t, *traverse, *seed)
		if err != nil {
			return fmt.Errorf("sample: %v", err)
		}
		if err := viz.SavePNG(*out, img); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "wrote a traversal (%s) of %s (step %d) to %s\n", *traverse, *run, t.GlobalStep(), *out)
		return nil
	}
	var flat []float32
	var lat gan.Latent
	if capts != nil && fam != text2img.Name && fam != stackgan.Name {
		return fmt.Errorf("sample: --caption and --captions need a text-to-image run (ganbook train text2img or stackgan); %s is a %s", *run, fam)
	}
	s := t.Config.Family.Shape()
	sg, isStack := t.Config.Family.(*stackgan.Config)
	switch {
	case *stage != 0 && (!isStack || (*stage != 1 && *stage != sg.Stage)):
		return fmt.Errorf("sample: --stage %d: give --stage 1 with a StackGAN Stage-II run (%s is a %s)", *stage, *run, t.Config.Family)
	case isStack && capts == nil:
		capts = text2img.GridCaptions(captions.Base(t.Config.Dataset), *n)
	}
	switch {
	case isStack && *stage == 1:
		flat, err = stackgan.Stage1Images(t, capts, *seed)
		if sg.Stage == 2 {
			s.Height, s.Width = sg.Stage1.Height, sg.Stage1.Width
		}
	case isStack:
		flat, err = stackgan.Sample(t, capts, *seed)
	case capts != nil:
		flat, err = text2img.Sample(t, capts, *seed)
	case *labelsFlag != "" && *labelsFlag != "all":
		var list intList
		if err := list.Set(*labelsFlag); err != nil || len(list) == 0 {
			return fmt.Errorf("sample: --labels %q: give comma-separated class numbers, or all", *labelsFlag)
		}
		c, ok := t.Config.Family.(*cgan.Config)
		if !ok {
			return fmt.Errorf("sample: --labels needs a conditional GAN run (ganbook train cgan); %s is a %s", *run, fam)
		}
		labels := make([]int, *n)
		for i := range labels {
			labels[i] = list[i%len(list)]
		}
		if lat, err = c.LatentLabels(labels, *seed); err == nil {
			flat, err = t.GenerateFlat(lat.Z, *n)
		}
	case *labelsFlag != "" && fam != cgan.Name:
		return fmt.Errorf("sample: --labels needs a conditional GAN run (ganbook train cgan); %s is a %s", *run, fam)
	default:
		flat, lat, err = t.Sample(*n, *seed)
	}
	if err != nil {
		return fmt.Errorf("sample: %v", err)
	}
	if *format == "idx" {
		side, err := gan.WriteSamplesIDX(*out, flat, *n, s, lat)
		if err != nil {
			return err
		}
		if side != "" {
			fmt.Fprintf(stdout, "wrote the %s of each sample to %s (idx1-ubyte)\n", lat.LabelKind, side)
		}
	} else {
		var img image.Image
		if _, ok := t.Config.Family.(*imagegan.Config); ok {
			img, err = imagegan.TripletGridOfTest(t, *n)
		} else {
			img, err = viz.GridFromFlat(flat, *n, s.Height, s.Width, s.Channels, 0, 2)
		}
		if err != nil {
			return err
		}
		if err := viz.SavePNG(*out, img); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "wrote %d samples of %s (step %d) to %s\n", *n, *run, t.GlobalStep(), *out)
	return nil
}
