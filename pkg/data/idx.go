// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"bufio"
	"compress/gzip"
	"encoding/binary"
	"fmt"
	"io"
	"io/fs"
	"os"

	"github.com/pkg/errors"
)

// IDX is the content of an IDX file, the format of LeCun's MNIST distribution
// (http://yann.lecun.com/exdb/mnist/, "FILE FORMATS FOR THE MNIST DATABASE").
//
// The file layout is:
//
//	magic:   0x00 0x00 <type> <ndims>
//	dims:    ndims big-endian uint32 values
//	payload: product(dims) values of <type>, row-major (the last dimension changes fastest)
//
// Only type 0x08 (unsigned byte) is supported, which is what MNIST and Fashion-MNIST use: an idx3-ubyte file
// holds images [N, H, W], an idx1-ubyte file holds labels [N].
type IDX struct {
	Dims []int  // e.g. [60000, 28, 28] for idx3, [60000] for idx1.
	Data []byte // product(Dims) unsigned bytes, row-major.
}

const (
	// idxTypeUint8 is the only IDX data type this package reads and writes.
	idxTypeUint8 = 0x08

	// idxMaxDims is the largest ndims accepted. MNIST uses 1 (labels) and 3 (images); 4 leaves room for
	// [N, H, W, C].
	idxMaxDims = 4

	// IDXMaxPayload is the largest payload (in bytes) that ReadIDX and WriteIDX accept. It protects against
	// huge allocations on corrupt headers: all of MNIST's training images are 47 MB.
	IDXMaxPayload = 1 << 31

	// idxReadChunk is the first allocation for the payload. The buffer then grows with the data that really
	// arrives, so a header that promises more than the input holds does not allocate what it promises.
	idxReadChunk = 1 << 20
)

// ReadIDX reads one IDX file of unsigned bytes from r. If the input starts with the gzip header (0x1f 0x8b) it
// is decompressed first, so both "train-images-idx3-ubyte" and "train-images-idx3-ubyte.gz" can be read.
//
// It returns an error if the magic number is wrong (the first two bytes must be zero), the data type is not
// 0x08 (unsigned byte), ndims is 0 or larger than 4, a dimension is 0 or the payload would exceed
// IDXMaxPayload bytes, or the input ends before the payload does.
//
// Trailing bytes after the payload are an error too: they mean the dimensions do not describe the file. (For
// gzip input, reading to the end also makes the gzip reader verify its checksum.)
func ReadIDX(r io.Reader) (*IDX, error) {
	br := bufio.NewReader(r)
	if head, _ := br.Peek(2); len(head) == 2 && head[0] == 0x1f && head[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return nil, errors.Wrap(err, "data: IDX input starts like gzip but its gzip header is invalid")
		}
		defer zr.Close()
		return readIDX(zr)
	}
	return readIDX(br)
}

// readIDX reads an uncompressed IDX stream.
func readIDX(r io.Reader) (*IDX, error) {
	var magic [4]byte
	if _, err := io.ReadFull(r, magic[:]); err != nil {
		return nil, errors.Wrap(noEOF(err), "data: reading the 4-byte IDX magic number; is the input empty?")
	}
	if magic[0] != 0 || magic[1] != 0 {
		return nil, errors.Errorf("data: wrong IDX magic number % x: the first two bytes must be 00 00; "+
			"is this an IDX file (e.g. train-images-idx3-ubyte)?", magic[:])
	}
	if magic[2] != idxTypeUint8 {
		return nil, errors.Errorf("data: unsupported IDX data type 0x%02X (%s): only 0x08 (unsigned byte) is "+
			"supported; convert the file to uint8", magic[2], idxTypeName(magic[2]))
	}
	ndims := int(magic[3])
	if ndims == 0 || ndims > idxMaxDims {
		return nil, errors.Errorf("data: IDX header has %d dimensions; want 1 to %d", ndims, idxMaxDims)
	}

	raw := make([]byte, 4*ndims)
	if _, err := io.ReadFull(r, raw); err != nil {
		return nil, errors.Wrapf(noEOF(err), "data: truncated IDX header: reading %d dimensions", ndims)
	}
	dims := make([]int, ndims)
	for i := range dims {
		dims[i] = int(binary.BigEndian.Uint32(raw[4*i:]))
	}
	size, err := idxPayloadSize(dims)
	if err != nil {
		return nil, err
	}

	payload, err := readPayload(r, size)
	if err != nil {
		return nil, errors.WithMessagef(err, "data: reading IDX payload of dims %v", dims)
	}

	// Anything after the payload means the header does not describe the file.
	var extra [1]byte
	n, err := io.ReadFull(r, extra[:])
	if n > 0 {
		return nil, errors.Errorf("data: IDX input has trailing bytes after the %d-byte payload of dims %v; "+
			"check that the file is not concatenated or corrupt", size, dims)
	}
	if err != io.EOF {
		return nil, errors.Wrap(err, "data: reading the end of the IDX input (a corrupt gzip file?)")
	}
	return &IDX{Dims: dims, Data: payload}, nil
}

// idxPayloadSize returns product(dims), or an error if a dimension is out of range or the product exceeds
// IDXMaxPayload.
func idxPayloadSize(dims []int) (int, error) {
	size := 1
	for i, d := range dims {
		if d <= 0 {
			return 0, errors.Errorf("data: IDX dimension %d of %v is %d; every dimension must be at least 1",
				i, dims, d)
		}
		if d > IDXMaxPayload || size > IDXMaxPayload/d {
			return 0, errors.Errorf("data: IDX dims %v make a payload larger than %d bytes; the header is "+
				"probably corrupt", dims, IDXMaxPayload)
		}
		size *= d
	}
	return size, nil
}

// readPayload reads exactly size bytes from r. It allocates in proportion to what r really delivers, so a
// corrupt header cannot make it allocate gigabytes for a short input.
func readPayload(r io.Reader, size int) ([]byte, error) {
	buf := make([]byte, min(size, idxReadChunk))
	n, err := io.ReadFull(r, buf)
	for err == nil && n < size {
		buf = append(buf, make([]byte, min(size-n, n))...) // At most doubles the buffer.
		var m int
		m, err = io.ReadFull(r, buf[n:])
		n += m
	}
	if n < size {
		if err == io.EOF || err == io.ErrUnexpectedEOF {
			return nil, errors.Errorf("truncated IDX data: the header promises %d bytes, the input has %d; "+
				"download the file again", size, n)
		}
		return nil, errors.Wrapf(err, "after %d of %d bytes", n, size)
	}
	return buf, nil
}

// WriteIDX writes data as a plain (not gzip) IDX file of unsigned bytes with the given dims, e.g. dims [N, 28, 28]
// for an idx3-ubyte file of N images, or [N] for an idx1-ubyte file of labels. len(data) must be product(dims).
func WriteIDX(w io.Writer, dims []int, data []byte) error {
	if len(dims) == 0 || len(dims) > idxMaxDims {
		return errors.Errorf("data: WriteIDX got %d dimensions; want 1 to %d", len(dims), idxMaxDims)
	}
	size, err := idxPayloadSize(dims)
	if err != nil {
		return err
	}
	if len(data) != size {
		return errors.Errorf("data: WriteIDX got %d bytes of data for dims %v, which need %d", len(data), dims, size)
	}
	header := make([]byte, 4+4*len(dims))
	header[2], header[3] = idxTypeUint8, byte(len(dims))
	for i, d := range dims {
		binary.BigEndian.PutUint32(header[4+4*i:], uint32(d))
	}
	if _, err := w.Write(header); err != nil {
		return errors.Wrap(err, "data: writing IDX header")
	}
	if _, err := w.Write(data); err != nil {
		return errors.Wrapf(err, "data: writing %d bytes of IDX data", len(data))
	}
	return nil
}

// ReadIDXFile reads the IDX file at path, gzip-compressed or not (see ReadIDX).
func ReadIDXFile(path string) (*IDX, error) {
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, errors.Errorf("data: IDX file %s is missing", path)
	}
	if err != nil {
		return nil, errors.Wrapf(err, "data: opening IDX file %s", path)
	}
	defer f.Close()
	idx, err := ReadIDX(f)
	if err != nil {
		return nil, errors.WithMessagef(err, "data: reading IDX file %s", path)
	}
	return idx, nil
}

// idxTypeName names an IDX type byte of the format specification, for error messages.
func idxTypeName(t byte) string {
	switch t {
	case 0x08:
		return "unsigned byte"
	case 0x09:
		return "signed byte"
	case 0x0B:
		return "short, int16"
	case 0x0C:
		return "int, int32"
	case 0x0D:
		return "float, float32"
	case 0x0E:
		return "double, float64"
	}
	return "not an IDX type"
}

// noEOF turns io.EOF into io.ErrUnexpectedEOF: inside a header, any end of input is a truncation.
func noEOF(err error) error {
	if err == io.EOF {
		return io.ErrUnexpectedEOF
	}
	return err
}

// String describes the IDX header, e.g. "IDX uint8 [60000 28 28] (47040000 bytes)".
func (x *IDX) String() string {
	return fmt.Sprintf("IDX uint8 %v (%d bytes)", x.Dims, len(x.Data))
}
