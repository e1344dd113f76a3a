// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan_test

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/imagegan"
)

// PSNR compares images in [-1, 1] as [0, 1] pixels: an error of 0.2 in [-1, 1] is 0.1 of the peak, 20 dB.
func ExamplePSNR() {
	ref := make([]float32, 28*28) // black
	img := make([]float32, 28*28)
	for i := range ref {
		ref[i], img[i] = -1, -0.8
	}
	fmt.Printf("identical: %v dB, error 0.1: %.2f dB\n", imagegan.PSNR(ref, ref), imagegan.PSNR(img, ref))
	fmt.Printf("SSIM identical: %.3f\n", imagegan.SSIM(ref, ref, 28, 28))
	// Output:
	// identical: +Inf dB, error 0.1: 20.00 dB
	// SSIM identical: 1.000
}

// The SRGAN task: a 4×4 image average-pooled to 2×2, then the two upsampling baselines.
func ExampleUpsampleBilinear() {
	img := []float32{
		-1, -1, 1, 1,
		-1, -1, 1, 1,
		-1, -1, -1, -1,
		-1, -1, -1, -1,
	}
	low := imagegan.AvgPool(img, 4, 4, 2)
	fmt.Println("pooled:  ", low)
	fmt.Println("nearest: ", imagegan.UpsampleNearest(low, 2, 2, 2)[:4])
	fmt.Println("bilinear:", imagegan.UpsampleBilinear(low, 2, 2, 2)[:4])
	// Output:
	// pooled:   [-1 1 -1 -1]
	// nearest:  [-1 -1 1 1]
	// bilinear: [-1 -0.5 0.5 1]
}

// SRGAN's generator reads a 14×14 digit (×2) and makes a 28×28 one; its losses weigh the adversarial term 10⁻³.
func ExampleDefaultConfig() {
	cfg := imagegan.DefaultConfig(imagegan.FamilySRGAN)
	s := cfg.Family.Shape()
	fmt.Println(cfg.Family)
	fmt.Printf("G reads %d values, makes %dx%dx%d\n", s.Input, s.Height, s.Width, s.Channels)
	// Output:
	// srgan (14x14 to 28x28 (x2), content 0.01, pixel 1, adversarial 0.001)
	// G reads 196 values, makes 28x28x1
}
