// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"math/rand/v2"
	"sort"
	"strings"
)

// The emoji captions: written from an emoji's name, keywords, category and colours.

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
