// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package toy

import (
	"testing"

	"github.com/ganbook/ganbook/pkg/gan"
)

// BenchmarkStep times one training step on the 8-Gaussian ring with the default configuration of each loss
// (batch 256; WGAN-GP does 5 critic updates a step): go test -run '^$' -bench Step ./pkg/toy/
func BenchmarkStep(b *testing.B) {
	for _, loss := range []string{gan.LossNonSaturating, gan.LossMinimax, gan.LossWGANGP} {
		b.Run(loss, func(b *testing.B) {
			g, err := NewGAN(testBackend(b), EightGaussians(), DefaultConfig(loss))
			if err != nil {
				b.Fatal(err)
			}
			if _, err := g.Step(); err != nil { // compiles the graph
				b.Fatal(err)
			}
			b.ResetTimer()
			for range b.N {
				if _, err := g.Step(); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkTrainDOnly times one update of D against a fixed 1-D p_g (batch 256).
func BenchmarkTrainDOnly(b *testing.B) {
	g, err := NewFixedGenerator(testBackend(b), bimodal, Gaussian1D{Std: 1.5}, DefaultConfig(gan.LossNonSaturating))
	if err != nil {
		b.Fatal(err)
	}
	if _, err := g.TrainDOnly(1); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	if _, err := g.TrainDOnly(b.N); err != nil {
		b.Fatal(err)
	}
}
