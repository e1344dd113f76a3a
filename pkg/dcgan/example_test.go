// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package dcgan_test

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
)

// A DCGAN trains on pkg/gan's core: two steps on MNIST, then 4 samples from G's weight average.
func Example() {
	cfg := dcgan.DefaultConfig(dcgan.ModelDCGAN)
	cfg.BatchSize = 16
	b, err := backend.New()
	if err != nil {
		panic(err)
	}
	defer b.Finalize()
	set, err := data.Load("mnist", "test")
	if err != nil {
		panic(err)
	}
	t, err := gan.NewTrainer(b, cfg, set.Subset(64))
	if err != nil {
		panic(err)
	}
	for range 2 {
		if _, err := t.Step(); err != nil {
			panic(err)
		}
	}
	images, _, err := t.Sample(4, 1)
	if err != nil {
		panic(err)
	}
	s := cfg.Family.Shape()
	fmt.Printf("%s\nG reads %d numbers and makes %dx%dx%d images\nstep %d: %d values\n",
		cfg.Family.(*dcgan.Config), s.Input, s.Height, s.Width, s.Channels, t.GlobalStep(), len(images))
	// Output:
	// dcgan (28x28x1, z 100)
	// G reads 100 numbers and makes 28x28x1 images
	// step 2: 3136 values
}
