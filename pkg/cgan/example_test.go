// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package cgan_test

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/cgan"
)

// G's input for two requested labels: the noise, then each label one-hot.
func ExampleConfig_LatentLabels() {
	cfg := cgan.DefaultConfig()
	c := cfg.Family.(*cgan.Config)
	lat, err := c.LatentLabels([]int{3, 9}, 1)
	if err != nil {
		panic(err)
	}
	w := c.Shape().Input
	fmt.Println(c)
	fmt.Println("width", w, "labels", lat.Labels, lat.LabelKind)
	fmt.Println("one-hot of the first:", lat.Z[c.LatentDim:w])
	_, err = c.LatentLabels([]int{10}, 1)
	fmt.Println(err)
	// Output:
	// cgan (dcgan, 10 classes, projection)
	// width 110 labels [3 9] labels
	// one-hot of the first: [0 0 0 1 0 0 0 0 0 0]
	// cgan: label 10 is not one of the run's 10 classes (0 to 9)
}
