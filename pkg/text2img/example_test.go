// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img_test

import (
	"fmt"

	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
)

// G's input for a caption: the noise, then the caption's character codes; a caption outside the encoder's
// alphabet is refused, naming the character.
func ExampleConfig_LatentFor() {
	cfg := text2img.DefaultConfig()
	c := cfg.Family.(*text2img.Config)
	lat, err := c.LatentFor([]string{"a thick red seven"}, 1)
	if err != nil {
		panic(err)
	}
	codes := make([]int32, 0, c.Encoder.MaxLen)
	for _, v := range lat.Z[c.LatentDim:] {
		codes = append(codes, int32(v))
	}
	fmt.Println(c)
	fmt.Println("width", c.Shape().Input, "=", c.LatentDim, "+", c.Encoder.MaxLen)
	fmt.Printf("%q\n", textenc.Decode(codes))
	_, err = c.LatentFor([]string{"a red seven!"}, 1)
	fmt.Println(err)
	// Output:
	// text2img (GAN-INT-CLS)
	// width 180 = 100 + 80
	// "a thick red seven"
	// textenc: the caption "a red seven!" has '!' at character 12, which is not in the encoder's alphabet (a-z 0-9): use lower-case letters, digits, spaces and , . - ' :
}
