// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package textenc

import (
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/layers"
	"github.com/gomlx/gomlx/ml/layers/activation"
	"github.com/gomlx/gomlx/ml/layers/lstm"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"
)

// Scopes of an encoder run's networks.
const (
	ScopeText     = "text"      // the char-CNN-RNN φ
	ScopeImage    = "image"     // its image encoder θ
	ScopeBagText  = "bag_text"  // the bag-of-characters baseline
	ScopeBagImage = "bag_image" // the baseline's image encoder
)

// Networks are the encoders' sizes. The paper's char-CNN-RNN reads 201 characters with convolutions of 384,
// 512 and 256 channels and an RNN of 512 units into 1024 dimensions; these are scaled to captions of tens of
// characters and a CPU.
type Networks struct {
	MaxLen        int   `json:"max_len"`        // characters read (longer captions are an error): 80
	TextChannels  []int `json:"text_channels"`  // channels of the 1-D convolutions (kernel 4), each followed by a max-pool of 3: 64, 128
	TextHidden    int   `json:"text_hidden"`    // LSTM units: 128
	Embed         int   `json:"embed"`          // the joint embedding: 128
	ImageChannels []int `json:"image_channels"` // image encoder: stride-2 convolutions (kernel 4, LeakyReLU): 32, 64, 128

	Height   int `json:"height"` // the images the image encoder reads
	Width    int `json:"width"`
	Channels int `json:"channels"`
}

// DefaultNetworks are the sizes for captions of up to 80 characters and 32×32 RGB images.
func DefaultNetworks() Networks {
	return Networks{MaxLen: 80, TextChannels: []int{64, 128}, TextHidden: 128, Embed: 128, ImageChannels: []int{32, 64, 128},
		Height: 32, Width: 32, Channels: 3}
}

// Steps is the length of the sequence the LSTM reads: MaxLen pooled by 3 once per convolution, rounding up.
func (n *Networks) Steps() int {
	s := n.MaxLen
	for range n.TextChannels {
		s = (s + 2) / 3
	}
	return s
}

// Validate reports the first bad size.
func (n *Networks) Validate() error {
	switch {
	case n.MaxLen < 1 || n.MaxLen > 1024:
		return errors.Errorf("textenc: max_len %d must be in 1..1024", n.MaxLen)
	case len(n.TextChannels) == 0 || len(n.TextChannels) > 4:
		return errors.Errorf("textenc: text_channels has %d layers; give 1 to 4", len(n.TextChannels))
	case n.TextHidden < 1 || n.TextHidden > 4096 || n.Embed < 2 || n.Embed > 4096:
		return errors.Errorf("textenc: text_hidden %d and embed %d must be in 1..4096 (embed at least 2)", n.TextHidden, n.Embed)
	case len(n.ImageChannels) == 0 || n.Height < 4 || n.Width < 4 || n.Channels < 1 || n.Height > 1024 || n.Width > 1024 || n.Channels > 4:
		return errors.Errorf("textenc: the image encoder needs channels and an image of 4..1024 pixels a side, 1..4 channels (got %v, %dx%dx%d)",
			n.ImageChannels, n.Height, n.Width, n.Channels)
	}
	for _, c := range append(append([]int(nil), n.TextChannels...), n.ImageChannels...) {
		if c < 1 || c > 4096 {
			return errors.Errorf("textenc: a layer of %d channels: give 1..4096", c)
		}
	}
	return nil
}

// Text is the char-CNN-RNN φ: codes [B, MaxLen] (int32, Encode's) → unit embeddings [B, Embed].
func Text(scope *model.Scope, n *Networks, codes *Node) *Node {
	if codes.Rank() != 2 || codes.Shape().Dimensions[1] != n.MaxLen || !codes.DType().IsInt() {
		exceptions.Panicf("textenc: Text needs codes [batch, %d] of integers, got %s", n.MaxLen, codes.Shape())
	}
	x := OneHot(codes, Codes, dtypes.Float32) // [B, L, Codes]; code 0 (padding) keeps its own column
	for i, ch := range n.TextChannels {
		x = activation.Relu(conv1D(scope.In("conv%d", i+1), x, ch, 4))
		x = maxPool1D(x, 3)
	}
	all, _, _ := lstm.New(scope.In("lstm"), x, n.TextHidden).Done() // [S, 1, B, H]
	h := ReduceMean(Reshape(all, all.Shape().Dimensions[0], all.Shape().Dimensions[2], n.TextHidden), 0)
	return Normalize(layers.Dense(scope.In("embed"), h, true, n.Embed))
}

// Bag is the bag-of-characters baseline: the counts of each character (divided by MaxLen) → a dense layer of
// 256 units (ReLU) → the embedding, of unit length. It sees which characters a caption has, not their order.
func Bag(scope *model.Scope, n *Networks, codes *Node) *Node {
	counts := ReduceSum(OneHot(codes, Codes, dtypes.Float32), 1) // [B, Codes]
	counts = DivScalar(counts, float64(n.MaxLen))
	h := activation.Relu(layers.Dense(scope.In("hidden"), counts, true, 256))
	return Normalize(layers.Dense(scope.In("embed"), h, true, n.Embed))
}

// Image is the image encoder θ: images [B, H, W, C] in [-1, 1] → unit embeddings [B, Embed].
func Image(scope *model.Scope, n *Networks, images *Node) *Node {
	x := images
	for i, ch := range n.ImageChannels {
		x = nn.LeakyReLU(nn.Conv2D(scope.In("conv%d", i+1), x, ch).Kernel(4).Stride(2).PadSame().Done(), 0.2)
	}
	b := x.Shape().Dimensions[0]
	return Normalize(layers.Dense(scope.In("embed"), Reshape(x, b, -1), true, n.Embed))
}

// Normalize scales each row of x [B, E] to unit length.
func Normalize(x *Node) *Node {
	norm := Sqrt(AddScalar(ReduceSum(Square(x), -1), 1e-12))
	return Div(x, InsertAxes(norm, -1))
}

// conv1D is a 1-D convolution of x [B, L, C] with a kernel of k characters and "same" padding (k-1 split as
// PyTorch and TensorFlow do: the extra one on the right), as one matrix product over the k shifted copies.
func conv1D(scope *model.Scope, x *Node, channels, k int) *Node {
	d := x.Shape().Dimensions
	b, l, c := d[0], d[1], d[2]
	left := (k - 1) / 2
	padded := Pad(x, ScalarZero(x.Graph(), x.DType()), PadAxis{}, PadAxis{Start: left, End: k - 1 - left}, PadAxis{})
	shifted := make([]*Node, k)
	for s := range k {
		shifted[s] = Slice(padded, AxisRange(), AxisRange(s, s+l), AxisRange())
	}
	cols := Reshape(Concatenate(shifted, -1), b*l, k*c)
	w := scope.VariableWithShape("weights", shapes.Make(x.DType(), k*c, channels)).NodeValue(x.Graph())
	bias := scope.VariableWithShape("biases", shapes.Make(x.DType(), channels)).NodeValue(x.Graph())
	return Reshape(Add(MatMul(cols, w), ExpandLeftToRank(bias, 2)), b, l, channels)
}

// maxPool1D is the maximum over windows of w steps of x [B, L, C] (L padded up to a multiple of w with the
// smallest value the window holds: x ≥ 0 after ReLU, so zeros).
func maxPool1D(x *Node, w int) *Node {
	d := x.Shape().Dimensions
	b, l, c := d[0], d[1], d[2]
	if extra := (w - l%w) % w; extra > 0 {
		x = Pad(x, ScalarZero(x.Graph(), x.DType()), PadAxis{}, PadAxis{End: extra}, PadAxis{})
		l += extra
	}
	return ReduceMax(Reshape(x, b, l/w, w, c), 2)
}

// SJELoss is DS-SJE's symmetric hinge for image embeddings v [B, E], text embeddings t [B, E] (row i of each
// from the same example) and mismatch [B, B] (1 where text j does not describe image i, else 0): for every image,
// the mean violation [margin + F(v_i, t_j) − F(v_i, t_i)]₊ over its mismatched texts, and for every text the mean
// [margin + F(v_i, t_j) − F(v_j, t_j)]₊ over its mismatched images, each averaged over the batch and summed.
// Pairs that match (mismatch 0, the diagonal among them) never count as negatives.
//
// The paper's structured loss takes the worst negative (a max) where this takes their mean: from random
// weights the max has the trivial minimum of every embedding alike (loss 2·margin), which the mean leaves at
// once (measured here: 100 steps on capmnist stayed at 0.400 with the max).
func SJELoss(v, t, mismatch *Node, margin float64) *Node {
	scores := MatMul(v, Transpose(t, 0, 1)) // F[i, j] = θ(v_i)·φ(t_j)
	diag := ReduceSum(Mul(v, t), -1)        // F[i, i]
	hinge := func(x *Node) *Node { return Mul(activation.Relu(x), mismatch) }
	textRank := hinge(Sub(AddScalar(scores, margin), InsertAxes(diag, -1))) // for image i, text j against its own
	imageRank := hinge(Sub(AddScalar(scores, margin), InsertAxes(diag, 0))) // for text j, image i against its own
	count := func(axis int) *Node { return Max(ReduceSum(mismatch, axis), OnesLike(ReduceSum(mismatch, axis))) }
	return Add(ReduceAllMean(Div(ReduceSum(textRank, 1), count(1))), ReduceAllMean(Div(ReduceSum(imageRank, 0), count(0))))
}
