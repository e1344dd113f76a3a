// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math/rand/v2"

	"github.com/pkg/errors"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/tensors"
)

// Sampler yields shuffled batches of a Set, deterministically from Seed and resumable by batch number.
//
// Batch b (0-based, counted over the whole run) belongs to epoch e = b / BatchesPerEpoch(), where
// BatchesPerEpoch() = N / BatchSize: batches never cross an epoch boundary, and the last N % BatchSize examples of
// each epoch's permutation are dropped. Epoch e uses a fresh permutation of [0, N) drawn from
// rand.New(rand.NewPCG(Seed, e)). So batch b depends only on (Seed, BatchSize, N, b): a run resumed at batch 1000
// gets exactly the batch an uninterrupted run got.
//
// The zero value is not usable: set Set and BatchSize (1..N). A Sampler caches the permutation of the current
// epoch; it is meant for sequential use and is not safe for concurrent calls.
type Sampler struct {
	Set       *Set
	BatchSize int
	Seed      uint64

	// Cache of the permutation of one epoch, valid while the fields it was computed from are unchanged.
	perm      []int
	permEpoch int64
	permSeed  uint64
	permN     int
}

// Validate returns an error if the Sampler has no Set or BatchSize is not in 1..N.
func (s *Sampler) Validate() error {
	if s.Set == nil {
		return errors.Errorf("data: Sampler.Set is nil; set it to a *Set from Load")
	}
	if s.BatchSize < 1 || s.BatchSize > s.Set.N {
		return errors.Errorf("data: Sampler.BatchSize is %d; it must be in 1..N=%d (the size of %s/%s)",
			s.BatchSize, s.Set.N, s.Set.Name, s.Set.Split)
	}
	return nil
}

// BatchesPerEpoch returns N / BatchSize, the number of full batches in one epoch. It panics if the Sampler is
// not valid (see Validate).
func (s *Sampler) BatchesPerEpoch() int64 {
	if err := s.Validate(); err != nil {
		panic(err.Error())
	}
	return int64(s.Set.N / s.BatchSize)
}

// Indices returns the BatchSize example indices of batch b (see Sampler for how they are chosen). The returned
// slice is the caller's. It panics, with a message prefixed "data: ", if the Sampler is not valid or b < 0.
func (s *Sampler) Indices(b int64) []int {
	perEpoch := s.BatchesPerEpoch()
	if b < 0 {
		panic(fmt.Sprintf("data: Sampler batch number %d is negative; batches are numbered from 0", b))
	}
	epoch, pos := b/perEpoch, int(b%perEpoch)
	if s.perm == nil || s.permEpoch != epoch || s.permSeed != s.Seed || s.permN != s.Set.N {
		s.perm = rand.New(rand.NewPCG(s.Seed, uint64(epoch))).Perm(s.Set.N)
		s.permEpoch, s.permSeed, s.permN = epoch, s.Seed, s.Set.N
	}
	start := pos * s.BatchSize
	return append([]int(nil), s.perm[start:start+s.BatchSize]...)
}

// Batch returns batch b as images float32 [BatchSize, H, W, C] in [-1, 1] (pixel/127.5 - 1) and labels
// int32 [BatchSize]. See Indices for which examples it holds.
func (s *Sampler) Batch(b int64) (images, labels *tensors.Tensor) {
	return s.Set.Tensors(s.Indices(b))
}

// Tensors returns the examples at indices as images float32 [len(indices), H, W, C] in [-1, 1]
// (pixel/127.5 - 1, so 0 → -1 and 255 → 1) and labels int32 [len(indices)].
// It panics if an index is out of range.
func (s *Set) Tensors(indices []int) (images, labels *tensors.Tensor) {
	s.checkIndices(indices)
	images = tensors.FromShape(shapes.Make(dtypes.Float32, len(indices), s.Height, s.Width, s.Channels))
	tensors.MustMutableFlatData(images, func(flat []float32) {
		s.fillFloat(flat, indices)
	})
	labels = tensors.FromShape(shapes.Make(dtypes.Int32, len(indices)))
	tensors.MustMutableFlatData(labels, func(flat []int32) {
		for i, idx := range indices {
			flat[i] = int32(s.Labels[idx])
		}
	})
	return images, labels
}

// ImagesFloat returns the images at indices as one flat slice of len(indices)*H*W*C values in [-1, 1]
// (pixel/127.5 - 1), in the order of indices. It panics if an index is out of range.
func (s *Set) ImagesFloat(indices []int) []float32 {
	s.checkIndices(indices)
	flat := make([]float32, len(indices)*s.imageSize())
	s.fillFloat(flat, indices)
	return flat
}

// Subset returns a Set with the first n examples. It shares Images and Labels with s (capped, so appending to
// the subset does not overwrite s). It panics if n is not in 0..N.
func (s *Set) Subset(n int) *Set {
	if n < 0 || n > s.N {
		panic(fmt.Sprintf("data: Subset(%d) of %s/%s is out of range; n must be in 0..N=%d", n, s.Name, s.Split, s.N))
	}
	sub := *s
	sub.N = n
	end := n * s.imageSize()
	sub.Images = s.Images[:end:end]
	sub.Labels = s.Labels[:n:n]
	return &sub
}

// imageSize returns the number of pixels of one image, H*W*C.
func (s *Set) imageSize() int { return s.Height * s.Width * s.Channels }

// checkIndices panics if an index is outside [0, N).
func (s *Set) checkIndices(indices []int) {
	for _, idx := range indices {
		if idx < 0 || idx >= s.N {
			panic(fmt.Sprintf("data: example index %d of %s/%s is out of range [0, %d)", idx, s.Name, s.Split, s.N))
		}
	}
}

// fillFloat writes the images at indices into flat, mapping each pixel p in 0..255 to p/127.5 - 1 in [-1, 1].
func (s *Set) fillFloat(flat []float32, indices []int) {
	size := s.imageSize()
	for i, idx := range indices {
		src := s.Images[idx*size : (idx+1)*size]
		dst := flat[i*size : (i+1)*size]
		for j, p := range src {
			dst[j] = float32(p)/127.5 - 1
		}
	}
}
