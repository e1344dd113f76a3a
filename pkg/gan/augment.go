// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"slices"
	"strings"

	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // augmentation formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"
)

// The transformations of DiffAugment, as Config.DiffAugment names them (comma-separated, applied in this order).
const (
	AugmentColor       = "color"
	AugmentTranslation = "translation"
	AugmentCutout      = "cutout"
)

// AugmentPolicies lists the transformations DiffAugment knows.
var AugmentPolicies = []string{AugmentColor, AugmentTranslation, AugmentCutout}

// ParseAugment splits a DiffAugment policy ("color,translation,cutout"; "" for none) into its transformations,
// and refuses an unknown or repeated one.
func ParseAugment(policy string) ([]string, error) {
	if strings.TrimSpace(policy) == "" {
		return nil, nil
	}
	var out []string
	for _, p := range strings.Split(policy, ",") {
		p = strings.TrimSpace(p)
		if !slices.Contains(AugmentPolicies, p) {
			return nil, errors.Errorf("unknown DiffAugment transformation %q: use a comma-separated list of %s",
				excerpt(p, 40), strings.Join(AugmentPolicies, ", "))
		}
		if slices.Contains(out, p) {
			return nil, errors.Errorf("DiffAugment transformation %q is listed twice", p)
		}
		out = append(out, p)
	}
	return out, nil
}

// DiffAugment applies the differentiable augmentations of Zhao et al. 2020 ("Differentiable Augmentation for
// Data-Efficient GAN Training", arXiv 2006.10738, section 3 and their reference code) to a batch of images x
// [B, H, W, C] in [-1, 1], each image drawn its own transformation from the scope's random numbers:
//
//   - color: brightness x + (r − ½), saturation (x − x̄_c)·2r + x̄_c with x̄_c the pixel's mean over the channels,
//     contrast (x − x̄)·(r + ½) + x̄ with x̄ the image's mean; r ~ U[0, 1) each time;
//   - translation: a shift of up to ⅛ of the side along each axis (whole pixels), the vacated border zero;
//   - cutout: a square of half the side, centred at a uniformly drawn pixel (clipped at the border), set to zero.
//
// Every step is a product or a sum with x, so the gradient reaches x: the core applies the same T to the real
// and the generated images on every evaluation of D, and G's loss is D(T(G(z))), which G's gradient passes
// through. Augmenting only the reals would teach G to draw augmented images (the paper's figure 3); augmenting
// both keeps T out of what G learns, since T is the same for both and D never sees an image without it.
func DiffAugment(scope *model.Scope, x *Node, policy []string) *Node {
	if x.Rank() != 4 {
		exceptions.Panicf("gan: DiffAugment needs images [B, H, W, C], got %s", x.Shape())
	}
	for _, p := range policy {
		switch p {
		case AugmentColor:
			x = augmentColor(scope, x)
		case AugmentTranslation:
			x = augmentTranslation(scope, x, 0.125)
		case AugmentCutout:
			x = augmentCutout(scope, x, 0.5)
		default:
			exceptions.Panicf("gan: unknown DiffAugment transformation %q", p)
		}
	}
	return x
}

// perImage draws one U[0, 1) number per image, shaped [B, 1, 1, 1].
func perImage(scope *model.Scope, x *Node) *Node {
	b := x.Shape().Dimensions[0]
	return scope.RandomUniform(x.Graph(), shapes.Make(x.DType(), b, 1, 1, 1))
}

func augmentColor(scope *model.Scope, x *Node) *Node {
	x = Add(x, AddScalar(perImage(scope, x), -0.5)) // brightness
	mean := ReduceAndKeep(x, ReduceMean, -1)
	x = Add(Mul(Sub(x, mean), MulScalar(perImage(scope, x), 2)), mean) // saturation
	mean = ReduceAndKeep(x, ReduceMean, 1, 2, 3)
	return Add(Mul(Sub(x, mean), AddScalar(perImage(scope, x), 0.5)), mean) // contrast
}

// randomShift draws, per image, a whole shift in [−max, max].
func randomShift(scope *model.Scope, g *Graph, b, maxShift int) *Node {
	return AddScalar(scope.RandomIntN(g, int32(2*maxShift+1), shapes.Make(dtypes.Int32, b)), float64(-maxShift))
}

func augmentTranslation(scope *model.Scope, x *Node, ratio float64) *Node {
	d := x.Shape().Dimensions // [B, H, W, C]
	b, h, w := d[0], d[1], d[2]
	g := x.Graph()
	return nn.Shift(x, randomShift(scope, g, b, int(float64(h)*ratio+0.5)), randomShift(scope, g, b, int(float64(w)*ratio+0.5)))
}

// inRange marks, along an axis of length n, the size positions from start [B] (int32, may be negative) on:
// [B, n], true inside.
func inRange(start *Node, size, n int) *Node {
	g := start.Graph()
	b := start.Shape().Dimensions[0]
	i := Iota(g, shapes.Make(dtypes.Int32, b, n), 1)
	s := BroadcastToDims(Reshape(start, b, 1), b, n)
	return And(GreaterOrEqual(i, s), LessThan(i, AddScalar(s, float64(size))))
}

func augmentCutout(scope *model.Scope, x *Node, ratio float64) *Node {
	d := x.Shape().Dimensions
	b, h, w := d[0], d[1], d[2]
	g := x.Graph()
	sh, sw := int(float64(h)*ratio+0.5), int(float64(w)*ratio+0.5)
	// The square's centre is uniform over the pixels (over one more for an even side, as the reference code).
	cy := scope.RandomIntN(g, int32(h+(1-sh%2)), shapes.Make(dtypes.Int32, b))
	cx := scope.RandomIntN(g, int32(w+(1-sw%2)), shapes.Make(dtypes.Int32, b))
	rows := inRange(AddScalar(cy, float64(-sh/2)), sh, h) // [B, H]
	cols := inRange(AddScalar(cx, float64(-sw/2)), sw, w) // [B, W]
	inside := And(BroadcastToDims(Reshape(rows, b, h, 1), b, h, w), BroadcastToDims(Reshape(cols, b, 1, w), b, h, w))
	keep := ConvertDType(LogicalNot(inside), x.DType()) // [B, H, W]
	return Mul(x, Reshape(keep, b, h, w, 1))
}

// excerpt is s cut to at most n bytes (on a rune boundary), with "…" where it was cut: what an error echoes of
// a value it refuses.
func excerpt(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }
