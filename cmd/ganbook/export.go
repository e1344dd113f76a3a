// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/pkg/backend"
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

// exportImageGAN writes a pix2pix or SRGAN run's generator (no discriminator, optimizer state or frozen
// classifier: sampling and `ganbook eval` need none of them), config, history and latest sample grid.
func exportImageGAN(run, out string, stdout io.Writer) error {
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	t, err := imagegan.LoadRun(b, run)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("export: %v", err)
	}
	if err := gan.ExportGenerator(t.Store, out, false); err != nil {
		return err
	}
	for _, name := range []string{gan.ConfigFile, gan.MetricsFile, gan.LossPlotFile, filepath.Join(gan.SamplesDir, "latest.png")} {
		data, err := os.ReadFile(filepath.Join(run, name))
		if err != nil {
			continue // the history and the grid are optional; config.json was read by LoadRun
		}
		dst := filepath.Join(out, filepath.Base(name))
		if name == filepath.Join(gan.SamplesDir, "latest.png") {
			dst = filepath.Join(out, "samples.png")
		}
		if err := atomicfile.WriteFile(dst, data); err != nil {
			return err
		}
	}
	fmt.Fprintf(stdout, "exported the generator of %s (step %d) to %s\n", run, t.GlobalStep(), out)
	return nil
}
