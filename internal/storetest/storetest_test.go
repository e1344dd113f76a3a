// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package storetest

import "testing"

func TestChanged(t *testing.T) {
	a := map[string][]float32{"/g/w": {1, 2, 3}, "/g/b": {0}, "/d/w": {4, 5}}
	b := map[string][]float32{"/g/w": {1, 2, 3.5}, "/g/b": {0}, "/d/w": {4, 6}}
	if n := Changed(a, b); n != 2 {
		t.Errorf("Changed = %d, want 2 (two variables differ, each in one value)", n)
	}
	if n := Changed(a, a); n != 0 {
		t.Errorf("Changed(a, a) = %d, want 0", n)
	}
}
