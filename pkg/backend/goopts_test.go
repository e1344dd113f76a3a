// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package backend

import (
	"os"
	"reflect"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestGoOptions(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"", "parallelism=-1"},
		{"ops_sequential", "parallelism=-1,ops_sequential"},
		{"parallelism=2", "parallelism=2"},
		{"num_executors=2,parallelism=1", "num_executors=2,parallelism=1"},
	} {
		if got := GoOptions(c.in); got != c.want {
			t.Errorf("GoOptions(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

// TestDefaultGoParallelism: the default backend, and "go" with options that leave parallelism out, get an
// unlimited pool; a parallelism the user sets is kept.
func TestDefaultGoParallelism(t *testing.T) {
	for config, want := range map[string]string{"": "parallelism=-1", "go": "parallelism=-1",
		"go:ops_parallel": "parallelism=-1", "go:parallelism=3": "parallelism=3"} {
		b, err := NewWithConfig(config)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(b.Description(), want) {
			t.Errorf("NewWithConfig(%q): %q, want %s", config, b.Description(), want)
		}
		b.Finalize()
	}
}

// saturateWorkers does to the pure-Go backend's worker pool what one execution of a graph does in gomlx/compute
// v0.1.14: executeParallel starts min(8, parallelism)-1 executors with Workers.StartIfAvailable, which keep
// their slots while parked on the ready queue, then a MatMul fans out with Workers.Saturate. It returns how
// many workers that Saturate started (each waits up to a second for a second one).
func saturateWorkers(t *testing.T, config string) int {
	b, err := NewWithConfig(config)
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	pool := reflect.ValueOf(b).Elem().FieldByName("Workers") // *workerspool.Pool
	if !pool.IsValid() || pool.MethodByName("Saturate").Kind() != reflect.Func {
		t.Fatalf("the pure-Go backend (%T) has no Workers pool with Saturate: not gomlx/compute v0.1.14?", b)
	}
	executors := 8
	if p := pool.MethodByName("MaxParallelism").Call(nil)[0].Int(); p > 0 {
		executors = min(executors, int(p))
	}
	parked := make(chan struct{})
	defer close(parked)
	for range executors - 1 {
		started := pool.MethodByName("StartIfAvailable").Call([]reflect.Value{reflect.ValueOf(func() { <-parked })})
		if !started[0].Bool() {
			break
		}
	}
	var workers atomic.Int32
	second := make(chan struct{})
	task := func() {
		if workers.Add(1) == 2 {
			close(second)
		}
		select {
		case <-second:
		case <-time.After(time.Second):
		}
	}
	pool.MethodByName("Saturate").Call([]reflect.Value{reflect.ValueOf(task)})
	return int(workers.Load())
}

// TestMatMulGetsBothCores: with ganbook's default options a MatMul fans out to two workers on two cores while
// the executors are parked. With gomlx/compute's own default pool (parallelism=2·GOMAXPROCS=4) it gets one:
// that half of the test fails once gomlx/compute stops counting parked executors against the pool.
func TestMatMulGetsBothCores(t *testing.T) {
	defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(2))
	if got := saturateWorkers(t, ""); got < 2 {
		t.Errorf("default backend: a MatMul beside parked executors started %d worker(s), want 2", got)
	}
	if got := saturateWorkers(t, "go:parallelism=4"); got != 1 {
		t.Errorf("go:parallelism=4: a MatMul beside parked executors started %d workers: gomlx/compute fixed "+
			"its pool? Then ganbook's GoParallelism may go", got)
	}
}

// TestParallelismNoticeOffStdout: gomlx/compute prints "Go backend: parallelism set to N" on stdout for a
// parallelism option; New must keep it off ganbook's stdout, which may be carrying JSON.
func TestParallelismNoticeOffStdout(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "stdout")
	if err != nil {
		t.Fatal(err)
	}
	saved := os.Stdout
	os.Stdout = f
	for _, config := range []string{"", "go:parallelism=2"} {
		b, err := NewWithConfig(config)
		if err != nil {
			os.Stdout = saved
			t.Fatal(err)
		}
		b.Finalize()
	}
	os.Stdout = saved
	if out, _ := os.ReadFile(f.Name()); len(out) > 0 {
		t.Errorf("creating the pure-Go backend printed %q on stdout", out)
	}
	if os.Stdout != saved {
		t.Error("os.Stdout was not restored")
	}
}
