// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/imagegan"
)

// TestImageGANCommands runs train, resume, eval (table and JSON) and sample on tiny pix2pix and SRGAN runs.
func TestImageGANCommands(t *testing.T) {
	dir := t.TempDir()
	for _, c := range []struct {
		family string
		flags  []string
		base   string
	}{
		{"pix2pix", []string{"--task", "edges"}, "input (baseline)"},
		{"srgan", []string{"--scale", "4", "--res-blocks", "1"}, "bilinear (baseline)"},
	} {
		runDir := filepath.Join(dir, c.family)
		common := append([]string{"--batch", "8", "--gen-channels", "8", "--disc-channels", "8", "--checkpoint-every", "2",
			"--sample-every", "2", "--out", runDir}, c.flags...)
		if out, err := ganbook(t, append([]string{"train", c.family, "--steps", "2"}, common...)...); err != nil || !strings.Contains(out, "done: 2 steps") {
			t.Fatalf("train %s: %v\n%s", c.family, err, out)
		}
		if _, err := ganbook(t, append([]string{"train", c.family, "--steps", "2"}, common...)...); err == nil || !strings.Contains(err.Error(), "--resume") {
			t.Errorf("training into an existing run: %v, want an error suggesting --resume", err)
		}
		if out, err := ganbook(t, append([]string{"train", c.family, "--steps", "3", "--resume"}, common...)...); err != nil || !strings.Contains(out, "done: 3 steps") {
			t.Errorf("resume %s: %v\n%s", c.family, err, out)
		}
		out, err := ganbook(t, "eval", "--run", runDir, "--n", "20")
		if err != nil || !strings.Contains(out, "step 3") || !strings.Contains(out, c.base) || !strings.Contains(out, "true images") {
			t.Errorf("eval %s: %v\n%s", c.family, err, out)
		}
		out, err = ganbook(t, "eval", "--run", runDir, "--n", "20", "--json")
		var rep imagegan.Report
		if err != nil || json.Unmarshal([]byte(out), &rep) != nil || rep.N != 20 || rep.Family != c.family || rep.Step != 3 {
			t.Errorf("eval --json %s: %v\n%s", c.family, err, out)
		}
		png := filepath.Join(dir, c.family+".png")
		if _, err := ganbook(t, "sample", "--run", runDir, "--n", "6", "--out", png); err != nil {
			t.Errorf("sample %s: %v", c.family, err)
		} else if st, err := os.Stat(png); err != nil || st.Size() == 0 {
			t.Errorf("sample %s wrote no PNG: %v", c.family, err)
		}
		// idx: G's outputs for the first test images, and the digits they show.
		idxPath := filepath.Join(dir, c.family+".idx")
		if out, err := ganbook(t, "sample", "--run", runDir, "--n", "5", "--format", "idx", "--out", idxPath); err != nil || !strings.Contains(out, ".labels") {
			t.Errorf("sample --format idx of a %s run: %v\n%s", c.family, err, out)
		} else if labels, err := data.ReadIDXFile(idxPath + ".labels"); err != nil || len(labels.Data) != 5 || labels.Data[0] != 7 {
			t.Errorf("%s: the labels of the first 5 test images: %v %v (the first test digit is a 7)", c.family, labels, err)
		}
		// An export evaluates to the same numbers as its run.
		exported := filepath.Join(dir, c.family+"-export")
		if _, err := ganbook(t, "export", "--run", runDir, "--out", exported); err != nil {
			t.Fatalf("export %s: %v", c.family, err)
		}
		again, err := ganbook(t, "eval", "--run", exported, "--n", "20", "--json")
		var rep2 imagegan.Report
		if err != nil || json.Unmarshal([]byte(again), &rep2) != nil || rep2.Model != rep.Model || rep2.Step != 3 {
			t.Errorf("eval of the export of %s: %v\n%s\nthe run's: %s", c.family, err, again, out)
		}
	}
	if _, err := ganbook(t, "train", "srgan", "--scale", "3", "--out", filepath.Join(dir, "bad")); err == nil || !strings.Contains(err.Error(), "scale 3") {
		t.Errorf("srgan --scale 3: %v", err)
	}
}
