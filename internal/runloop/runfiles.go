// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package runloop

import (
	"encoding/json"
	"os"

	"github.com/pkg/errors"
)

// ReadConfig reads a run's config.json into a C and validates it; pkg names the caller in errors ("gan").
func ReadConfig[C any, P interface {
	*C
	Validate() error
}](path, pkg string) (C, error) {
	var c C
	b, err := os.ReadFile(path)
	if err != nil {
		return c, errors.Wrapf(err, "%s: reading the run's config (is %s a ganbook run directory?)", pkg, path)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, errors.Wrapf(err, "%s: %s is not a valid config.json", pkg, path)
	}
	if err := P(&c).Validate(); err != nil {
		return c, errors.WithMessagef(err, "in %s", path)
	}
	return c, nil
}

// ReadHistory fills metrics from a run's metrics.json when it can: a missing or damaged file only loses the
// history plot of the sessions before.
func ReadHistory(path string, metrics any) {
	if b, err := os.ReadFile(path); err == nil {
		_ = json.Unmarshal(b, metrics)
	}
}

// TrimHistory drops the entries after step: a run resumed from the checkpoint of step trains them again.
func TrimHistory[E any](history []E, step int64, stepOf func(E) int64) []E {
	for len(history) > 0 && stepOf(history[len(history)-1]) > step {
		history = history[:len(history)-1]
	}
	return history
}
