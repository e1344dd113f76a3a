// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package textenc

import (
	"strings"
	"unicode/utf8"

	"github.com/pkg/errors"
)

// Alphabet is the characters a caption may hold: lower-case ASCII letters, digits, space and , . - ' :
// Encode maps upper-case ASCII letters to lower case; anything else is an error. Character k of Alphabet is
// code k+1; 0 pads a caption to the encoder's length.
const Alphabet = "abcdefghijklmnopqrstuvwxyz0123456789 ,.-':"

// Codes is the number of character codes: the Alphabet and the padding.
const Codes = len(Alphabet) + 1

var codeOf = func() [128]int32 {
	var c [128]int32
	for i := range c {
		c[i] = -1
	}
	for i, r := range Alphabet {
		c[r] = int32(i + 1)
	}
	for r := 'A'; r <= 'Z'; r++ {
		c[r] = c[r-'A'+'a']
	}
	return c
}()

// Encode is caption as maxLen character codes, padded with 0. An empty caption (or one of spaces only), one
// longer than maxLen characters, or one with a character outside the Alphabet is an error that says which.
func Encode(caption string, maxLen int) ([]int32, error) {
	if strings.TrimSpace(caption) == "" {
		return nil, errors.New("textenc: the caption is empty: write a few words, e.g. \"a thick red seven\"")
	}
	if !utf8.ValidString(caption) {
		return nil, errors.Errorf("textenc: the caption %q is not valid UTF-8 text", excerpt(caption))
	}
	if n := utf8.RuneCountInString(caption); n > maxLen {
		return nil, errors.Errorf("textenc: the caption %q has %d characters; the encoder reads at most %d: shorten it", excerpt(caption), n, maxLen)
	}
	codes := make([]int32, maxLen)
	pos := 0
	for _, r := range caption {
		if r >= 128 || codeOf[r] < 0 {
			return nil, errors.Errorf("textenc: the caption %q has %q at character %d, which is not in the encoder's alphabet (%s): "+
				"use lower-case letters, digits, spaces and , . - ' :", excerpt(caption), r, pos+1, "a-z 0-9")
		}
		codes[pos] = codeOf[r]
		pos++
	}
	return codes, nil
}

// excerpt is at most the first 60 bytes of a caption (cut on a character), with "…" where it was cut: what an
// error quotes of a caption it refuses (an 8 MB caption is not echoed whole).
func excerpt(caption string) string {
	const n = 60
	if len(caption) <= n {
		return caption
	}
	return strings.ToValidUTF8(caption[:n], "") + "…"
}

// EncodeAll encodes captions into one flat [len(captions)·maxLen] slice, naming the line of the first bad one.
func EncodeAll(captions []string, maxLen int) ([]int32, error) {
	out := make([]int32, 0, len(captions)*maxLen)
	for i, c := range captions {
		codes, err := Encode(c, maxLen)
		if err != nil {
			if len(captions) > 1 {
				return nil, errors.WithMessagef(err, "caption %d", i+1)
			}
			return nil, err
		}
		out = append(out, codes...)
	}
	return out, nil
}

// Decode is the text of codes (padding dropped): Decode(Encode(s)) is s in lower case.
func Decode(codes []int32) string {
	var b strings.Builder
	for _, c := range codes {
		if c > 0 && int(c) <= len(Alphabet) {
			b.WriteByte(Alphabet[c-1])
		}
	}
	return b.String()
}
