// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"fmt"
	"math"
	"path/filepath"
	"runtime"
	"slices"
	"testing"

	ganbackend "github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/gomlx/core/tensors"
)

// TestFLOPs pins the FLOP counts of the DCGAN shapes, computed by hand:
// D: 2·64·14·14·25·1·64 + 2·64·7·7·25·64·128 = 40,140,800 + 1,284,505,600.
// G: 2·64·7·7·25·256·128 + 2·64·7·7·25·128·64 + 2·64·14·14·25·64·1 = 5,138,022,400 + 1,284,505,600 + 40,140,800.
func TestFLOPs(t *testing.T) {
	for _, c := range []struct {
		suite ConvSuite
		want  float64
	}{
		{DiscriminatorSuite(64), 40_140_800 + 1_284_505_600},
		{GeneratorSuite(64), 5_138_022_400 + 1_284_505_600 + 40_140_800},
	} {
		if got := c.suite.ForwardFLOPs(); got != c.want {
			t.Errorf("%s: forward FLOPs %.0f, want %.0f", c.suite.Name, got, c.want)
		}
		if got := c.suite.StepFLOPs(); got != 3*c.want {
			t.Errorf("%s: step FLOPs %.0f, want %.0f", c.suite.Name, got, 3*c.want)
		}
	}
}

// TestSuitesAgree runs both suites at batch 2 with both lowerings: the loss and every gradient must agree.
func TestSuitesAgree(t *testing.T) {
	b, err := ganbackend.NewWithConfig("go")
	if err != nil {
		t.Fatal(err)
	}
	for _, suite := range []ConvSuite{DiscriminatorSuite(2), GeneratorSuite(2)} {
		var results [2][]float32
		for i, lowering := range []nn.Lowering{nn.Patches, nn.Native} {
			step, err := NewStep(b, suite, lowering)
			if err != nil {
				t.Fatal(err)
			}
			outs, err := step.exec.Exec(step.inputs...)
			if err != nil {
				t.Fatal(err)
			}
			if len(outs) != 2+len(suite.Layers) {
				t.Fatalf("%s: %d outputs, want loss + %d gradients", suite.Name, len(outs), 1+len(suite.Layers))
			}
			for _, o := range outs {
				results[i] = append(results[i], tensors.MustCopyFlatData[float32](o)...)
			}
		}
		var diff, scale float64
		for i := range results[0] {
			diff = max(diff, math.Abs(float64(results[0][i]-results[1][i])))
			scale = max(scale, math.Abs(float64(results[1][i])))
		}
		if len(results[0]) != len(results[1]) || diff > 1e-4*scale {
			t.Errorf("%s: patches and native disagree: max difference %.3g (scale %.3g)", suite.Name, diff, scale)
		}
	}
}

func benchmarkSuite(b *testing.B, suite ConvSuite, lowering nn.Lowering) {
	backend, err := ganbackend.NewWithConfig("go")
	if err != nil {
		b.Fatal(err)
	}
	step, err := NewStep(backend, suite, lowering)
	if err != nil {
		b.Fatal(err)
	}
	if err := step.Run(); err != nil { // compile and warm up
		b.Fatal(err)
	}
	b.ResetTimer()
	for b.Loop() {
		if err := step.Run(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(suite.StepFLOPs()*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkDiscriminatorConv times the DCGAN discriminator's convolutions, forward and backward, batch 64.
// The native variant takes seconds per run on the pure-Go backend: select it with -bench 'Discriminator.*/native'.
func BenchmarkDiscriminatorConv(b *testing.B) {
	b.Run("patches", func(b *testing.B) { benchmarkSuite(b, DiscriminatorSuite(64), nn.Patches) })
	b.Run("native", func(b *testing.B) { benchmarkSuite(b, DiscriminatorSuite(64), nn.Native) })
}

// BenchmarkGeneratorConvTranspose times the DCGAN generator's transposed convolutions, forward and backward.
func BenchmarkGeneratorConvTranspose(b *testing.B) {
	b.Run("patches", func(b *testing.B) { benchmarkSuite(b, GeneratorSuite(64), nn.Patches) })
	b.Run("native", func(b *testing.B) { benchmarkSuite(b, GeneratorSuite(64), nn.Native) })
}

// TestDCGANStepFLOPs matches the peer script's analytic count: "GFLOP/step=31.80" at batch 64
// (../shared/peers/README.md).
func TestDCGANStepFLOPs(t *testing.T) {
	if got := DCGANStepFLOPs(64) / 1e9; math.Abs(got-31.80) > 0.005 {
		t.Errorf("DCGAN step: %.3f GFLOP, the peer counts 31.80", got)
	}
}

// BenchmarkDCGANStep times whole training steps of the TensorFlow tutorial's DCGAN at batch 64 (what
// `ganbook bench dcgan` reports), for profiling: go test -run '^$' -bench DCGANStep -cpuprofile cpu.out ./pkg/bench
func BenchmarkDCGANStep(b *testing.B) {
	set, err := data.Load("mnist", "train")
	if err != nil {
		b.Skip(err)
	}
	cfg := dcgan.TFTutorialDCGAN()
	be, err := ganbackend.NewWithConfig("go")
	if err != nil {
		b.Fatal(err)
	}
	t, err := gan.NewTrainer(be, cfg, set)
	if err != nil {
		b.Fatal(err)
	}
	for range 3 {
		if _, err := t.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		if _, err := t.Step(); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(DCGANStepFLOPs(cfg.BatchSize)*float64(b.N)/b.Elapsed().Seconds()/1e9, "GFLOP/s")
}

// BenchmarkDCGANLayers times each convolution of the DCGAN suites alone, forward and backward, batch 64.
func BenchmarkDCGANLayers(b *testing.B) {
	for _, suite := range []ConvSuite{DiscriminatorSuite(64), GeneratorSuite(64)} {
		in := slices.Clone(suite.Input)
		for i, l := range suite.Layers {
			one := ConvSuite{Name: suite.Name, Input: slices.Clone(in), Layers: []ConvLayer{l}}
			for _, lowering := range []nn.Lowering{nn.Patches, nn.Col2Im} {
				if lowering == nn.Col2Im && !l.Transposed {
					continue
				}
				b.Run(fmt.Sprintf("%s%d/%s", suite.Name[:1], i+1, lowering), func(b *testing.B) { benchmarkSuite(b, one, lowering) })
			}
			if l.Transposed {
				in[1], in[2] = in[1]*l.Stride, in[2]*l.Stride
			} else {
				in[1], in[2] = (in[1]+l.Stride-1)/l.Stride, (in[2]+l.Stride-1)/l.Stride
			}
			in[3] = l.OutChannels
		}
	}
}

// TestRunFamilies times one step of every family (batch 4): a figure for each, no assertion on speed.
func TestRunFamilies(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every family's step")
	}
	b, err := ganbackend.New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	rep, err := RunFamilies(b, 4, 0, 1)
	if err != nil {
		t.Fatal(err)
	}
	// Every registered family, the text encoder's step beside the text families', text2img with the matching term
	// and StackGAN's second stage.
	if len(rep.Families) != len(gan.Families())+3 {
		t.Fatalf("%d steps timed, %d families registered (+ textenc, text2img-match, stackgan-stage2)", len(rep.Families), len(gan.Families()))
	}
	names := map[string]bool{}
	for _, f := range rep.Families {
		names[f.Family] = true
	}
	if !names["textenc"] || !names["text2img"] || !names["text2img-match"] || !names["stackgan"] || !names["stackgan-stage2"] {
		t.Errorf("timed %v, want textenc, text2img, text2img-match, stackgan and stackgan-stage2 among them", names)
	}
	only, err := RunFamilies(b, 4, 0, 1, "dcgan")
	if err != nil || len(only.Families) != 1 || only.Families[0].Family != "dcgan" {
		t.Errorf("only dcgan: %v, %+v", err, only)
	}
	for _, f := range rep.Families {
		if f.MSPerStep <= 0 || f.StepsPerSec <= 0 || f.Batch != 4 {
			t.Errorf("%+v", f)
		}
		if runtime.GOOS == "linux" && f.PeakMiB <= 0 {
			t.Errorf("%s: no peak memory measured (%+v)", f.Family, f)
		}
	}
	if _, err := RunFamilies(b, 0, 0, 1); err == nil {
		t.Error("batch 0 was accepted")
	}
}

// TestRunRuns times a run's own config: its family and batch size (not the default's), the run named.
func TestRunRuns(t *testing.T) {
	b, err := ganbackend.New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	cfg, err := gan.DefaultFor("gan")
	if err != nil {
		t.Fatal(err)
	}
	cfg.BatchSize = 3
	dir := t.TempDir()
	if err := gan.WriteConfig(filepath.Join(dir, gan.ConfigFile), cfg); err != nil {
		t.Fatal(err)
	}
	rep, err := RunRuns(b, 0, 2, dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Families) != 1 {
		t.Fatalf("%d steps timed for one run", len(rep.Families))
	}
	if f := rep.Families[0]; f.Family != "gan" || f.Run != dir || f.Batch != 3 || f.MSPerStep <= 0 || f.StepsPerSec <= 0 {
		t.Errorf("timed %+v, want the gan family's step at batch 3 of run %s", f, dir)
	}
	if _, err := RunRuns(b, 0, 1, filepath.Join(dir, "missing")); err == nil {
		t.Error("a folder with no config was timed")
	}
	if _, err := RunRuns(b, 0, 1); err == nil {
		t.Error("no runs were accepted")
	}
}
