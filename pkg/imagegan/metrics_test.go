// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"math"
	"math/rand/v2"
	"testing"
)

// pattern is a 28×28 test image in [-1, 1]: a bright disc on a dark gradient, with structure at every scale SSIM
// looks at.
func pattern() []float32 {
	img := make([]float32, ImageSize*ImageSize)
	for y := range ImageSize {
		for x := range ImageSize {
			v := -0.8 + 0.02*float64(x+y)
			if dx, dy := float64(x-14), float64(y-12); dx*dx+dy*dy < 36 {
				v = 0.9
			}
			img[y*ImageSize+x] = float32(v)
		}
	}
	return img
}

func TestPSNR(t *testing.T) {
	img := pattern()
	if p := PSNR(img, img); !math.IsInf(p, 1) {
		t.Errorf("PSNR of identical images = %g, want +Inf", p)
	}
	// A constant error of 0.2 in [-1, 1] is 0.1 in [0, 1]: MSE 0.01, PSNR = 10·log10(1/0.01) = 20 dB.
	shifted := make([]float32, len(img))
	for i, v := range img {
		shifted[i] = v + 0.2
	}
	if p := PSNR(shifted, img); math.Abs(p-20) > 1e-4 {
		t.Errorf("PSNR with a constant error of 0.1 = %g dB, want 20", p)
	}
	// Halving the error adds 20·log10(2) = 6.02 dB.
	for i, v := range img {
		shifted[i] = v - 0.1
	}
	if p := PSNR(shifted, img); math.Abs(p-(20+20*math.Log10(2))) > 1e-4 {
		t.Errorf("PSNR with a constant error of 0.05 = %g dB, want 26.02", p)
	}
}

func TestSSIM(t *testing.T) {
	img := pattern()
	if s := SSIM(img, img, ImageSize, ImageSize); math.Abs(s-1) > 1e-9 {
		t.Errorf("SSIM of identical images = %g, want 1", s)
	}
	flat := make([]float32, len(img))
	for i := range flat {
		flat[i] = 0.3
	}
	if s := SSIM(flat, flat, ImageSize, ImageSize); math.Abs(s-1) > 1e-9 {
		t.Errorf("SSIM of identical constant images = %g, want 1", s)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	noisy := func(sigma float64) []float32 {
		out := make([]float32, len(img))
		for i, v := range img {
			out[i] = float32(min(max(float64(v)+sigma*rng.NormFloat64(), -1), 1))
		}
		return out
	}
	light, heavy := SSIM(noisy(0.05), img, ImageSize, ImageSize), SSIM(noisy(0.4), img, ImageSize, ImageSize)
	if !(heavy < light && light < 0.99 && heavy < 0.7) {
		t.Errorf("SSIM with noise σ=0.05: %g, σ=0.4: %g; want both below 1, decreasing with the noise", light, heavy)
	}
	// SSIM sees structure, not just error: a constant offset (mean change) costs little, noise of the same
	// MSE much more.
	offset := make([]float32, len(img))
	for i, v := range img {
		offset[i] = v + 0.1
	}
	if so, sn := SSIM(offset, img, ImageSize, ImageSize), SSIM(noisy(0.1), img, ImageSize, ImageSize); so <= sn {
		t.Errorf("SSIM of a brightness offset %g should beat that of noise of similar MSE %g", so, sn)
	}
}

func TestGaussianWindow(t *testing.T) {
	k := gaussianWindow(SSIMWindow, SSIMSigma)
	var sum float64
	for i, v := range k {
		sum += v
		if v != k[len(k)-1-i] {
			t.Errorf("window not symmetric: %v", k)
		}
	}
	if math.Abs(sum-1) > 1e-12 || k[5] < k[4] {
		t.Errorf("window %v: sum %g, want 1 and the peak in the middle", k, sum)
	}
}
