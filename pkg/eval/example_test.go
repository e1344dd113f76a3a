// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval_test

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/eval"
)

// The Inception score of three classifier outputs p(y|x), and the Fréchet distance of two 1-d samples.
func ExampleInceptionScore() {
	confident := [][]float64{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}} // each image certain, classes balanced
	collapsed := [][]float64{{1, 0, 0}, {1, 0, 0}, {1, 0, 0}} // every image the same class
	unsure := [][]float64{{1, 0}, {0.5, 0.5}}                 // by hand: (4/3)^(3/4)
	fmt.Printf("%.4f %.4f %.4f\n", eval.InceptionScore(confident), eval.InceptionScore(collapsed),
		eval.InceptionScore(unsure))

	// {0, 2}: mean 1, variance 2; {1, 5}: mean 3, variance 8 (n-1 denominators).
	// (1-3)² + 2 + 8 - 2·sqrt(2·8) = 4 + 10 - 8 = 6.
	fd, err := eval.FrechetDistance([][]float64{{0}, {2}}, [][]float64{{1}, {5}})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Printf("%.4f\n", fd)
	// Output:
	// 3.0000 1.0000 1.2408
	// 6.0000
}
