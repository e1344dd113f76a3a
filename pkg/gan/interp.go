// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"math"
	"math/rand/v2"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Noise returns n latent vectors z ~ N(0, I) of size dim as a float32 tensor [n, dim], from a seed: the same seed
// gives the same noise, so a sample grid drawn from it shows the same "people" at every checkpoint.
func Noise(n, dim int, seed uint64) *tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 0x6761_6e62_6f6f_6b)) // "ganbook"
	z := make([]float32, n*dim)
	for i := range z {
		z[i] = float32(rng.NormFloat64())
	}
	return tensorFrom(z, n, dim)
}

// Lerp returns the linear interpolation (1-t)·a + t·b of two latent vectors.
func Lerp(a, b []float32, t float64) []float32 {
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32((1-t)*float64(a[i]) + t*float64(b[i]))
	}
	return out
}

// Slerp returns the spherical interpolation of two latent vectors (Shoemake 1985; White 2016, "Sampling
// Generative Networks"): sin((1-t)θ)/sin θ · a + sin(tθ)/sin θ · b, where θ is the angle between a and b.
// In high dimension N(0, I) samples concentrate near a sphere of radius √d; the straight line between two of
// them passes closer to the origin, where G was rarely trained, while the great circle stays on the shell.
// Nearly parallel vectors fall back to Lerp.
func Slerp(a, b []float32, t float64) []float32 {
	var dot, na, nb float64
	for i := range a {
		dot += float64(a[i]) * float64(b[i])
		na += float64(a[i]) * float64(a[i])
		nb += float64(b[i]) * float64(b[i])
	}
	cos := dot / math.Sqrt(na*nb)
	theta := math.Acos(max(-1, min(1, cos)))
	if math.Sin(theta) < 1e-6 {
		return Lerp(a, b, t)
	}
	wa, wb := math.Sin((1-t)*theta)/math.Sin(theta), math.Sin(t*theta)/math.Sin(theta)
	out := make([]float32, len(a))
	for i := range a {
		out[i] = float32(wa*float64(a[i]) + wb*float64(b[i]))
	}
	return out
}

// InterpolateLatent returns steps latent vectors from a to b (both included) as a tensor [steps, len(a)], spherical
// when spherical is set.
func InterpolateLatent(a, b []float32, steps int, spherical bool) *tensors.Tensor {
	f := Lerp
	if spherical {
		f = Slerp
	}
	z := make([]float32, 0, steps*len(a))
	for i := range steps {
		t := 0.0
		if steps > 1 {
			t = float64(i) / float64(steps-1)
		}
		z = append(z, f(a, b, t)...)
	}
	return tensorFrom(z, steps, len(a))
}

func tensorFrom(flat []float32, dims ...int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	tensors.MutableFlatData(t, func(dst []float32) { copy(dst, flat) })
	return t
}
