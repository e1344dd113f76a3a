// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan_test

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/stackgan"
)

// G's input for a Stage-I caption: z, conditioning augmentation's ε, then the caption's character codes; the
// stage's networks follow its side.
func ExampleConfig_LatentFor() {
	cfg := stackgan.DefaultConfig()
	c := cfg.Family.(*stackgan.Config)
	lat, err := c.LatentFor([]string{"a thick red seven"}, 1)
	if err != nil {
		panic(err)
	}
	fmt.Println(cfg.Dataset, c.Height, "G", c.GenChannels, "D", c.DiscChannels)
	fmt.Println("width", c.Shape().Input, "=", c.LatentDim, "+", c.CondDim, "+", c.Encoder.MaxLen, len(lat.Z))
	fmt.Println("λ", c.KLWeight, "CA", c.CA)
	// Output:
	// capmnist16 16 G [128 64] D [64 128]
	// width 308 = 100 + 128 + 80 308
	// λ 2 CA true
}
