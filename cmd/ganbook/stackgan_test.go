// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/data"
)

// TestStackGANCommands runs StackGAN's command line on tiny runs: Stage-I at 8×8, its resume, Stage-II of it at
// 32×32, samples of both stages for the same draws, eval of Stage-II against Stage-I, and the errors of a
// missing or contradicting flag.
func TestStackGANCommands(t *testing.T) {
	dir := t.TempDir()
	enc, s1, s2 := filepath.Join(dir, "enc"), filepath.Join(dir, "s1"), filepath.Join(dir, "s2")
	if out, err := ganbook(t, "train", "textenc", "--steps", "2", "--batch", "16", "--queries", "100", "--out", enc); err != nil {
		t.Fatalf("train textenc: %v\n%s", err, out)
	}
	stage1 := []string{"train", "stackgan", "--stage", "1", "--dataset", "capmnist8", "--encoder", enc, "--latent", "8", "--cond-dim", "8",
		"--gen-channels", "16", "--disc-channels", "16", "--text-project", "8", "--batch", "8", "--checkpoint-every", "2", "--sample-every", "2", "--out", s1}
	if out, err := ganbook(t, append(stage1, "--steps", "2")...); err != nil || !strings.Contains(out, "Stage-I (8x8, CA, λ 2") {
		t.Fatalf("train stackgan --stage 1: %v\n%s", err, out)
	}
	if out, err := ganbook(t, "train", "stackgan", "--out", s1, "--resume", "--steps", "3"); err != nil || !strings.Contains(out, "done: 3 steps") {
		t.Fatalf("resume Stage-I: %v\n%s", err, out)
	}
	for _, bad := range []struct {
		args []string
		want string
	}{
		{[]string{"--stage", "2"}, "needs --stage1"},
		{[]string{"--stage", "2", "--stage1", s1, "--dataset", "capmnist"}, "takes its dataset"},
		{[]string{"--stage", "2", "--stage1", enc}, "names no family"},
		{[]string{"--stage", "3"}, "use 1 or 2"},
		{[]string{"--stage1", s1}, "give --stage 2"},
		{[]string{"--refine-skip", "--encoder", enc}, "give --stage 2"},
		{[]string{"--ca=false", "--encoder", enc}, "without conditioning augmentation"},
		{[]string{"--dataset", "capmnist8"}, "--encoder runs/textenc-capmnist"},
		{[]string{"--dataset", "fashion", "--encoder", enc}, "no captions"},
	} {
		if _, err := ganbook(t, append([]string{"train", "stackgan", "--steps", "1", "--out", filepath.Join(dir, "bad")}, bad.args...)...); err == nil || !strings.Contains(err.Error(), bad.want) {
			t.Errorf("train stackgan %v: %v, want %q", bad.args, err, bad.want)
		}
	}
	stage2 := []string{"train", "stackgan", "--stage", "2", "--stage1", s1, "--cond-dim", "8", "--disc-channels", "8,8,16", "--text-project", "12",
		"--text-match", "0.5", "--refine-skip", "--batch", "8", "--checkpoint-every", "2", "--sample-every", "2", "--steps", "2", "--out", s2}
	if out, err := ganbook(t, stage2...); err != nil || !strings.Contains(out, "Stage-II (32x32 from Stage-I") || !strings.Contains(out, "on capmnist,") ||
		!strings.Contains(out, "corrects the upsampled Stage-I image") {
		t.Fatalf("train stackgan --stage 2: %v\n%s", err, out)
	}
	if raw, err := os.ReadFile(filepath.Join(s2, "config.json")); err != nil || !strings.Contains(string(raw), `"text_project": 12`) ||
		!strings.Contains(string(raw), `"text_match": 0.5`) || !strings.Contains(string(raw), `"skip": true`) {
		t.Errorf("Stage-II's --text-project 12, --text-match 0.5 and --refine-skip did not reach its config: %v", err)
	}
	high, low := filepath.Join(dir, "high.idx"), filepath.Join(dir, "low.idx")
	if out, err := ganbook(t, "sample", "--run", s2, "--caption", "a thick red seven", "--n", "3", "--format", "idx", "--out", high); err != nil {
		t.Fatalf("sample Stage-II: %v\n%s", err, out)
	}
	if out, err := ganbook(t, "sample", "--run", s2, "--caption", "a thick red seven", "--n", "3", "--format", "idx", "--stage", "1", "--out", low); err != nil {
		t.Fatalf("sample --stage 1: %v\n%s", err, out)
	}
	h, err1 := data.ReadIDXFile(high)
	l, err2 := data.ReadIDXFile(low)
	if err1 != nil || err2 != nil || h.Dims[0] != 3 || h.Dims[1] != 32 || l.Dims[1] != 8 || l.Dims[3] != 3 {
		t.Errorf("Stage-II samples %v (%v), Stage-I %v (%v): want 3×32×32×3 and 3×8×8×3", h, err1, l, err2)
	}
	if _, err := ganbook(t, "sample", "--run", s1, "--stage", "2", "--out", high); err == nil || !strings.Contains(err.Error(), "--stage 1 with a StackGAN Stage-II run") {
		t.Errorf("--stage 2 of a Stage-I run: %v", err)
	}
	out, err := ganbook(t, "eval", "--run", s2, "--against", s1, "--n", "20", "--json")
	if err != nil {
		t.Fatalf("eval --against: %v\n%s", err, out)
	}
	var rep struct {
		Runs []struct {
			Run           string          `json:"run"`
			Stage         int             `json:"stage"`
			Side          int             `json:"side"`
			Samples       json.RawMessage `json:"samples"`
			Stage1Bicubic json.RawMessage `json:"stage1_bicubic"`
		} `json:"runs"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || len(rep.Runs) != 2 || rep.Runs[0].Stage != 2 || rep.Runs[0].Side != 32 ||
		rep.Runs[1].Stage != 1 || rep.Runs[0].Stage1Bicubic == nil || rep.Runs[1].Stage1Bicubic != nil {
		t.Errorf("eval --against: %v\n%s", err, out)
	}
	if out, err := ganbook(t, "eval", "--run", s2, "--n", "20"); err != nil || !strings.Contains(out, "upsampled bicubically") || !strings.Contains(out, "sharpness") {
		t.Errorf("eval: %v\n%s", err, out)
	}
	if _, err := ganbook(t, "eval", "--run", s2, "--against", "../../pretrained/cgan-mnist"); err == nil || !strings.Contains(err.Error(), "compare StackGAN runs") {
		t.Errorf("eval --against a cGAN: %v", err)
	}
}
