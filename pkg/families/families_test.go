// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package families_test

import (
	"path/filepath"
	"slices"
	"testing"

	_ "github.com/ganbook/ganbook/pkg/families"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
)

// TestEveryFamilyIsLinked: importing the package registers every family, and each opens its pretrained run.
func TestEveryFamilyIsLinked(t *testing.T) {
	want := []string{"cgan", "dcgan", "gan", "infogan", "pix2pix", "srgan", "stackgan", "text2img"}
	if got := gan.Families(); !slices.Equal(got, want) {
		t.Fatalf("families %v, want %v", got, want)
	}
	// Every committed run opens (the text encoders' runs are not GAN runs), and every family but the plain GAN
	// has one.
	dirs, err := filepath.Glob("../../pretrained/*/" + gan.ConfigFile)
	if err != nil {
		t.Fatal(err)
	}
	has := map[string]int{}
	for _, path := range dirs {
		run := filepath.Dir(path)
		name := gan.RunFamily(run)
		if name == "" {
			if _, err := textenc.ReadConfig(run); err != nil {
				t.Errorf("%s is neither a GAN run nor a text encoder's: %v", run, err)
			}
			continue
		}
		if _, err := gan.ReadConfig(path); err != nil {
			t.Errorf("%s: %v", filepath.Base(run), err)
		}
		has[name]++
	}
	for _, name := range want {
		if name != "gan" && has[name] == 0 {
			t.Errorf("no committed run of %s in pretrained/ (%d runs found)", name, len(dirs))
		}
	}
}
