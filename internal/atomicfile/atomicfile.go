// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package atomicfile writes files and folders so that a crash or a kill at any moment leaves either the old
// version or the new one, never a half-written one: write beside, sync, rename into place.
package atomicfile

import (
	"encoding/json"
	"io/fs"
	"os"
	"path/filepath"

	"github.com/pkg/errors"
)

// Target is the file WriteFile writes when asked for path: path itself when it is missing or a regular file,
// the file a symbolic link points to (the link stays a link). Anything else, a device such as /dev/full, a
// folder, a socket, is refused: renaming a new file over it would destroy it.
func Target(path string) (string, error) {
	fi, err := os.Lstat(path)
	if errors.Is(err, fs.ErrNotExist) {
		return path, nil
	}
	if err != nil {
		return "", errors.Wrapf(err, "checking %s", path)
	}
	if fi.Mode()&os.ModeSymlink != 0 {
		resolved, err := filepath.EvalSymlinks(path)
		if errors.Is(err, fs.ErrNotExist) {
			link, _ := os.Readlink(path)
			return "", errors.Errorf("%s is a link to %s, which does not exist: remove the link or give another path", path, link)
		}
		if err != nil {
			return "", errors.Wrapf(err, "following the link %s", path)
		}
		if fi, err = os.Stat(resolved); err != nil {
			return "", errors.Wrapf(err, "checking %s", resolved)
		}
		path = resolved
	}
	if !fi.Mode().IsRegular() {
		return "", errors.Errorf("%s is not a regular file (%s): ganbook writes only files; give another path", path, kind(fi.Mode()))
	}
	return path, nil
}

func kind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeDevice != 0 || m&fs.ModeCharDevice != 0:
		return "a device"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	}
	return m.Type().String()
}

// WriteFile writes data to a temporary file beside path, syncs it and renames it over path (mode 0644). A path
// that is a link writes the file it points to; one that is not a regular file is refused (Target).
func WriteFile(path string, data []byte) error {
	path, err := Target(path)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return errors.Wrapf(err, "creating the folder of %s", path)
	}
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp-")
	if err != nil {
		return errors.Wrapf(err, "writing %s", path)
	}
	defer os.Remove(f.Name()) // a no-op once renamed
	_, err = f.Write(data)
	if err == nil {
		err = f.Chmod(0o644) // CreateTemp makes it 0600
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return errors.Wrapf(err, "writing %s (is the disk full?)", path)
	}
	return errors.Wrapf(os.Rename(f.Name(), path), "writing %s", path)
}

// WriteJSON writes v as indented JSON, with a final newline, to path with WriteFile: how every run file
// (config.json, metrics.json) is saved.
func WriteJSON(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return errors.Wrapf(err, "encoding %s", path)
	}
	return WriteFile(path, append(b, '\n'))
}

// TempDir creates a hidden folder beside dir (mode 0755) to fill and then publish with ReplaceDir.
func TempDir(dir string) (string, error) {
	parent := filepath.Dir(filepath.Clean(dir))
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return "", errors.Wrapf(err, "creating %s", parent)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".tmp-")
	if err != nil {
		return "", errors.Wrapf(err, "creating a temporary folder in %s", parent)
	}
	return tmp, errors.Wrapf(os.Chmod(tmp, 0o755), "creating %s", tmp) // MkdirTemp makes it 0700
}

// ReplaceDir syncs every file of tmp and publishes it as dir. An existing dir is renamed to prev first (kept
// there, replacing an older prev) or, when prev is "", removed once tmp is in place. If the rename of tmp fails,
// the old dir is put back.
func ReplaceDir(tmp, dir, prev string) error {
	if err := SyncDir(tmp); err != nil {
		return err
	}
	aside := prev
	if aside == "" {
		aside = tmp + ".old"
	}
	moved := false
	if _, err := os.Stat(dir); err == nil {
		if err := os.RemoveAll(aside); err != nil {
			return errors.Wrapf(err, "removing %s", aside)
		}
		if err := os.Rename(dir, aside); err != nil {
			return errors.Wrapf(err, "moving %s aside: check its permissions", dir)
		}
		moved = true
	}
	if err := os.Rename(tmp, dir); err != nil {
		if moved {
			_ = os.Rename(aside, dir)
		}
		return errors.Wrapf(err, "renaming %s to %s: check the permissions of its folder", tmp, dir)
	}
	if moved && prev == "" {
		if err := os.RemoveAll(aside); err != nil {
			return errors.Wrapf(err, "removing the old %s: delete %s by hand", dir, aside)
		}
	}
	return SyncDir(filepath.Dir(filepath.Clean(dir)))
}

// SyncDir fsyncs the files directly in dir and dir itself.
func SyncDir(dir string) error {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Wrapf(err, "reading %s", dir)
	}
	for _, e := range entries {
		if !e.IsDir() {
			if err := syncPath(filepath.Join(dir, e.Name())); err != nil {
				return err
			}
		}
	}
	return syncPath(dir)
}

func syncPath(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return errors.Wrapf(err, "opening %s to sync it", path)
	}
	defer f.Close()
	return errors.Wrapf(f.Sync(), "syncing %s", path)
}
