// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build !unix

package gan

import "os"

// LockFile is the advisory lock a training process holds on its run directory.
const LockFile = ".lock"

// LockRun takes no lock where the OS has no flock: it only creates the run directory.
func LockRun(runDir string) (unlock func(), err error) {
	return func() {}, os.MkdirAll(runDir, 0o755)
}
