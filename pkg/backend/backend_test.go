// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package backend

import (
	"runtime"
	"strings"
	"testing"
)

func TestDefaultIsPureGo(t *testing.T) {
	t.Setenv(EnvVar, "")
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if !IsGo(b) {
		t.Fatalf("default backend is %q, want the pure-Go backend", b.Name())
	}
	if d := Describe(b); !strings.Contains(d, "Go") {
		t.Errorf("Describe = %q, want a mention of the Go backend", d)
	}
}

func TestGoWithOptions(t *testing.T) {
	t.Setenv(EnvVar, "go:parallelism=1")
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	if !IsGo(b) || !strings.Contains(b.Description(), "parallelism=1") {
		t.Errorf("got %q / %q, want the Go backend with parallelism=1", b.Name(), b.Description())
	}
}

func TestBadConfigs(t *testing.T) {
	for _, c := range []struct{ config, want string }{
		{"tpu", `unknown backend "tpu"`},
		{"go:warp_speed", "go:parallelism=N"},
	} {
		_, err := NewWithConfig(c.config)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewWithConfig(%q) = %v, want an error mentioning %q", c.config, err, c.want)
		}
	}
}

// TestXLAWithoutPlugin asks for XLA where no plugin can be found: the error must say how to point at one, and
// nothing may be downloaded (there is no network in the tests; a download attempt would fail differently).
func TestXLAWithoutPlugin(t *testing.T) {
	t.Setenv(PluginPathEnvVar, t.TempDir())
	t.Setenv("LD_LIBRARY_PATH", "")
	_, err := NewWithConfig("xla:nosuchplugin")
	if err == nil {
		t.Fatal("xla:nosuchplugin gave no error")
	}
	for _, want := range []string{PluginPathEnvVar, "xla:/absolute/path/to/plugin.so"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not mention %q", err, want)
		}
	}
	if XLAAvailable() {
		if _, err := NewWithConfig("xla:/nonexistent/pjrt_plugin.so"); err == nil || !strings.Contains(err.Error(), PluginPathEnvVar) {
			t.Errorf("a missing plugin file gave %v, want an error naming %s", err, PluginPathEnvVar)
		}
	}
}

// TestGuardSize: half the memory, between 2 and 32 GiB; this machine's /proc/meminfo is read.
func TestGuardSize(t *testing.T) {
	for total, want := range map[int64]int64{0: 2 << 30, 3 << 30: 2 << 30, 24 << 30: 12 << 30, 128 << 30: 32 << 30} {
		if got := guardSize(total); got != want {
			t.Errorf("guardSize(%d MB) = %d MB, want %d MB", total>>20, got>>20, want>>20)
		}
	}
	if runtime.GOOS == "linux" && memTotal() < 1<<30 {
		t.Errorf("memTotal() = %d: /proc/meminfo not read", memTotal())
	}
}

// TestGuardHeap: with GOEXPERIMENT=simd, creating the pure-Go backend leaves the Go heap mapped HeapGuardBytes
// beyond what it uses (GuardHeap), and the guard itself is freed.
func TestGuardHeap(t *testing.T) {
	t.Setenv(EnvVar, "")
	b, err := New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	if !simdBuild {
		t.Skip("built without GOEXPERIMENT=simd: no guard needed")
	}
	if int64(ms.HeapSys) < HeapGuardBytes {
		t.Errorf("heap mapped %d MB, want at least the guard's %d MB", ms.HeapSys>>20, HeapGuardBytes>>20)
	}
	if int64(ms.HeapInuse) > HeapGuardBytes/4 {
		t.Errorf("heap in use %d MB: the guard was not freed", ms.HeapInuse>>20)
	}
}
