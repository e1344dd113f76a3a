// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build !cgo || noxla

package backend

import (
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

const xlaCompiled = false

func newXLA(config, _ string) (compute.Backend, error) {
	return nil, errors.Errorf("backend: %s=%q asks for XLA, but this binary was built without it "+
		"(CGO_ENABLED=0 or -tags noxla): rebuild with cgo and without the noxla tag, then %s", EnvVar, config, xlaHelp)
}
