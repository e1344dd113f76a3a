// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/bench"
)

// TestBenchConvJSON: `ganbook bench conv --json` prints one JSON object with the cores beside the GFLOP/s
// figures, and nothing else reaches the process's stdout, even with GOMLX_BACKEND=go:parallelism=2 (for which
// gomlx/compute prints "Go backend: parallelism set to 2").
func TestBenchConvJSON(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "go:parallelism=2")
	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = f
	var out bytes.Buffer
	err = run([]string{"bench", "conv", "--json", "--batch", "2", "--native=false", "--min-time", "0s"}, &out, &out)
	os.Stdout = saved
	if err != nil {
		t.Fatal(err)
	}
	if stray, _ := os.ReadFile(f.Name()); len(stray) > 0 {
		t.Errorf("bench conv --json also printed %q on stdout", stray)
	}
	var rep bench.ConvReport
	dec := json.NewDecoder(&out)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep); err != nil {
		t.Fatalf("output is not one ConvReport: %v\n%s", err, out.String())
	}
	if dec.More() {
		t.Errorf("more after the JSON object: %s", out.String())
	}
	if rep.MatMulGFLOPS <= 0 || rep.MatMulCores <= 0 || rep.Cores <= 0 || rep.Generator.Cores <= 0 {
		t.Errorf("missing GFLOP/s or cores: %+v", rep)
	}
}

// TestBenchDCGANWithoutPeer: with --peer "" the DCGAN bench prints ganbook's step and says the peer was skipped,
// with no PyTorch figure and no ratio (which would be 0).
func TestBenchDCGANWithoutPeer(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"bench", "dcgan", "--peer", "", "--batch", "4", "--steps", "1"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	s := out.String()
	if !strings.Contains(s, "ganbook: ") || !strings.Contains(s, `peer: skipped (--peer "")`) {
		t.Errorf("bench dcgan --peer \"\" printed:\n%s\nwant ganbook's step and the peer skipped", s)
	}
	if strings.Contains(s, "PyTorch") || strings.Contains(s, "ratio") {
		t.Errorf("bench dcgan --peer \"\" printed a PyTorch figure or a ratio:\n%s", s)
	}
}
