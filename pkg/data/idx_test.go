// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// Real IDX headers, as the first bytes of the uncompressed MNIST files (checked against the files by
// TestRealHeaders): magic 00 00 08 <ndims>, then the big-endian dims.
var (
	mnistTrainImagesHeader = []byte{0, 0, 8, 3, 0, 0, 0xea, 0x60, 0, 0, 0, 28, 0, 0, 0, 28} // [60000, 28, 28]
	mnistTrainLabelsHeader = []byte{0, 0, 8, 1, 0, 0, 0xea, 0x60}                           // [60000]
	mnistTestImagesHeader  = []byte{0, 0, 8, 3, 0, 0, 0x27, 0x10, 0, 0, 0, 28, 0, 0, 0, 28} // [10000, 28, 28]
)

// gzipBytes compresses b.
func gzipBytes(t testing.TB, b []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	if _, err := zw.Write(b); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cat concatenates byte slices into a new slice.
func cat(parts ...[]byte) []byte { return slices.Concat(parts...) }

func TestReadIDX(t *testing.T) {
	// idx3 [2, 2, 3] and idx1 [4], built by hand.
	idx3 := cat([]byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3}, []byte{0, 1, 2, 3, 4, 5, 250, 251, 252, 253, 254, 255})
	idx1 := []byte{0, 0, 8, 1, 0, 0, 0, 4, 5, 0, 4, 1}
	// A dimension above 2^24 checks that all 4 bytes of a dim are read big-endian: 0x01000001 = 16777217.
	big := cat([]byte{0, 0, 8, 1, 0x01, 0, 0, 1}, make([]byte, 16777217))
	for _, tc := range []struct {
		name     string
		in       []byte
		wantDims []int
		wantData []byte
	}{
		{"idx3", idx3, []int{2, 2, 3}, idx3[16:]},
		{"idx3.gz", gzipBytes(t, idx3), []int{2, 2, 3}, idx3[16:]},
		{"idx1", idx1, []int{4}, []byte{5, 0, 4, 1}},
		{"idx1.gz", gzipBytes(t, idx1), []int{4}, []byte{5, 0, 4, 1}},
		{"big-dim", big, []int{16777217}, big[8:]},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadIDX(bytes.NewReader(tc.in))
			if err != nil {
				t.Fatalf("ReadIDX: %+v", err)
			}
			if !slices.Equal(got.Dims, tc.wantDims) {
				t.Errorf("Dims = %v, want %v", got.Dims, tc.wantDims)
			}
			if !bytes.Equal(got.Data, tc.wantData) {
				t.Errorf("Data differs: got %d bytes, want %d", len(got.Data), len(tc.wantData))
			}
		})
	}
}

func TestReadIDXErrors(t *testing.T) {
	idx1 := []byte{0, 0, 8, 1, 0, 0, 0, 4, 5, 0, 4, 1}
	for _, tc := range []struct {
		name, want string
		in         []byte
	}{
		{"empty", "is the input empty", nil},
		{"short-magic", "magic number", []byte{0, 0, 8}},
		{"magic", "wrong IDX magic number", []byte{0, 1, 8, 1, 0, 0, 0, 1, 7}},
		{"magic-text", "wrong IDX magic number", []byte("hello world")},
		{"type-float", "unsupported IDX data type 0x0D (float, float32)", []byte{0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0}},
		{"type-signed", "unsupported IDX data type 0x09 (signed byte)", []byte{0, 0, 0x09, 1, 0, 0, 0, 1, 7}},
		{"type-unknown", "unsupported IDX data type 0x42 (not an IDX type)", []byte{0, 0, 0x42, 1, 0, 0, 0, 1, 7}},
		{"ndims-0", "0 dimensions; want 1 to 4", []byte{0, 0, 8, 0, 7}},
		{"ndims-5", "5 dimensions; want 1 to 4", cat([]byte{0, 0, 8, 5}, bytes.Repeat([]byte{0, 0, 0, 1}, 5), []byte{7})},
		{"dim-zero", "dimension 1 of [2 0] is 0", []byte{0, 0, 8, 2, 0, 0, 0, 2, 0, 0, 0, 0}},
		{"dims-too-large", "larger than 2147483648 bytes", []byte{0, 0, 8, 3, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1}},
		{"dim-huge", "larger than 2147483648 bytes", []byte{0, 0, 8, 1, 0xff, 0xff, 0xff, 0xff, 1}},
		{"truncated-dims", "truncated IDX header", []byte{0, 0, 8, 3, 0, 0, 0, 2, 0, 0}},
		{"truncated-data", "the header promises 4 bytes, the input has 2", idx1[:10]},
		{"truncated-no-data", "the header promises 4 bytes, the input has 0", idx1[:8]},
		{"truncated-huge", "the header promises 2000000000 bytes, the input has 3", []byte{0, 0, 8, 1, 0x77, 0x35, 0x94, 0, 1, 2, 3}},
		{"trailing", "trailing bytes", cat(idx1, []byte{9})},
		{"truncated-gzip", "truncated IDX data", gzipBytes(t, idx1[:10])},
		{"corrupt-gzip-header", "gzip header is invalid", []byte{0x1f, 0x8b, 0, 0}},
		{"corrupt-gzip-body", "invalid checksum", func() []byte { // Flip a byte of the CRC32 in the gzip trailer.
			z := gzipBytes(t, idx1)
			z[len(z)-6] ^= 0xff
			return z
		}()},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := ReadIDX(bytes.NewReader(tc.in))
			if err == nil {
				t.Fatalf("ReadIDX(% x) = %v, want an error containing %q", tc.in, got, tc.want)
			}
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("ReadIDX error %q does not contain %q", err, tc.want)
			}
		})
	}
}

func TestWriteIDX(t *testing.T) {
	t.Run("round-trip", func(t *testing.T) {
		for _, dims := range [][]int{{1}, {5}, {2, 3}, {3, 4, 5}, {2, 2, 2, 3}} {
			size := 1
			for _, d := range dims {
				size *= d
			}
			data := make([]byte, size)
			for i := range data {
				data[i] = byte(i * 37)
			}
			var buf bytes.Buffer
			if err := WriteIDX(&buf, dims, data); err != nil {
				t.Fatalf("WriteIDX(%v): %+v", dims, err)
			}
			if want := 4 + 4*len(dims) + size; buf.Len() != want {
				t.Errorf("WriteIDX(%v) wrote %d bytes, want %d", dims, buf.Len(), want)
			}
			got, err := ReadIDX(&buf)
			if err != nil {
				t.Fatalf("ReadIDX after WriteIDX(%v): %+v", dims, err)
			}
			if !slices.Equal(got.Dims, dims) || !bytes.Equal(got.Data, data) {
				t.Errorf("round trip of %v gave %v", dims, got)
			}
		}
	})
	t.Run("header", func(t *testing.T) {
		var buf bytes.Buffer
		if err := WriteIDX(&buf, []int{60000, 28, 28}, make([]byte, 60000*28*28)); err != nil {
			t.Fatal(err)
		}
		if got := buf.Bytes()[:16]; !bytes.Equal(got, mnistTrainImagesHeader) {
			t.Errorf("header = % x, want MNIST's % x", got, mnistTrainImagesHeader)
		}
	})
	for _, tc := range []struct {
		name, want string
		dims       []int
		n          int
	}{
		{"no-dims", "0 dimensions", nil, 0},
		{"5-dims", "5 dimensions", []int{1, 1, 1, 1, 1}, 1},
		{"zero-dim", "every dimension must be at least 1", []int{3, 0}, 0},
		{"negative-dim", "every dimension must be at least 1", []int{-1}, 0},
		{"size-mismatch", "got 5 bytes of data for dims [2 3], which need 6", []int{2, 3}, 5},
		{"too-large", "larger than", []int{1 << 16, 1 << 16}, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := WriteIDX(io.Discard, tc.dims, make([]byte, tc.n))
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("WriteIDX(%v, %d bytes) error = %v, want one containing %q", tc.dims, tc.n, err, tc.want)
			}
		})
	}
}

func TestReadIDXFile(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "labels-idx1-ubyte.gz")
	if err := os.WriteFile(path, gzipBytes(t, []byte{0, 0, 8, 1, 0, 0, 0, 2, 3, 4}), 0o644); err != nil {
		t.Fatal(err)
	}
	got, err := ReadIDXFile(path)
	if err != nil {
		t.Fatalf("%+v", err)
	}
	if !slices.Equal(got.Dims, []int{2}) || !bytes.Equal(got.Data, []byte{3, 4}) {
		t.Errorf("ReadIDXFile = %v %v, want [2] [3 4]", got.Dims, got.Data)
	}

	missing := filepath.Join(dir, "nope-idx3-ubyte")
	if _, err := ReadIDXFile(missing); err == nil || !strings.Contains(err.Error(), missing+" is missing") {
		t.Errorf("ReadIDXFile(missing) error = %v, want it to say %s is missing", err, missing)
	}

	bad := filepath.Join(dir, "bad")
	if err := os.WriteFile(bad, []byte{1, 2, 3, 4}, 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadIDXFile(bad); err == nil || !strings.Contains(err.Error(), bad) ||
		!strings.Contains(err.Error(), "magic") {
		t.Errorf("ReadIDXFile(bad) error = %v, want it to name %s and the magic number", err, bad)
	}
}

// realPrefix returns the first n uncompressed bytes of an MNIST file, or nil if MNIST is not available.
func realPrefix(t testing.TB, name string, n int) []byte {
	t.Helper()
	dir, err := MNISTDir()
	if err != nil {
		return nil
	}
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(zr, buf); err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return buf
}

func TestRealHeaders(t *testing.T) {
	for name, want := range map[string][]byte{
		"train-images-idx3-ubyte.gz": mnistTrainImagesHeader,
		"train-labels-idx1-ubyte.gz": mnistTrainLabelsHeader,
		"t10k-images-idx3-ubyte.gz":  mnistTestImagesHeader,
	} {
		got := realPrefix(t, name, len(want))
		if got == nil {
			t.Skipf("MNIST not found: %s", mnistDownloadCmd)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s starts with % x, want % x", name, got, want)
		}
	}
}

// FuzzReadIDX checks that ReadIDX never panics, and that whatever it accepts is consistent and survives a
// WriteIDX/ReadIDX round trip. Run it with: go test -fuzz=FuzzReadIDX ./pkg/data
func FuzzReadIDX(f *testing.F) {
	// A valid idx3 of 2 real images: MNIST's train-images header with N patched from 60000 to 2, then the first
	// 2*28*28 pixels of the real file (zeros if MNIST is not available).
	images := make([]byte, 2*28*28)
	if real := realPrefix(f, "train-images-idx3-ubyte.gz", 16+len(images)); real != nil {
		copy(images, real[16:])
	}
	header3 := slices.Clone(mnistTrainImagesHeader)
	header3[6], header3[7] = 0, 2
	tiny3 := cat(header3, images)
	// A valid idx1 of the first 10 MNIST training labels.
	header1 := slices.Clone(mnistTrainLabelsHeader)
	header1[6], header1[7] = 0, 10
	tiny1 := cat(header1, []byte{5, 0, 4, 1, 9, 2, 1, 3, 1, 4})

	for _, seed := range [][]byte{
		// Valid files, plain and gzip.
		tiny3, tiny1, gzipBytes(f, tiny3), gzipBytes(f, tiny1),
		// Real headers without their payload.
		mnistTrainImagesHeader, mnistTrainLabelsHeader, mnistTestImagesHeader,
		// Truncated in the payload, in the dims and in the magic number.
		tiny3[:16+100], tiny3[:10], tiny1[:9], tiny1[:3],
		// A trailing byte, an idx4 [1,1,1,1], a float type, nothing.
		cat(tiny1, []byte{0}),
		{0, 0, 8, 4, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 0, 1, 42},
		{0, 0, 0x0D, 1, 0, 0, 0, 1, 0, 0, 0, 0},
		{},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		idx, err := ReadIDX(bytes.NewReader(in))
		if err != nil {
			if idx != nil {
				t.Fatalf("ReadIDX returned both %v and error %v", idx, err)
			}
			return
		}
		if len(idx.Dims) < 1 || len(idx.Dims) > 4 {
			t.Fatalf("accepted %d dims", len(idx.Dims))
		}
		size := 1
		for _, d := range idx.Dims {
			if d < 1 {
				t.Fatalf("accepted dims %v", idx.Dims)
			}
			size *= d
		}
		if len(idx.Data) != size {
			t.Fatalf("len(Data) = %d, product(Dims %v) = %d", len(idx.Data), idx.Dims, size)
		}
		var buf bytes.Buffer
		if err := WriteIDX(&buf, idx.Dims, idx.Data); err != nil {
			t.Fatalf("WriteIDX of what ReadIDX accepted: %+v", err)
		}
		again, err := ReadIDX(&buf)
		if err != nil {
			t.Fatalf("ReadIDX of WriteIDX output: %+v", err)
		}
		if !slices.Equal(again.Dims, idx.Dims) || !bytes.Equal(again.Data, idx.Data) {
			t.Fatalf("round trip changed %v into %v", idx, again)
		}
	})
}
