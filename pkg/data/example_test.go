// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data_test

import (
	"bytes"
	"fmt"

	"github.com/gomlx/gomlx/core/tensors"

	"github.com/ganbook/ganbook/pkg/data"
)

// Write two 2x2 images as an idx3-ubyte file in memory, read them back, and turn them into a float32 batch.
func ExampleReadIDX() {
	var buf bytes.Buffer
	if err := data.WriteIDX(&buf, []int{2, 2, 2}, []byte{0, 255, 255, 0, 51, 102, 153, 204}); err != nil {
		fmt.Printf("%+v\n", err)
		return
	}
	fmt.Printf("header: % x\n", buf.Bytes()[:16])

	idx, err := data.ReadIDX(&buf)
	if err != nil {
		fmt.Printf("%+v\n", err)
		return
	}
	fmt.Println(idx)

	set := &data.Set{Name: "toy", Split: "train", N: idx.Dims[0], Height: idx.Dims[1], Width: idx.Dims[2],
		Channels: 1, Images: idx.Data, Labels: []uint8{0, 1}, ClassNames: []string{"a", "b"}}
	images, labels := set.Tensors([]int{1, 0})
	fmt.Println(images.Shape(), labels.Shape())
	fmt.Printf("%.1f\n", tensors.MustCopyFlatData[float32](images))
	fmt.Println(tensors.MustCopyFlatData[int32](labels))
	// Output:
	// header: 00 00 08 03 00 00 00 02 00 00 00 02 00 00 00 02
	// IDX uint8 [2 2 2] (8 bytes)
	// (Float32)[2, 2, 2, 1] (Int32)[2]
	// [-0.6 -0.2 0.2 0.6 -1.0 1.0 1.0 -1.0]
	// [1 0]
}
