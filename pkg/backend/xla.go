// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build cgo && !noxla

package backend

import (
	"github.com/gomlx/compute"
	"github.com/gomlx/go-xla/compute/xla"
	"github.com/pkg/errors"
)

const xlaCompiled = true

// newXLA creates the XLA backend without ever auto-installing (downloading) a plugin.
func newXLA(config, options string) (compute.Backend, error) {
	xla.EnableAutoInstall(false)
	if options == "" {
		return nil, errors.Errorf("backend: %s=%q names no PJRT plugin: %s", EnvVar, config, xlaHelp)
	}
	b, err := xla.New(options)
	if err != nil {
		return nil, errors.Errorf("backend: cannot start XLA with %s=%q: %v; %s", EnvVar, config, err, xlaHelp)
	}
	return b, nil
}
