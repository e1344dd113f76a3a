// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan_test

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/infogan"
)

// An InfoGAN step reports the bound L_I on I(c; G(z, c)), which stays below H(c) = ln 10 nats.
func Example() {
	cfg := infogan.DefaultConfig()
	c := cfg.Family.(*infogan.Config)
	cfg.BatchSize, c.GenHidden, c.DiscHidden = 16, 64, 64 // small, for a fast example
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
	m, err := t.Step()
	if err != nil {
		panic(err)
	}
	fmt.Printf("%s\nG reads %d numbers: z (62), one Cat(10) one-hot, 2 continuous codes\n", c, c.Shape().Input)
	fmt.Printf("H(c) = %.4f nats; L_I ≤ H(c): %v\n", m.Extra["info_entropy"], m.Extra["info_bound"] <= m.Extra["info_entropy"])
	// Output:
	// infogan (dcgan, codes cat [10] cont 2, λ 1/0.1)
	// G reads 74 numbers: z (62), one Cat(10) one-hot, 2 continuous codes
	// H(c) = 2.3026 nats; L_I ≤ H(c): true
}
