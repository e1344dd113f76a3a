// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/imagegan"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/gomlx/core/tensors"
)

func runSample(args []string, stdout io.Writer) error {
	fs := newFlags("sample", "sample --run DIR [--n 64] [--format png|idx] [--seed S] [--labels 0,1,...|all] "+
		"[--traverse categorical|cont0|cont1...] --out FILE", stdout)
	run := fs.String("run", "", "run directory (made by `ganbook train`, or a pretrained/ one)")
	n := fs.Int("n", 64, "number of samples")
	format := fs.String("format", "png", "png (a grid) or idx (idx3-ubyte: uint8 N×H×W, or N×H×W×C for colour)")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	out := fs.String("out", "", "output file")
	traverse := fs.String("traverse", "", "InfoGAN: a PNG latent traversal instead of samples: categorical (its values across "+
		"the columns, one noise per row) or contJ (continuous code J from -2 to 2 across, one categorical value per row)")
	labelsFlag := fs.String("labels", "", "cgan: the labels to generate, in turn (comma-separated, or all: every class in turn; default all)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *traverse != "" {
		return sampleTraversal(*run, *traverse, *seed, *out, stdout)
	}
	if *run != "" && imagegan.RunFamily(*run) != "" { // pix2pix and SRGAN runs: imagegan.go
		return runSampleImageGAN(*run, *n, *format, *out, stdout)
	}
	switch {
	case *run == "":
		return fmt.Errorf("sample: --run DIR is required")
	case *out == "":
		return fmt.Errorf("sample: --out FILE is required")
	case *n <= 0:
		return fmt.Errorf("sample: --n must be positive")
	case *format != "png" && *format != "idx":
		return fmt.Errorf("sample: unknown --format %q: use png or idx", *format)
	}
	t, closeRun, err := openRun(*run)
	if err != nil {
		return err
	}
	defer closeRun()
	cfg := t.Config
	var flat []float32
	var codes []int
	switch {
	case cfg.Classes > 0 && *labelsFlag != "" && *labelsFlag != "all":
		var list intList
		if err := list.Set(*labelsFlag); err != nil || len(list) == 0 {
			return fmt.Errorf("sample: --labels %q: give comma-separated class numbers, or all", *labelsFlag)
		}
		codes = make([]int, *n)
		for i := range codes {
			codes[i] = list[i%len(list)]
		}
		flat, err = t.SampleLabels(codes, *seed)
	case *labelsFlag != "" && cfg.Classes == 0:
		return fmt.Errorf("sample: --labels needs a conditional GAN run (ganbook train cgan); %s is a %s", *run, cfg.Family())
	default:
		flat, codes, err = t.SampleCodes(*n, *seed)
	}
	if err != nil {
		return fmt.Errorf("sample: %v", err)
	}
	if *format == "png" {
		img, err := viz.GridFromFlat(flat, *n, cfg.Height, cfg.Width, cfg.Channels, 0, 2)
		if err != nil {
			return err
		}
		if err := viz.SavePNG(*out, img); err != nil {
			return err
		}
	} else {
		dims := []int{*n, cfg.Height, cfg.Width}
		if cfg.Channels > 1 {
			dims = append(dims, cfg.Channels)
		}
		pix := make([]byte, len(flat))
		for i, v := range flat {
			pix[i] = byte(min(max((v+1)*127.5+0.5, 0), 255))
		}
		var buf bytes.Buffer
		if err := data.WriteIDX(&buf, dims, pix); err != nil {
			return err
		}
		if err := os.WriteFile(*out, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("sample: writing %s: %v", *out, err)
		}
		if codes != nil {
			// InfoGAN: the categorical code each sample was generated with; cgan: the label it was asked for.
			ext := ".codes"
			if cfg.Classes > 0 {
				ext = ".labels"
			}
			labels := make([]byte, len(codes))
			for i, c := range codes {
				labels[i] = byte(c)
			}
			buf.Reset()
			if err := data.WriteIDX(&buf, []int{len(labels)}, labels); err != nil {
				return err
			}
			if err := os.WriteFile(*out+ext, buf.Bytes(), 0o644); err != nil {
				return fmt.Errorf("sample: writing %s%s: %v", *out, ext, err)
			}
			fmt.Fprintf(stdout, "wrote the %s of each sample to %s%s (idx1-ubyte)\n",
				map[bool]string{false: "categorical code", true: "requested label"}[cfg.Classes > 0], *out, ext)
		}
	}
	fmt.Fprintf(stdout, "wrote %d samples of %s (step %d) to %s\n", *n, *run, t.GlobalStep(), *out)
	return nil
}

// sampleTraversal writes an InfoGAN latent traversal grid (gan.Trainer.Traversal) as a PNG.
func sampleTraversal(run, traverse string, seed uint64, out string, stdout io.Writer) error {
	t, closeRun, err := openRun(run)
	if err != nil {
		return err
	}
	defer closeRun()
	cont := -1
	if traverse != "categorical" {
		if _, err := fmt.Sscanf(traverse, "cont%d", &cont); err != nil || cont < 0 {
			return fmt.Errorf("sample: unknown --traverse %q: use categorical, cont0, cont1, ...", traverse)
		}
	}
	const cols = 10
	z, rows, columns, err := t.Traversal(cont, cols, 8, -2, 2, seed)
	if err != nil {
		return fmt.Errorf("sample: %v", err)
	}
	flat, err := t.GenerateFlat(z, rows*columns)
	if err != nil {
		return err
	}
	cfg := t.Config
	images := tensors.FromFlatDataAndDimensions(flat, rows*columns, cfg.Height, cfg.Width, cfg.Channels)
	var rowLabels, colLabels []string
	if cont < 0 {
		for c := range columns {
			colLabels = append(colLabels, fmt.Sprintf("c=%d", c))
		}
	} else {
		for r := range rows {
			rowLabels = append(rowLabels, fmt.Sprintf("c=%d", r))
		}
		colLabels = viz.RangeLabels("", -2, 2, columns)
	}
	img, err := viz.TraversalGrid(images, rows, columns, rowLabels, colLabels, viz.GridOptions{Pad: 2, Scale: 2})
	if err != nil {
		return err
	}
	if err := viz.SavePNG(out, img); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "wrote a %dx%d traversal (%s) of %s (step %d) to %s\n", rows, columns, traverse, run, t.GlobalStep(), out)
	return nil
}
