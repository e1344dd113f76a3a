// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"fmt"
	"io"
	"os"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/viz"
)

func runSample(args []string, stdout io.Writer) error {
	fs := newFlags("sample", "sample --run DIR [--n 64] [--format png|idx] [--seed S] --out FILE", stdout)
	run := fs.String("run", "", "run directory (made by `ganbook train`, or a pretrained/ one)")
	n := fs.Int("n", 64, "number of samples")
	format := fs.String("format", "png", "png (a grid) or idx (idx3-ubyte: uint8 N×H×W, or N×H×W×C for colour)")
	seed := fs.Uint64("seed", 1, "seed of the noise")
	out := fs.String("out", "", "output file")
	if err := parse(fs, args); err != nil {
		return err
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
	flat, err := t.Sample(*n, *seed)
	if err != nil {
		return err
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
	}
	fmt.Fprintf(stdout, "wrote %d samples of %s (step %d) to %s\n", *n, *run, t.GlobalStep(), *out)
	return nil
}
