// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build cgo && !noxla

package backend

import (
	"path/filepath"
	"slices"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/go-xla/compute/xla"
	"github.com/pkg/errors"
)

const xlaCompiled = true

// newXLA creates the XLA backend without ever auto-installing (downloading) a plugin.
func newXLA(config, options string) (compute.Backend, error) {
	xla.EnableAutoInstall(false)
	plugin, _, _ := strings.Cut(options, ",")
	if !filepath.IsAbs(plugin) {
		available := xla.GetAvailablePlugins()
		if len(available) == 0 {
			return nil, errors.Errorf("backend: %s=%q: no PJRT plugin found: %s", EnvVar, config, xlaHelp)
		}
		if plugin != "" && !slices.ContainsFunc(available, func(p string) bool { return p == plugin || strings.HasPrefix(p, plugin+"_") }) {
			return nil, errors.Errorf("backend: %s=%q: no PJRT plugin %q among those found (%s): %s",
				EnvVar, config, plugin, strings.Join(available, ", "), xlaHelp)
		}
	}
	b, err := xla.New(options)
	if err != nil {
		return nil, errors.Errorf("backend: cannot start XLA with %s=%q: %v; %s", EnvVar, config, err, xlaHelp)
	}
	return b, nil
}
