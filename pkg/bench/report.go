// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute"
)

// ConvOptions configure RunConv.
type ConvOptions struct {
	Batch   int           // Batch size; 0 means 64.
	MinTime time.Duration // Time each fast measurement for at least this long; 0 means 2s.
	Native  bool          // Also time GoMLX's native convolution (slow on the pure-Go backend: ~15 s).
}

// SuiteReport is what RunConv measured for one suite.
type SuiteReport struct {
	GFLOPPerStep  float64 `json:"gflop_per_step"`          // forward + backward
	MS            float64 `json:"ms"`                      // ganbook's convolutions (pkg/nn, automatic lowering), median
	GFLOPS        float64 `json:"gflops"`                  // GFLOPPerStep / time
	Cores         float64 `json:"cores,omitempty"`         // cores kept busy while timing GFLOPS (CoresMeter)
	RatioToMatMul float64 `json:"ratio_to_matmul"`         // GFLOPS / the backend's 1024x1024 MatMul rate
	NativeMS      float64 `json:"native_ms,omitempty"`     // GoMLX's Convolve, same shapes, same run
	NativeGFLOPS  float64 `json:"native_gflops,omitempty"` // GFLOPPerStep / native time
	NativeCores   float64 `json:"native_cores,omitempty"`  // cores kept busy while timing NativeGFLOPS
	Speedup       float64 `json:"speedup_vs_native,omitempty"`
}

// ConvReport is the JSON object printed by `ganbook bench conv --json`. GFLOPS and NativeGFLOPS at the top level
// are the discriminator's, the suite that has the 0.25 target ratio to the MatMul rate. Every GFLOP/s figure has
// beside it the cores its timed runs kept busy (process CPU time / wall time, from getrusage).
type ConvReport struct {
	Backend       string      `json:"backend"`
	Lowering      string      `json:"lowering"`
	Batch         int         `json:"batch"`
	MatMulGFLOPS  float64     `json:"matmul_gflops"`
	MatMulCores   float64     `json:"matmul_cores,omitempty"`
	GFLOPS        float64     `json:"gflops"`
	Cores         float64     `json:"cores,omitempty"`
	NativeGFLOPS  float64     `json:"native_gflops,omitempty"`
	NativeCores   float64     `json:"native_cores,omitempty"`
	TargetRatio   float64     `json:"target_ratio"`
	Discriminator SuiteReport `json:"discriminator"`
	Generator     SuiteReport `json:"generator"`
}

// RunConv measures the backend's MatMul rate and the DCGAN discriminator's and generator's convolutions,
// forward and backward, with pkg/nn (and GoMLX's native convolution when opts.Native), all in one run.
func RunConv(b compute.Backend, opts ConvOptions) (*ConvReport, error) {
	if opts.Batch <= 0 {
		opts.Batch = 64
	}
	if opts.MinTime <= 0 {
		opts.MinTime = 2 * time.Second
	}
	lowering := nn.Native
	if backend.IsGo(b) {
		lowering = nn.Patches
	}
	rep := &ConvReport{Backend: backend.Describe(b), Lowering: lowering.String(), Batch: opts.Batch, TargetRatio: 0.25}
	mm, flops, err := MatMulStep(b, 1024)
	if err != nil {
		return nil, err
	}
	d, cores, err := TimeCores(mm.Run, opts.MinTime, 5, 1000)
	if err != nil {
		return nil, err
	}
	rep.MatMulGFLOPS, rep.MatMulCores = flops/d.Seconds()/1e9, cores
	for _, suite := range []ConvSuite{DiscriminatorSuite(opts.Batch), GeneratorSuite(opts.Batch)} {
		sr := SuiteReport{GFLOPPerStep: suite.StepFLOPs() / 1e9}
		step, err := NewStep(b, suite, nn.Auto)
		if err != nil {
			return nil, err
		}
		d, cores, err := TimeCores(step.Run, opts.MinTime, 5, 1000)
		if err != nil {
			return nil, err
		}
		sr.MS, sr.GFLOPS, sr.Cores = ms(d), sr.GFLOPPerStep/d.Seconds(), cores
		sr.RatioToMatMul = sr.GFLOPS / rep.MatMulGFLOPS
		if opts.Native {
			native, err := NewStep(b, suite, nn.Native)
			if err != nil {
				return nil, err
			}
			minTime, minRuns := opts.MinTime, 5
			if backend.IsGo(b) {
				minTime, minRuns = 0, 1 // one timed run: ~25 s on the pure-Go backend
			}
			d, cores, err := TimeCores(native.Run, minTime, minRuns, 1000)
			if err != nil {
				return nil, err
			}
			sr.NativeMS, sr.NativeGFLOPS, sr.NativeCores = ms(d), sr.GFLOPPerStep/d.Seconds(), cores
			sr.Speedup = sr.GFLOPS / sr.NativeGFLOPS
		}
		if suite.Name == "discriminator" {
			rep.Discriminator, rep.GFLOPS, rep.NativeGFLOPS = sr, sr.GFLOPS, sr.NativeGFLOPS
			rep.Cores, rep.NativeCores = sr.Cores, sr.NativeCores
		} else {
			rep.Generator = sr
		}
	}
	return rep, nil
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
