// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package notebook holds what ganbook's GoNB notebooks share: finding the checkout they run from, so that
// cells read the committed pretrained runs and write scratch runs beside the notebooks.
package notebook

import (
	"bufio"
	"os"
	"path/filepath"
	"strings"

	"github.com/pkg/errors"
)

// ModulePath is ganbook's module path, how Root recognises the checkout's go.mod.
const ModulePath = "github.com/ganbook/ganbook"

// Root returns the directory of the ganbook checkout: the nearest folder, from $GONB_DIR (the notebook's
// folder, set by GoNB) or else the working directory, upwards, whose go.mod declares ModulePath.
func Root() (string, error) {
	start := os.Getenv("GONB_DIR")
	if start == "" {
		wd, err := os.Getwd()
		if err != nil {
			return "", errors.Wrap(err, "notebook: no GONB_DIR and no working directory")
		}
		start = wd
	}
	return rootFrom(start)
}

func rootFrom(start string) (string, error) {
	dir, err := filepath.Abs(start)
	if err != nil {
		return "", errors.Wrapf(err, "notebook: %q", start)
	}
	for {
		if isGanbookModule(filepath.Join(dir, "go.mod")) {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.Errorf("notebook: no ganbook checkout (a go.mod declaring %s) in %s or above: open the notebooks from notebooks/ of a ganbook checkout", ModulePath, start)
		}
		dir = parent
	}
}

func isGanbookModule(goMod string) bool {
	f, err := os.Open(goMod)
	if err != nil {
		return false
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if fields := strings.Fields(sc.Text()); len(fields) == 2 && fields[0] == "module" {
			return strings.Trim(fields[1], `"`) == ModulePath
		}
	}
	return false
}

// Path returns the path of rel (slash-separated) inside the checkout, e.g. Path("pretrained/dcgan-mnist").
func Path(rel string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	return filepath.Join(root, filepath.FromSlash(rel)), nil
}

// MustPath is Path for notebook cells: it panics with Path's error, which says what to do.
func MustPath(rel string) string {
	p, err := Path(rel)
	if err != nil {
		panic(err)
	}
	return p
}

// ScratchDir returns a fresh directory under notebooks/.runs of the checkout for a notebook's short training
// runs (ignored by git), removing what an earlier execution left there under the same name.
func ScratchDir(name string) (string, error) {
	root, err := Root()
	if err != nil {
		return "", err
	}
	dir := filepath.Join(root, "notebooks", ".runs", name)
	if err := os.RemoveAll(dir); err != nil {
		return "", errors.Wrapf(err, "notebook: clearing %s", dir)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", errors.Wrapf(err, "notebook: creating %s", dir)
	}
	return dir, nil
}
