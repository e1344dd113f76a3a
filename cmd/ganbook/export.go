// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/imagegan"
)

// runExport writes a sampling-only copy of a run: config.json, the generator's checkpoint (with D for InfoGAN
// and conditional GANs), no optimizer state, and the training history: the form of the pretrained/ runs
// committed in the repository.
func runExport(args []string, stdout io.Writer) error {
	fs := newFlags("export", "export --run DIR --out DIR", stdout)
	run := fs.String("run", "", "run directory made by `ganbook train`")
	out := fs.String("out", "", "new directory for the sampling-only copy (e.g. pretrained/dcgan-mnist)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *run == "" || *out == "" {
		return fmt.Errorf("export: --run and --out are required")
	}
	if gan.HasCheckpoint(*out) {
		return fmt.Errorf("export: %s already holds a checkpoint: remove it first or choose another --out", *out)
	}
	if imagegan.RunFamily(*run) != "" {
		return exportImageGAN(*run, *out, stdout)
	}
	t, closeRun, err := openRun(*run)
	if err != nil {
		return err
	}
	defer closeRun()
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export: %v", err)
	}
	cfg, err := gan.Export(t, *out)
	if err != nil {
		return err
	}
	if err := gan.WriteConfig(filepath.Join(*out, gan.ConfigFile), cfg); err != nil {
		return err
	}
	if err := t.SaveSamples(t.FixedLatent(1), filepath.Join(*out, "samples.png")); err != nil {
		return err
	}
	// The training history (losses, and InfoGAN's L_I) and its plot come along: they are small.
	for _, name := range []string{gan.MetricsFile, gan.LossPlotFile} {
		if b, err := os.ReadFile(filepath.Join(*run, name)); err == nil {
			if err := atomicfile.WriteFile(filepath.Join(*out, name), b); err != nil {
				return err
			}
		}
	}
	fmt.Fprintf(stdout, "exported the generator of %s (step %d) to %s\n", *run, t.GlobalStep(), *out)
	return nil
}

// exportImageGAN copies a pix2pix or SRGAN run's config, checkpoint (small: a few MB with D and Adam's state,
// which also lets training resume from the copy), history and latest sample grid.
func exportImageGAN(run, out string, stdout io.Writer) error {
	if !gan.HasCheckpoint(run) {
		return fmt.Errorf("export: %s has no checkpoint yet: train it first", run)
	}
	src := filepath.Join(run, gan.CheckpointDir)
	if _, err := os.Stat(src); err != nil {
		src = filepath.Join(run, gan.CheckpointDir+".old") // an interrupted save left only the previous one
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("export: %v", err)
	}
	final := filepath.Join(out, gan.CheckpointDir)
	tmp, err := atomicfile.TempDir(final)
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	entries, err := os.ReadDir(src)
	if err != nil {
		return fmt.Errorf("export: reading %s: %v", src, err)
	}
	for _, e := range entries {
		b, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			return fmt.Errorf("export: %v", err)
		}
		if err := os.WriteFile(filepath.Join(tmp, e.Name()), b, 0o644); err != nil {
			return fmt.Errorf("export: %v", err)
		}
	}
	if err := atomicfile.ReplaceDir(tmp, final, filepath.Join(out, gan.CheckpointDir+".old")); err != nil {
		return err
	}
	for _, name := range []string{gan.ConfigFile, gan.MetricsFile, gan.LossPlotFile, filepath.Join(gan.SamplesDir, "latest.png")} {
		b, err := os.ReadFile(filepath.Join(run, name))
		if err != nil {
			continue // the history and the grid are optional; config.json was checked by RunFamily
		}
		dst := filepath.Join(out, filepath.Base(name))
		if name == filepath.Join(gan.SamplesDir, "latest.png") {
			dst = filepath.Join(out, "samples.png")
		}
		if err := atomicfile.WriteFile(dst, b); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "exported %s to %s\n", run, out)
	return nil
}
