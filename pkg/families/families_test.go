// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package families_test

import (
	"slices"
	"testing"

	_ "github.com/ganbook/ganbook/pkg/families"
	"github.com/ganbook/ganbook/pkg/gan"
)

// TestEveryFamilyIsLinked: importing the package registers every family, and each opens its pretrained run.
func TestEveryFamilyIsLinked(t *testing.T) {
	want := []string{"cgan", "dcgan", "gan", "infogan", "pix2pix", "srgan", "stackgan", "text2img"}
	if got := gan.Families(); !slices.Equal(got, want) {
		t.Fatalf("families %v, want %v", got, want)
	}
	for _, run := range []string{"dcgan-mnist", "infogan-mnist", "cgan-mnist", "cgan-fashion", "pix2pix-mnist", "srgan-mnist",
		"text2img-capmnist", "text2img-capmnist-nomatch", "text2img-capmnist-ms", "text2img-capmnist-nowrong", "text2img-emoji", "stackgan-capmnist", "stackgan-capmnist-ca", "stackgan-capmnist-fc",
		"stackgan-capmnist-kl0", "stackgan-capmnist-kl1", "stackgan-capmnist-single64", "stackgan-emoji"} {
		if _, err := gan.ReadConfig("../../pretrained/" + run + "/config.json"); err != nil {
			t.Errorf("%s: %v", run, err)
		}
	}
}
