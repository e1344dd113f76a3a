// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/bench"
	"github.com/ganbook/ganbook/pkg/gan"
)

func runBackend(args []string, stdout io.Writer) error {
	fs := newFlags("backend", "backend", stdout)
	if err := parse(fs, args); err != nil {
		return err
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	fmt.Fprintln(stdout, backend.Describe(b))
	return nil
}

func runBench(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "dcgan" {
		return runBenchDCGAN(args[1:], stdout)
	}
	if len(args) > 0 && args[0] == "families" {
		return runBenchFamilies(args[1:], stdout)
	}
	if len(args) == 0 || args[0] != "conv" {
		return fmt.Errorf("bench: say what to benchmark: `ganbook bench conv|dcgan|families [--json]`")
	}
	fs := newFlags("bench conv", "bench conv [--json] [--batch 64] [--native=true] [--min-time 2s]", stdout)
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	batch := fs.Int("batch", 64, "batch size")
	native := fs.Bool("native", true, "also time GoMLX's native convolution (about 15 s on the pure-Go backend)")
	minTime := fs.Duration("min-time", 2*time.Second, "time each fast measurement at least this long")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *batch <= 0 || *minTime < 0 {
		return fmt.Errorf("bench conv: --batch must be positive and --min-time non-negative")
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	rep, err := bench.RunConv(b, bench.ConvOptions{Batch: *batch, MinTime: *minTime, Native: *native})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "backend: %s (convolutions lowered: %s), batch %d\n", rep.Backend, rep.Lowering, rep.Batch)
	fmt.Fprintf(stdout, "MatMul 1024x1024: %.1f GFLOP/s (%.2f cores busy)\n", rep.MatMulGFLOPS, rep.MatMulCores)
	for _, s := range []struct {
		name string
		r    bench.SuiteReport
	}{{"discriminator convs", rep.Discriminator}, {"generator conv-transposes", rep.Generator}} {
		fmt.Fprintf(stdout, "%-26s %6.2f GFLOP fwd+bwd  %8.1f ms  %6.1f GFLOP/s on %.2f cores  (%.2f of MatMul)",
			s.name, s.r.GFLOPPerStep, s.r.MS, s.r.GFLOPS, s.r.Cores, s.r.RatioToMatMul)
		if s.r.NativeMS > 0 {
			fmt.Fprintf(stdout, "  native: %.0f ms, %.1f GFLOP/s on %.2f cores, %.0fx slower", s.r.NativeMS,
				s.r.NativeGFLOPS, s.r.NativeCores, s.r.Speedup)
		}
		fmt.Fprintln(stdout)
	}
	fmt.Fprintf(stdout, "target: discriminator ratio >= %.2f\n", rep.TargetRatio)
	return nil
}

func runBenchDCGAN(args []string, stdout io.Writer) error {
	fs := newFlags("bench dcgan", "bench dcgan [--json] [--batch 64] [--steps 20] [--peer ../shared/peers/dcgan_torch.py] [--peer-device cpu|cuda]", stdout)
	asJSON := fs.Bool("json", false, "print one JSON object")
	batch := fs.Int("batch", 64, "batch size")
	steps := fs.Int("steps", 20, "timed steps (after 3 warm-up steps)")
	peer := fs.String("peer", "../shared/peers/dcgan_torch.py", "the PyTorch peer script (empty: skip it)")
	python := fs.String("python", "/usr/bin/python3", "the Python with Debian's python3-torch")
	device := fs.String("peer-device", "cpu", "the peer's device: cpu or cuda")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *batch <= 0 || *steps <= 0 {
		return fmt.Errorf("bench dcgan: --batch and --steps must be positive")
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	rep, err := bench.RunDCGAN(context.Background(), b, bench.DCGANOptions{Batch: *batch, Steps: *steps,
		Peer: *peer, PeerPython: *python, PeerDevice: *device})
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "backend: %s\nganbook: %.1f ms/step (median of %d, batch %d), %.1f GFLOP/s on %.2f cores\n",
		rep.Backend, rep.MSPerStep, rep.Steps, rep.Batch, rep.GFLOPS, rep.Cores)
	if rep.PeerError != "" {
		fmt.Fprintf(stdout, "peer: not run: %s\n", rep.PeerError)
		return nil
	}
	if *peer == "" || rep.PeerMSPerStep <= 0 { // --peer "": no PyTorch figure, so no ratio
		fmt.Fprintln(stdout, "peer: skipped (--peer \"\")")
		return nil
	}
	fmt.Fprintf(stdout, "PyTorch: %.1f ms/step\nratio ganbook/PyTorch: %.2f (target <= 0.75)\n", rep.PeerMSPerStep, rep.Ratio)
	return nil
}

// runBenchFamilies times a training step of every family at batch 64: `ganbook bench families [--json]`.
func runBenchFamilies(args []string, stdout io.Writer) error {
	fs := newFlags("bench families", "bench families [--json] [--batch 64] [--steps 5] [--warmup 2] [--only F1,F2 | --runs DIR1,DIR2]", stdout)
	only := fs.String("only", "", "time only these families (comma-separated; textenc comes with text2img and stackgan, stackgan-stage2 with stackgan)")
	runs := fs.String("runs", "", "time the step of these runs' own configs instead (comma-separated run folders; each at its own batch size, fresh weights)")
	asJSON := fs.Bool("json", false, "print one JSON object instead of a table")
	batch := fs.Int("batch", 64, "batch size")
	steps := fs.Int("steps", 5, "timed steps per family (the median is reported)")
	warmup := fs.Int("warmup", 2, "untimed steps first (the graph's compilation)")
	if err := parse(fs, args); err != nil {
		return err
	}
	if *batch <= 0 || *batch > 4096 || *steps <= 0 || *steps > 10000 || *warmup < 0 {
		return fmt.Errorf("bench families: --batch must be in 1..4096, --steps in 1..10000, --warmup ≥ 0")
	}
	var dirs []string
	if *runs != "" {
		batchGiven := false
		fs.Visit(func(f *flag.Flag) { batchGiven = batchGiven || f.Name == "batch" })
		if *only != "" || batchGiven {
			return fmt.Errorf("bench families: --runs times each run at its own batch size and family: leave --only and --batch out")
		}
		for _, d := range strings.Split(*runs, ",") {
			if d = strings.TrimSpace(d); gan.RunFamily(d) == "" {
				return fmt.Errorf("bench families: --runs: %s is not a GAN run folder (no readable %s): give the folders of `ganbook train` runs", d, gan.ConfigFile)
			}
			dirs = append(dirs, d)
		}
	}
	b, err := backend.New()
	if err != nil {
		return err
	}
	defer b.Finalize()
	if len(dirs) > 0 {
		rep, err := bench.RunRuns(b, *warmup, *steps, dirs...)
		if err != nil {
			return err
		}
		if *asJSON {
			return printJSON(stdout, rep)
		}
		fmt.Fprintf(stdout, "backend: %s; a step is d_steps D updates and one G update, median of %d; peak: the process's resident memory\n", rep.Backend, *steps)
		for _, f := range rep.Families {
			fmt.Fprintf(stdout, "  %-40s %-9s batch %3d %8.1f ms/step %7.2f steps/s%s\n", f.Run, f.Family, f.Batch, f.MSPerStep, f.StepsPerSec, peakText(f.PeakMiB))
		}
		return nil
	}
	var names []string
	if *only != "" {
		for _, n := range strings.Split(*only, ",") {
			if n = strings.TrimSpace(n); !slices.Contains(gan.Families(), n) {
				return fmt.Errorf("bench families: --only: unknown family %q: use %s", n, strings.Join(gan.Families(), ", "))
			}
			names = append(names, strings.TrimSpace(n))
		}
	}
	rep, err := bench.RunFamilies(b, *batch, *warmup, *steps, names...)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "backend: %s; a step is d_steps D updates and one G update, batch %d, median of %d; peak: the process's resident memory\n", rep.Backend, *batch, *steps)
	for _, f := range rep.Families {
		fmt.Fprintf(stdout, "  %-15s %8.1f ms/step %7.2f steps/s%s\n", f.Family, f.MSPerStep, f.StepsPerSec, peakText(f.PeakMiB))
	}
	return nil
}

// peakText is a family's peak memory as the tables print it ("" where it was not measured).
func peakText(mib float64) string {
	if mib <= 0 {
		return ""
	}
	return fmt.Sprintf("   peak %6.0f MiB", mib)
}
