// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package textenc

import (
	"math/rand/v2"
	"sort"

	"github.com/ganbook/ganbook/pkg/captions"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // graph code reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// EmbedBatch is the batch the embedding graphs run at (padded), so each compiles once.
const EmbedBatch = 100

// EmbedBatches runs exec, an embedding graph from one input of EmbedBatch items to rows [EmbedBatch, dim], over
// n items, EmbedBatch at a time: input makes the chunk holding items first to first+m-1 (padded). It returns
// the n rows.
func EmbedBatches(exec *model.Exec, n, dim int, input func(first, m int) *tensors.Tensor) ([][]float32, error) {
	out := make([][]float32, 0, n)
	for first := 0; first < n; first += EmbedBatch {
		m := min(EmbedBatch, n-first)
		in := input(first, m)
		res, err := exec.Call(in)
		in.MustFinalizeAll()
		if err != nil {
			return nil, errors.WithMessage(err, "textenc: embedding")
		}
		flat := tensors.MustCopyFlatData[float32](res[0])
		res[0].MustFinalizeAll()
		for i := range m {
			out = append(out, flat[i*dim:(i+1)*dim])
		}
	}
	return out, nil
}

// CodesChunk is captions first to first+m-1 of codes (flat, maxLen each) as an input of EmbedBatch captions,
// the rest padding.
func CodesChunk(codes []int32, maxLen, first, m int) *tensors.Tensor {
	chunk := make([]int32, EmbedBatch*maxLen)
	copy(chunk, codes[first*maxLen:(first+m)*maxLen])
	return tensors.FromFlatDataAndDimensions(chunk, EmbedBatch, maxLen)
}

// EmbedCodes is the embeddings [n][Embed] of n captions' codes (flat, n·MaxLen) by the text network in scope
// (ScopeText, or ScopeBagText for the baseline).
func (e *Encoder) EmbedCodes(scope string, codes []int32, n int) ([][]float32, error) {
	l := e.Config.MaxLen
	if len(codes) != n*l {
		return nil, errors.Errorf("textenc: %d codes for %d captions of %d", len(codes), n, l)
	}
	return e.run(scope, n, func(first, m int) *tensors.Tensor { return CodesChunk(codes, l, first, m) })
}

// Embed is the char-CNN-RNN's embeddings of captions, with Encode's errors for bad text.
func (e *Encoder) Embed(captions []string) ([][]float32, error) {
	codes, err := EncodeAll(captions, e.Config.MaxLen)
	if err != nil {
		return nil, err
	}
	return e.EmbedCodes(ScopeText, codes, len(captions))
}

// EmbedImages is the embeddings of n images (flat [n, H, W, C] in [-1, 1]) by the image network in scope
// (ScopeImage or ScopeBagImage).
func (e *Encoder) EmbedImages(scope string, images []float32, n int) ([][]float32, error) {
	size := e.Config.Height * e.Config.Width * e.Config.Channels
	if len(images) != n*size {
		return nil, errors.Errorf("textenc: %d values for %d images of %d", len(images), n, size)
	}
	return e.run(scope, n, func(first, m int) *tensors.Tensor {
		chunk := make([]float32, EmbedBatch*size)
		copy(chunk, images[first*size:(first+m)*size])
		return tensors.FromFlatDataAndDimensions(chunk, EmbedBatch, e.Config.Height, e.Config.Width, e.Config.Channels)
	})
}

func (e *Encoder) run(scope string, n int, input func(first, m int) *tensors.Tensor) ([][]float32, error) {
	exec, ok := e.embed[scope]
	if !ok {
		net := &e.Config.Networks
		var err error
		exec, err = model.NewExec(e.Backend, e.Store, func(root *model.Scope, x *Node) *Node {
			s := root.In("%s", scope)
			switch scope {
			case ScopeText:
				return Text(s, net, x)
			case ScopeBagText:
				return Bag(s, net, x)
			default:
				return Image(s, net, x)
			}
		})
		if err != nil {
			return nil, err
		}
		e.embed[scope] = exec
	}
	return EmbedBatches(exec, n, e.Config.Embed, input)
}

// Recall is retrieval at ranks 1 and 5 in both directions.
type Recall struct {
	CaptionToImageR1 float64 `json:"caption_to_image_r1"`
	CaptionToImageR5 float64 `json:"caption_to_image_r5"`
	ImageToCaptionR1 float64 `json:"image_to_caption_r1"`
	ImageToCaptionR5 float64 `json:"image_to_caption_r5"`
}

// RetrievalResult is Retrieval's: the char-CNN-RNN and the bag-of-characters baseline on the same queries.
type RetrievalResult struct {
	Dataset    string `json:"dataset"`
	Queries    int    `json:"queries"`
	Candidates int    `json:"candidates"`
	Steps      int64  `json:"steps"`
	CharCNNRNN Recall `json:"char_cnn_rnn"`
	Bag        Recall `json:"bag_of_characters"`
}

// Retrieval measures the encoder on the test split: for each of queries test images, its caption (variant 0)
// against 100 candidate images (its own and 99 that the caption does not describe: Captioned.Mismatch, drawn
// from a pool of 2,000 test images with seed), and its image against those images' captions. R@k is the share
// of queries whose own candidate ranks in the top k (ties count against it). The baseline runs on the same
// queries and candidates.
func Retrieval(e *Encoder, queries int, seed uint64) (RetrievalResult, error) {
	set, err := captions.Open(e.Config.Dataset, "test")
	if err != nil {
		return RetrievalResult{}, err
	}
	const candidates = 100
	images := set.Images()
	rng := rand.New(rand.NewPCG(seed, 0x72657472))
	pool := rng.Perm(images.N)[:min(images.N, 2000)]
	queries = min(queries, len(pool))
	capts := make([]string, len(pool))
	for p, i := range pool {
		capts[p] = set.Caption(i, 0)
	}
	codes, err := EncodeAll(capts, e.Config.MaxLen)
	if err != nil {
		return RetrievalResult{}, err
	}
	pixels := images.ImagesFloat(pool)
	// The candidates of every query: itself first, then 99 pool images it does not match.
	cands := make([][]int, queries)
	for q := range queries {
		cands[q] = []int{q}
		for _, p := range rng.Perm(len(pool)) {
			if len(cands[q]) == candidates {
				break
			}
			if p != q && set.Mismatch(pool[q], pool[p]) && set.Mismatch(pool[p], pool[q]) {
				cands[q] = append(cands[q], p)
			}
		}
		if len(cands[q]) < candidates {
			return RetrievalResult{}, errors.Errorf("textenc: the %s test split has too few images unlike image %d for 100 candidates", e.Config.Dataset, pool[q])
		}
	}
	measure := func(textScope, imageScope string) (Recall, error) {
		txt, err := e.EmbedCodes(textScope, codes, len(pool))
		if err != nil {
			return Recall{}, err
		}
		img, err := e.EmbedImages(imageScope, pixels, len(pool))
		if err != nil {
			return Recall{}, err
		}
		var r Recall
		for q := range queries {
			own := dot(txt[q], img[q])
			c2i := 0 // candidates scoring at least as well as the right one, for the caption
			i2c := 0
			for _, p := range cands[q][1:] {
				if dot(txt[q], img[p]) >= own {
					c2i++
				}
				if dot(img[q], txt[p]) >= own {
					i2c++
				}
			}
			r.CaptionToImageR1 += b2f(c2i < 1)
			r.CaptionToImageR5 += b2f(c2i < 5)
			r.ImageToCaptionR1 += b2f(i2c < 1)
			r.ImageToCaptionR5 += b2f(i2c < 5)
		}
		f := 1 / float64(queries)
		r.CaptionToImageR1 *= f
		r.CaptionToImageR5 *= f
		r.ImageToCaptionR1 *= f
		r.ImageToCaptionR5 *= f
		return r, nil
	}
	res := RetrievalResult{Dataset: e.Config.Dataset, Queries: queries, Candidates: candidates, Steps: e.GlobalStep()}
	if res.CharCNNRNN, err = measure(ScopeText, ScopeImage); err != nil {
		return res, err
	}
	res.Bag, err = measure(ScopeBagText, ScopeBagImage)
	return res, err
}

func dot(a, b []float32) float64 {
	var s float64
	for i := range a {
		s += float64(a[i]) * float64(b[i])
	}
	return s
}

func b2f(b bool) float64 {
	if b {
		return 1
	}
	return 0
}

// Nearest is the k of n images (flat, [-1, 1]) whose embedding by the image encoder θ is nearest to the caption's
// (the highest inner product), nearest first: the retrieval a search box does.
func (e *Encoder) Nearest(caption string, images []float32, n, k int) ([]int, error) {
	q, err := e.Embed([]string{caption})
	if err != nil {
		return nil, err
	}
	img, err := e.EmbedImages(ScopeImage, images, n)
	if err != nil {
		return nil, err
	}
	scores := make([]float64, n)
	order := make([]int, n)
	for i, v := range img {
		order[i] = i
		for j := range v {
			scores[i] += float64(v[j] * q[0][j])
		}
	}
	sort.SliceStable(order, func(a, b int) bool { return scores[order[a]] > scores[order[b]] })
	return order[:min(k, n)], nil
}
