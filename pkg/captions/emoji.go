// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/png"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/pkg/errors"
	"golang.org/x/image/webp"
)

// The emoji dataset: where its parts come from and where FetchEmoji puts them.
//
// The images are Google's Noto Color Emoji as the npm package emoji-datasource-google ships them (64×64 PNGs
// with alpha, Apache-2.0); their names, categories and subcategories come from the package's emoji.json (MIT),
// and the English keywords from Unicode CLDR's annotations/en.xml (the Debian package unicode-cldr-core;
// Unicode licence). The optional 3D Fluent Emoji (npm @lobehub/fluent-emoji-3d, 256×256 WebP, MIT) are the same
// emoji drawn by Microsoft, for larger sides (OpenFluentEmoji).
const (
	// EnvEmojiDir names the environment variable that overrides DefaultEmojiDir.
	EnvEmojiDir = "GANBOOK_EMOJI_DIR"

	// EmojiPackage is the npm package of the images and emoji.json, fetched with `npm pack EmojiPackage`.
	EmojiPackage = "emoji-datasource-google@16.0.0"
	// FluentPackage is the npm package of the optional 3D Fluent Emoji (`ganbook data fetch emoji --fluent`).
	FluentPackage = "@lobehub/fluent-emoji-3d@1.1.0"
	// CLDRAnnotations is where unicode-cldr-core installs CLDR's English emoji annotations.
	CLDRAnnotations = "/usr/share/unicode/cldr/common/annotations/en.xml"

	// EmojiSourceSide is the side of the PNGs OpenEmoji reads (img/google/64/).
	EmojiSourceSide = 64
	// MaxEmojiCaption is the length no emoji caption exceeds, in characters.
	MaxEmojiCaption = 80
)

// The files of a fetched emoji folder.
const (
	emojiJSON    = "emoji.json"    // the package's list of emoji
	emojiImages  = "img/google/64" // the PNGs, named as the list's "image" fields
	emojiCLDR    = "en.xml"        // a copy of CLDRAnnotations
	emojiLicense = "LICENSE-emoji-datasource"
	fluentDir    = "fluent" // the WebP files of FluentPackage, named by their code points
	fetchHint    = "run `ganbook data fetch emoji` (with --dir DIR for another folder, then set " + EnvEmojiDir + "=DIR)"
)

// npmCommand and cldrPath are what FetchEmoji runs and copies; tests replace them.
var (
	npmCommand = "npm"
	cldrPath   = CLDRAnnotations
)

// DefaultEmojiDir is the folder of the emoji data: $GANBOOK_EMOJI_DIR if set, else ganbook/emoji under the
// user's cache folder (os.UserCacheDir: $XDG_CACHE_HOME or ~/.cache on Linux), else under the temporary folder.
func DefaultEmojiDir() string {
	if dir := os.Getenv(EnvEmojiDir); dir != "" {
		return dir
	}
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	return filepath.Join(cache, "ganbook", "emoji")
}

// Emoji is a split of the emoji dataset: every emoji of emoji-datasource-google with an image, base emoji and
// their skin-tone variants, as side×side RGB images composited on white, each labelled with its category
// ("Smileys & Emotion", "Food & Drink", ...; ClassNames sorted) and captioned from its name, subcategory, CLDR
// keywords and the colours measured from its pixels.
//
// Skin-tone variants are images of their own (3,786 images from 1,911 base emoji in 16.0.0): each is the same
// drawing in another colour, with captions that say the tone ("a waving hand with medium skin tone"), the
// controlled text-to-colour pairs that capmnist's colours give, and twice the images for a GAN that has few.
// The price is balance: People & Body, where the variants are, holds over half the images (Tone and Base tell
// a caller that wants the base emoji only). A variant always lives in its
// base emoji's split: the test split holds about 10% of the base emoji (those whose FNV-1a hash of their
// emoji.json "unified" is 0 mod 10), with all their variants, so no test emoji, in any tone, is seen in
// training.
type Emoji struct {
	Dir   string // the folder read
	Split string // "train" or "test"
	Side  int    // images are Side×Side×3
	N     int    // number of images

	set   *data.Set
	items []emojiItem
}

// emojiItem is what an image's captions are made of.
type emojiItem struct {
	unified, base string   // the image's code points and its base emoji's, as emoji.json writes them
	name          string   // caption-safe: CLDR's short name (else emoji.json's), then the tone
	baseName      string   // the name without the tone
	tone          string   // "" or e.g. "medium skin tone", "light skin tone, dark skin tone"
	category      string   // emoji.json's category
	subcategory   string   // emoji.json's subcategory ("food-fruit")
	subWords      string   // the subcategory as words ("fruit")
	keywords      []string // caption-safe CLDR keywords, without the name itself
	colours       []string // DominantColours of the source image
	image         string   // file name of the source image
}

// emojiEntry is one object of emoji.json (the fields ganbook reads).
type emojiEntry struct {
	Name           string `json:"name"`
	Unified        string `json:"unified"`
	NonQualified   string `json:"non_qualified"`
	Image          string `json:"image"`
	Category       string `json:"category"`
	Subcategory    string `json:"subcategory"`
	SortOrder      int    `json:"sort_order"`
	HasImageGoogle bool   `json:"has_img_google"`
	SkinVariations map[string]struct {
		Unified        string `json:"unified"`
		Image          string `json:"image"`
		HasImageGoogle bool   `json:"has_img_google"`
	} `json:"skin_variations"`
}

// skinTones are the names of the Fitzpatrick modifiers, as CLDR writes them.
var skinTones = map[string]string{
	"1F3FB": "light skin tone", "1F3FC": "medium-light skin tone", "1F3FD": "medium skin tone",
	"1F3FE": "medium-dark skin tone", "1F3FF": "dark skin tone",
}

// emojiMeta is a fetched folder's emoji.json and en.xml, read: every image of both splits, without pixels.
type emojiMeta struct {
	items      []emojiItem
	test       []bool // the split of each item
	base       int    // number of base emoji
	keyworded  int    // base emoji that CLDR annotates
	classNames []string
}

// readEmojiMeta reads emoji.json and en.xml of dir.
func readEmojiMeta(dir string) (*emojiMeta, error) {
	if info, err := os.Stat(dir); err != nil || !info.IsDir() {
		return nil, errors.Errorf("captions: the emoji folder %s does not exist; %s", dir, fetchHint)
	}
	jsonPath := filepath.Join(dir, emojiJSON)
	raw, err := os.ReadFile(jsonPath)
	if err != nil {
		return nil, errors.Errorf("captions: %s is missing from the emoji folder; %s", jsonPath, fetchHint)
	}
	var entries []emojiEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return nil, errors.Errorf("captions: %s is not a valid emoji list (%v); delete it and run `ganbook data "+
			"fetch emoji` again", jsonPath, err)
	}
	cldr, err := readCLDR(filepath.Join(dir, emojiCLDR))
	if err != nil {
		return nil, err
	}
	sort.SliceStable(entries, func(a, b int) bool { return entries[a].SortOrder < entries[b].SortOrder })
	m := &emojiMeta{}
	categories := map[string]bool{}
	for _, e := range entries {
		if !e.HasImageGoogle || e.Image == "" || e.Unified == "" {
			continue
		}
		m.base++
		categories[e.Category] = true
		ann := cldr[emojiKey(e.Unified)]
		if ann.tts == "" && e.NonQualified != "" {
			ann = cldr[emojiKey(e.NonQualified)]
		}
		name := cleanText(ann.tts)
		if name == "" {
			name = cleanText(e.Name)
		}
		if name == "" {
			name = "emoji"
		}
		if len(ann.keywords) > 0 {
			m.keyworded++
		}
		var keywords []string
		seen := map[string]bool{name: true}
		for _, k := range ann.keywords {
			if k = cleanText(k); k != "" && !seen[k] {
				seen[k] = true
				keywords = append(keywords, k)
			}
		}
		test := fnv64(e.Unified)%10 == 0
		item := emojiItem{unified: e.Unified, base: e.Unified, name: name, baseName: name, category: e.Category,
			subcategory: e.Subcategory, subWords: subcategoryWords(e.Subcategory), keywords: keywords, image: e.Image}
		m.items, m.test = append(m.items, item), append(m.test, test)
		tones := make([]string, 0, len(e.SkinVariations))
		for key := range e.SkinVariations {
			tones = append(tones, key)
		}
		sort.Strings(tones)
		for _, key := range tones {
			v := e.SkinVariations[key]
			if !v.HasImageGoogle || v.Image == "" {
				continue
			}
			variant := item
			variant.unified, variant.image, variant.tone = v.Unified, v.Image, toneWords(key)
			if variant.tone != "" {
				sep := ": "
				if strings.Contains(name, ":") {
					sep = ", "
				}
				variant.name = name + sep + variant.tone
			}
			m.items, m.test = append(m.items, variant), append(m.test, test)
		}
	}
	if m.base == 0 {
		return nil, errors.Errorf("captions: %s lists no emoji with a Google image; delete it and run `ganbook data "+
			"fetch emoji` again", jsonPath)
	}
	for c := range categories {
		m.classNames = append(m.classNames, c)
	}
	sort.Strings(m.classNames)
	if len(m.classNames) > 256 {
		return nil, errors.Errorf("captions: %s has %d categories; labels are bytes (at most 256)", jsonPath, len(m.classNames))
	}
	return m, nil
}

// toneWords names a skin_variations key ("1F3FD", or "1F3FB-1F3FE" for two people): "medium skin tone",
// "light skin tone, medium-dark skin tone".
func toneWords(key string) string {
	var words []string
	for _, cp := range strings.Split(key, "-") {
		if w, ok := skinTones[strings.ToUpper(cp)]; ok && (len(words) == 0 || words[len(words)-1] != w) {
			words = append(words, w)
		}
	}
	return strings.Join(words, ", ")
}

// cldrAnnotation is CLDR's keywords and short name (its "tts") of one emoji.
type cldrAnnotation struct {
	keywords []string
	tts      string
}

// readCLDR reads a CLDR annotations file, keyed by emojiKey.
func readCLDR(file string) (map[string]cldrAnnotation, error) {
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, errors.Errorf("captions: %s is missing from the emoji folder; %s", file, fetchHint)
	}
	var doc struct {
		Annotations []struct {
			CP   string `xml:"cp,attr"`
			Type string `xml:"type,attr"`
			Text string `xml:",chardata"`
		} `xml:"annotations>annotation"`
	}
	if err := xml.Unmarshal(raw, &doc); err != nil {
		return nil, errors.Errorf("captions: %s is not a valid CLDR annotations file (%v); delete it and run "+
			"`ganbook data fetch emoji` again", file, err)
	}
	out := make(map[string]cldrAnnotation, len(doc.Annotations))
	for _, a := range doc.Annotations {
		key := codePoints(a.CP)
		ann := out[key]
		if a.Type == "tts" {
			ann.tts = strings.TrimSpace(a.Text)
		} else {
			for _, k := range strings.Split(a.Text, "|") {
				if k = strings.TrimSpace(k); k != "" {
					ann.keywords = append(ann.keywords, k)
				}
			}
		}
		out[key] = ann
	}
	if len(out) == 0 {
		return nil, errors.Errorf("captions: %s holds no annotations; delete it and run `ganbook data fetch emoji` again", file)
	}
	return out, nil
}

// codePoints writes s as emojiKey does ("1F34E", "0023-20E3").
func codePoints(s string) string {
	var parts []string
	for _, r := range s {
		parts = append(parts, fmt.Sprintf("%04X", r))
	}
	return emojiKey(strings.Join(parts, "-"))
}

// emojiKey is the key that matches one emoji's code points however they are written: hexadecimal numbers
// joined by '-' (emoji.json: "2764-FE0F", "0023-FE0F-20E3") or '_' (Fluent's tag sequences), upper or lower case,
// with or without leading zeros (Fluent: "23-fe0f-20e3"), with or without the variation selector FE0F (CLDR
// drops it) and the tag terminator E007F (Fluent drops it). The key is emoji.json's form without those two:
// "2764", "0023-20E3".
func emojiKey(unified string) string {
	var parts []string
	for _, p := range strings.FieldsFunc(unified, func(r rune) bool { return r == '-' || r == '_' }) {
		cp, err := strconv.ParseUint(p, 16, 32)
		if err != nil {
			return strings.ToUpper(unified) // not code points: only matches itself
		}
		if cp != 0xFE0F && cp != 0xE007F {
			parts = append(parts, fmt.Sprintf("%04X", cp))
		}
	}
	return strings.Join(parts, "-")
}

func fnv64(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// OpenEmoji reads a split ("train" or "test") of the emoji fetched into dir (FetchEmoji) at side×side: the
// 64×64 PNGs composited on white and resized by area averaging (for side 32, each pixel is the mean of a 2×2
// block, rounded half away from zero). The set is named "emoji" for side 32, "emoji64" for 64, "emoji<side>"
// otherwise. Errors say what to run: a missing folder or file names `ganbook data fetch emoji`; a corrupt one
// is named.
func OpenEmoji(dir, split string, side int) (*Emoji, error) {
	name := "emoji" + strconv.Itoa(side)
	if side == 32 {
		name = "emoji"
	}
	return openEmoji(dir, split, side, name, func(it emojiItem) (string, bool) {
		return filepath.Join(dir, filepath.FromSlash(emojiImages), it.image), true
	})
}

// OpenFluentEmoji is OpenEmoji with the 3D Fluent Emoji (`ganbook data fetch emoji --fluent`, 256×256 WebP)
// in place of Noto's PNGs, for larger sides (a set named "emoji-fluent<side>"): the emoji of emoji.json that
// Fluent draws, with the same captions and the same split.
func OpenFluentEmoji(dir, split string, side int) (*Emoji, error) {
	folder := filepath.Join(dir, fluentDir)
	entries, err := os.ReadDir(folder)
	if err != nil {
		return nil, errors.Errorf("captions: the Fluent emoji folder %s does not exist; run `ganbook data fetch "+
			"emoji --fluent` (with --dir for another folder)", folder)
	}
	files := map[string]string{}
	for _, e := range entries {
		if n := e.Name(); strings.HasSuffix(n, ".webp") {
			files[emojiKey(strings.TrimSuffix(n, ".webp"))] = filepath.Join(folder, n)
		}
	}
	return openEmoji(dir, split, side, "emoji-fluent"+strconv.Itoa(side), func(it emojiItem) (string, bool) {
		f, ok := files[emojiKey(it.unified)]
		return f, ok
	})
}

// openEmoji reads the images of a split that file finds.
func openEmoji(dir, split string, side int, name string, file func(emojiItem) (string, bool)) (*Emoji, error) {
	if split != "train" && split != "test" {
		return nil, errors.Errorf("captions: unknown split %q of emoji; use train or test", split)
	}
	if side < 1 || side > 1024 {
		return nil, errors.Errorf("captions: emoji side %d is out of range; use 1 to 1024 (32 or 64)", side)
	}
	m, err := readEmojiMeta(dir)
	if err != nil {
		return nil, err
	}
	e := &Emoji{Dir: dir, Split: split, Side: side}
	var files []string
	for k, it := range m.items {
		if m.test[k] != (split == "test") {
			continue
		}
		if f, ok := file(it); ok {
			e.items, files = append(e.items, it), append(files, f)
		}
	}
	e.N = len(e.items)
	if e.N == 0 {
		return nil, errors.Errorf("captions: no images of the %s split of emoji in %s; %s", split, dir, fetchHint)
	}
	pixels := make([]uint8, e.N*side*side*3)
	labels := make([]uint8, e.N)
	classOf := map[string]uint8{}
	for c, n := range m.classNames {
		classOf[n] = uint8(c)
	}
	errs := make([]error, e.N)
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), e.N) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				k := next
				next++
				mu.Unlock()
				if k >= e.N {
					return
				}
				img, err := decodeEmojiImage(files[k])
				if err != nil {
					errs[k] = err
					continue
				}
				rgb, colours := composite(img, side)
				copy(pixels[k*side*side*3:], rgb)
				e.items[k].colours = colours
				labels[k] = classOf[e.items[k].category]
			}
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	e.set = &data.Set{Name: name, Split: split, N: e.N, Height: side, Width: side, Channels: 3,
		Images: pixels, Labels: labels, ClassNames: m.classNames}
	return e, nil
}

// decodeEmojiImage reads a PNG or WebP image.
func decodeEmojiImage(file string) (image.Image, error) {
	fluent := strings.HasSuffix(file, ".webp")
	again := "delete it and run `ganbook data fetch emoji` again"
	if fluent {
		again = "delete its folder and run `ganbook data fetch emoji --fluent` again"
	}
	raw, err := os.ReadFile(file)
	if err != nil {
		return nil, errors.Errorf("captions: the emoji image %s is missing; run `ganbook data fetch emoji` again "+
			"(it fetches what is missing)", file)
	}
	var img image.Image
	if fluent {
		img, err = webp.Decode(bytes.NewReader(raw))
	} else {
		img, err = png.Decode(bytes.NewReader(raw))
	}
	if err != nil {
		return nil, errors.Errorf("captions: the emoji image %s is corrupt (%v); %s", file, err, again)
	}
	if b := img.Bounds(); b.Dx() < 1 || b.Dy() < 1 {
		return nil, errors.Errorf("captions: the emoji image %s is empty; %s", file, again)
	}
	return img, nil
}

// composite puts img on white, resizes it to side×side by area averaging and measures its colours (from the
// pixels at least half opaque, so that the white of an emoji counts but the background does not).
func composite(img image.Image, side int) ([]uint8, []string) {
	b := img.Bounds()
	w, h := b.Dx(), b.Dy()
	src := make([]float64, w*h*3)
	var counts [numColours]int
	total := 0
	measure := func(r, g, bl, a uint8) {
		if a >= 128 {
			total++
			if c, ok := classifyColour(r, g, bl); ok {
				counts[c]++
			}
		}
	}
	var pixel func(x, y int) (r, g, b, a uint8) // not premultiplied
	switch m := img.(type) {
	case *image.NRGBA: // the PNGs
		pixel = func(x, y int) (uint8, uint8, uint8, uint8) {
			p := m.Pix[m.PixOffset(b.Min.X+x, b.Min.Y+y):]
			return p[0], p[1], p[2], p[3]
		}
	case *image.NYCbCrA: // Fluent's WebP
		pixel = func(x, y int) (uint8, uint8, uint8, uint8) {
			x, y = b.Min.X+x, b.Min.Y+y
			c := m.COffset(x, y)
			r, g, bl := color.YCbCrToRGB(m.Y[m.YOffset(x, y)], m.Cb[c], m.Cr[c])
			return r, g, bl, m.A[m.AOffset(x, y)]
		}
	}
	if pixel != nil {
		for y := range h {
			for x := range w {
				r, g, bl, a := pixel(x, y)
				o, white := (y*w+x)*3, 255*(255-float64(a))
				src[o] = (float64(r)*float64(a) + white) / 255
				src[o+1] = (float64(g)*float64(a) + white) / 255
				src[o+2] = (float64(bl)*float64(a) + white) / 255
				measure(r, g, bl, a)
			}
		}
		return resizeArea(src, w, h, side), dominant(counts, total)
	}
	for y := range h {
		for x := range w {
			r, g, bl, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA() // premultiplied, 0..65535
			white := float64(65535 - a)
			o := (y*w + x) * 3
			src[o], src[o+1], src[o+2] = (float64(r)+white)/257, (float64(g)+white)/257, (float64(bl)+white)/257
			if a > 0 {
				un := func(c uint32) uint8 { return uint8((c*255 + a/2) / a) }
				measure(un(r), un(g), un(bl), uint8(a>>8))
			}
		}
	}
	return resizeArea(src, w, h, side), dominant(counts, total)
}

// resizeArea resizes an RGB image (w×h×3, values 0..255) to side×side: each output pixel is the mean of the
// source area it covers, rounded half away from zero.
func resizeArea(src []float64, w, h, side int) []uint8 {
	wx, wy := areaWeights(w, side), areaWeights(h, side)
	out := make([]uint8, side*side*3)
	for oy := range side {
		for ox := range side {
			var acc [3]float64
			for _, ty := range wy[oy] {
				for _, tx := range wx[ox] {
					wt := ty.w * tx.w
					i := (ty.k*w + tx.k) * 3
					acc[0] += wt * src[i]
					acc[1] += wt * src[i+1]
					acc[2] += wt * src[i+2]
				}
			}
			for c, v := range acc {
				out[(oy*side+ox)*3+c] = uint8(math.Round(math.Max(0, math.Min(255, v))))
			}
		}
	}
	return out
}

type tap struct {
	k int
	w float64
}

// areaWeights are, for each of dst output pixels, the source pixels of a row of n it covers and their weights
// (the overlap of [o·n/dst, (o+1)·n/dst) with each, over the interval's length).
func areaWeights(n, dst int) [][]tap {
	out := make([][]tap, dst)
	scale := float64(n) / float64(dst)
	for o := range dst {
		lo, hi := float64(o)*scale, float64(o+1)*scale
		for k := int(math.Floor(lo)); k < n && float64(k) < hi; k++ {
			overlap := math.Min(hi, float64(k+1)) - math.Max(lo, float64(k))
			if overlap > 1e-12 {
				out[o] = append(out[o], tap{k, overlap / scale})
			}
		}
	}
	return out
}

// Images is the split as a data.Set: Side×Side×3 images, the category as the label.
func (e *Emoji) Images() *data.Set { return e.set }

// Name is the name of image i: CLDR's short name ("red apple"), else emoji.json's, in lower case, with the tone
// of a skin-tone variant ("waving hand: medium skin tone").
func (e *Emoji) Name(i int) string { return e.items[i].name }

// Category is emoji.json's category of image i ("Food & Drink"): its label's class name.
func (e *Emoji) Category(i int) string { return e.items[i].category }

// Subcategory is emoji.json's subcategory of image i ("food-fruit").
func (e *Emoji) Subcategory(i int) string { return e.items[i].subcategory }

// Keywords are CLDR's English keywords of image i ("apple", "fruit", "red"), caption-safe, without the name;
// none for the emoji CLDR's annotations do not list (flags, keycaps, some sequences).
func (e *Emoji) Keywords(i int) []string { return append([]string(nil), e.items[i].keywords...) }

// Colours are the dominant colours of image i (DominantColours of its source image).
func (e *Emoji) Colours(i int) []string { return append([]string(nil), e.items[i].colours...) }

// Unified is the code points of image i as emoji.json writes them ("1F44B-1F3FD").
func (e *Emoji) Unified(i int) string { return e.items[i].unified }

// Base is the code points of image i's base emoji ("1F44B"): Unified for a base emoji.
func (e *Emoji) Base(i int) string { return e.items[i].base }

// Tone is the skin tone of image i ("medium skin tone"), "" for a base emoji.
func (e *Emoji) Tone(i int) string { return e.items[i].tone }

// Mismatch reports whether image j is another base emoji of another subcategory than image i: then no caption of
// j describes i (a skin-tone variant, or an emoji of the same subcategory, may share words with i).
func (e *Emoji) Mismatch(i, j int) bool {
	return e.items[i].base != e.items[j].base && e.items[i].subcategory != e.items[j].subcategory
}

// emojiTemplates is the number of caption templates: variants 0 to emojiTemplates-1 of an image use each once.
const emojiTemplates = 6

// Caption is caption number variant of image i, one of six templates (each used once by variants 0 to 5, in an
// order drawn per emoji; variant v+6 uses the template of v) with keywords drawn from the emoji's code points
// and variant: "a red apple", "red apple, a fruit, red and green", "an emoji for apple: fruit, red", "a red
// and green fruit: red apple", "red apple: apple, fruit, red", "the red apple emoji, red and green". A
// skin-tone variant's subject says its tone: "a waving hand with medium skin tone". Captions are at most
// MaxEmojiCaption characters of lower-case ASCII letters, digits, space and , . - ' : (the text encoder's
// alphabet: CLDR's accented letters lose their accents, "&" is written "and", "*" "asterisk", "#" "hash", other
// symbols are dropped).
func (e *Emoji) Caption(i, variant int) string {
	it := &e.items[i]
	seed := fnv64(it.unified)
	order := rand.New(rand.NewPCG(seed, 0x74656d706c617465)).Perm(emojiTemplates)
	t := order[((variant%emojiTemplates)+emojiTemplates)%emojiTemplates]
	for _, k := range []int{len(it.colours), 1, 0} { // fewer colour words until it fits
		if k <= len(it.colours) {
			c := describeEmoji(it, t, rand.New(rand.NewPCG(seed, uint64(variant))), it.colours[:k])
			if len(c) <= MaxEmojiCaption {
				return c
			}
		}
	}
	return fitCaption(describeEmoji(it, 0, nil, nil), it.name)
}

// describeEmoji writes template t of an emoji with colour words, keywords drawn with rng.
func describeEmoji(it *emojiItem, t int, rng *rand.Rand, colourWords []string) string {
	colours := strings.Join(colourWords, " and ")
	withColours := func(s string) string {
		if colours == "" {
			return s
		}
		return s + ", " + colours
	}
	subject, tone := it.baseName, ""
	if it.tone != "" {
		tone = " with " + strings.ReplaceAll(it.tone, ", ", " and ")
		subject += tone
	}
	keyword := it.baseName
	if len(it.keywords) > 0 && t == 2 {
		var others []string // keywords that are not the subcategory's words ("an emoji for fruit: fruit")
		for _, k := range it.keywords {
			if k != it.subWords {
				others = append(others, k)
			}
		}
		if len(others) == 0 {
			others = it.keywords
		}
		keyword = others[rng.IntN(len(others))]
	}
	switch t {
	case 0:
		return withArticle(subject)
	case 1:
		return withColours(subject + ", " + withArticle(it.subWords))
	case 2:
		return withColours("an emoji for " + keyword + ": " + it.subWords + tone)
	case 3:
		if colours == "" {
			return withArticle(it.subWords) + ": " + subject
		}
		return withArticle(colours+" "+it.subWords) + ": " + subject
	case 4:
		if len(it.keywords) == 0 {
			return withColours(subject + ": " + withArticle(it.subWords))
		}
		picked := rng.Perm(len(it.keywords))[:min(3, len(it.keywords))]
		sort.Ints(picked)
		words := make([]string, len(picked))
		for k, p := range picked {
			words[k] = it.keywords[p]
		}
		for len(words) > 1 && len(subject+": "+strings.Join(words, ", ")) > MaxEmojiCaption {
			words = words[:len(words)-1]
		}
		return subject + ": " + strings.Join(words, ", ")
	default:
		return withColours("the " + it.baseName + " emoji" + tone)
	}
}

// fitCaption keeps a caption within MaxEmojiCaption characters: too long, it becomes the name, itself cut at
// the last space that fits. (Caption first drops colour words, then uses the shortest template.)
func fitCaption(caption, name string) string {
	if len(caption) <= MaxEmojiCaption {
		return caption
	}
	caption = name
	if len(caption) > MaxEmojiCaption {
		caption = caption[:MaxEmojiCaption+1]
		caption = caption[:max(strings.LastIndexByte(caption, ' '), 1)]
	}
	return strings.TrimRight(caption, " ,:-")
}

// withArticle puts "a" or "an" before a phrase, nothing before a plural one: "people ...", "men ...", "women
// ...", or one whose head (what comes before " with ", " of ", ...) ends in -s but not -ss, -us, -is, -os
// ("sparkles", "folded hands", but "a face with rolling eyes", "a cactus").
func withArticle(phrase string) string {
	if phrase == "" {
		return phrase
	}
	first, _, _ := strings.Cut(phrase, " ")
	head := phrase
	for _, sep := range []string{":", ",", " with ", " in ", " of ", " under ", " over ", " showing ", " holding ",
		" lifting ", " facing "} {
		head, _, _ = strings.Cut(head, sep)
	}
	if first == "people" || first == "men" || first == "women" || strings.HasSuffix(head, "s") &&
		!strings.HasSuffix(head, "ss") && !strings.HasSuffix(head, "us") && !strings.HasSuffix(head, "is") &&
		!strings.HasSuffix(head, "os") {
		return phrase
	}
	an := strings.ContainsRune("aeiou", rune(phrase[0]))
	for _, p := range []string{"uni", "use", "usu", "eu", "one", "once", "u.s"} {
		if strings.HasPrefix(phrase, p) {
			an = false
		}
	}
	for _, p := range []string{"hour", "honest", "8", "11 ", "18 "} {
		if strings.HasPrefix(phrase, p) {
			an = true
		}
	}
	if an {
		return "an " + phrase
	}
	return "a " + phrase
}

// subcategoryNames are emoji.json's subcategories (those of 16.0.0) as countable nouns, for "a fruit", "an
// open hand"; subcategoryWords writes others by a general rule.
var subcategoryNames = map[string]string{
	"arts & crafts": "craft", "award-medal": "award", "event": "event", "game": "game", "sport": "sport",
	"animal-amphibian": "amphibian", "animal-bird": "bird", "animal-bug": "bug", "animal-mammal": "mammal",
	"animal-marine": "sea animal", "animal-reptile": "reptile", "plant-flower": "flower", "plant-other": "plant",
	"skin-tone": "skin tone", "country-flag": "country flag", "flag": "flag", "subdivision-flag": "regional flag",
	"dishware": "kitchen item", "drink": "drink", "food-asian": "asian dish", "food-fruit": "fruit",
	"food-prepared": "dish", "food-sweet": "sweet", "food-vegetable": "vegetable",
	"book-paper": "book or paper", "clothing": "piece of clothing", "computer": "computer",
	"household": "household item", "light & video": "light or video item", "lock": "lock", "mail": "mail item",
	"medical": "medical item", "money": "money item", "music": "music symbol",
	"musical-instrument": "musical instrument", "office": "office item", "other-object": "object",
	"phone": "phone", "science": "science item", "sound": "sound symbol", "tool": "tool",
	"writing": "writing tool", "body-parts": "body part", "family": "family", "hand-fingers-closed": "closed hand",
	"hand-fingers-open": "open hand", "hand-fingers-partial": "hand sign", "hand-prop": "hand",
	"hand-single-finger": "pointing finger", "hands": "pair of hands", "person": "person",
	"person-activity": "person", "person-fantasy": "fantasy person", "person-gesture": "gesture",
	"person-resting": "resting person", "person-role": "person at work", "person-sport": "athlete",
	"person-symbol": "person symbol", "cat-face": "cat face", "emotion": "emotion symbol",
	"face-affection": "affectionate face", "face-concerned": "concerned face", "face-costume": "costume face",
	"face-glasses": "face with glasses", "face-hand": "face with hand", "face-hat": "face with hat",
	"face-negative": "angry face", "face-neutral-skeptical": "neutral face", "face-sleepy": "sleepy face",
	"face-smiling": "smiling face", "face-tongue": "face with tongue", "face-unwell": "unwell face",
	"heart": "heart", "monkey-face": "monkey face", "alphanum": "letter symbol", "arrow": "arrow",
	"av-symbol": "audio video symbol", "currency": "currency sign", "gender": "gender sign",
	"geometric": "shape", "keycap": "keycap", "math": "math symbol", "other-symbol": "symbol",
	"punctuation": "punctuation mark", "religion": "religious symbol", "transport-sign": "transport sign",
	"warning": "warning sign", "zodiac": "zodiac sign", "hotel": "hotel", "place-building": "building",
	"place-geographic": "landscape", "place-map": "map", "place-other": "place",
	"place-religious": "religious building", "sky & weather": "weather symbol", "time": "clock",
	"transport-air": "aircraft", "transport-ground": "vehicle", "transport-water": "boat",
}

// subcategoryWords writes a subcategory as words: subcategoryNames ("food-fruit" → "fruit", "face-smiling" →
// "smiling face"), else the words of the name without a prefix food-, animal- or plant- ("food-soup" → "soup"),
// '-' a space and '&' "and".
func subcategoryWords(sub string) string {
	if w, ok := subcategoryNames[sub]; ok {
		return w
	}
	for _, prefix := range []string{"food-", "animal-", "plant-"} {
		sub = strings.TrimPrefix(sub, prefix)
	}
	if w := cleanText(strings.ReplaceAll(sub, "-", " ")); w != "" {
		return w
	}
	return "emoji"
}

// transliterations are the characters of CLDR's English names and keywords (and emoji.json's names) outside the
// caption alphabet that become letters or words; any other such character is dropped.
var transliterations = map[rune]string{
	'à': "a", 'á': "a", 'â': "a", 'ã': "a", 'ä': "a", 'å': "a", 'ā': "a", 'ǎ': "a", 'æ': "ae",
	'ç': "c", 'è': "e", 'é': "e", 'ê': "e", 'ë': "e", 'ē': "e", 'ì': "i", 'í': "i", 'î': "i", 'ï': "i",
	'ǐ': "i", 'ī': "i", 'ñ': "n", 'ò': "o", 'ó': "o", 'ô': "o", 'õ': "o", 'ö': "o", 'ø': "o", 'ō': "o",
	'œ': "oe", 'ù': "u", 'ú': "u", 'û': "u", 'ü': "u", 'ū': "u", 'ý': "y", 'ÿ': "y", 'ß': "ss",
	'’': "'", '‘': "'", '–': "-", '—': "-", '‑': "-", '−': " minus ", '×': " multiply ", '÷': " divide ",
	'&': " and ", '#': " hash ", '*': " asterisk ", '+': " plus ", '%': " percent ", '=': " equals ",
	'@': " at ", '✓': " check mark ", '/': " ", '_': " ", '\t': " ", '\n': " ",
}

// cleanText lowers s and keeps it in the caption alphabet (a-z, 0-9, space and , . - ' :): accented letters
// lose their accents, some symbols become words, other characters are dropped; runs of spaces become one and
// stray punctuation at the ends goes.
func cleanText(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9', strings.ContainsRune(" ,.-':", r):
			b.WriteRune(r)
		default:
			b.WriteString(transliterations[r]) // "" for the characters dropped
		}
	}
	out := strings.Join(strings.Fields(b.String()), " ")
	out = strings.ReplaceAll(out, " ,", ",")
	out = strings.ReplaceAll(out, " :", ":")
	return strings.Trim(out, " ,:-.")
}

// The colour words of DominantColours, in the order that breaks ties.
var colourNames = [...]string{"red", "orange", "yellow", "green", "blue", "purple", "pink", "brown", "black", "white", "grey"}

// ColourWords are the colour words a caption says (of DominantColours' names, as whole words, in the order of
// the caption): what an emoji's drawing should show.
func ColourWords(caption string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(caption), func(r rune) bool { return !unicode.IsLetter(r) }) {
		if w == "gray" {
			w = "grey"
		}
		if slices.Contains(colourNames[:], w) && !slices.Contains(out, w) {
			out = append(out, w)
		}
	}
	return out
}

const (
	numColours = len(colourNames)
	// dominantShare is the share of the measured pixels a colour needs to be named; at most maxColours are.
	dominantShare = 0.2
	maxColours    = 2
)

// classifyColour names a colour (an index of colourNames): by lightness for the unsaturated ones (black, grey,
// white), by hue for the others, with dark oranges, yellows and dull dark reds brown, pale reds pink. Pale warm
// colours (light skin, beige: hue 20° to 50°, little saturation, light) have no name: ok is false.
func classifyColour(r, g, b uint8) (int, bool) {
	const (
		red = iota
		orange
		yellow
		green
		blue
		purple
		pink
		brown
		black
		white
		grey
	)
	rf, gf, bf := float64(r)/255, float64(g)/255, float64(b)/255
	hi, lo := math.Max(rf, math.Max(gf, bf)), math.Min(rf, math.Min(gf, bf))
	v, chroma := hi, hi-lo
	s := 0.0
	if hi > 0 {
		s = chroma / hi
	}
	switch {
	case v < 0.2:
		return black, true
	case s < 0.15 || chroma < 0.08:
		switch {
		case v > 0.85:
			return white, true
		case v < 0.3:
			return black, true
		}
		return grey, true
	}
	var hue float64 // degrees
	switch hi {
	case rf:
		hue = 60 * math.Mod((gf-bf)/chroma+6, 6)
	case gf:
		hue = 60 * ((bf-rf)/chroma + 2)
	default:
		hue = 60 * ((rf-gf)/chroma + 4)
	}
	switch {
	case hue < 20 || hue >= 340:
		switch {
		case v < 0.45 || s < 0.5 && v < 0.65:
			return brown, true
		case s < 0.45 && v > 0.75:
			return pink, true
		}
		return red, true
	case hue < 50:
		switch {
		case s < 0.45 && v > 0.7:
			return 0, false
		case v < 0.7:
			return brown, true
		case hue < 40:
			return orange, true
		}
		return yellow, true
	case hue < 70:
		if v < 0.5 {
			return brown, true
		}
		return yellow, true
	case hue < 165:
		return green, true
	case hue < 255:
		return blue, true
	case hue < 300:
		return purple, true
	default:
		if v < 0.45 {
			return purple, true
		}
		return pink, true
	}
}

// dominant names the colours of a histogram, of total pixels measured (some may have no name): the most common
// ones, at most maxColours, that hold dominantShare of the pixels each.
func dominant(counts [numColours]int, total int) []string {
	order := make([]int, numColours)
	for c := range order {
		order[c] = c
	}
	sort.SliceStable(order, func(a, b int) bool { return counts[order[a]] > counts[order[b]] })
	var out []string
	for _, c := range order[:maxColours] {
		if counts[c] > 0 && float64(counts[c]) >= dominantShare*float64(total) {
			out = append(out, colourNames[c])
		}
	}
	return out
}

// DominantColours names the dominant colours of an RGB image (side×side×3, 0..255, composited on white) from
// red, orange, yellow, green, blue, purple, pink, brown, black, white, grey: the two most common colours of its
// pixels, each if it holds at least a fifth of them. The background, pixels of 250 or more in every channel, is
// not counted; pale skin and beige pixels are counted but have no name. An image with nothing else has no
// colours. (OpenEmoji measures the source images before compositing, counting the pixels at least half
// opaque, so that an emoji's own white counts.)
func DominantColours(rgb []uint8, side int) []string {
	var counts [numColours]int
	total := 0
	for p := 0; p+2 < len(rgb) && p < side*side*3; p += 3 {
		r, g, b := rgb[p], rgb[p+1], rgb[p+2]
		if r >= 250 && g >= 250 && b >= 250 {
			continue
		}
		total++
		if c, ok := classifyColour(r, g, b); ok {
			counts[c]++
		}
	}
	return dominant(counts, total)
}

// EmojiSummary is what a fetched emoji folder holds.
type EmojiSummary struct {
	Base, Keyworded int // base emoji, and those CLDR's en.xml annotates (has keywords for)
	Images          int // images: base emoji and skin-tone variants
	Train, Test     int // images of each split
	TrainBase       int // base emoji of each split
	TestBase        int
	Categories      []string
	Fluent          int // WebP files of the 3D Fluent Emoji (0 if not fetched)
	FluentMatched   int // of the images, those with a Fluent image
	FluentTrain     int
	FluentTest      int
	Dir             string
}

// SummarizeEmoji counts what dir holds, reading emoji.json and en.xml (no image is decoded).
func SummarizeEmoji(dir string) (*EmojiSummary, error) {
	m, err := readEmojiMeta(dir)
	if err != nil {
		return nil, err
	}
	s := &EmojiSummary{Base: m.base, Keyworded: m.keyworded, Images: len(m.items), Categories: m.classNames, Dir: dir}
	for k, test := range m.test {
		isBase := m.items[k].unified == m.items[k].base
		switch {
		case test && isBase:
			s.Test, s.TestBase = s.Test+1, s.TestBase+1
		case test:
			s.Test++
		case isBase:
			s.Train, s.TrainBase = s.Train+1, s.TrainBase+1
		default:
			s.Train++
		}
	}
	if entries, err := os.ReadDir(filepath.Join(dir, fluentDir)); err == nil {
		have := map[string]bool{}
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".webp") {
				s.Fluent++
				have[emojiKey(strings.TrimSuffix(n, ".webp"))] = true
			}
		}
		for k, it := range m.items {
			if have[emojiKey(it.unified)] {
				s.FluentMatched++
				if m.test[k] {
					s.FluentTest++
				} else {
					s.FluentTrain++
				}
			}
		}
	}
	return s, nil
}

// FetchEmoji puts the emoji dataset into dir: `npm pack EmojiPackage` there (a 74 MB tarball, skipped when
// the tarball is already in dir), of which emoji.json, the 64×64 PNGs (img/google/64/) and the licence are
// extracted, then the tarball deleted; and a copy of CLDR's annotations/en.xml (from unicode-cldr-core), so
// that the folder is all OpenEmoji reads. With fluent, also `npm pack FluentPackage`, its WebP files
// extracted into dir/fluent/ and its tarball deleted. What is already there and complete is kept (the PNGs
// emoji.json lists present with 64×64 headers; en.xml parsed; fluent/ made whole or not at all), so running it
// again does nothing. It logs what it does, then the counts. Errors are one line saying what to do.
func FetchEmoji(dir string, fluent bool, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Errorf("captions: cannot make the emoji folder %s (%v); choose another with --dir", dir, err)
	}
	if n, err := checkEmojiImages(dir); err == nil {
		fmt.Fprintf(log, "%s: already in %s (%d PNGs)\n", EmojiPackage, dir, n)
	} else {
		tgz, err := npmPack(dir, EmojiPackage, log)
		if err != nil {
			return err
		}
		n, err := extractEmojiTarball(tgz, dir)
		if err != nil {
			return err
		}
		if _, err := checkEmojiImages(dir); err != nil {
			return errors.Errorf("captions: %s is incomplete (%v); delete it and run `ganbook data fetch emoji` again", tgz, err)
		}
		if err := os.Remove(tgz); err != nil {
			return errors.Errorf("captions: cannot delete %s (%v); delete it yourself", tgz, err)
		}
		fmt.Fprintf(log, "%s: extracted emoji.json and %d 64x64 PNGs into %s, deleted %s\n",
			EmojiPackage, n, dir, filepath.Base(tgz))
	}
	dst := filepath.Join(dir, emojiCLDR)
	if _, err := readCLDR(dst); err == nil {
		fmt.Fprintf(log, "CLDR annotations: already in %s\n", dst)
	} else {
		if _, err := readCLDR(cldrPath); err != nil {
			return errors.Errorf("captions: CLDR's English emoji annotations %s are missing or unreadable; install "+
				"them with `apt-get install unicode-cldr-core`", cldrPath)
		}
		raw, err := os.ReadFile(cldrPath)
		if err == nil {
			err = writeFileAtomic(dst, raw)
		}
		if err != nil {
			return errors.Errorf("captions: cannot copy %s to %s (%v); check the folder's permissions", cldrPath, dst, err)
		}
		fmt.Fprintf(log, "CLDR annotations: copied %s to %s\n", cldrPath, dst)
	}
	if fluent {
		if err := fetchFluent(dir, log); err != nil {
			return err
		}
	}
	s, err := SummarizeEmoji(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "emoji in %s: %d base emoji (%d with CLDR keywords), %d images with the skin-tone variants: "+
		"train %d (%d emoji), test %d (%d emoji); %d categories\n", dir, s.Base, s.Keyworded, s.Images, s.Train,
		s.TrainBase, s.Test, s.TestBase, len(s.Categories))
	if s.Fluent > 0 {
		fmt.Fprintf(log, "fluent: %d WebP files, %d of the images (train %d, test %d)\n", s.Fluent, s.FluentMatched,
			s.FluentTrain, s.FluentTest)
	}
	return nil
}

// checkEmojiImages checks that every image emoji.json lists is in dir with a 64×64 PNG header, and counts them.
func checkEmojiImages(dir string) (int, error) {
	raw, err := os.ReadFile(filepath.Join(dir, emojiJSON))
	if err != nil {
		return 0, err
	}
	var entries []emojiEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return 0, errors.Wrapf(err, "%s", emojiJSON)
	}
	n := 0
	check := func(name string) error {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(emojiImages), name))
		if err != nil {
			return err
		}
		defer f.Close()
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			return errors.Wrapf(err, "%s", name)
		}
		if cfg.Width != EmojiSourceSide || cfg.Height != EmojiSourceSide {
			return errors.Errorf("%s is %dx%d, not %dx%d", name, cfg.Width, cfg.Height, EmojiSourceSide, EmojiSourceSide)
		}
		n++
		return nil
	}
	for _, e := range entries {
		if e.HasImageGoogle {
			if err := check(e.Image); err != nil {
				return 0, err
			}
		}
		for _, v := range e.SkinVariations {
			if v.HasImageGoogle {
				if err := check(v.Image); err != nil {
					return 0, err
				}
			}
		}
	}
	if n == 0 {
		return 0, errors.Errorf("%s lists no images", emojiJSON)
	}
	return n, nil
}

// tarballName is the file `npm pack spec` writes: "emoji-datasource-google-16.0.0.tgz",
// "lobehub-fluent-emoji-3d-1.1.0.tgz".
func tarballName(spec string) string {
	at := strings.LastIndexByte(spec, '@')
	name, version := spec[:at], spec[at+1:]
	name = strings.ReplaceAll(strings.TrimPrefix(name, "@"), "/", "-")
	return name + "-" + version + ".tgz"
}

// npmPack returns dir's tarball of spec, running `npm pack spec` in dir when it is not there yet.
func npmPack(dir, spec string, log io.Writer) (string, error) {
	tgz := filepath.Join(dir, tarballName(spec))
	if _, err := os.Stat(tgz); err == nil {
		fmt.Fprintf(log, "%s: using %s\n", spec, tgz)
		return tgz, nil
	}
	self := fmt.Sprintf("`cd %s && npm pack %s`", dir, spec)
	npm, err := exec.LookPath(npmCommand)
	if err != nil {
		return "", errors.Errorf("captions: npm is needed to fetch %s; install npm (apt-get install npm), then run "+
			"`ganbook data fetch emoji` again", spec)
	}
	fmt.Fprintf(log, "%s: running npm pack in %s\n", spec, dir)
	cmd := exec.Command(npm, "pack", spec)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		why := err.Error()
		if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); lines[len(lines)-1] != "" {
			why = strings.TrimSpace(lines[len(lines)-1])
		}
		return "", errors.Errorf("captions: npm could not fetch %s (%s); check the network and run %s, then "+
			"`ganbook data fetch emoji` again", spec, why, self)
	}
	if _, err := os.Stat(tgz); err != nil {
		// npm names the tarball on its last line of output.
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		tgz = filepath.Join(dir, filepath.Base(strings.TrimSpace(lines[len(lines)-1])))
		if _, err := os.Stat(tgz); err != nil || !strings.HasSuffix(tgz, ".tgz") {
			return "", errors.Errorf("captions: npm pack %s wrote no tarball into %s; run %s and look at what it says",
				spec, dir, self)
		}
	}
	return tgz, nil
}

// walkTarball calls keep for every regular file of a .tgz, with its path inside ("package/emoji.json").
func walkTarball(tgz string, keep func(name string, r io.Reader) error) error {
	f, err := os.Open(tgz)
	if err != nil {
		return errors.Errorf("captions: cannot open %s (%v)", tgz, err)
	}
	defer f.Close()
	corrupt := func(err error) error {
		return errors.Errorf("captions: %s is corrupt (%v); delete it and run `ganbook data fetch emoji` again", tgz, err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return corrupt(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return corrupt(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := keep(path.Clean(h.Name), tr); err != nil {
			if errors.Cause(err) == io.ErrUnexpectedEOF {
				return corrupt(err)
			}
			return err
		}
	}
}

// extractEmojiTarball extracts emoji.json, the licence and the 64×64 PNGs of emoji-datasource-google's tarball
// into dir (emoji.json last, so that it is there only when the PNGs are), and counts the PNGs.
func extractEmojiTarball(tgz, dir string) (int, error) {
	images := filepath.Join(dir, filepath.FromSlash(emojiImages))
	if err := os.MkdirAll(images, 0o755); err != nil {
		return 0, errors.Errorf("captions: cannot make %s (%v)", images, err)
	}
	var list []byte
	n := 0
	err := walkTarball(tgz, func(name string, r io.Reader) error {
		var dst string
		switch {
		case name == "package/emoji.json":
			b, err := io.ReadAll(r)
			list = b
			return err
		case name == "package/LICENSE":
			dst = filepath.Join(dir, emojiLicense)
		case path.Dir(name) == "package/"+emojiImages && strings.HasSuffix(name, ".png"):
			dst = filepath.Join(images, path.Base(name))
			n++
		default:
			return nil
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		return writeFileAtomic(dst, b)
	})
	if err != nil {
		return 0, err
	}
	if list == nil {
		return 0, errors.Errorf("captions: %s has no package/emoji.json; is it %s? Delete it and run `ganbook data "+
			"fetch emoji` again", tgz, EmojiPackage)
	}
	if err := writeFileAtomic(filepath.Join(dir, emojiJSON), list); err != nil {
		return 0, err
	}
	return n, nil
}

// fetchFluent puts FluentPackage's WebP files into dir/fluent/, made in a temporary folder and renamed, so
// that dir/fluent/ is there only when complete.
func fetchFluent(dir string, log io.Writer) error {
	final := filepath.Join(dir, fluentDir)
	if entries, err := os.ReadDir(final); err == nil && len(entries) > 0 {
		fmt.Fprintf(log, "%s: already in %s (%d files)\n", FluentPackage, final, len(entries))
		return nil
	}
	tgz, err := npmPack(dir, FluentPackage, log)
	if err != nil {
		return err
	}
	partial := final + ".partial"
	if err := os.RemoveAll(partial); err != nil {
		return errors.Errorf("captions: cannot delete %s (%v); delete it yourself", partial, err)
	}
	if err := os.MkdirAll(partial, 0o755); err != nil {
		return errors.Errorf("captions: cannot make %s (%v)", partial, err)
	}
	n := 0
	err = walkTarball(tgz, func(name string, r io.Reader) error {
		var dst string
		switch {
		case strings.HasSuffix(name, ".webp") && strings.HasPrefix(name, "package/"):
			dst = filepath.Join(partial, path.Base(name))
			n++
		case name == "package/LICENSE":
			dst = filepath.Join(partial, "LICENSE")
		default:
			return nil
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.Errorf("captions: %s holds no WebP files; is it %s? Delete it and run `ganbook data fetch "+
			"emoji --fluent` again", tgz, FluentPackage)
	}
	os.RemoveAll(final) // an empty folder
	if err := os.Rename(partial, final); err != nil {
		return errors.Errorf("captions: cannot rename %s to %s (%v)", partial, final, err)
	}
	if err := os.Remove(tgz); err != nil {
		return errors.Errorf("captions: cannot delete %s (%v); delete it yourself", tgz, err)
	}
	fmt.Fprintf(log, "%s: extracted %d WebP files into %s, deleted %s\n", FluentPackage, n, final, filepath.Base(tgz))
	return nil
}

// writeFileAtomic writes a file through a temporary one renamed into place, so that it is whole or absent.
func writeFileAtomic(file string, b []byte) error {
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return errors.Errorf("captions: cannot write %s (%v); check the folder's permissions", tmp, err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return errors.Errorf("captions: cannot rename %s (%v)", tmp, err)
	}
	return nil
}
