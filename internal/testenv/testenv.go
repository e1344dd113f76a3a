// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package testenv is what the packages' tests share: one backend and MNIST's test split, each made once per
// test binary.
package testenv

import (
	"sync"
	"testing"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/gomlx/compute"
)

var (
	backendOnce = sync.OnceValues(backend.New)
	mnistOnce   = sync.OnceValues(func() (*data.Set, error) { return data.Load("mnist", "test") })
)

// Backend is the backend the tests run on (backend.New: GOMLX_BACKEND, or the pure-Go backend), shared by the
// tests of one binary; they must not finalize it.
func Backend(t testing.TB) compute.Backend {
	t.Helper()
	b, err := backendOnce()
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// MNIST is the first n images of MNIST's test split (all of them for n ≤ 0).
func MNIST(t testing.TB, n int) *data.Set {
	t.Helper()
	set, err := mnistOnce()
	if err != nil {
		t.Fatal(err)
	}
	if n <= 0 || n >= set.N {
		return set
	}
	return set.Subset(n)
}
