// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"fmt"
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

// Seed is the seed of the registered capmnist splits: their colours and captions.
const Seed = 1

// Names are the captioned datasets Open knows.
var Names = []string{"capmnist", "emoji", "emoji64"}

var (
	openMu sync.Mutex
	opened = map[string]Captioned{}
)

// Open returns a split ("train" or "test") of a captioned dataset: "capmnist" (Build from MNIST with Seed),
// "emoji" (32×32) or "emoji64" (64×64, see OpenEmoji). Splits are made once per process and shared: do not
// change them.
func Open(name, split string) (Captioned, error) {
	if split != "train" && split != "test" {
		return nil, errors.Errorf("captions: unknown split %q of %s; use train or test", split, name)
	}
	key := name + "/" + split
	openMu.Lock()
	defer openMu.Unlock()
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
	case "emoji", "emoji64":
		side := 32
		if name == "emoji64" {
			side = 64
		}
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
