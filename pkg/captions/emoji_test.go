// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"runtime"
	"slices"
	"strings"
	"testing"
)

// fixtureJSON is a tiny emoji.json: two apples of one subcategory, a hand with two skin tones, the red heart
// (FE0F in emoji.json, not in CLDR; its hash puts it in the test split) and a flag CLDR does not annotate.
const fixtureJSON = `[
 {"name": "RED APPLE", "unified": "1F34E", "non_qualified": null, "image": "1f34e.png", "category": "Food & Drink",
  "subcategory": "food-fruit", "sort_order": 3, "has_img_google": true},
 {"name": "GREEN APPLE", "unified": "1F34F", "image": "1f34f.png", "category": "Food & Drink",
  "subcategory": "food-fruit", "sort_order": 4, "has_img_google": true},
 {"name": "WAVING HAND SIGN", "unified": "1F44B", "image": "1f44b.png", "category": "People & Body",
  "subcategory": "hand-fingers-open", "sort_order": 2, "has_img_google": true,
  "skin_variations": {
   "1F3FD": {"unified": "1F44B-1F3FD", "image": "1f44b-1f3fd.png", "has_img_google": true},
   "1F3FB": {"unified": "1F44B-1F3FB", "image": "1f44b-1f3fb.png", "has_img_google": true}}},
 {"name": "HEAVY BLACK HEART", "unified": "2764-FE0F", "non_qualified": "2764", "image": "2764-fe0f.png",
  "category": "Smileys & Emotion", "subcategory": "heart", "sort_order": 1, "has_img_google": true},
 {"name": "United States Flag", "unified": "1F1FA-1F1F8", "image": "1f1fa-1f1f8.png", "category": "Flags",
  "subcategory": "country-flag", "sort_order": 5, "has_img_google": true},
 {"name": "NO GOOGLE IMAGE", "unified": "1F9FF", "image": "1f9ff.png", "category": "Objects",
  "subcategory": "other-object", "sort_order": 6, "has_img_google": false}
]`

// fixtureXML is a tiny annotations/en.xml, with CLDR's doctype.
const fixtureXML = `<?xml version="1.0" encoding="UTF-8" ?>
<!DOCTYPE ldml SYSTEM "../../common/dtd/ldml.dtd">
<ldml>
	<annotations>
		<annotation cp="🍎">apple | fruit | red</annotation>
		<annotation cp="🍎" type="tts">red apple</annotation>
		<annotation cp="🍏">apple | fruit | green</annotation>
		<annotation cp="🍏" type="tts">green apple</annotation>
		<annotation cp="👋">hand | wave | waving | hand</annotation>
		<annotation cp="👋" type="tts">waving hand</annotation>
		<annotation cp="❤">heart | love | red heart</annotation>
		<annotation cp="❤" type="tts">red heart</annotation>
		<annotation cp="🪅">celebration | party | piñata</annotation>
		<annotation cp="🪅" type="tts">piñata</annotation>
	</annotations>
</ldml>
`

var (
	fxRed, fxGreen = color.NRGBA{255, 0, 0, 255}, color.NRGBA{0, 200, 0, 255}
	fxYellow       = color.NRGBA{255, 200, 0, 255}
	fxLightSkin    = color.NRGBA{250, 220, 190, 255} // pale: no colour word
	fxMediumSkin   = color.NRGBA{140, 90, 50, 255}   // brown
	fxClear        = color.NRGBA{}
	fxHalfRed      = color.NRGBA{255, 0, 0, 128}
	fixturePNGs    = []string{"1f34e.png", "1f34f.png", "1f44b.png", "1f44b-1f3fb.png", "1f44b-1f3fd.png",
		"2764-fe0f.png", "1f1fa-1f1f8.png"}
)

// drawEmoji is a 64×64 image of colour at(x, y).
func drawEmoji(at func(x, y int) color.NRGBA) *image.NRGBA {
	img := image.NewNRGBA(image.Rect(0, 0, 64, 64))
	for y := range 64 {
		for x := range 64 {
			img.SetNRGBA(x, y, at(x, y))
		}
	}
	return img
}

// emojiDisk is a disk of colour c and radius r centred at (32, 36), transparent around.
func emojiDisk(c color.NRGBA, r int) func(x, y int) color.NRGBA {
	return func(x, y int) color.NRGBA {
		if (x-32)*(x-32)+(y-36)*(y-36) <= r*r {
			return c
		}
		return fxClear
	}
}

// heartPattern is the image of the red heart: 2×2 blocks of known means. The top-left block is transparent, the
// one right of it half-transparent red, the others opaque with red values 0, 100, 200, 60 in each block (mean
// 90), green x and blue y.
func heartPattern(x, y int) color.NRGBA {
	switch {
	case x < 2 && y < 2:
		return fxClear
	case x < 4 && y < 2:
		return fxHalfRed
	}
	return color.NRGBA{[]uint8{0, 100, 200, 60}[(y%2)*2+x%2], uint8(x), uint8(y), 255}
}

// fixtureImages are the fixture's PNGs.
func fixtureImages() map[string]*image.NRGBA {
	apple := emojiDisk(fxRed, 20)
	return map[string]*image.NRGBA{
		"1f34e.png": drawEmoji(func(x, y int) color.NRGBA { // a red disk and a green leaf of 24×16 pixels
			if x >= 20 && x < 44 && y < 16 {
				return fxGreen
			}
			return apple(x, y)
		}),
		"1f34f.png":       drawEmoji(emojiDisk(fxGreen, 20)),
		"1f44b.png":       drawEmoji(emojiDisk(fxYellow, 24)),
		"1f44b-1f3fb.png": drawEmoji(emojiDisk(fxLightSkin, 24)),
		"1f44b-1f3fd.png": drawEmoji(emojiDisk(fxMediumSkin, 24)),
		"2764-fe0f.png":   drawEmoji(heartPattern),
		"1f1fa-1f1f8.png": drawEmoji(func(x, y int) color.NRGBA { // stripes
			if (y/8)%2 == 0 {
				return fxRed
			}
			return color.NRGBA{255, 255, 255, 255}
		}),
	}
}

// encodeEmojiPNG is img as a PNG file.
func encodeEmojiPNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// writeEmojiFixture writes a fetched emoji folder: emoji.json, the PNGs and en.xml.
func writeEmojiFixture(t testing.TB, dir string) {
	t.Helper()
	images := filepath.Join(dir, filepath.FromSlash(emojiImages))
	if err := os.MkdirAll(images, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, img := range fixtureImages() {
		if err := os.WriteFile(filepath.Join(images, name), encodeEmojiPNG(t, img), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for name, text := range map[string]string{emojiJSON: fixtureJSON, emojiCLDR: fixtureXML} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// openFixture opens a split of a fresh fixture.
func openFixture(t testing.TB, split string, side int) *Emoji {
	t.Helper()
	dir := t.TempDir()
	writeEmojiFixture(t, dir)
	e, err := OpenEmoji(dir, split, side)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

// findEmoji is the index of the image with the code points unified.
func findEmoji(t testing.TB, e *Emoji, unified string) int {
	t.Helper()
	for i := range e.N {
		if e.Unified(i) == unified {
			return i
		}
	}
	t.Fatalf("no image %s in the %s split", unified, e.Split)
	return -1
}

// TestOpenEmoji reads the fixture: the images with a Google image (base emoji and variants) of each split, in
// sort order, labelled by category, with names from CLDR (else emoji.json) and keywords from CLDR.
func TestOpenEmoji(t *testing.T) {
	train := openFixture(t, "train", 32)
	set := train.Images()
	if set.Name != "emoji" || set.Split != "train" || set.N != 6 || set.Height != 32 || set.Width != 32 ||
		set.Channels != 3 || len(set.Images) != 6*32*32*3 || len(set.Labels) != 6 || train.N != 6 {
		t.Fatalf("train split: %s/%s N=%d %dx%dx%d, %d pixels, %d labels", set.Name, set.Split, set.N, set.Height,
			set.Width, set.Channels, len(set.Images), len(set.Labels))
	}
	wantClasses := []string{"Flags", "Food & Drink", "People & Body", "Smileys & Emotion"}
	if !reflect.DeepEqual(set.ClassNames, wantClasses) {
		t.Errorf("ClassNames %q, want the categories with an image, sorted: %q", set.ClassNames, wantClasses)
	}
	var order []string
	for i := range train.N {
		order = append(order, train.Unified(i))
		if got := set.ClassNames[set.Labels[i]]; got != train.Category(i) {
			t.Errorf("image %d (%s): label %q, category %q", i, train.Unified(i), got, train.Category(i))
		}
	}
	wantOrder := []string{"1F44B", "1F44B-1F3FB", "1F44B-1F3FD", "1F34E", "1F34F", "1F1FA-1F1F8"}
	if !reflect.DeepEqual(order, wantOrder) {
		t.Errorf("train images %v, want %v (sort order, variants after their base)", order, wantOrder)
	}
	for _, c := range []struct {
		unified, name, tone, sub string
		keywords                 []string
	}{
		{"1F34E", "red apple", "", "food-fruit", []string{"apple", "fruit", "red"}},
		{"1F44B", "waving hand", "", "hand-fingers-open", []string{"hand", "wave", "waving"}},
		{"1F44B-1F3FD", "waving hand: medium skin tone", "medium skin tone", "hand-fingers-open", []string{"hand", "wave", "waving"}},
		{"1F1FA-1F1F8", "united states flag", "", "country-flag", nil},
	} {
		i := findEmoji(t, train, c.unified)
		if train.Name(i) != c.name || train.Tone(i) != c.tone || train.Subcategory(i) != c.sub ||
			!reflect.DeepEqual(train.Keywords(i), c.keywords) {
			t.Errorf("%s: name %q tone %q subcategory %q keywords %q; want %q %q %q %q", c.unified, train.Name(i),
				train.Tone(i), train.Subcategory(i), train.Keywords(i), c.name, c.tone, c.sub, c.keywords)
		}
	}
	if i := findEmoji(t, train, "1F44B-1F3FB"); train.Base(i) != "1F44B" {
		t.Errorf("the light-skinned hand's base is %q, want 1F44B", train.Base(i))
	}

	// The heart is the test split: its CLDR annotation (without FE0F) is found.
	test := openFixture(t, "test", 32)
	if test.N != 1 || test.Unified(0) != "2764-FE0F" || test.Name(0) != "red heart" ||
		!reflect.DeepEqual(test.Keywords(0), []string{"heart", "love"}) {
		t.Errorf("test split: %d images, the first %q named %q with keywords %q; want the red heart alone, "+
			"keywords heart, love", test.N, test.Unified(0), test.Name(0), test.Keywords(0))
	}

	big := openFixture(t, "train", 64)
	if s := big.Images(); s.Name != "emoji64" || s.Height != 64 || len(s.Images) != 6*64*64*3 {
		t.Errorf("side 64: %s %dx%d, %d pixels", s.Name, s.Height, s.Width, len(s.Images))
	}
	if _, err := OpenEmoji(t.TempDir(), "validation", 32); err == nil || !strings.Contains(err.Error(), "train or test") {
		t.Errorf("split validation: %v", err)
	}
}

// TestEmojiPixels checks compositing on white (transparent → 255, half-transparent red → 255, 127, 127) and that
// side 32 is exactly the 2×2 means of side 64, rounded half away from zero.
func TestEmojiPixels(t *testing.T) {
	big, small := openFixture(t, "test", 64).Images(), openFixture(t, "test", 32).Images()
	px := func(img []uint8, side, x, y int) [3]uint8 {
		o := (y*side + x) * 3
		return [3]uint8{img[o], img[o+1], img[o+2]}
	}
	for _, c := range []struct {
		x, y int
		want [3]uint8
	}{
		{0, 0, [3]uint8{255, 255, 255}}, {1, 1, [3]uint8{255, 255, 255}}, // transparent
		{2, 0, [3]uint8{255, 127, 127}},                       // (255, 0, 0) at alpha 128/255
		{4, 2, [3]uint8{0, 4, 2}}, {5, 3, [3]uint8{60, 5, 3}}, // opaque: as drawn
	} {
		if got := px(big.Images, 64, c.x, c.y); got != c.want {
			t.Errorf("side 64, pixel (%d, %d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	for _, c := range []struct {
		x, y int
		want [3]uint8
	}{
		{0, 0, [3]uint8{255, 255, 255}}, {1, 0, [3]uint8{255, 127, 127}},
		{2, 1, [3]uint8{90, 5, 3}}, // red (0+100+200+60)/4, green (4+5+4+5)/4 = 4.5 → 5, blue (2+2+3+3)/4 → 3 (2.5 up)
		{31, 31, [3]uint8{90, 63, 63}},
	} {
		if got := px(small.Images, 32, c.x, c.y); got != c.want {
			t.Errorf("side 32, pixel (%d, %d) = %v, want %v", c.x, c.y, got, c.want)
		}
	}
	for y := range 32 {
		for x := range 32 {
			for ch := range 3 {
				sum := 0
				for _, d := range [][2]int{{0, 0}, {1, 0}, {0, 1}, {1, 1}} {
					sum += int(big.Images[((2*y+d[1])*64+2*x+d[0])*3+ch])
				}
				want := uint8((sum + 2) / 4) // half away from zero
				if got := small.Images[(y*32+x)*3+ch]; got != want {
					t.Fatalf("side 32, pixel (%d, %d) channel %d = %d, want %d, the mean of its 2×2 block", x, y, ch, got, want)
				}
			}
		}
	}
}

// TestResizeArea on a row of known values: area averaging to any side keeps the mean.
func TestResizeArea(t *testing.T) {
	src := make([]float64, 3*3*3) // 3×3, red = x, green = 10·y, blue 255
	for y := range 3 {
		for x := range 3 {
			src[(y*3+x)*3], src[(y*3+x)*3+1], src[(y*3+x)*3+2] = float64(30*x), float64(60*y), 255
		}
	}
	if got := resizeArea(src, 3, 3, 1); !reflect.DeepEqual(got, []uint8{30, 60, 255}) {
		t.Errorf("3×3 → 1×1: %v, want the means 30, 60, 255", got)
	}
	got := resizeArea(src, 3, 3, 2)   // each output pixel covers 1.5×1.5 source pixels
	if got[0] != 10 || got[3] != 50 { // (0·1 + 30·0.5)/1.5 = 10, (30·0.5 + 60·1)/1.5 = 50
		t.Errorf("3×3 → 2×2: red %d, %d; want 10, 50", got[0], got[3])
	}
	if same := resizeArea(src, 3, 3, 3); same[3*3*3-3] != 60 || same[4] != 0 {
		t.Errorf("3×3 → 3×3 is not the identity: %v", same)
	}
}

// TestDominantColours on synthetic images composited on white.
func TestDominantColours(t *testing.T) {
	const side = 10
	paint := func(parts ...any) []uint8 { // pairs of (pixel count, colour); the rest white
		img := slices.Repeat([]uint8{255}, side*side*3)
		p := 0
		for k := 0; k < len(parts); k += 2 {
			c := parts[k+1].([3]uint8)
			for range parts[k].(int) {
				copy(img[p*3:], c[:])
				p++
			}
		}
		return img
	}
	for _, c := range []struct {
		img  []uint8
		want []string
	}{
		{paint(), nil}, // background only
		{paint(30, [3]uint8{230, 20, 30}), []string{"red"}},
		{paint(60, [3]uint8{30, 60, 220}, 30, [3]uint8{250, 210, 20}), []string{"blue", "yellow"}},
		{paint(60, [3]uint8{30, 60, 220}, 10, [3]uint8{250, 210, 20}), []string{"blue"}}, // 14%: not named
		{paint(40, [3]uint8{255, 140, 0}), []string{"orange"}},
		{paint(40, [3]uint8{20, 170, 40}), []string{"green"}},
		{paint(40, [3]uint8{130, 40, 200}), []string{"purple"}},
		{paint(40, [3]uint8{255, 150, 200}), []string{"pink"}},
		{paint(40, [3]uint8{120, 70, 20}), []string{"brown"}},
		{paint(40, [3]uint8{10, 10, 10}), []string{"black"}},
		{paint(40, [3]uint8{128, 128, 130}), []string{"grey"}},
		{paint(40, [3]uint8{235, 235, 240}), []string{"white"}},
		{paint(40, [3]uint8{250, 220, 190}), nil},                                               // pale skin: no name
		{paint(45, [3]uint8{250, 220, 190}, 5, [3]uint8{230, 20, 30}), nil},                     // red is 10% of the measured
		{paint(40, [3]uint8{250, 220, 190}, 12, [3]uint8{230, 20, 30}), []string{"red"}},        // 23%
		{paint(20, [3]uint8{230, 20, 30}, 20, [3]uint8{20, 170, 40}), []string{"red", "green"}}, // a tie: list order
	} {
		if got := DominantColours(c.img, side); !reflect.DeepEqual(got, c.want) {
			t.Errorf("DominantColours of %v... = %q, want %q", c.img[:6], got, c.want)
		}
	}
	// The fixture's images, measured from their opaque pixels.
	e := openFixture(t, "train", 32)
	for unified, want := range map[string][]string{
		"1F34E": {"red", "green"}, "1F34F": {"green"}, "1F44B": {"yellow"}, "1F44B-1F3FB": nil,
		"1F44B-1F3FD": {"brown"}, "1F1FA-1F1F8": {"red", "white"},
	} {
		if got := e.Colours(findEmoji(t, e, unified)); !reflect.DeepEqual(got, want) {
			t.Errorf("colours of %s: %q, want %q", unified, got, want)
		}
	}
}

// emojiAlphabet is the text encoder's alphabet (pkg/textenc.Alphabet).
const emojiAlphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ,.-':"

// TestEmojiCaptions: deterministic, within the alphabet and 80 characters, six templates for variants 0 to 5
// that between them say the name, a keyword, the subcategory and the colours.
func TestEmojiCaptions(t *testing.T) {
	e, again := openFixture(t, "train", 32), openFixture(t, "train", 64)
	for i := range e.N {
		seen := map[string]bool{}
		all := ""
		for v := range 12 {
			c := e.Caption(i, v)
			if c != e.Caption(i, v) || c != again.Caption(i, v) {
				t.Errorf("caption %d of %s is not deterministic: %q", v, e.Unified(i), c)
			}
			if len(c) == 0 || len(c) > MaxEmojiCaption || strings.Trim(c, emojiAlphabet) != "" {
				t.Errorf("caption %d of %s, %q, is empty, over %d characters or outside the alphabet", v, e.Unified(i), c,
					MaxEmojiCaption)
			}
			if v < emojiTemplates {
				seen[c] = true
			}
			all += c + "\n"
		}
		if len(seen) != emojiTemplates {
			t.Errorf("variants 0 to 5 of %s give %d distinct captions, want 6: %q", e.Unified(i), len(seen), all)
		}
		want := []string{e.items[i].baseName, e.Tone(i), subcategoryWords(e.Subcategory(i))}
		want = append(want, e.Colours(i)...)
		if kw := e.Keywords(i); len(kw) > 0 {
			want = append(want, kw[0])
		}
		for _, w := range want {
			if !strings.Contains(all, w) {
				t.Errorf("no caption of %s says %q:\n%s", e.Unified(i), w, all)
			}
		}
	}
	apple := findEmoji(t, e, "1F34E")
	captions := map[string]bool{}
	for v := range emojiTemplates {
		captions[e.Caption(apple, v)] = true
	}
	for _, c := range []string{"a red apple", "red apple, a fruit, red and green", "the red apple emoji, red and green",
		"a red and green fruit: red apple"} {
		if !captions[c] {
			t.Errorf("the red apple's captions %v lack %q", captions, c)
		}
	}
	for v := range emojiTemplates {
		if c := e.Caption(findEmoji(t, e, "1F44B-1F3FD"), v); !strings.Contains(c, "with medium skin tone") {
			t.Errorf("the medium-skinned hand's caption %q does not say its tone", c)
		}
	}
	// A name too long for most templates still gives a caption within the limit.
	long := &Emoji{N: 1, items: []emojiItem{{unified: "1F9D1", base: "1F9D1", name: strings.Repeat("very long name ", 7),
		baseName: strings.Repeat("very long name ", 7),
		subWords: "person", keywords: []string{"someone"}, colours: []string{"red", "green"}}}}
	for v := range emojiTemplates {
		if c := long.Caption(0, v); len(c) > MaxEmojiCaption || len(c) < 30 || strings.HasSuffix(c, " ") {
			t.Errorf("caption %d of a long name: %q (%d characters)", v, c, len(c))
		}
	}
}

// TestEmojiMismatch: another base emoji of another subcategory is a mismatch; the same emoji in another tone, or
// another emoji of the same subcategory, is not.
func TestEmojiMismatch(t *testing.T) {
	e := openFixture(t, "train", 32)
	redApple, greenApple := findEmoji(t, e, "1F34E"), findEmoji(t, e, "1F34F")
	hand, medium, flag := findEmoji(t, e, "1F44B"), findEmoji(t, e, "1F44B-1F3FD"), findEmoji(t, e, "1F1FA-1F1F8")
	for _, c := range []struct {
		i, j int
		want bool
	}{
		{redApple, flag, true}, {flag, redApple, true}, {redApple, hand, true}, {medium, redApple, true},
		{redApple, greenApple, false}, {hand, medium, false}, {medium, hand, false}, {redApple, redApple, false},
	} {
		if got := e.Mismatch(c.i, c.j); got != c.want {
			t.Errorf("Mismatch(%s, %s) = %v, want %v", e.Unified(c.i), e.Unified(c.j), got, c.want)
		}
	}
}

// TestEmojiSplit: the split is the FNV-1a hash of the base emoji's code points, variants with their base.
func TestEmojiSplit(t *testing.T) {
	dir := t.TempDir()
	writeEmojiFixture(t, dir)
	m, err := readEmojiMeta(dir)
	if err != nil {
		t.Fatal(err)
	}
	byBase := map[string]bool{}
	for k, it := range m.items {
		if m.test[k] != (fnv64(it.base)%10 == 0) {
			t.Errorf("%s (base %s) is in the wrong split", it.unified, it.base)
		}
		if split, ok := byBase[it.base]; ok && split != m.test[k] {
			t.Errorf("%s is not in the split of its base %s", it.unified, it.base)
		}
		byBase[it.base] = m.test[k]
	}
	train, test := openFixture(t, "train", 32), openFixture(t, "test", 32)
	for i := range train.N {
		for j := range test.N {
			if train.Base(i) == test.Base(j) {
				t.Errorf("base emoji %s is in both splits", train.Base(i))
			}
		}
	}
	if m.base != 5 || m.keyworded != 4 || len(m.items) != 7 {
		t.Errorf("%d base emoji, %d annotated, %d images; want 5, 4, 7", m.base, m.keyworded, len(m.items))
	}
}

// TestOpenEmojiErrors: a missing folder or file names `ganbook data fetch emoji`; a corrupt file is named.
func TestOpenEmojiErrors(t *testing.T) {
	const fetch = "ganbook data fetch emoji"
	missing := filepath.Join(t.TempDir(), "nowhere")
	if _, err := OpenEmoji(missing, "train", 32); err == nil || !strings.Contains(err.Error(), fetch) ||
		!strings.Contains(err.Error(), missing) || !strings.Contains(err.Error(), EnvEmojiDir) {
		t.Errorf("a missing folder: %v", err)
	}
	for _, c := range []struct {
		name  string
		spoil func(dir string) error
		want  []string
	}{
		{"no emoji.json", func(dir string) error { return os.Remove(filepath.Join(dir, emojiJSON)) },
			[]string{emojiJSON, fetch}},
		{"no en.xml", func(dir string) error { return os.Remove(filepath.Join(dir, emojiCLDR)) },
			[]string{emojiCLDR, fetch}},
		{"a corrupt emoji.json", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, emojiJSON), []byte(`[{"name": "RED APPLE", `), 0o644)
		}, []string{emojiJSON, "not a valid"}},
		{"a corrupt en.xml", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, emojiCLDR), []byte(`<ldml><annotations><annotation cp="x">`), 0o644)
		}, []string{emojiCLDR, "not a valid"}},
		{"a corrupt PNG", func(dir string) error {
			return os.WriteFile(filepath.Join(dir, filepath.FromSlash(emojiImages), "1f34f.png"), []byte("\x89PNG\r\n\x1a\nnot really"), 0o644)
		}, []string{"1f34f.png", "corrupt"}},
		{"a missing PNG", func(dir string) error {
			return os.Remove(filepath.Join(dir, filepath.FromSlash(emojiImages), "1f44b-1f3fd.png"))
		}, []string{"1f44b-1f3fd.png", "missing", fetch}},
	} {
		dir := t.TempDir()
		writeEmojiFixture(t, dir)
		if err := c.spoil(dir); err != nil {
			t.Fatal(err)
		}
		_, err := OpenEmoji(dir, "train", 32)
		for _, w := range c.want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want one mentioning %q", c.name, err, w)
			}
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: the error is not one line: %q", c.name, err)
		}
	}
}

// TestCleanText: CLDR's names and keywords in the caption alphabet.
func TestCleanText(t *testing.T) {
	for in, want := range map[string]string{
		"Piñata":                           "pinata",
		"flag: Côte d’Ivoire":              "flag: cote d'ivoire",
		"keycap: *":                        "keycap: asterisk",
		"keycap: #":                        "keycap: hash",
		"Antigua & Barbuda Flag":           "antigua and barbuda flag",
		"Japanese “free of charge” button": "japanese free of charge button",
		"type 1–2":                         "type 1-2",
		"UP! button":                       "up button",
		"Japanese “here” button (ココ)":      "japanese here button",
		"无":                                "",
		"women with bunny ears":            "women with bunny ears",
	} {
		if got := cleanText(in); got != want {
			t.Errorf("cleanText(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{
		"food-fruit": "fruit", "face-smiling": "smiling face", "transport-air": "aircraft",
		"hand-fingers-open": "open hand", "country-flag": "country flag", "animal-mammal": "mammal",
		"food-soup": "soup", "animal-dinosaur": "dinosaur", "new-thing & stuff": "new thing and stuff", "": "emoji",
	} {
		if got := subcategoryWords(in); got != want {
			t.Errorf("subcategoryWords(%q) = %q, want %q", in, got, want)
		}
	}
	for in, want := range map[string]string{"apple": "an apple", "fruit": "a fruit", "unicorn": "a unicorn",
		"umbrella": "an umbrella", "8 ball": "an 8 ball", "hourglass": "an hourglass"} {
		if got := withArticle(in); got != want {
			t.Errorf("withArticle(%q) = %q, want %q", in, got, want)
		}
	}
}

// TestEmojiKey: code points match however emoji.json, CLDR and Fluent write them.
func TestEmojiKey(t *testing.T) {
	for _, c := range [][2]string{
		{"2764-FE0F", "2764"}, {"0023-FE0F-20E3", "23-fe0f-20e3"}, {"00A9-FE0F", "a9-fe0f"},
		{"1F3F4-E0067-E0062-E0065-E006E-E0067-E007F", "1f3f4-e0067_e0062_e0065_e006e_e0067"},
		{"1F44B-1F3FD", "1f44b-1f3fd"}, {"1F34E", codePoints("🍎")}, {"2764", codePoints("❤️")},
	} {
		if emojiKey(c[0]) != emojiKey(c[1]) {
			t.Errorf("emojiKey(%q) = %q, emojiKey(%q) = %q; want them equal", c[0], emojiKey(c[0]), c[1], emojiKey(c[1]))
		}
	}
	if emojiKey("1F34E") == emojiKey("1F34F") || emojiKey("0023-FE0F-20E3") != "0023-20E3" {
		t.Errorf("emojiKey: %q, %q, %q", emojiKey("1F34E"), emojiKey("1F34F"), emojiKey("0023-FE0F-20E3"))
	}
}

// TestDefaultEmojiDir: the environment variable, else the user's cache.
func TestDefaultEmojiDir(t *testing.T) {
	t.Setenv(EnvEmojiDir, "/some/where")
	if got := DefaultEmojiDir(); got != "/some/where" {
		t.Errorf("DefaultEmojiDir with %s set: %q", EnvEmojiDir, got)
	}
	t.Setenv(EnvEmojiDir, "")
	t.Setenv("XDG_CACHE_HOME", "/cache")
	if got := DefaultEmojiDir(); runtime.GOOS == "linux" && got != "/cache/ganbook/emoji" {
		t.Errorf("DefaultEmojiDir with XDG_CACHE_HOME=/cache: %q", got)
	}
}

// writeTgz writes a .tgz of files (path inside → content), npm's layout.
func writeTgz(t testing.TB, file string, files map[string][]byte) {
	t.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	tw := tar.NewWriter(zw)
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(files[name])), Typeflag: tar.TypeReg}); err != nil {
			t.Fatal(err)
		}
		if _, err := tw.Write(files[name]); err != nil {
			t.Fatal(err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
}

// emojiTarball is the fixture as emoji-datasource-google's tarball, with files FetchEmoji leaves out.
func emojiTarball(t testing.TB, file string) {
	files := map[string][]byte{
		"package/emoji.json":               []byte(fixtureJSON),
		"package/LICENSE":                  []byte("The MIT License (MIT)\n"),
		"package/package.json":             []byte(`{"name": "emoji-datasource-google"}`),
		"package/img/google/sheets/64.png": encodeEmojiPNG(t, image.NewNRGBA(image.Rect(0, 0, 2, 2))),
		"package/img/google/32/1f34e.png":  encodeEmojiPNG(t, image.NewNRGBA(image.Rect(0, 0, 32, 32))),
	}
	for name, img := range fixtureImages() {
		files["package/img/google/64/"+name] = encodeEmojiPNG(t, img)
	}
	writeTgz(t, file, files)
}

// fakeCLDR points FetchEmoji to a fixture en.xml.
func fakeCLDR(t *testing.T) {
	file := filepath.Join(t.TempDir(), "en.xml")
	if err := os.WriteFile(file, []byte(fixtureXML), 0o644); err != nil {
		t.Fatal(err)
	}
	old := cldrPath
	cldrPath = file
	t.Cleanup(func() { cldrPath = old })
}

// fakeNPM makes npmCommand a script: `npm pack SPEC` copies the tarball of SPEC from tarballs (spec → file),
// anything else fails as npm does.
func fakeNPM(t *testing.T, tarballs map[string]string) string {
	if runtime.GOOS == "windows" {
		t.Skip("the fake npm is a shell script")
	}
	var script strings.Builder
	script.WriteString("#!/bin/sh\necho \"$@\" >> \"$(dirname \"$0\")/calls\"\n")
	for spec, file := range tarballs {
		fmt.Fprintf(&script, "if [ \"$1 $2\" = \"pack %s\" ]; then cp %q ./%s && echo %s; exit 0; fi\n", spec, file,
			tarballName(spec), tarballName(spec))
	}
	script.WriteString("echo \"npm ERR! 404 Not Found - GET $2\" >&2\nexit 1\n")
	dir := t.TempDir()
	npm := filepath.Join(dir, "npm")
	if err := os.WriteFile(npm, []byte(script.String()), 0o755); err != nil {
		t.Fatal(err)
	}
	old := npmCommand
	npmCommand = npm
	t.Cleanup(func() { npmCommand = old })
	return filepath.Join(dir, "calls")
}

// TestFetchEmoji extracts a synthetic tarball already in the folder (npm is not run), copies en.xml, deletes
// the tarball, and does nothing the second time; OpenEmoji then reads the folder.
func TestFetchEmoji(t *testing.T) {
	fakeCLDR(t)
	calls := fakeNPM(t, nil)
	dir := filepath.Join(t.TempDir(), "emoji")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	tgz := filepath.Join(dir, "emoji-datasource-google-16.0.0.tgz")
	emojiTarball(t, tgz)
	var log bytes.Buffer
	if err := FetchEmoji(dir, false, &log); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(calls); err == nil {
		t.Error("npm ran although the tarball was there")
	}
	for _, name := range append([]string{emojiJSON, emojiCLDR, emojiLicense}, fixturePNGs...) {
		if !strings.HasSuffix(name, ".png") {
			if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
				t.Errorf("%s was not fetched: %v", name, err)
			}
		} else if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(emojiImages), name)); err != nil {
			t.Errorf("%s was not extracted: %v", name, err)
		}
	}
	for _, name := range []string{"package.json", "img/google/sheets", "img/google/32", filepath.Base(tgz)} {
		if _, err := os.Stat(filepath.Join(dir, name)); err == nil {
			t.Errorf("%s is in the folder; FetchEmoji keeps only emoji.json, the 64x64 PNGs and the licence", name)
		}
	}
	for _, want := range []string{"extracted emoji.json and 7 64x64 PNGs", "deleted emoji-datasource-google-16.0.0.tgz",
		"copied", "5 base emoji (4 with CLDR keywords), 7 images", "train 6 (4 emoji), test 1 (1 emoji)"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, log.String())
		}
	}
	log.Reset()
	if err := FetchEmoji(dir, false, &log); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(log.String(), "already in") || strings.Contains(log.String(), "extracted") {
		t.Errorf("a second fetch did something:\n%s", log.String())
	}
	if e, err := OpenEmoji(dir, "train", 32); err != nil || e.N != 6 {
		t.Errorf("OpenEmoji after FetchEmoji: %v", err)
	}
	// A PNG lost since: fetched again.
	if err := os.Remove(filepath.Join(dir, filepath.FromSlash(emojiImages), "1f34f.png")); err != nil {
		t.Fatal(err)
	}
	calls = fakeNPM(t, map[string]string{EmojiPackage: writeTempTarball(t)})
	log.Reset()
	if err := FetchEmoji(dir, false, &log); err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(calls); err != nil || string(got) != "pack "+EmojiPackage+"\n" {
		t.Errorf("npm was called as %q (%v), want `npm pack %s`", got, err, EmojiPackage)
	}
	if _, err := os.Stat(filepath.Join(dir, filepath.FromSlash(emojiImages), "1f34f.png")); err != nil {
		t.Errorf("the lost PNG was not fetched again: %v", err)
	}
}

// writeTempTarball writes the fixture tarball into a temporary folder, for the fake npm to copy.
func writeTempTarball(t *testing.T) string {
	file := filepath.Join(t.TempDir(), "source.tgz")
	emojiTarball(t, file)
	return file
}

// TestFetchEmojiErrors: npm missing, npm failing, CLDR missing and a corrupt tarball each give one line saying
// what to do.
func TestFetchEmojiErrors(t *testing.T) {
	fakeCLDR(t)
	check := func(what string, err error, want ...string) {
		t.Helper()
		for _, w := range want {
			if err == nil || !strings.Contains(err.Error(), w) {
				t.Errorf("%s: error %v, want one mentioning %q", what, err, w)
			}
		}
		if err != nil && strings.Contains(err.Error(), "\n") {
			t.Errorf("%s: the error is not one line: %q", what, err)
		}
	}
	old := npmCommand
	npmCommand = filepath.Join(t.TempDir(), "no-npm-here")
	check("npm missing", FetchEmoji(t.TempDir(), false, nil), "install npm (apt-get install npm)")
	npmCommand = old

	fakeNPM(t, nil) // fails
	dir := t.TempDir()
	check("npm failing", FetchEmoji(dir, false, nil), "npm pack emoji-datasource-google@16.0.0", dir, "404")

	if err := os.WriteFile(filepath.Join(dir, "emoji-datasource-google-16.0.0.tgz"), []byte("not a tarball"), 0o644); err != nil {
		t.Fatal(err)
	}
	check("a corrupt tarball", FetchEmoji(dir, false, nil), "emoji-datasource-google-16.0.0.tgz", "corrupt", "delete it")

	dir = t.TempDir()
	emojiTarball(t, filepath.Join(dir, "emoji-datasource-google-16.0.0.tgz"))
	cldrPath = filepath.Join(t.TempDir(), "absent.xml")
	check("CLDR missing", FetchEmoji(dir, false, nil), "apt-get install unicode-cldr-core")
}

// webpFixture is a WebP file (lossless, VP8L) of a w×h image of one colour, written by hand: no transform, no
// colour cache, and five prefix codes of one symbol each, so that every pixel takes no bits.
func webpFixture(w, h int, c color.NRGBA) []byte {
	var bits []byte
	var acc uint64
	var n uint
	put := func(v uint64, width uint) {
		acc |= v << n
		n += width
		for n >= 8 {
			bits = append(bits, byte(acc))
			acc >>= 8
			n -= 8
		}
	}
	put(uint64(w-1), 14)
	put(uint64(h-1), 14)
	put(1, 1) // alpha is used
	put(0, 3) // version
	put(0, 1) // no transform
	put(0, 1) // no colour cache
	put(0, 1) // no meta prefix codes
	for _, symbol := range []uint8{c.G, c.R, c.B, c.A, 0} {
		put(1, 1) // a simple code
		put(0, 1) // of one symbol
		put(1, 1) // of 8 bits
		put(uint64(symbol), 8)
	}
	if n > 0 {
		bits = append(bits, byte(acc))
	}
	chunk := append([]byte{0x2f}, bits...)
	le := func(v int) []byte { return []byte{byte(v), byte(v >> 8), byte(v >> 16), byte(v >> 24)} }
	body := append([]byte("WEBPVP8L"), le(len(chunk))...)
	body = append(body, chunk...)
	if len(chunk)%2 == 1 {
		body = append(body, 0) // chunks are padded to an even size
	}
	return append(append([]byte("RIFF"), le(len(body))...), body...)
}

// TestFluentEmoji fetches a synthetic Fluent tarball through the fake npm and opens it: the emoji of emoji.json
// with a WebP file (matched with or without FE0F), same captions, same split.
func TestFluentEmoji(t *testing.T) {
	fakeCLDR(t)
	blue := color.NRGBA{20, 60, 230, 255}
	src := filepath.Join(t.TempDir(), "fluent.tgz")
	writeTgz(t, src, map[string][]byte{
		"package/assets/1f34e.webp":       webpFixture(8, 8, blue),
		"package/assets/2764-fe0f.webp":   webpFixture(8, 8, color.NRGBA{255, 0, 0, 255}),
		"package/assets/1f44b-1f3fd.webp": webpFixture(8, 8, color.NRGBA{0, 0, 0, 0}),
		"package/LICENSE":                 []byte("MIT"),
		"package/package.json":            []byte("{}"),
	})
	calls := fakeNPM(t, map[string]string{FluentPackage: src})
	dir := t.TempDir()
	writeEmojiFixture(t, dir)
	var log bytes.Buffer
	if err := FetchEmoji(dir, true, &log); err != nil {
		t.Fatal(err)
	}
	if got, _ := os.ReadFile(calls); string(got) != "pack "+FluentPackage+"\n" {
		t.Errorf("npm was called as %q, want once for %s", got, FluentPackage)
	}
	for _, want := range []string{"extracted 3 WebP files", "lobehub-fluent-emoji-3d-1.1.0.tgz", "fluent: 3 WebP files, 3 of the images (train 2, test 1)"} {
		if !strings.Contains(log.String(), want) {
			t.Errorf("the log does not say %q:\n%s", want, log.String())
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "lobehub-fluent-emoji-3d-1.1.0.tgz")); err == nil {
		t.Error("the Fluent tarball was not deleted")
	}
	if err := FetchEmoji(dir, true, &log); err != nil || !strings.Contains(log.String(), FluentPackage+": already in") {
		t.Errorf("a second fetch: %v\n%s", err, log.String())
	}
	train, err := OpenFluentEmoji(dir, "train", 4)
	if err != nil {
		t.Fatal(err)
	}
	set := train.Images()
	if set.Name != "emoji-fluent4" || set.N != 2 || train.Unified(0) != "1F44B-1F3FD" || train.Unified(1) != "1F34E" {
		t.Fatalf("Fluent train split: %s, %d images", set.Name, set.N)
	}
	if got := set.Images[:3]; !reflect.DeepEqual(got, []uint8{255, 255, 255}) {
		t.Errorf("a transparent Fluent image composited on white: %v", got)
	}
	if got := set.Images[4*4*3 : 4*4*3+3]; !reflect.DeepEqual(got, []uint8{blue.R, blue.G, blue.B}) {
		t.Errorf("the blue Fluent apple: %v", got)
	}
	if got := train.Colours(1); !reflect.DeepEqual(got, []string{"blue"}) || train.Caption(1, 0) == "" {
		t.Errorf("the blue apple's colours %q", got)
	}
	if test, err := OpenFluentEmoji(dir, "test", 4); err != nil || test.N != 1 || test.Name(0) != "red heart" {
		t.Errorf("Fluent test split: %v", err)
	}
	if _, err := OpenFluentEmoji(t.TempDir(), "train", 4); err == nil || !strings.Contains(err.Error(), "--fluent") {
		t.Errorf("no Fluent folder: %v", err)
	}
}

// TestEmojiRealData checks the fetched data, if DefaultEmojiDir holds it: emoji-datasource-google 16.0.0 has
// 1,911 base emoji and 3,786 PNGs; CLDR annotates 1,537 of them; the test split holds 205 base emoji, 440
// images. With --fluent: 3,391 WebP files, for 3,375 of the images.
func TestEmojiRealData(t *testing.T) {
	dir := DefaultEmojiDir()
	if _, err := os.Stat(filepath.Join(dir, emojiJSON)); err != nil {
		t.Skipf("no emoji data in %s (run `ganbook data fetch emoji`)", dir)
	}
	s, err := SummarizeEmoji(dir)
	if err != nil {
		t.Fatal(err)
	}
	if s.Base != 1911 || s.Images != 3786 || s.Keyworded != 1537 || len(s.Categories) != 10 || s.Train+s.Test != s.Images {
		t.Errorf("%+v; want 1911 base emoji, 3786 images, 1537 annotated, 10 categories", s)
	}
	if testing.Short() {
		return
	}
	e, err := OpenEmoji(dir, "test", 32)
	if err != nil {
		t.Fatal(err)
	}
	if e.N != s.Test {
		t.Errorf("the test split has %d images, the summary says %d", e.N, s.Test)
	}
	for i := range e.N {
		for v := range emojiTemplates {
			if c := e.Caption(i, v); len(c) == 0 || len(c) > MaxEmojiCaption || strings.Trim(c, emojiAlphabet) != "" {
				t.Errorf("caption %d of %s: %q", v, e.Unified(i), c)
			}
		}
	}
	for i := 0; i < e.N; i += max(1, e.N/25) {
		t.Logf("%-12s %-22s %-18s %q", e.Unified(i), e.Subcategory(i), strings.Join(e.Colours(i), ","), e.Caption(i, 1))
	}
	if math.Abs(float64(s.Test)/float64(s.Images)-0.1) > 0.05 || math.Abs(float64(s.TestBase)/float64(s.Base)-0.1) > 0.03 {
		t.Errorf("the test split holds %d of %d images, %d of %d base emoji; want about 10%%", s.Test, s.Images,
			s.TestBase, s.Base)
	}
	if s.Fluent == 0 {
		return
	}
	f, err := OpenFluentEmoji(dir, "test", 32)
	if err != nil {
		t.Fatal(err)
	}
	if f.N != s.FluentTest || s.FluentMatched < s.Images*8/10 {
		t.Errorf("Fluent: %d test images, the summary says %d; %d of the %d images have a WebP file", f.N,
			s.FluentTest, s.FluentMatched, s.Images)
	}
}
