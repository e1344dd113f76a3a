// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// writeEmojiFolder writes a fetched emoji folder of two emoji: an apple (train) and the red heart (test).
func writeEmojiFolder(t *testing.T) string {
	dir := t.TempDir()
	images := filepath.Join(dir, "img", "google", "64")
	if err := os.MkdirAll(images, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]color.NRGBA{"1f34e.png": {220, 20, 30, 255}, "2764-fe0f.png": {200, 0, 0, 255}} {
		img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
		for y := 16; y < 48; y++ {
			for x := 16; x < 48; x++ {
				img.SetNRGBA(x, y, c)
			}
		}
		var b bytes.Buffer
		if err := png.Encode(&b, img); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(images, name), b.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	files := map[string]string{
		"emoji.json": `[{"name": "RED APPLE", "unified": "1F34E", "image": "1f34e.png", "category": "Food & Drink",
			"subcategory": "food-fruit", "sort_order": 1, "has_img_google": true},
			{"name": "HEAVY BLACK HEART", "unified": "2764-FE0F", "image": "2764-fe0f.png",
			"category": "Smileys & Emotion", "subcategory": "heart", "sort_order": 2, "has_img_google": true}]`,
		"en.xml": `<ldml><annotations><annotation cp="🍎">apple | fruit | red</annotation>` +
			`<annotation cp="🍎" type="tts">red apple</annotation></annotations></ldml>`,
	}
	for name, text := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// TestDataFetchEmoji: `ganbook data fetch emoji --dir DIR` on a folder already fetched says so and prints the
// counts; `ganbook data --dataset emoji` then reads it through GANBOOK_EMOJI_DIR and prints the categories.
func TestDataFetchEmoji(t *testing.T) {
	dir := writeEmojiFolder(t)
	var out bytes.Buffer
	if err := run([]string{"data", "fetch", "emoji", "--dir", dir}, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"already in " + dir, "2 base emoji (1 with CLDR keywords), 2 images", "train 1 (1 emoji), test 1 (1 emoji)",
		"set GANBOOK_EMOJI_DIR=" + dir} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("data fetch emoji printed\n%s\nwithout %q", out.String(), want)
		}
	}
	t.Setenv("GANBOOK_EMOJI_DIR", dir)
	out.Reset()
	if err := run([]string{"data", "--dataset", "emoji", "--split", "train"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"emoji/train: 1 images of 32x32x3", "0 Food & Drink", "1", "1 Smileys & Emotion"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("data --dataset emoji printed\n%s\nwithout %q", out.String(), want)
		}
	}
}

// TestDataFetchErrors: a missing or unknown dataset name lists what can be fetched; flags are checked.
func TestDataFetchErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"data", "fetch"}, "name the dataset to fetch: emoji"},
		{[]string{"data", "fetch", "--dir", "x"}, "name the dataset to fetch: emoji"},
		{[]string{"data", "fetch", "cifar"}, `unknown dataset "cifar"; ganbook fetches emoji`},
		{[]string{"data", "fetch", "emoji", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"data", "fetch", "emoji", "extra"}, `unexpected argument "extra"`},
	} {
		var out bytes.Buffer
		err := run(c.args, &out, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ganbook %v: error %v, want one mentioning %q", c.args, err, c.want)
		}
	}
	var out bytes.Buffer
	if err := run([]string{"data", "fetch", "-h"}, &out, &out); err != nil || !strings.Contains(out.String(), "--fluent") {
		t.Errorf("data fetch -h: %v, printed %q", err, out.String())
	}
	out.Reset()
	if err := run([]string{"data", "-h"}, &out, &out); err != nil || !strings.Contains(out.String(), "emoji64") ||
		!strings.Contains(out.String(), "data fetch emoji") {
		t.Errorf("data -h: %v, printed %q; want the registered datasets and the fetch command", err, out.String())
	}
}
