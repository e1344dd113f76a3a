// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"encoding/json"
	"runtime"
	"strings"
	"testing"
	"time"

	ganbackend "github.com/ganbook/ganbook/pkg/backend"
)

// TestCoresMeter: a section spent sleeping keeps fewer cores busy than one spent computing, and none reads
// more cores than the machine has.
func TestCoresMeter(t *testing.T) {
	if processCPU() == 0 {
		t.Skip("no getrusage on this platform")
	}
	m := StartCores()
	time.Sleep(100 * time.Millisecond)
	idle := m.Cores()
	m = StartCores()
	x := 1.0
	for t0 := time.Now(); time.Since(t0) < 100*time.Millisecond; {
		x = x*1.0000001 + 1e-9
	}
	busy := m.Cores()
	if !(idle < busy && busy > 0 && busy <= float64(runtime.NumCPU())+0.25) || x == 0 {
		t.Errorf("cores: sleeping %.2f, computing %.2f (machine: %d CPUs)", idle, busy, runtime.NumCPU())
	}
}

// TestConvReportCores: every GFLOP/s figure of `ganbook bench conv --json` has the cores it kept busy beside
// it (key "…gflops" → "…cores" in the same object).
func TestConvReportCores(t *testing.T) {
	if processCPU() == 0 {
		t.Skip("no getrusage on this platform")
	}
	b, err := ganbackend.NewWithConfig("go")
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	rep, err := RunConv(b, ConvOptions{Batch: 2, MinTime: time.Millisecond, Native: true})
	if err != nil {
		t.Fatal(err)
	}
	js, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	var obj map[string]any
	if err := json.Unmarshal(js, &obj); err != nil {
		t.Fatal(err)
	}
	checked := 0
	var check func(path string, o map[string]any)
	check = func(path string, o map[string]any) {
		for k, v := range o {
			if sub, ok := v.(map[string]any); ok {
				check(path+k+".", sub)
				continue
			}
			if !strings.HasSuffix(k, "gflops") {
				continue
			}
			ck := strings.TrimSuffix(k, "gflops") + "cores"
			if c, ok := o[ck].(float64); !ok || c <= 0 {
				t.Errorf("%s%s = %v has no positive %s beside it (%v)", path, k, v, ck, o[ck])
			}
			checked++
		}
	}
	check("", obj)
	if checked < 7 { // matmul, top-level D and D native, and each suite's own and native
		t.Errorf("checked %d GFLOP/s figures, want 7: %s", checked, js)
	}
}
