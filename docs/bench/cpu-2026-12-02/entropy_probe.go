//go:build ignore

// entropy_probe: where a DCGAN run's classifier score is lost. 10,000 samples (noise seed 1), pkg/eval's MNIST
// classifier: the mean entropy of p(y|x) and the share of it carried by the samples above each quantile.
//
//	go run docs/bench/cpu-2026-12-02/entropy_probe.go pretrained/dcgan-mnist
package main

import (
	"fmt"
	"math"
	"os"
	"sort"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/eval"
	_ "github.com/ganbook/ganbook/pkg/families"
	"github.com/ganbook/ganbook/pkg/gan"
)

func main() {
	fail := func(err error) {
		if err != nil {
			fmt.Fprintln(os.Stderr, "entropy_probe:", err)
			os.Exit(1)
		}
	}
	if len(os.Args) != 2 {
		fail(fmt.Errorf("usage: go run docs/bench/cpu-2026-12-02/entropy_probe.go RUN_DIR"))
	}
	b, err := backend.New()
	fail(err)
	t, err := gan.LoadRun(b, os.Args[1])
	fail(err)
	n := 10000
	img, _, err := t.Sample(n, 1)
	fail(err)
	clf, err := eval.LoadClassifier(b, "mnist")
	fail(err)
	probs, _, err := clf.Predict(img, n)
	fail(err)
	var hs []float64
	sum := 0.0
	for _, p := range probs {
		h := 0.0
		for _, q := range p {
			if q > 0 {
				h -= q * math.Log(q)
			}
		}
		hs = append(hs, h)
		sum += h
	}
	sort.Float64s(hs)
	fmt.Printf("mean H %.4f\n", sum/float64(n))
	for _, f := range []float64{0.5, 0.8, 0.9, 0.95, 0.99} {
		i := int(f * float64(n))
		tail := 0.0
		for _, h := range hs[i:] {
			tail += h
		}
		fmt.Printf("quantile %.2f H %.4f, share of total entropy above it %.2f\n", f, hs[i], tail/sum)
	}
}
