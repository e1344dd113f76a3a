// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package atomicfile

import (
	"os"
	"path/filepath"
	"testing"
)

func TestWriteFile(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "f.json")
	for _, content := range []string{"one", "two"} {
		if err := WriteFile(path, []byte(content)); err != nil {
			t.Fatal(err)
		}
		if b, _ := os.ReadFile(path); string(b) != content {
			t.Errorf("read %q, want %q", b, content)
		}
	}
	if st, _ := os.Stat(path); st.Mode().Perm() != 0o644 {
		t.Errorf("mode %v, want 0644", st.Mode().Perm())
	}
	if entries, _ := os.ReadDir(filepath.Dir(path)); len(entries) != 1 {
		t.Errorf("%d files left in the folder, want 1 (no temporary files)", len(entries))
	}
}

func TestReplaceDir(t *testing.T) {
	root := t.TempDir()
	dir, prev := filepath.Join(root, "ckpt"), filepath.Join(root, "ckpt.old")
	publish := func(content, keep string) {
		t.Helper()
		tmp, err := TempDir(dir)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(tmp, "data"), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := ReplaceDir(tmp, dir, keep); err != nil {
			t.Fatal(err)
		}
	}
	read := func(d string) string { b, _ := os.ReadFile(filepath.Join(d, "data")); return string(b) }
	publish("v1", prev)
	publish("v2", prev)
	if read(dir) != "v2" || read(prev) != "v1" {
		t.Errorf("after two saves: dir %q, prev %q; want v2 and v1", read(dir), read(prev))
	}
	publish("v3", "")
	entries, _ := os.ReadDir(root)
	if read(dir) != "v3" || len(entries) != 2 { // ckpt and the untouched ckpt.old
		t.Errorf("dir %q with %d entries in the root, want v3 and no leftovers", read(dir), len(entries))
	}
}

func TestWriteJSON(t *testing.T) {
	path := filepath.Join(t.TempDir(), "sub", "config.json")
	if err := WriteJSON(path, map[string]int{"steps": 3}); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"steps\": 3\n}\n"; string(b) != want {
		t.Errorf("WriteJSON wrote %q, want %q", b, want)
	}
	if err := WriteJSON(path, func() {}); err == nil {
		t.Error("a value JSON cannot encode gave no error")
	}
}
