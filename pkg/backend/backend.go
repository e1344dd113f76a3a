// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package backend chooses the GoMLX compute backend for ganbook: the CLI, the notebooks and the tests all get
// their backend from New, so they all honour the same setting.
//
// The choice is made from the environment variable GOMLX_BACKEND:
//
//   - unset or empty: the pure-Go backend ("go"), which needs no C library and no download.
//   - "go" or "go:<options>", e.g. "go:parallelism=2": the pure-Go backend with GoMLX's options. Unless the
//     options set parallelism, ganbook adds GoParallelism ("parallelism=-1"): see GoOptions for why.
//   - "xla:<plugin>", e.g. "xla:cpu", "xla:cuda": XLA through a PJRT plugin found in PJRT_PLUGIN_LIBRARY_PATH
//     (or XLA's usual plugin folders).
//   - "xla:/absolute/path/to/pjrt_plugin.so[,options]": XLA through that plugin file.
//
// ganbook never downloads a plugin: it does not import gomlx/backends/default nor the XLA auto-installer.
// A binary built with `-tags noxla`, or with CGO_ENABLED=0, has no XLA support and still runs on the pure-Go
// backend.
//
// Usage:
//
//	b, err := backend.New()
//	if err != nil { return err }
//	fmt.Println(backend.Describe(b))
package backend

import (
	"fmt"
	"os"
	"strings"

	"github.com/gomlx/compute"
	"github.com/gomlx/compute/gobackend"
	"github.com/pkg/errors"
)

// EnvVar is the environment variable read by New: "GOMLX_BACKEND", the same one GoMLX itself reads.
const EnvVar = compute.ConfigEnvVar

// PluginPathEnvVar is where the XLA backend looks for PJRT plugins given by name ("cpu", "cuda").
const PluginPathEnvVar = "PJRT_PLUGIN_LIBRARY_PATH"

// New returns the backend selected by GOMLX_BACKEND, or the pure-Go backend when it is not set.
func New() (compute.Backend, error) {
	return NewWithConfig(os.Getenv(EnvVar))
}

// NewWithConfig returns the backend for a configuration written as GOMLX_BACKEND would be ("" means the
// pure-Go backend).
func NewWithConfig(config string) (compute.Backend, error) {
	config = strings.TrimSpace(config)
	name, options, _ := strings.Cut(config, ":")
	switch name {
	case "", gobackend.BackendName:
		GuardHeap()
		var b compute.Backend
		var err error
		stdoutToStderr(func() { b, err = gobackend.New(GoOptions(options)) })
		if err != nil {
			return nil, errors.WithMessagef(err, "backend: bad %s=%q (valid: \"go\" or \"go:parallelism=N\")", EnvVar, config)
		}
		return b, nil
	case "xla", "stablehlo", "hlo", "shlo":
		return newXLA(config, options)
	default:
		return nil, errors.Errorf("backend: unknown backend %q in %s=%q: use \"go\", \"go:parallelism=N\", "+
			"\"xla:cpu\", \"xla:cuda\" or \"xla:/absolute/path/to/pjrt_plugin.so\"", name, EnvVar, config)
	}
}

// goBackendName is what the pure-Go backend's Name() returns (its registry name is gobackend.BackendName, "go").
const goBackendName = "Go Backend"

// IsGo reports whether b is the pure-Go backend, for which ganbook lowers convolutions to matrix products.
func IsGo(b compute.Backend) bool {
	return b.Name() == goBackendName || b.Name() == gobackend.BackendName
}

// Describe returns a one-line description of b: its name, its description and, for XLA, the plugin and devices.
func Describe(b compute.Backend) string {
	desc := fmt.Sprintf("%s: %s", b.Name(), b.Description())
	if n := b.NumDevices(); n > 1 {
		desc += fmt.Sprintf(" (%d devices)", n)
	}
	if !IsGo(b) && b.NumDevices() > 0 {
		desc += "; device 0: " + b.DeviceDescription(0)
	}
	return desc
}

// XLAAvailable reports whether this binary was built with XLA support (cgo on, no `noxla` tag).
func XLAAvailable() bool { return xlaCompiled }

// xlaHelp is appended to every XLA error: how to point ganbook at a plugin.
const xlaHelp = "set " + PluginPathEnvVar + " to the folder holding pjrt_c_api_<name>_plugin.so and use " +
	EnvVar + "=xla:<name>, or give the plugin file itself: " + EnvVar + "=xla:/absolute/path/to/plugin.so " +
	"(or unset " + EnvVar + " for the pure-Go backend)"
