// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"bytes"
	"github.com/ganbook/ganbook/internal/atomicfile"
	"image"
	"image/color"
	"image/png"

	"github.com/gomlx/gomlx/core/tensors"
	"github.com/pkg/errors"
)

// Images are float32 tensors [N, H, W, C] with values in [-1, 1] (a generator's tanh output), C = 1 or 3.

// Grid lays out the images in rows of cols, with a pad-pixel border between them, and returns the picture:
// gray for one channel, RGB for three. Values outside [-1, 1] are clipped.
func Grid(images *tensors.Tensor, cols, pad int) (image.Image, error) {
	d := images.Shape().Dimensions
	if len(d) != 4 || (d[3] != 1 && d[3] != 3) {
		return nil, errors.Errorf("viz: Grid needs images [N, H, W, 1 or 3], got %s", images.Shape())
	}
	flat, err := float32s(images)
	if err != nil {
		return nil, err
	}
	return GridFromFlat(flat, d[0], d[1], d[2], d[3], cols, pad)
}

// GridFromFlat is Grid for a flat []float32 holding n images of h×w×c in [-1, 1].
func GridFromFlat(flat []float32, n, h, w, c, cols, pad int) (image.Image, error) {
	if n <= 0 || len(flat) != n*h*w*c || (c != 1 && c != 3) {
		return nil, errors.Errorf("viz: %d values do not hold %d images of %dx%dx%d (1 or 3 channels)", len(flat), n, h, w, c)
	}
	if cols <= 0 {
		cols = 1
		for cols*cols < n {
			cols++
		}
	}
	cols = min(cols, n)
	rows := (n + cols - 1) / cols
	rect := image.Rect(0, 0, cols*(w+pad)+pad, rows*(h+pad)+pad)
	toByte := func(v float32) uint8 { return uint8(min(max((v+1)*127.5+0.5, 0), 255)) }
	var gray *image.Gray
	var rgb *image.RGBA
	if c == 1 {
		gray = image.NewGray(rect)
		for i := range gray.Pix {
			gray.Pix[i] = 40 // a dark border that digits' black background does not merge with
		}
	} else {
		rgb = image.NewRGBA(rect)
		for i := range rgb.Pix {
			rgb.Pix[i] = 40
			if i%4 == 3 {
				rgb.Pix[i] = 255
			}
		}
	}
	for k := range n {
		x0, y0 := pad+(k%cols)*(w+pad), pad+(k/cols)*(h+pad)
		for y := range h {
			for x := range w {
				base := ((k*h+y)*w + x) * c
				if c == 1 {
					gray.SetGray(x0+x, y0+y, color.Gray{Y: toByte(flat[base])})
				} else {
					rgb.SetRGBA(x0+x, y0+y, color.RGBA{R: toByte(flat[base]), G: toByte(flat[base+1]), B: toByte(flat[base+2]), A: 255})
				}
			}
		}
	}
	if gray != nil {
		return gray, nil
	}
	return rgb, nil
}

// EncodePNG returns img as PNG bytes.
func EncodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		return nil, errors.Wrap(err, "viz: encoding PNG")
	}
	return buf.Bytes(), nil
}

// SavePNG writes img to path as a PNG (through a temporary file renamed into place).
func SavePNG(path string, img image.Image) error {
	b, err := EncodePNG(img)
	if err != nil {
		return err
	}
	return writeFile(path, b)
}

func writeFile(path string, b []byte) error {
	return errors.WithMessage(atomicfile.WriteFile(path, b), "viz")
}

func float32s(t *tensors.Tensor) (flat []float32, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = errors.Errorf("viz: images must be float32, got %s", t.Shape())
		}
	}()
	return tensors.MustCopyFlatData[float32](t), nil
}
