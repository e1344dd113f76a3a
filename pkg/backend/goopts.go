// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package backend

import (
	"bytes"
	"io"
	"os"
	"strings"
	"sync"
)

// GoParallelism is the option ganbook gives the pure-Go backend when GOMLX_BACKEND does not set parallelism:
// an unlimited worker pool. Each op still splits its work for at most runtime.GOMAXPROCS workers.
const GoParallelism = "parallelism=-1"

// GoOptions returns the pure-Go backend's options for the options written after "go:" in GOMLX_BACKEND: they
// are kept as they are, with GoParallelism added in front unless they set parallelism themselves.
//
// Why: in gomlx/compute v0.1.14 the worker pool's bound (parallelism, by default 2·GOMAXPROCS) also counts the
// graph executors. An execution starts min(8, parallelism)-1 executor goroutines through the pool
// (executeParallel: Workers.StartIfAvailable), and they keep their slots while they wait on the ready queue.
// An op that fans out with Workers.Saturate (every MatMul) then finds parallelism-1 slots taken and starts one
// worker, and the executor that called it waits: whenever parallelism ≤ 8 (GOMAXPROCS ≤ 4 by default, or any
// parallelism=N ≤ 8), every matrix product runs on one core. An unlimited pool has no bound to fill, and its
// Saturate starts GOMAXPROCS workers.
func GoOptions(options string) string {
	options = strings.TrimSpace(options)
	for part := range strings.SplitSeq(options, ",") {
		key, _, _ := strings.Cut(part, "=")
		if strings.TrimSpace(key) == "parallelism" {
			return options
		}
	}
	if options == "" {
		return GoParallelism
	}
	return GoParallelism + "," + options
}

// parallelismNotice is what gomlx/compute's gobackend.New prints on stdout for a parallelism option.
const parallelismNotice = "Go backend: parallelism set to "

var stdoutMu sync.Mutex

// stdoutToStderr runs fn with os.Stdout pointing at a pipe, so that what it prints cannot mix with a command's
// output (`ganbook bench dcgan --json`): the pure-Go backend's "Go backend: parallelism set to N" line is
// dropped (Describe reports the parallelism), anything else goes to os.Stderr. Other goroutines writing to
// os.Stdout meanwhile would be redirected too: fn must be short (creating the backend is).
func stdoutToStderr(fn func()) {
	stdoutMu.Lock()
	defer stdoutMu.Unlock()
	r, w, err := os.Pipe()
	if err != nil {
		fn()
		return
	}
	saved := os.Stdout
	os.Stdout = w
	printed := make(chan []byte)
	go func() {
		b, _ := io.ReadAll(r)
		r.Close()
		printed <- b
	}()
	defer func() {
		os.Stdout = saved
		w.Close()
		var rest []byte
		for line := range bytes.Lines(<-printed) {
			if !bytes.HasPrefix(line, []byte(parallelismNotice)) {
				rest = append(rest, line...)
			}
		}
		if len(rest) > 0 {
			os.Stderr.Write(rest)
		}
	}()
	fn()
}
