// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package atomicfile

import (
	"os"
	"path/filepath"
	"strings"
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

// TestTarget: a link is followed (the link stays, its file gets the data), a device or a folder is refused and
// left alone, a dangling link is refused.
func TestTarget(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "real.png")
	link := filepath.Join(dir, "link.png")
	if err := os.WriteFile(file, []byte("old"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.Symlink(file, link); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(link, []byte("new")); err != nil {
		t.Fatal(err)
	}
	if b, _ := os.ReadFile(file); string(b) != "new" {
		t.Errorf("the link's file holds %q, want new", b)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("the link was replaced: %v %v", fi, err)
	}
	for _, c := range []struct{ path, want string }{
		{"/dev/null", "a device"},
		{dir, "a folder"},
	} {
		if err := WriteFile(c.path, []byte("x")); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("writing %s: %v, want an error saying %q", c.path, err, c.want)
		}
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Errorf("/dev/null is no longer a device: %v", err)
	}
	dangling := filepath.Join(dir, "dangling")
	if err := os.Symlink(filepath.Join(dir, "nowhere"), dangling); err != nil {
		t.Fatal(err)
	}
	if err := WriteFile(dangling, []byte("x")); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("a dangling link: %v", err)
	}
}
