// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
)

// runExport writes a sampling-only copy of a run: config.json, the generator's checkpoint (with D where the
// family keeps it), no optimizer state, the training history and a sample grid: the form of the pretrained/
// runs committed in the repository.
func runExport(args []string, stdout io.Writer) error {
	fs := newFlags("export", "export --run DIR --out DIR", stdout)
	run := fs.String("run", "", "run directory made by `ganbook train`")
	out := fs.String("out", "", "new directory for the sampling-only copy (e.g. pretrained/dcgan-mnist)")
	with := fs.String("average-with", "", "comma-separated checkpoints of the same configuration (run folders or exports, "+
		"e.g. the run at earlier steps): the export's generator is the mean of their and --run's sampling weights")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *run == "" || *out == "" {
		return fmt.Errorf("export: --run and --out are required")
	}
	if gan.HasCheckpoint(*out) {
		return fmt.Errorf("export: %s already holds a checkpoint: remove it first or choose another --out", *out)
	}
	if isTextencRun(*run) {
		if *with != "" {
			return fmt.Errorf("export: --average-with averages generators; %s is a text encoder run", *run)
		}
		b, err := backend.New()
		if err != nil {
			return err
		}
		defer b.Finalize()
		e, err := textenc.Load(b, *run)
		if err != nil {
			return err
		}
		if err := textenc.Export(e, *run, *out); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "exported the text encoder of %s (step %d) to %s\n", *run, e.GlobalStep(), *out)
		return nil
	}
	t, closeRun, err := openRun(*run, stdout)
	if err != nil {
		return err
	}
	defer closeRun()
	runs := []*gan.Trainer{t}
	var steps []string
	if *with != "" {
		for _, dir := range strings.Split(*with, ",") {
			o, closeOther, err := openRun(dir, stdout)
			if err != nil {
				return fmt.Errorf("export: --average-with %s: %v", dir, oneLine(err))
			}
			defer closeOther()
			runs = append(runs, o)
			steps = append(steps, fmt.Sprint(o.GlobalStep()))
		}
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("export: %v", err)
	}
	var cfg gan.Config
	if len(runs) > 1 {
		cfg, err = gan.ExportAverage(runs, *out)
	} else {
		cfg, err = gan.Export(t, *out)
	}
	if err != nil {
		return err
	}
	if err := gan.WriteConfig(filepath.Join(*out, gan.ConfigFile), cfg); err != nil {
		return err
	}
	grid := t
	if len(runs) > 1 { // the grid of what was exported: t itself is left as it was
		e, closeExport, err := openRun(*out, stdout)
		if err != nil {
			return err
		}
		defer closeExport()
		grid = e
	}
	if err := grid.SaveGrid(1, filepath.Join(*out, "samples.png")); err != nil {
		return err
	}
	// The training history and its plot come along: they are small.
	if err := copyRunFiles(*run, *out, []string{gan.MetricsFile, gan.LossPlotFile}); err != nil {
		return err
	}
	if len(runs) > 1 {
		fmt.Fprintf(stdout, "exported the average of %d generators (steps %d, %s) to %s\n", len(runs), t.GlobalStep(), strings.Join(steps, ", "), *out)
		return nil
	}
	fmt.Fprintf(stdout, "exported the generator of %s (step %d) to %s\n", *run, t.GlobalStep(), *out)
	return nil
}

// copyRunFiles copies files from run to out, each written atomically; a file run does not have (a history or
// a plot: they are optional) is skipped.
func copyRunFiles(run, out string, files []string) error {
	for _, f := range files {
		data, err := os.ReadFile(filepath.Join(run, f))
		if err != nil {
			continue
		}
		if err := atomicfile.WriteFile(filepath.Join(out, f), data); err != nil {
			return err
		}
	}
	return nil
}
