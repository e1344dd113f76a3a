// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// The emoji list: emoji-datasource's emoji.json and CLDR's keywords, read into one entry per image.

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
