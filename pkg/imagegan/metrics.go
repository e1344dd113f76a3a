// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"fmt"
	"math"
)

// The image-quality measures compare an image with the true one. Both take images in [-1, 1] (pkg/data's
// convention) and measure them mapped to [0, 1], p = (x + 1)/2, so that the peak value is 1, as for 8-bit images
// divided by 255.

// PSNR is the peak signal-to-noise ratio of img against the reference ref, in dB:
//
//	PSNR = 10·log10(1 / MSE),   MSE = mean((p_img - p_ref)²)   (p in [0, 1])
//
// It is +Inf for identical images. A uniform error of 0.1 (in [0, 1]) gives MSE 0.01 and 20 dB; each halving of
// the error adds 6.02 dB.
func PSNR(img, ref []float32) float64 {
	if len(img) != len(ref) || len(img) == 0 {
		panic(fmt.Sprintf("imagegan: PSNR of images of %d and %d values", len(img), len(ref)))
	}
	var sum float64
	for i := range img {
		d := (float64(img[i]) - float64(ref[i])) / 2
		sum += d * d
	}
	return -10 * math.Log10(sum/float64(len(img)))
}

// MaxPSNR caps each image's PSNR when Evaluate averages them, so that one perfectly reproduced image (PSNR
// +Inf) does not make the mean infinite. 100 dB is an RMS error of 1e-5, far below a float32 image's precision
// of interest.
const MaxPSNR = 100

// SSIMWindow and SSIMSigma are the window of SSIM: the 11×11 Gaussian with σ = 1.5 of Wang et al. 2004
// (section III.C, and their reference ssim.m).
const (
	SSIMWindow = 11
	SSIMSigma  = 1.5
)

// SSIM is the structural similarity index of img against ref (Wang, Bovik, Sheikh & Simoncelli 2004, "Image
// Quality Assessment: From Error Visibility to Structural Similarity", eq. 13), for one-channel h×w images:
//
//	SSIM(x, y) = (2·μx·μy + C1)(2·σxy + C2) / ((μx² + μy² + C1)(σx² + σy² + C2)),
//	C1 = (0.01·L)², C2 = (0.03·L)², L = 1,
//
// with the means, variances and covariance weighted by the 11×11 Gaussian window (σ = 1.5) at every position
// where the window fits inside the image ("valid": an 18×18 map for 28×28 images, as in Wang's ssim.m), and the
// map averaged. It is 1 for identical images and lower the less the local structure agrees (≤ 1; negative for
// anti-correlated images).
func SSIM(img, ref []float32, h, w int) float64 {
	if len(img) != h*w || len(ref) != h*w || h < SSIMWindow || w < SSIMWindow {
		panic(fmt.Sprintf("imagegan: SSIM needs two %dx%d images of at least %dx%d, got %d and %d values",
			h, w, SSIMWindow, SSIMWindow, len(img), len(ref)))
	}
	const c1, c2 = 0.01 * 0.01, 0.03 * 0.03
	k := gaussianWindow(SSIMWindow, SSIMSigma)
	x, y := make([]float64, h*w), make([]float64, h*w)
	xx, yy, xy := make([]float64, h*w), make([]float64, h*w), make([]float64, h*w)
	for i := range x {
		x[i], y[i] = (float64(img[i])+1)/2, (float64(ref[i])+1)/2
		xx[i], yy[i], xy[i] = x[i]*x[i], y[i]*y[i], x[i]*y[i]
	}
	mx, my := filterValid(x, h, w, k), filterValid(y, h, w, k)
	sxx, syy, sxy := filterValid(xx, h, w, k), filterValid(yy, h, w, k), filterValid(xy, h, w, k)
	var sum float64
	for i := range mx {
		vx, vy, cov := sxx[i]-mx[i]*mx[i], syy[i]-my[i]*my[i], sxy[i]-mx[i]*my[i]
		sum += (2*mx[i]*my[i] + c1) * (2*cov + c2) / ((mx[i]*mx[i] + my[i]*my[i] + c1) * (vx + vy + c2))
	}
	return sum / float64(len(mx))
}

// gaussianWindow is the 1-D Gaussian of n taps and deviation sigma, normalised to sum 1; the 2-D window is the
// outer product of two.
func gaussianWindow(n int, sigma float64) []float64 {
	k := make([]float64, n)
	var sum float64
	for i := range k {
		d := float64(i - n/2)
		k[i] = math.Exp(-d * d / (2 * sigma * sigma))
		sum += k[i]
	}
	for i := range k {
		k[i] /= sum
	}
	return k
}

// filterValid correlates the h×w image a with the separable window k⊗k at every position where it fits,
// returning the (h-n+1)×(w-n+1) map.
func filterValid(a []float64, h, w int, k []float64) []float64 {
	n := len(k)
	oh, ow := h-n+1, w-n+1
	rows := make([]float64, h*ow) // filtered along x
	for y := range h {
		for x := range ow {
			var s float64
			for j, kj := range k {
				s += kj * a[y*w+x+j]
			}
			rows[y*ow+x] = s
		}
	}
	out := make([]float64, oh*ow)
	for y := range oh {
		for x := range ow {
			var s float64
			for j, kj := range k {
				s += kj * rows[(y+j)*ow+x]
			}
			out[y*ow+x] = s
		}
	}
	return out
}
