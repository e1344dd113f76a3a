// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"strings"
	"testing"
)

// TestRegister: a registered dataset is known, listed after the built-in ones and loaded through Load (which
// checks the split first); an unknown name lists them all; registering a name twice, or a built-in one, panics.
func TestRegister(t *testing.T) {
	var asked []string
	Register("test-register", func(split string) (*Set, error) {
		asked = append(asked, split)
		return &Set{Name: "test-register", Split: split, N: 1}, nil
	})
	if !Known("test-register") || !Known("mnist") || !Known("fashion") || Known("cifar") {
		t.Errorf("Known: test-register %v, mnist %v, fashion %v, cifar %v", Known("test-register"), Known("mnist"), Known("fashion"), Known("cifar"))
	}
	names := Names()
	if names[0] != "mnist" || names[1] != "fashion" || !strings.Contains(strings.Join(names, ","), "test-register") {
		t.Errorf("Names() = %v", names)
	}
	set, err := Load("test-register", "test")
	if err != nil || set.Split != "test" || len(asked) != 1 || asked[0] != "test" {
		t.Errorf("Load: %+v, %v, the source was asked for %v", set, err, asked)
	}
	if _, err := Load("test-register", "valid"); err == nil || !strings.Contains(err.Error(), `unknown split "valid"`) || len(asked) != 1 {
		t.Errorf("a bad split: %v (the source was asked for %v)", err, asked)
	}
	if _, err := Load("cifar", "train"); err == nil || !strings.Contains(err.Error(), `"test-register"`) {
		t.Errorf("an unknown dataset: %v, want the registered names listed", err)
	}
	for _, name := range []string{"test-register", "mnist"} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("registering %q again did not panic", name)
				}
			}()
			Register(name, nil)
		}()
	}
}
