// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
)

// toySet returns a Set of n images of 2x3x1 where every pixel of image i is i%256 and label i%10.
func toySet(n int) *Set {
	s := &Set{Name: "toy", Split: "train", N: n, Height: 2, Width: 3, Channels: 1,
		Images: make([]uint8, n*6), Labels: make([]uint8, n),
		ClassNames: []string{"0", "1", "2", "3", "4", "5", "6", "7", "8", "9"}}
	for i := range n {
		for j := range 6 {
			s.Images[i*6+j] = uint8(i)
		}
		s.Labels[i] = uint8(i % 10)
	}
	return s
}

// mustPanic runs fn and checks that it panics with a message that starts with "data: " and contains want.
func mustPanic(t *testing.T, want string, fn func()) {
	t.Helper()
	defer func() {
		t.Helper()
		msg := fmt.Sprint(recover())
		if !strings.HasPrefix(msg, "data: ") || !strings.Contains(msg, want) {
			t.Errorf("panic = %q, want a \"data: \" message containing %q", msg, want)
		}
	}()
	fn()
}

func TestSamplerIndices(t *testing.T) {
	const n, bs = 103, 10 // 10 batches per epoch; 3 examples dropped from each epoch.
	set := toySet(n)

	t.Run("same-seed", func(t *testing.T) {
		a, b := &Sampler{Set: set, BatchSize: bs, Seed: 7}, &Sampler{Set: set, BatchSize: bs, Seed: 7}
		for step := range int64(25) {
			if x, y := a.Indices(step), b.Indices(step); !slices.Equal(x, y) {
				t.Fatalf("batch %d: %v != %v with the same seed", step, x, y)
			}
		}
	})

	t.Run("different-seed", func(t *testing.T) {
		a, b := &Sampler{Set: set, BatchSize: bs, Seed: 7}, &Sampler{Set: set, BatchSize: bs, Seed: 8}
		if x, y := a.Indices(0), b.Indices(0); slices.Equal(x, y) {
			t.Errorf("seeds 7 and 8 gave the same batch 0: %v", x)
		}
	})

	t.Run("epoch-is-permutation", func(t *testing.T) {
		s := &Sampler{Set: set, BatchSize: bs, Seed: 1}
		if got := s.BatchesPerEpoch(); got != n/bs {
			t.Fatalf("BatchesPerEpoch = %d, want %d", got, n/bs)
		}
		var epochs [2][]int
		for e := range epochs {
			seen := make(map[int]bool)
			for pos := range int64(n / bs) {
				for _, idx := range s.Indices(int64(e)*(n/bs) + pos) {
					if idx < 0 || idx >= n || seen[idx] {
						t.Fatalf("epoch %d: index %d is out of range or repeated", e, idx)
					}
					seen[idx] = true
					epochs[e] = append(epochs[e], idx)
				}
			}
			if len(seen) != n/bs*bs {
				t.Errorf("epoch %d has %d distinct indices, want %d", e, len(seen), n/bs*bs)
			}
		}
		if slices.Equal(epochs[0], epochs[1]) {
			t.Errorf("epochs 0 and 1 have the same order")
		}
	})

	t.Run("documented-scheme", func(t *testing.T) {
		// Batch b is the slice [pos*bs, (pos+1)*bs) of epoch e's permutation from PCG(seed, e), e = b / 10.
		s := &Sampler{Set: set, BatchSize: bs, Seed: 42}
		perm := rand.New(rand.NewPCG(42, 3)).Perm(n)
		if got, want := s.Indices(3*10+4), perm[40:50]; !slices.Equal(got, want) {
			t.Errorf("Indices(34) = %v, want %v", got, want)
		}
	})

	t.Run("resume", func(t *testing.T) {
		// One Sampler used in order, as an uninterrupted run would, against a fresh Sampler per batch (a resumed
		// run), visited backwards so the cache of the long-lived one is no help.
		run := &Sampler{Set: set, BatchSize: bs, Seed: 3}
		var want [][]int
		for step := range int64(35) {
			want = append(want, run.Indices(step))
		}
		for step := int64(34); step >= 0; step-- {
			fresh := &Sampler{Set: set, BatchSize: bs, Seed: 3}
			if got := fresh.Indices(step); !slices.Equal(got, want[step]) {
				t.Errorf("resumed batch %d = %v, uninterrupted gave %v", step, got, want[step])
			}
		}
	})

	t.Run("cache-follows-fields", func(t *testing.T) {
		s := &Sampler{Set: set, BatchSize: bs, Seed: 3}
		first := s.Indices(0)
		first[0] = -1 // The returned slice is the caller's; the cache must not change.
		if again := s.Indices(0); again[0] == -1 {
			t.Errorf("Indices returned the cached permutation itself")
		}
		s.Seed = 4
		if got, want := s.Indices(0), (&Sampler{Set: set, BatchSize: bs, Seed: 4}).Indices(0); !slices.Equal(got, want) {
			t.Errorf("after changing Seed, Indices(0) = %v, want %v", got, want)
		}
	})

	t.Run("batch-size-N", func(t *testing.T) {
		s := &Sampler{Set: set, BatchSize: n, Seed: 0}
		got := slices.Sorted(slices.Values(s.Indices(5)))
		for i, idx := range got {
			if idx != i {
				t.Fatalf("BatchSize N: sorted indices = %v, want 0..N-1", got)
			}
		}
	})

	t.Run("panics", func(t *testing.T) {
		mustPanic(t, "BatchSize is 0", func() { (&Sampler{Set: set}).Indices(0) })
		mustPanic(t, "BatchSize is 104", func() { (&Sampler{Set: set, BatchSize: n + 1}).Indices(0) })
		mustPanic(t, "Set is nil", func() { (&Sampler{BatchSize: 1}).Indices(0) })
		mustPanic(t, "negative", func() { (&Sampler{Set: set, BatchSize: 1}).Indices(-1) })
		if err := (&Sampler{Set: set, BatchSize: -3}).Validate(); err == nil ||
			!strings.Contains(err.Error(), "must be in 1..N=103") {
			t.Errorf("Validate error = %v, want it to give the range 1..N=103", err)
		}
	})
}

func TestSamplerBatch(t *testing.T) {
	set := toySet(20)
	s := &Sampler{Set: set, BatchSize: 4, Seed: 9}
	images, labels := s.Batch(6)
	defer images.MustFinalizeAll()
	defer labels.MustFinalizeAll()
	indices := s.Indices(6)

	if got := images.Shape(); got.DType != dtypes.Float32 || !slices.Equal(got.Dimensions, []int{4, 2, 3, 1}) {
		t.Errorf("images shape = %s, want (Float32)[4 2 3 1]", got)
	}
	if got := labels.Shape(); got.DType != dtypes.Int32 || !slices.Equal(got.Dimensions, []int{4}) {
		t.Errorf("labels shape = %s, want (Int32)[4]", got)
	}
	flat := tensors.MustCopyFlatData[float32](images)
	if want := set.ImagesFloat(indices); !slices.Equal(flat, want) {
		t.Errorf("images = %v, want ImagesFloat(Indices) = %v", flat, want)
	}
	for i, idx := range indices {
		if want := float32(idx)/127.5 - 1; flat[i*6] != want || flat[i*6+5] != want {
			t.Errorf("image %d (example %d) = %v, want all %v", i, idx, flat[i*6:i*6+6], want)
		}
	}
	gotLabels := tensors.MustCopyFlatData[int32](labels)
	for i, idx := range indices {
		if gotLabels[i] != int32(idx%10) {
			t.Errorf("labels = %v for indices %v, want index %% 10", gotLabels, indices)
			break
		}
	}
}

func TestFloatConversion(t *testing.T) {
	set := &Set{Name: "px", Split: "test", N: 5, Height: 1, Width: 1, Channels: 1,
		Images: []uint8{0, 255, 51, 128, 127}, Labels: make([]uint8, 5), ClassNames: []string{"x"}}
	got := set.ImagesFloat([]int{0, 1, 2, 3, 4})
	// 0 and 255 map exactly to -1 and 1; 51/127.5 - 1 = -0.6 and 128/127.5 - 1 = 1/255 up to float32 rounding.
	if got[0] != -1 || got[1] != 1 {
		t.Errorf("0 → %v and 255 → %v, want exactly -1 and 1", got[0], got[1])
	}
	for i, want := range []float64{-0.6, 1.0 / 255, -1.0 / 255} {
		if d := float64(got[i+2]) - want; d > 1e-6 || d < -1e-6 {
			t.Errorf("pixel %d → %v, want %v", set.Images[i+2], got[i+2], want)
		}
	}
	images, labels := set.Tensors([]int{1, 0})
	if flat := tensors.MustCopyFlatData[float32](images); !slices.Equal(flat, []float32{1, -1}) {
		t.Errorf("Tensors([1 0]) images = %v, want [1 -1]", flat)
	}
	if got := labels.Shape().Dimensions; !slices.Equal(got, []int{2}) {
		t.Errorf("labels dims = %v, want [2]", got)
	}
	mustPanic(t, "example index 5 of px/test is out of range [0, 5)", func() { set.ImagesFloat([]int{5}) })
	mustPanic(t, "example index -1", func() { set.Tensors([]int{0, -1}) })
}

func TestSubset(t *testing.T) {
	set := toySet(10)
	sub := set.Subset(4)
	if sub.N != 4 || len(sub.Images) != 4*6 || len(sub.Labels) != 4 || sub.Height != 2 || sub.Name != "toy" {
		t.Fatalf("Subset(4) = %+v", sub)
	}
	if &sub.Images[0] != &set.Images[0] || &sub.Labels[0] != &set.Labels[0] {
		t.Errorf("Subset copied the data; it should share it")
	}
	sub.Images = append(sub.Images, 99) // Capped: must not write into set's image 4.
	if set.Images[4*6] != 4 {
		t.Errorf("appending to the subset overwrote the parent")
	}
	if set.N != 10 {
		t.Errorf("Subset changed the parent's N to %d", set.N)
	}
	if empty := set.Subset(0); empty.N != 0 || len(empty.Images) != 0 {
		t.Errorf("Subset(0) = %+v", empty)
	}
	mustPanic(t, "Subset(11)", func() { set.Subset(11) })
	mustPanic(t, "Subset(-1)", func() { set.Subset(-1) })
}
