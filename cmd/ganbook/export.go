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
	if err := copyRunFiles(*run, *out, [][2]string{{gan.MetricsFile, gan.MetricsFile}, {gan.LossPlotFile, gan.LossPlotFile}}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported the generator of %s (step %d) to %s\n", *run, t.GlobalStep(), *out)
	return nil
}

// exportImageGAN writes a pix2pix or SRGAN run's generator (no discriminator, optimizer state or frozen
// classifier: sampling and `ganbook eval` need none of them), config, history and latest sample grid.
func exportImageGAN(run, out string, stdout io.Writer) error {
	t, closeRun, err := openRunWith(run, imagegan.LoadRun)
	if err != nil {
		return err
	}
	defer closeRun()
	if err := os.MkdirAll(out, 0o755); err != nil {
		return fmt.Errorf("export: %v", err)
	}
	if err := gan.ExportGenerator(t.Store, out, false); err != nil {
		return err
	}
	// config.json was read by LoadRun; the history and the latest grid come along.
	if err := copyRunFiles(run, out, [][2]string{{gan.ConfigFile, gan.ConfigFile}, {gan.MetricsFile, gan.MetricsFile},
		{gan.LossPlotFile, gan.LossPlotFile}, {filepath.Join(gan.SamplesDir, "latest.png"), "samples.png"}}); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "exported the generator of %s (step %d) to %s\n", run, t.GlobalStep(), out)
	return nil
}

// copyRunFiles copies files {path in run, name in out} from run to out, each written atomically; a file run
// does not have (a history or a grid: they are optional) is skipped.
func copyRunFiles(run, out string, files [][2]string) error {
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(run, f[0]))
		if err != nil {
			continue
		}
		if err := atomicfile.WriteFile(filepath.Join(out, f[1]), data); err != nil {
			return err
		}
	}
	return nil
}
