// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package runloop

// TrimHistory drops the entries after step: a run resumed from the checkpoint of step trains them again.
func TrimHistory[E any](history []E, step int64, stepOf func(E) int64) []E {
	for len(history) > 0 && stepOf(history[len(history)-1]) > step {
		history = history[:len(history)-1]
	}
	return history
}
