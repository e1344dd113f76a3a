// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"fmt"
	"strconv"
	"strings"
	"sync"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/pkg/errors"
)

// Captioned is a split of images with captions: what the text encoder and the text-to-image families train on.
type Captioned interface {
	// Images are the split's images ([N, H, W, C], 0..255) with a label each (capmnist: the digit; emoji: the
	// category).
	Images() *data.Set
	// Caption is caption number variant (0, 1, 2, ...) of image i: the same arguments give the same caption.
	Caption(i, variant int) string
	// Mismatch reports whether no caption of image j describes image i: a wrong text for GAN-CLS, a negative
	// for the encoder's loss (capmnist: another digit or another colour).
	Mismatch(i, j int) bool
}

// Sides are the image sides of the captioned datasets.
var Sides = map[string]int{"capmnist": Side, "capmnist8": 8, "capmnist16": 16, "capmnist64": 64, "emoji": 32, "emoji16": 16, "emoji64": 64,
	"emoji-fluent32": 32, "emoji-fluent64": 64, "emoji-fluent128": 128, "emoji-fluent256": 256}

// Base is the dataset a resized one was made from, whose side the evaluators (pkg/eval's classifier, the
// evaluation encoders) read: capmnist for capmnist16 and capmnist64, emoji for emoji16 and emoji64,
// emoji-fluent32 for the larger Fluent sets.
func Base(name string) string {
	switch {
	case strings.HasPrefix(name, "capmnist"):
		return "capmnist"
	case strings.HasPrefix(name, "emoji-fluent"):
		return "emoji-fluent32"
	case strings.HasPrefix(name, "emoji"):
		return "emoji"
	}
	return name
}

// AtSide is the captioned dataset holding name's images at side×side (capmnist16 at 64: capmnist64; emoji16 at
// 32: emoji), if there is one.
func AtSide(name string, side int) (string, bool) {
	prefix := strings.TrimRight(name, "0123456789")
	for _, n := range []string{prefix + strconv.Itoa(side), prefix} {
		if s, ok := Sides[n]; ok && s == side {
			return n, true
		}
	}
	return "", false
}

// Seed is the seed of the registered capmnist splits: their colours and captions.
const Seed = 1

// Names are the captioned datasets Open knows.
var Names = []string{"capmnist", "capmnist8", "capmnist16", "capmnist64", "emoji", "emoji16", "emoji64",
	"emoji-fluent32", "emoji-fluent64", "emoji-fluent128", "emoji-fluent256"}

var (
	openMu sync.Mutex
	opened = map[string]Captioned{}
)

// Open returns a split ("train" or "test") of a captioned dataset: "capmnist" (Build from MNIST with Seed),
// "emoji" (32×32), "emoji16" or "emoji64" (16×16, 64×64, see OpenEmoji), or "capmnist16" and "capmnist64",
// capmnist resized (see Resize: StackGAN's two stages; "capmnist8" for tests), or "emoji-fluent32", "-64", "-128" and
// "-256", the 3D Fluent Emoji (OpenFluentEmoji: StackGAN's GPU scale). Splits are made once per process and shared: do not
// change them.
func Open(name, split string) (Captioned, error) {
	if split != "train" && split != "test" {
		return nil, errors.Errorf("captions: unknown split %q of %s; use train or test", split, name)
	}
	openMu.Lock()
	defer openMu.Unlock()
	return openLocked(name, split)
}

func openLocked(name, split string) (Captioned, error) {
	key := name + "/" + split
	if c, ok := opened[key]; ok {
		return c, nil
	}
	var c Captioned
	switch name {
	case "capmnist":
		mnist, err := data.Load("mnist", split)
		if err != nil {
			return nil, err
		}
		s, err := Build(mnist, Seed)
		if err != nil {
			return nil, err
		}
		c = s
	case "capmnist8", "capmnist16", "capmnist64":
		base, err := openLocked("capmnist", split)
		if err != nil {
			return nil, err
		}
		c = Resize(base, name, Sides[name])
	case "emoji-fluent32", "emoji-fluent64", "emoji-fluent128", "emoji-fluent256":
		e, err := OpenFluentEmoji(DefaultEmojiDir(), split, Sides[name])
		if err != nil {
			return nil, err
		}
		c = e
	case "emoji", "emoji16", "emoji64":
		side := Sides[name]
		e, err := OpenEmoji(DefaultEmojiDir(), split, side)
		if err != nil {
			return nil, err
		}
		c = e
	default:
		return nil, errors.Errorf("captions: unknown captioned dataset %q; use one of %v", name, Names)
	}
	opened[key] = c
	return c, nil
}

func init() {
	for _, name := range Names {
		data.Register(name, func(split string) (*data.Set, error) {
			c, err := Open(name, split)
			if err != nil {
				return nil, err
			}
			return c.Images(), nil
		})
	}
}

// Images is the split as a data.Set named "capmnist": 32×32×3 images, the digit as the label.
func (s *Set) Images() *data.Set {
	s.once.Do(func() {
		names := make([]string, 10)
		for d := range names {
			names[d] = fmt.Sprint(d)
		}
		s.set = &data.Set{Name: "capmnist", Split: s.Split, N: s.N, Height: Side, Width: Side, Channels: 3,
			Images: s.Pixels, Labels: s.Digits, ClassNames: names}
	})
	return s.set
}

// Mismatch reports whether images i and j differ in digit or in colour: then no caption of j describes i.
func (s *Set) Mismatch(i, j int) bool {
	return s.Digits[i] != s.Digits[j] || s.Colours[i] != s.Colours[j]
}
