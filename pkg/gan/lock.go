// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

//go:build unix

package gan

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/pkg/errors"
)

// LockFile is the advisory lock a training process holds on its run directory.
const LockFile = ".lock"

// LockRun takes the run directory's lock (an flock on runDir/.lock, which the OS releases when the process
// ends, however it ends) and writes the process's id and start time into it. A run that another process holds
// is an error naming that process. Call unlock when done.
func LockRun(runDir string) (unlock func(), err error) {
	if err := os.MkdirAll(runDir, 0o755); err != nil {
		return nil, errors.Wrapf(err, "gan: creating the run directory %s", runDir)
	}
	path := filepath.Join(runDir, LockFile)
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, errors.Wrapf(err, "gan: opening the run's lock %s", path)
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		holder, _ := os.ReadFile(path)
		f.Close()
		who := strings.TrimSpace(string(holder))
		if who == "" {
			who = "another process"
		}
		return nil, errors.Errorf("gan: %s is in use by %s: wait for it to end, or train into another --out", runDir, who)
	}
	_ = f.Truncate(0)
	_, _ = f.WriteAt([]byte(fmt.Sprintf("ganbook process %d (since %s)\n", os.Getpid(), time.Now().Format(time.DateTime))), 0)
	return func() {
		_ = f.Truncate(0)
		_ = syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
		f.Close()
	}, nil
}
