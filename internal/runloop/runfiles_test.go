// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package runloop

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

type testConfig struct {
	Steps int `json:"steps"`
}

func (c *testConfig) Validate() error {
	if c.Steps <= 0 {
		return errors.New("steps must be positive")
	}
	return nil
}

func TestReadConfig(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		path := filepath.Join(dir, name)
		if err := os.WriteFile(path, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return path
	}
	c, err := ReadConfig[testConfig](write("good.json", `{"steps": 7}`), "gan")
	if err != nil || c.Steps != 7 {
		t.Fatalf("ReadConfig = %+v, %v; want steps 7", c, err)
	}
	for _, tc := range []struct{ path, want string }{
		{filepath.Join(dir, "missing.json"), "gan: reading the run's config (is"},
		{write("broken.json", `{"steps": `), "is not a valid config.json"},
		{write("invalid.json", `{"steps": 0}`), "steps must be positive"},
	} {
		if _, err := ReadConfig[testConfig](tc.path, "gan"); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ReadConfig(%s): %v, want an error saying %q", filepath.Base(tc.path), err, tc.want)
		}
	}
}

func TestHistory(t *testing.T) {
	dir := t.TempDir()
	var m struct{ History []int64 }
	ReadHistory(filepath.Join(dir, "missing.json"), &m) // nothing to read: no history, no error
	path := filepath.Join(dir, "metrics.json")
	if err := os.WriteFile(path, []byte(`{"History": [50, 100, 150, 200]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	ReadHistory(path, &m)
	m.History = TrimHistory(m.History, 120, func(s int64) int64 { return s })
	if want := []int64{50, 100}; !reflect.DeepEqual(m.History, want) {
		t.Errorf("history %v after trimming to step 120, want %v", m.History, want)
	}
}
