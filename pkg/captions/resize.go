// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"math"
	"runtime"
	"sync"

	"github.com/ganbook/ganbook/pkg/data"
)

// Resized is a captioned split at another size: the same images in the same order, with the same captions and
// labels, each image resized (ResizeImages). StackGAN's stages train on capmnist at 16×16 and 64×64.
type Resized struct {
	Of  Captioned // the split it was made from
	set *data.Set
}

// Resize makes the split of, named name, at side×side.
func Resize(of Captioned, name string, side int) *Resized {
	src := of.Images()
	out := *src
	out.Name, out.Height, out.Width = name, side, side
	out.Images = ResizeImages(src.Images, src.N, src.Height, src.Channels, side)
	return &Resized{Of: of, set: &out}
}

// Images are the resized images.
func (r *Resized) Images() *data.Set { return r.set }

// Caption is the caption of the original image.
func (r *Resized) Caption(i, variant int) string { return r.Of.Caption(i, variant) }

// Mismatch is the original split's.
func (r *Resized) Mismatch(i, j int) bool { return r.Of.Mismatch(i, j) }

// ResizeImages resizes n square images of side×side×ch (0..255, [N, H, W, C]) to to×to: by area averaging when
// they shrink, by bicubic interpolation (Keys' kernel, a = -0.5, edges repeated) when they grow; each value
// rounded and clipped to 0..255. The work is split over the cores, an image at a time.
func ResizeImages(pixels []uint8, n, side, ch, to int) []uint8 {
	out := make([]uint8, n*to*to*ch)
	resizeEach(n, side, ch, to, func(i int, src []float32) {
		for k, p := range pixels[i*side*side*ch : (i+1)*side*side*ch] {
			src[k] = float32(p)
		}
	}, func(i int, dst []float32) {
		o := out[i*to*to*ch : (i+1)*to*to*ch]
		for k, v := range dst {
			o[k] = uint8(math.Round(math.Max(0, math.Min(255, float64(v)))))
		}
	})
	return out
}

// ResizeFlat is ResizeImages on any float values (a GAN's [-1, 1] images), unrounded and unclipped: the bicubic
// kernel overshoots a little at edges, as it does in every image library.
func ResizeFlat(images []float32, n, side, ch, to int) []float32 {
	if to == side {
		return append([]float32(nil), images...)
	}
	out := make([]float32, n*to*to*ch)
	resizeEach(n, side, ch, to, func(i int, src []float32) { copy(src, images[i*side*side*ch:]) },
		func(i int, dst []float32) { copy(out[i*to*to*ch:], dst) })
	return out
}

// resizeEach resizes images 0..n-1, read into a buffer by get and taken from one by put, on every core.
func resizeEach(n, side, ch, to int, get, put func(i int, buf []float32)) {
	taps := resizeTaps(side, to)
	workers := min(runtime.GOMAXPROCS(0), max(1, n/16))
	var wg sync.WaitGroup
	for w := range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			src := make([]float32, side*side*ch)
			rows := make([]float64, side*to*ch) // the image resized along x: side rows of to pixels
			dst := make([]float32, to*to*ch)
			for i := w; i < n; i += workers {
				get(i, src)
				for y := range side {
					for ox := range to {
						for c := range ch {
							var acc float64
							for _, t := range taps[ox] {
								acc += t.w * float64(src[(y*side+t.k)*ch+c])
							}
							rows[(y*to+ox)*ch+c] = acc
						}
					}
				}
				for oy := range to {
					for ox := range to {
						for c := range ch {
							var acc float64
							for _, t := range taps[oy] {
								acc += t.w * rows[(t.k*to+ox)*ch+c]
							}
							dst[(oy*to+ox)*ch+c] = float32(acc)
						}
					}
				}
				put(i, dst)
			}
		}()
	}
	wg.Wait()
}

// resizeTaps are the source pixels and weights of each of to output pixels of a row of n: areaWeights when the
// row shrinks, else bicubic at the pixel centres ((o + ½)·n/to − ½), the taps beyond the edge moved onto it.
func resizeTaps(n, to int) [][]tap {
	if to <= n {
		return areaWeights(n, to)
	}
	out := make([][]tap, to)
	for o := range to {
		x := (float64(o)+0.5)*float64(n)/float64(to) - 0.5
		x0 := int(math.Floor(x))
		for k := x0 - 1; k <= x0+2; k++ {
			w := cubic(x - float64(k))
			if w == 0 {
				continue
			}
			out[o] = append(out[o], tap{min(max(k, 0), n-1), w})
		}
	}
	return out
}

// cubic is Keys' (1981) interpolation kernel with a = -0.5, the "bicubic" of Pillow, OpenCV and TensorFlow.
func cubic(x float64) float64 {
	const a = -0.5
	x = math.Abs(x)
	switch {
	case x <= 1:
		return ((a+2)*x-(a+3))*x*x + 1
	case x < 2:
		return ((a*x-5*a)*x+8*a)*x - 4*a
	}
	return 0
}
