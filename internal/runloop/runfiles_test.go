// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package runloop

import (
	"reflect"
	"testing"
)

func TestTrimHistory(t *testing.T) {
	history := TrimHistory([]int64{50, 100, 150, 200}, 120, func(s int64) int64 { return s })
	if want := []int64{50, 100}; !reflect.DeepEqual(history, want) {
		t.Errorf("history %v after trimming to step 120, want %v", history, want)
	}
	if h := TrimHistory([]int64{50}, 50, func(s int64) int64 { return s }); len(h) != 1 {
		t.Errorf("trimming to the last entry's step dropped it: %v", h)
	}
}
