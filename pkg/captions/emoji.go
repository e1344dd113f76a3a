// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/pkg/errors"
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
