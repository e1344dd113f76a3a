// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package families links every ganbook GAN family into a program, so that gan.LoadRun and gan.ReadConfig open
// a run directory of any of them. A family registers itself with pkg/gan when its package is imported; a
// program that opens runs it does not name (the command line, a notebook loading pretrained/ runs) imports
// this package for its effect:
//
//	import _ "github.com/ganbook/ganbook/pkg/families"
package families

import (
	// The families, each registered with pkg/gan by its init.
	_ "github.com/ganbook/ganbook/pkg/cgan"
	_ "github.com/ganbook/ganbook/pkg/dcgan"
	_ "github.com/ganbook/ganbook/pkg/imagegan"
	_ "github.com/ganbook/ganbook/pkg/infogan"
	_ "github.com/ganbook/ganbook/pkg/stackgan"
	_ "github.com/ganbook/ganbook/pkg/text2img"
)
