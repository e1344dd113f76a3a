// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"math/rand/v2"
	"slices"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/eval"
)

// EmojiJudge is what pkg/eval's emoji category classifier (trained on the train split's emoji alone; the test
// split's emoji are ones it never saw) says of samples drawn for the test captions, beside the same measures on
// the real test images behind those captions.
type EmojiJudge struct {
	Judge  string `json:"judge"`  // where its weights come from
	SHA256 string `json:"sha256"` // of its weights file
	// HeldOutAccuracy is its accuracy on all the real test emoji: what it gets right itself.
	HeldOutAccuracy float64 `json:"held_out_accuracy"`
	// Category is the share of the samples it puts in the category of the emoji their caption describes;
	// RealCategory the same for the real images behind those captions. People & Body is 63% of the test
	// images (279 of 440, with the skin tones), so a G that always draws a face-coloured blob scores 63% here:
	// Balanced, the mean over the categories of that share (each category counts once), is the figure to
	// compare.
	Category             float64 `json:"category"`
	RealCategory         float64 `json:"real_category"`
	CategoryBalanced     float64 `json:"category_balanced"`
	RealCategoryBalanced float64 `json:"real_category_balanced"`
	// Frechet and KID compare its features of the samples with those of the real test images behind their
	// captions. RealKID is the KID between two halves of those real images: the floor (KID, unlike the Fréchet
	// distance, has no bias with the number of images, so halves compare with the whole; training images are no
	// floor, the judge having learnt their features).
	Frechet float64 `json:"frechet_distance"`
	KID     float64 `json:"kid"`
	RealKID float64 `json:"real_kid"`
	// Hue is, among the captions that name a colour (HueN of them), the share of samples whose dominant colours
	// (captions.DominantColours) include one it names; RealHue the same for the real images.
	Hue     float64 `json:"hue"`
	RealHue float64 `json:"real_hue"`
	HueN    int     `json:"hue_n"`
}

// judgeEmoji measures samples with the emoji judge (EmojiJudge).
func judgeEmoji(o EvalOptions, test captions.Captioned, idx []int, capts []string, samples, real []float32, rng *rand.Rand) (*EmojiJudge, error) {
	clf, err := eval.LoadClassifier(o.Backend, "emoji")
	if err != nil {
		return nil, err
	}
	set := test.Images()
	acc, err := clf.Accuracy(set)
	if err != nil {
		return nil, err
	}
	j := &EmojiJudge{Judge: clf.Source(), SHA256: clf.Digest(), HeldOutAccuracy: acc}
	n := len(idx)
	ps, fs, err := clf.Predict(samples, n)
	if err != nil {
		return nil, err
	}
	pr, fr, err := clf.Predict(real, n)
	if err != nil {
		return nil, err
	}
	classes := clf.Classes()
	hits, realHits, count := make([]float64, classes), make([]float64, classes), make([]float64, classes)
	for k, i := range idx {
		want := int(set.Labels[i])
		hits[want] += b2f(eval.Argmax(ps[k]) == want)
		realHits[want] += b2f(eval.Argmax(pr[k]) == want)
		count[want]++
		j.Category += b2f(eval.Argmax(ps[k]) == want) / float64(n)
		j.RealCategory += b2f(eval.Argmax(pr[k]) == want) / float64(n)
	}
	present := 0.0
	for c := range classes {
		if count[c] > 0 {
			present++
			j.CategoryBalanced += hits[c] / count[c]
			j.RealCategoryBalanced += realHits[c] / count[c]
		}
	}
	j.CategoryBalanced /= present
	j.RealCategoryBalanced /= present
	if j.Frechet, err = eval.FrechetDistance(fs, fr); err != nil {
		return nil, err
	}
	if j.KID, err = eval.KernelDistance(fs, fr); err != nil {
		return nil, err
	}
	half := rng.Perm(n)
	var a, b [][]float64
	for k, i := range half {
		if k < n/2 {
			a = append(a, fr[i])
		} else {
			b = append(b, fr[i])
		}
	}
	if j.RealKID, err = eval.KernelDistance(a, b); err != nil {
		return nil, err
	}
	size := set.Height * set.Width * set.Channels
	shows := func(image []float32, words []string) bool {
		rgb := make([]uint8, size)
		for p, v := range image {
			rgb[p] = uint8(min(max((v+1)*127.5+0.5, 0), 255))
		}
		for _, c := range captions.DominantColours(rgb, set.Height) {
			if slices.Contains(words, c) {
				return true
			}
		}
		return false
	}
	for k, c := range capts {
		words := captions.ColourWords(c)
		if len(words) == 0 {
			continue
		}
		j.HueN++
		j.Hue += b2f(shows(samples[k*size:(k+1)*size], words))
		j.RealHue += b2f(shows(real[k*size:(k+1)*size], words))
	}
	if j.HueN > 0 {
		j.Hue /= float64(j.HueN)
		j.RealHue /= float64(j.HueN)
	}
	return j, nil
}
