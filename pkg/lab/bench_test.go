// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"testing"

	"github.com/ganbook/ganbook/internal/testenv"
)

// The Lab's speed with its default settings, the numbers behind the targets (the 2-D view at 20 frames
// a second, MNIST at 5 steps a second): go test -run '^$' -bench . ./pkg/lab/
// The MNIST benchmarks need MNIST in the module cache (pkg/data) and are skipped without it.

func benchLab(b *testing.B, data string) *Lab {
	l, err := New(testenv.Backend(b), DefaultSettings(data))
	if err != nil {
		b.Skip(err)
	}
	if _, err := l.Step(); err != nil { // compiles the step
		b.Fatal(err)
	}
	if _, err := l.Frame(); err != nil { // compiles the view's graphs
		b.Fatal(err)
	}
	return l
}

func BenchmarkStep(b *testing.B) {
	for _, data := range []string{DataRing, DataMNIST} {
		b.Run(data, func(b *testing.B) {
			l := benchLab(b, data)
			b.ResetTimer()
			for range b.N {
				if _, err := l.Step(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkFrame times a frame, drawn as the panel's HTML.
func BenchmarkFrame(b *testing.B) {
	for _, data := range []string{DataRing, DataMNIST} {
		b.Run(data, func(b *testing.B) {
			l := benchLab(b, data)
			b.ResetTimer()
			for range b.N {
				if _, err := l.Step(); err != nil { // a changed G: the image Trainer rebuilds its sampling graph
					b.Fatal(err)
				}
				f, err := l.Frame()
				if err != nil {
					b.Fatal(err)
				}
				_ = f.HTML()
			}
		})
	}
}
