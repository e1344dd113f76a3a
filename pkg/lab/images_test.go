// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"bytes"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/viz"
)

// fakeImages replaces the dataset loader with 128 synthetic 8×8 images (a bright square at a place that
// depends on the label), so that the image Lab's tests need no MNIST and run in a second.
func fakeImages(t *testing.T) {
	t.Helper()
	old := loadSet
	t.Cleanup(func() { loadSet = old })
	loadSet = func(name string) (*data.Set, error) {
		s := &data.Set{Name: name, Split: "train", N: 128, Height: 8, Width: 8, Channels: 1, ClassNames: []string{"a", "b", "c", "d"}}
		for i := range s.N {
			label := i % 4
			s.Labels = append(s.Labels, uint8(label))
			for y := range 8 {
				for x := range 8 {
					v := uint8(0)
					if x/4 == label%2 && y/4 == label/2 {
						v = 255
					}
					s.Images = append(s.Images, v)
				}
			}
		}
		return s, nil
	}
}

func pngOf(t *testing.T, f *Frame) []byte {
	t.Helper()
	b, err := viz.EncodePNG(f.Samples)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImages: an image Lab draws a sample grid that changes with training, and curves of its steps; a learning
// rate applies live, the data rebuilds.
func TestImages(t *testing.T) {
	fakeImages(t)
	s := DefaultSettings(DataMNIST)
	s.GenHidden, s.DiscHidden, s.NoiseDim, s.BatchSize = []int{16}, []int{16}, 8, 16
	l := newLab(t, s)
	f0, err := l.Frame()
	if err != nil {
		t.Fatal(err)
	}
	if f0.Plane != nil || f0.Samples == nil || f0.Samples.Bounds().Dx() < 8*8 {
		t.Fatalf("image frame: plane %v, samples %v", f0.Plane, f0.Samples)
	}
	if err := l.Steps(5); err != nil {
		t.Fatal(err)
	}
	f1, err := l.Frame()
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Equal(pngOf(t, f0), pngOf(t, f1)) {
		t.Error("the sample grid did not change in 5 steps")
	}
	if html := f1.HTML(); !strings.Contains(html, "data:image/png;base64,") || strings.Count(html, "<svg") != 2 {
		t.Errorf("image HTML lacks the grid or the two curve plots: %.300s", html)
	}
	s = l.Settings()
	s.LearningRateG *= 3
	if a, err := l.Apply(s); err != nil || a.Rebuilt {
		t.Errorf("Apply(G's rate) on images = %s, %v", a, err)
	}
	s.Data = DataFashion
	if a, err := l.Apply(s); err != nil || !a.Rebuilt || l.GlobalStep() != 0 {
		t.Errorf("Apply(data) = %s, %v at step %d", a, err, l.GlobalStep())
	}
	if _, err := l.Step(); err != nil {
		t.Fatal(err)
	}
}
