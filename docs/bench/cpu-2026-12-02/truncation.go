//go:build ignore

// truncation: the truncation trick on a DCGAN run, measured. 10,000 samples with z drawn from a standard normal
// truncated at ψ (components with |z| > ψ drawn again), scored with pkg/eval's classifier, for ψ ∞, 2, 1.5, 1.2, 1, 0.8.
//
//	go run docs/bench/cpu-2026-12-02/truncation.go pretrained/dcgan-mnist
package main

import (
	"fmt"
	"math"
	"math/rand/v2"
	"os"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: go run docs/bench/cpu-2026-12-02/truncation.go RUN_DIR")
		os.Exit(2)
	}
	b, err := backend.New()
	if err != nil {
		fmt.Fprintln(os.Stderr, "truncation:", err)
		os.Exit(1)
	}
	t, err := gan.LoadRun(b, os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "truncation:", err)
		os.Exit(1)
	}
	n, dim := 10000, t.Config.Family.Shape().Input
	for _, psi := range []float64{100, 2, 1.5, 1.2, 1.0, 0.8} {
		rng := rand.New(rand.NewPCG(1, 2))
		z := make([]float32, n*dim)
		for i := range z {
			v := rng.NormFloat64()
			for math.Abs(v) > psi {
				v = rng.NormFloat64()
			}
			z[i] = float32(v)
		}
		img, err := t.GenerateFlat(z, n)
		if err != nil {
			fmt.Fprintln(os.Stderr, "truncation:", err)
			os.Exit(1)
		}
		s, err := dcgan.ScoreImages(t, img, n)
		if err != nil {
			fmt.Fprintln(os.Stderr, "truncation:", err)
			os.Exit(1)
		}
		fmt.Printf("psi %.1f score %.3f fd %.2f hist %v\n", psi, s.ClassifierScore, s.FrechetDistance, s.ClassHistogram)
	}
}
