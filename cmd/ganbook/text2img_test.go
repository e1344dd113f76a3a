// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/ganbook/ganbook/pkg/data"
)

// TestTextToImageCommands runs the text-to-image path of the command line on tiny runs: an encoder, a GAN on
// it, samples for a caption and for a file of captions (in order, one image per line), eval, export, and the
// errors for bad text and missing pieces.
func TestTextToImageCommands(t *testing.T) {
	dir := t.TempDir()
	enc, run := filepath.Join(dir, "enc"), filepath.Join(dir, "gan")
	out, err := ganbook(t, "train", "textenc", "--steps", "4", "--batch", "16", "--queries", "100", "--out", enc)
	if err != nil || !strings.Contains(out, "char-CNN-RNN") || !strings.Contains(out, "bag of characters") {
		t.Fatalf("train textenc: %v\n%s", err, out)
	}
	if _, err := ganbook(t, "train", "text2img", "--steps", "2", "--out", run); err == nil || !strings.Contains(err.Error(), "--encoder is required") {
		t.Errorf("text2img without an encoder: %v", err)
	}
	if _, err := ganbook(t, "train", "text2img", "--dataset", "mnist", "--encoder", enc, "--out", run); err == nil || !strings.Contains(err.Error(), "no captions") {
		t.Errorf("text2img on MNIST: %v", err)
	}
	common := []string{"--batch", "8", "--checkpoint-every", "2", "--sample-every", "2", "--out", run}
	if out, err := ganbook(t, append([]string{"train", "text2img", "--steps", "2", "--encoder", enc}, common...)...); err != nil {
		t.Fatalf("train text2img: %v\n%s", err, out)
	}
	if out, err := ganbook(t, append([]string{"train", "text2img", "--steps", "3", "--resume"}, common...)...); err != nil || !strings.Contains(out, "done: 3 steps") {
		t.Fatalf("resume text2img: %v\n%s", err, out)
	}
	png := filepath.Join(dir, "grid.png")
	if out, err := ganbook(t, "sample", "--run", run, "--caption", "a thick red seven", "--n", "4", "--out", png); err != nil || !strings.Contains(out, "wrote 4 samples") {
		t.Errorf("sample --caption: %v\n%s", err, out)
	}
	capts := filepath.Join(dir, "captions.txt")
	if err := os.WriteFile(capts, []byte("a red 1\nthe digit 2 in blue, upright\nwhite 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(dir, "s.idx")
	if _, err := ganbook(t, "sample", "--run", run, "--captions", capts, "--format", "idx", "--out", idx); err != nil {
		t.Fatalf("sample --captions: %v", err)
	}
	x, err := data.ReadIDXFile(idx)
	if err != nil || len(x.Dims) != 4 || x.Dims[0] != 3 || x.Dims[1] != 32 || x.Dims[3] != 3 {
		t.Errorf("the idx file: %v, dims %v; want 3×32×32×3", err, x.Dims)
	}
	// The file's images are those of each caption alone, in order.
	one := filepath.Join(dir, "one.idx")
	if _, err := ganbook(t, "sample", "--run", run, "--caption", "white 3", "--n", "1", "--format", "idx", "--out", one); err != nil {
		t.Fatal(err)
	}
	y, _ := data.ReadIDXFile(one)
	if y == nil || string(y.Data) == string(x.Data[:len(y.Data)]) {
		t.Errorf("the third caption's image is the first one's")
	}
	if err := os.WriteFile(capts, []byte("a red 1\n\nwhite 3\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := ganbook(t, "sample", "--run", run, "--captions", capts, "--format", "idx", "--out", idx); err == nil || !strings.Contains(err.Error(), "caption 2") {
		t.Errorf("an empty line: %v, want an error naming caption 2", err)
	}
	if _, err := ganbook(t, "sample", "--run", run, "--caption", "a red 7?", "--out", png); err == nil || !strings.Contains(err.Error(), "alphabet") {
		t.Errorf("a caption outside the alphabet: %v", err)
	}
	if _, err := ganbook(t, "sample", "--run", "../../pretrained/cgan-mnist", "--caption", "a red 7", "--out", png); err == nil || !strings.Contains(err.Error(), "-caption is not a flag of cgan runs") {
		t.Errorf("--caption on a cGAN: %v", err)
	}
	if out, err := ganbook(t, "eval", "--run", run, "--n", "20", "--evaluator", enc); err != nil || !strings.Contains(out, "mismatch AUC") || !strings.Contains(out, "R-precision") {
		t.Errorf("eval: %v\n%s", err, out)
	}
	if out, err := ganbook(t, "eval", "--run", enc, "--n", "100"); err != nil || !strings.Contains(out, "R@5") {
		t.Errorf("eval of an encoder: %v\n%s", err, out)
	}
	exp := filepath.Join(dir, "export")
	if _, err := ganbook(t, "export", "--run", run, "--out", exp); err != nil {
		t.Fatal(err)
	}
	if out, err := ganbook(t, "sample", "--run", exp, "--caption", "white 3", "--n", "1", "--format", "idx", "--out", one); err != nil {
		t.Errorf("sample from the export: %v\n%s", err, out)
	} else if z, _ := data.ReadIDXFile(one); z == nil || len(z.Data) != len(y.Data) {
		t.Errorf("the export's sample has another size")
	}
	encExp := filepath.Join(dir, "enc-export")
	if _, err := ganbook(t, "export", "--run", enc, "--out", encExp); err != nil {
		t.Fatal(err)
	}
	if out, err := ganbook(t, "eval", "--run", encExp, "--n", "100", "--json"); err != nil || !strings.Contains(out, `"char_cnn_rnn"`) {
		t.Errorf("eval of the exported encoder: %v\n%s", err, out)
	}
}
