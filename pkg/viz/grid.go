// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"bytes"
	"fmt"
	"image"
	"image/png"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/pkg/errors"
)

// Images are float32 tensors [N, H, W, C] with values in [-1, 1] (a generator's tanh output), C = 1 or 3.

// Grid lays out the images in rows of cols, with a pad-pixel border between them, and returns the picture:
// gray for one channel, RGB for three. Values outside [-1, 1] are clipped. cols ≤ 0 picks a square-ish grid.
func Grid(images *tensors.Tensor, cols, pad int) (image.Image, error) {
	s, err := tensorImages(images, "Grid")
	if err != nil {
		return nil, err
	}
	return s.grid(GridOptions{Cols: cols, Pad: pad}), nil
}

// GridFromFlat is Grid for a flat []float32 holding n images of h×w×c in [-1, 1].
func GridFromFlat(flat []float32, n, h, w, c, cols, pad int) (image.Image, error) {
	return GridFromFlatWith(flat, n, h, w, c, GridOptions{Cols: cols, Pad: pad})
}

// GridOptions lays out and labels a grid of images. The zero value is a square-ish grid of unscaled images with
// no border and no labels.
type GridOptions struct {
	// Cols is the number of images per row; 0 means the smallest n with n×n ≥ N (a square-ish grid).
	Cols int
	// Pad is the border in pixels around and between cells; 0 means none.
	Pad int
	// Labels are drawn in a text band under each cell (above with LabelsAbove): Labels[k] under image k.
	// A shorter slice leaves the last images unlabelled, "" leaves one unlabelled, and nil draws no band at all.
	// A label wider than its cell is wrapped onto more lines, at spaces or, for a word wider than the cell,
	// inside it; the band grows to the most lines a label needs, and no label is cut. Enlarge the cells with
	// Scale to keep labels on one line.
	Labels      []string
	LabelsAbove bool
	// Scale enlarges each image pixel to Scale×Scale pixels (nearest neighbour), so that labels fit under
	// small images (MNIST's 28×28 cells hold 4 characters; at Scale 2, 9). 0 means 1.
	Scale int
	// FontScale enlarges the 5×8-pixel font the same way; 0 means 1.
	FontScale int
}

// GridWith is Grid with options: labels, enlarged cells. Each label is drawn in light gray on the border colour,
// centred under (or above) its cell.
//
// For example, ten MNIST digits with their classes:
//
//	img, err := viz.GridWith(images, viz.GridOptions{Cols: 5, Pad: 2, Scale: 2, Labels: []string{"0", "1", ...}})
func GridWith(images *tensors.Tensor, opts GridOptions) (image.Image, error) {
	s, err := tensorImages(images, "GridWith")
	if err != nil {
		return nil, err
	}
	return s.grid(opts), nil
}

// GridFromFlatWith is GridWith for a flat []float32 holding n images of h×w×c in [-1, 1].
func GridFromFlatWith(flat []float32, n, h, w, c int, opts GridOptions) (image.Image, error) {
	s := imageSet{flat: flat, n: n, h: h, w: w, c: c}
	if err := s.check(); err != nil {
		return nil, err
	}
	return s.grid(opts), nil
}

// TraversalGrid draws a latent traversal: rows×cols images in row-major order (image r·cols+c in row r,
// column c), rowLabels at the left of the rows and colLabels above the columns. For InfoGAN (Chen et al. 2016,
// Fig. 2), row r holds one value of the categorical code and the columns sweep a continuous code, e.g.
// colLabels = RangeLabels("c=", -2, 2, cols). opts sets Pad, Scale and FontScale; its Cols and Labels are not used.
// nil rowLabels (colLabels) leave no room for them; a column label wider than its cell is wrapped, as GridWith's.
func TraversalGrid(images *tensors.Tensor, rows, cols int, rowLabels, colLabels []string, opts GridOptions) (image.Image, error) {
	s, err := tensorImages(images, "TraversalGrid")
	if err != nil {
		return nil, err
	}
	if rows <= 0 || cols <= 0 || rows*cols != s.n {
		return nil, errors.Errorf("viz: TraversalGrid got %d images, want rows×cols = %d×%d", s.n, rows, cols)
	}
	return s.traversal(rows, cols, rowLabels, colLabels, opts), nil
}

// StripImage draws the images in one row, each with its label underneath (nil labels: none): an interpolation
// between two latent points, say, with labels = RangeLabels("t=", 0, 1, N). opts sets Pad, Scale, FontScale and
// LabelsAbove; its Cols and Labels are replaced.
func StripImage(images *tensors.Tensor, labels []string, opts GridOptions) (image.Image, error) {
	s, err := tensorImages(images, "StripImage")
	if err != nil {
		return nil, err
	}
	opts.Cols, opts.Labels = s.n, labels
	return s.grid(opts), nil
}

// RangeLabels returns n labels prefix+value for n values evenly spaced from lo to hi, with two decimals:
// RangeLabels("t=", 0, 1, 3) is ["t=0.00" "t=0.50" "t=1.00"]. n = 1 gives lo alone.
func RangeLabels(prefix string, lo, hi float64, n int) []string {
	labels := make([]string, max(n, 0))
	for i := range labels {
		v := lo
		if n > 1 {
			v = lo + (hi-lo)*float64(i)/float64(n-1)
		}
		labels[i] = fmt.Sprintf("%s%.2f", prefix, v)
	}
	return labels
}

const (
	borderGray = 40  // the background: a dark border that digits' black background does not merge with
	inkGray    = 230 // the labels' colour
)

// imageSet is n images of h×w×c float32 values in [-1, 1], flat in row-major order.
type imageSet struct {
	flat       []float32
	n, h, w, c int
}

func tensorImages(images *tensors.Tensor, fn string) (imageSet, error) {
	d := images.Shape().Dimensions
	if len(d) != 4 || (d[3] != 1 && d[3] != 3) {
		return imageSet{}, errors.Errorf("viz: %s needs images [N, H, W, 1 or 3], got %s", fn, images.Shape())
	}
	flat, err := float32s(images)
	if err != nil {
		return imageSet{}, err
	}
	s := imageSet{flat: flat, n: d[0], h: d[1], w: d[2], c: d[3]}
	return s, s.check()
}

func (s imageSet) check() error {
	if s.n <= 0 || s.h <= 0 || s.w <= 0 || len(s.flat) != s.n*s.h*s.w*s.c || (s.c != 1 && s.c != 3) {
		return errors.Errorf("viz: %d values do not hold %d images of %dx%dx%d (1 or 3 channels)", len(s.flat), s.n, s.h, s.w, s.c)
	}
	return nil
}

// grid draws the images in rows of opts.Cols; see GridOptions.
func (s imageSet) grid(opts GridOptions) image.Image {
	scale, fs, pad := max(opts.Scale, 1), max(opts.FontScale, 1), max(opts.Pad, 0)
	cols := opts.Cols
	if cols <= 0 {
		cols = 1
		for cols*cols < s.n {
			cols++
		}
	}
	cols = min(cols, s.n)
	rows := (s.n + cols - 1) / cols
	cw, ch := s.w*scale, s.h*scale
	labels := make([][]string, len(opts.Labels))
	band := 0
	if opts.Labels != nil {
		lines := 1
		for k, l := range opts.Labels {
			labels[k] = wrapGlyphs(l, fs, cw)
			lines = max(lines, len(labels[k]))
		}
		band = lines*(textHeight(fs)+1) + 1 // a pixel of space above and below each line
	}
	cv := newCanvas(s.c, cols*(cw+pad)+pad, rows*(ch+band+pad)+pad)
	for k := range s.n {
		x0, y0 := pad+(k%cols)*(cw+pad), pad+(k/cols)*(ch+band+pad)
		imageY, textY := y0, y0+ch+1
		if opts.LabelsAbove {
			imageY, textY = y0+band, y0+1
		}
		s.draw(cv, k, x0, imageY, scale)
		if k < len(labels) {
			cv.linesCentred(labels[k], image.Rect(x0, textY, x0+cw, y0+ch+band), fs)
		}
	}
	return cv.image()
}

// traversal draws the images rows×cols with row and column labels; see TraversalGrid.
func (s imageSet) traversal(rows, cols int, rowLabels, colLabels []string, opts GridOptions) image.Image {
	scale, fs, pad := max(opts.Scale, 1), max(opts.FontScale, 1), max(opts.Pad, 0)
	cw, ch, th := s.w*scale, s.h*scale, textHeight(fs)
	left, top := 0, 0
	if rowLabels != nil {
		for _, l := range rowLabels {
			left = max(left, textWidth(l, fs))
		}
		left += 4 // two pixels of space either side
	}
	if colLabels != nil {
		lines := 1
		for _, l := range colLabels {
			lines = max(lines, len(wrapGlyphs(l, fs, cw)))
		}
		top = lines*(th+1) + 1
	}
	cv := newCanvas(s.c, left+cols*(cw+pad)+pad, top+rows*(ch+pad)+pad)
	for r := range rows {
		y0 := top + pad + r*(ch+pad)
		for c := range cols {
			s.draw(cv, r*cols+c, left+pad+c*(cw+pad), y0, scale)
		}
		if r < len(rowLabels) {
			ty := y0 + (ch-th)/2
			cv.text(rowLabels[r], left-2-textWidth(rowLabels[r], fs), ty, fs, image.Rect(0, y0, left, y0+ch))
		}
	}
	for c := range min(cols, len(colLabels)) {
		x0 := left + pad + c*(cw+pad)
		cv.linesCentred(wrapGlyphs(colLabels[c], fs, cw), image.Rect(x0, 1, x0+cw, top), fs)
	}
	return cv.image()
}

// draw paints image k with its top-left corner at (x0, y0), each pixel a scale×scale square.
func (s imageSet) draw(cv canvas, k, x0, y0, scale int) {
	toByte := func(v float32) uint8 { return uint8(min(max((v+1)*127.5+0.5, 0), 255)) }
	for y := range s.h * scale {
		for x := range s.w * scale {
			base := ((k*s.h+y/scale)*s.w + x/scale) * s.c
			if s.c == 1 {
				v := toByte(s.flat[base])
				cv.set(x0+x, y0+y, v, v, v)
			} else {
				cv.set(x0+x, y0+y, toByte(s.flat[base]), toByte(s.flat[base+1]), toByte(s.flat[base+2]))
			}
		}
	}
}

// canvas is a gray or an RGBA picture, filled with the border colour.
type canvas struct {
	gray *image.Gray
	rgb  *image.RGBA
}

func newCanvas(channels, width, height int) canvas {
	rect := image.Rect(0, 0, width, height)
	if channels == 1 {
		g := image.NewGray(rect)
		for i := range g.Pix {
			g.Pix[i] = borderGray
		}
		return canvas{gray: g}
	}
	rgb := image.NewRGBA(rect)
	for i := range rgb.Pix {
		rgb.Pix[i] = borderGray
		if i%4 == 3 {
			rgb.Pix[i] = 255
		}
	}
	return canvas{rgb: rgb}
}

func (cv canvas) image() image.Image {
	if cv.gray != nil {
		return cv.gray
	}
	return cv.rgb
}

// set paints pixel (x, y), which must be inside the canvas; a gray canvas keeps r.
func (cv canvas) set(x, y int, r, g, b uint8) {
	if cv.gray != nil {
		cv.gray.Pix[cv.gray.PixOffset(x, y)] = r
		return
	}
	i := cv.rgb.PixOffset(x, y)
	cv.rgb.Pix[i], cv.rgb.Pix[i+1], cv.rgb.Pix[i+2] = r, g, b
}

// text draws s in the label colour with its top-left corner at (x, y), each font pixel a scale×scale square,
// inking only pixels inside clip.
func (cv canvas) text(s string, x, y, scale int, clip image.Rectangle) {
	clip = clip.Intersect(cv.image().Bounds())
	for i, r := range glyphRunes(s) {
		g, ok := glyphs[r]
		if !ok {
			g = unknownGlyph
		}
		gx := x + i*glyphAdvance*scale
		for row := range glyphH {
			for col := range glyphW {
				if !g.ink(col, row) {
					continue
				}
				for dy := range scale {
					for dx := range scale {
						if p := image.Pt(gx+col*scale+dx, y+row*scale+dy); p.In(clip) {
							cv.set(p.X, p.Y, inkGray, inkGray, inkGray)
						}
					}
				}
			}
		}
	}
}

// linesCentred draws lines one under the other from box's top, each centred across box (a line wider than box,
// which wrapGlyphs makes only of a single glyph wider than the cell, starts at its left edge and is cut there).
func (cv canvas) linesCentred(lines []string, box image.Rectangle, scale int) {
	for i, l := range lines {
		x := box.Min.X + max((box.Dx()-textWidth(l, scale))/2, 0)
		cv.text(l, x, box.Min.Y+i*(textHeight(scale)+1), scale, box)
	}
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
