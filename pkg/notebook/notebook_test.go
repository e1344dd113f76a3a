// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package notebook

import (
	"os"
	"path/filepath"
	"testing"
)

func TestRootFromNotebooks(t *testing.T) {
	root := t.TempDir()
	nbDir := filepath.Join(root, "notebooks", "sub")
	if err := os.MkdirAll(nbDir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A go.mod of another module on the way up must not stop the search.
	if err := os.WriteFile(filepath.Join(root, "notebooks", "go.mod"), []byte("module example.com/other\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(root, "go.mod"), []byte("// c\nmodule github.com/ganbook/ganbook\n\ngo 1.27\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	t.Setenv("GONB_DIR", nbDir)
	got, err := Root()
	if err != nil {
		t.Fatal(err)
	}
	if want, _ := filepath.EvalSymlinks(root); mustEval(t, got) != want {
		t.Errorf("Root() = %q, want %q", got, root)
	}
	p, err := Path("pretrained/dcgan-mnist")
	if err != nil || p != filepath.Join(got, "pretrained", "dcgan-mnist") {
		t.Errorf("Path = %q, %v", p, err)
	}
	dir, err := ScratchDir("x")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "old"), nil, 0o644); err != nil {
		t.Fatal(err)
	}
	dir, err = ScratchDir("x")
	if err != nil {
		t.Fatal(err)
	}
	if entries, _ := os.ReadDir(dir); len(entries) != 0 {
		t.Errorf("ScratchDir left %d old entries", len(entries))
	}
}

func TestRootMissing(t *testing.T) {
	t.Setenv("GONB_DIR", t.TempDir())
	if _, err := Root(); err == nil {
		t.Error("Root() found a checkout in an empty temporary folder")
	}
}

func TestThisCheckout(t *testing.T) {
	t.Setenv("GONB_DIR", "")
	root, err := Root() // the test runs in pkg/notebook of this checkout
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "pkg", "notebook", "notebook.go")); err != nil {
		t.Errorf("Root() = %q is not this checkout: %v", root, err)
	}
}

func mustEval(t *testing.T, p string) string {
	t.Helper()
	r, err := filepath.EvalSymlinks(p)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
