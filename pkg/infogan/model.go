// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"math"

	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// Codes describes InfoGAN's latent codes: categorical codes (uniform over their values) and continuous codes
// (uniform on [-1, 1]), with the weights λ of their information terms.
type Codes struct {
	Categorical []int   `json:"categorical,omitempty"`      // the number of values of each categorical code
	Continuous  int     `json:"continuous,omitempty"`       // the number of continuous codes
	WeightCat   float64 `json:"info_weight_cat,omitempty"`  // λ of the categorical codes' term
	WeightCont  float64 `json:"info_weight_cont,omitempty"` // λ of the continuous codes' term
	QHidden     int     `json:"q_hidden,omitempty"`         // units of Q's hidden layer
	// LearnStd lets Q learn the standard deviation of its Gaussians; false fixes σ = 1, as the authors' code
	// does for MNIST (fix_std), which keeps the continuous term a plain squared error: a learned σ lets Q buy
	// log-likelihood by shrinking σ and G chase it with imperceptible detail.
	LearnStd bool `json:"learn_std,omitempty"`
}

// MNISTCodes are the paper's MNIST codes: one Cat(10), two Unif(-1, 1), λ 1 and 0.1, Q's hidden layer 128.
func MNISTCodes() Codes {
	return Codes{Categorical: []int{10}, Continuous: 2, WeightCat: 1, WeightCont: 0.1, QHidden: 128}
}

// Enabled reports whether there is any code.
func (c Codes) Enabled() bool { return len(c.Categorical) > 0 || c.Continuous > 0 }

// Dim is the width of the code vector fed to the generator: the one-hot categorical codes, then the
// continuous codes.
func (c Codes) Dim() int {
	d := c.Continuous
	for _, k := range c.Categorical {
		d += k
	}
	return d
}

// Entropy is H(c) of the categorical codes in nats, Σ ln K: the ceiling of their L_I.
func (c Codes) Entropy() float64 {
	var h float64
	for _, k := range c.Categorical {
		h += math.Log(float64(k))
	}
	return h
}

// Sample holds a batch of codes drawn in a graph.
type Sample struct {
	Vector     *Node   // [B, Dim()]: the one-hot categorical codes then the continuous ones, for G's input
	Indices    []*Node // [B] int32 per categorical code: the value drawn
	Continuous *Node   // [B, Continuous], or nil
}

// Draw samples a batch of codes from their priors with the store's random-number state: each categorical code
// uniform over its values, each continuous code uniform on [-1, 1].
func (c Codes) Draw(scope *model.Scope, g *Graph, dtype dtypes.DType, batch int) Sample {
	var s Sample
	var parts []*Node
	for _, k := range c.Categorical {
		idx := scope.RandomIntN(g, int32(k), shapes.Make(dtypes.Int32, batch)) // N must be a sized int
		s.Indices = append(s.Indices, idx)
		parts = append(parts, OneHot(idx, k, dtype))
	}
	if c.Continuous > 0 {
		u := scope.RandomUniform(g, shapes.Make(dtype, batch, c.Continuous))
		s.Continuous = AddScalar(MulScalar(u, 2), -1)
		parts = append(parts, s.Continuous)
	}
	s.Vector = Concatenate(parts, -1)
	return s
}

// Vector builds the code vector of given values: indices [B] int32 per categorical code and continuous
// [B, Continuous] (nil when there is none).
func (c Codes) Vector(indices []*Node, continuous *Node, dtype dtypes.DType) *Node {
	if len(indices) != len(c.Categorical) {
		exceptions.Panicf("infogan: %d categorical codes given, the codes have %d", len(indices), len(c.Categorical))
	}
	var parts []*Node
	for i, k := range c.Categorical {
		parts = append(parts, OneHot(indices[i], k, dtype))
	}
	if c.Continuous > 0 {
		parts = append(parts, continuous)
	}
	return Concatenate(parts, -1)
}

// QOutput is what the Q head says of a batch of images.
type QOutput struct {
	Logits []*Node // [B, K] per categorical code: log Q(c_i = k | x) up to a constant
	Mean   *Node   // [B, Continuous]: the Gaussian's mean per continuous code, or nil
	LogStd *Node   // [B, Continuous]: its log standard deviation, clipped to [-5, 2] (0 unless LearnStd)
}

// QHead maps the discriminator's trunk features [B, F] to Q's outputs: one hidden dense layer of QHidden
// units with LeakyReLU(0.2) (the paper's Q: FC 128, BatchNorm, LeakyReLU; BatchNorm is left out here so that Q
// reads real images in the same mode it was trained in), then the categorical logits and the Gaussians.
// Its variables live in scope (the trainer passes D's scope, "q" inside it, so that D's optimizer trains Q).
func (c Codes) QHead(scope *model.Scope, features *Node) QOutput {
	hidden := c.QHidden
	if hidden <= 0 {
		hidden = 128
	}
	h := dense(scope.In("hidden"), features, hidden)
	h = Max(h, MulScalar(h, 0.2)) // LeakyReLU 0.2
	var q QOutput
	for i, k := range c.Categorical {
		q.Logits = append(q.Logits, dense(scope.In("cat%d", i), h, k))
	}
	if c.Continuous > 0 {
		q.Mean = dense(scope.In("mean"), h, c.Continuous)
		if c.LearnStd {
			q.LogStd = ClipScalar(dense(scope.In("log_std"), h, c.Continuous), -5, 2)
		} else {
			q.LogStd = ZerosLike(q.Mean) // σ = 1
		}
	}
	return q
}

// Terms are the pieces of InfoGAN's objective for one batch.
type Terms struct {
	// Loss is what G minimises: -(λ_cat·Σ_i E log Q(c_i|x) + λ_cont·E log Q(c_cont|x)).
	Loss *Node
	// QLoss is what Q (and D's trunk under it) minimises: the same with the same λ, except that a λ of 0 (the
	// ablation: G ignores the codes) is replaced by the default (1 and 0.1), so that Q still learns to read
	// whatever the images say of the codes and L_I measures it (Chen et al. 2016, Figure 1).
	QLoss *Node
	// LogQCat is Σ_i E[log Q(c_i|x)] over the categorical codes (nats, ≤ 0); LowerBound = LogQCat + H(c) is their
	// L_I, at most H(c).
	LogQCat, LowerBound *Node
	// LogQCont is E[log Q(c_cont|x)] of the continuous codes (a log-density, nats), 0 without them.
	LogQCont *Node
}

// Objective computes the InfoGAN terms of a batch generated from the codes s, as Q read it back.
func (c Codes) Objective(q QOutput, s Sample) Terms {
	if len(q.Logits) != len(s.Indices) {
		exceptions.Panicf("infogan: Q has %d categorical heads but %d codes were drawn", len(q.Logits), len(s.Indices))
	}
	var g *Graph
	var dtype dtypes.DType
	if len(q.Logits) > 0 {
		g, dtype = q.Logits[0].Graph(), q.Logits[0].DType()
	} else {
		g, dtype = q.Mean.Graph(), q.Mean.DType()
	}
	zero := ScalarZero(g, dtype)
	t := Terms{LogQCat: zero, LogQCont: zero}
	for i, logits := range q.Logits {
		t.LogQCat = Add(t.LogQCat, CategoricalLogLikelihood(logits, s.Indices[i]))
	}
	if c.Continuous > 0 {
		t.LogQCont = GaussianLogLikelihood(q.Mean, q.LogStd, s.Continuous)
	}
	t.LowerBound = AddScalar(t.LogQCat, c.Entropy())
	t.Loss = Neg(Add(MulScalar(t.LogQCat, c.WeightCat), MulScalar(t.LogQCont, c.WeightCont)))
	qCat, qCont := c.WeightCat, c.WeightCont
	if qCat == 0 {
		qCat = 1
	}
	if qCont == 0 {
		qCont = 0.1
	}
	t.QLoss = Neg(Add(MulScalar(t.LogQCat, qCat), MulScalar(t.LogQCont, qCont)))
	return t
}

// CategoricalLogLikelihood is E_batch[log softmax(logits)[index]]: the mean log-probability Q gives the value
// drawn. logits [B, K], indices [B] int.
func CategoricalLogLikelihood(logits, indices *Node) *Node {
	k := logits.Shape().Dimensions[1]
	logp := LogSoftmax(logits, -1)
	return ReduceAllMean(ReduceSum(Mul(logp, OneHot(indices, k, logits.DType())), -1))
}

// GaussianLogLikelihood is E_batch[Σ_j log N(c_j; μ_j, σ_j²)] with σ = exp(logStd):
//
//	log N(c; μ, σ²) = -½ log 2π - log σ - (c-μ)² / (2σ²)
func GaussianLogLikelihood(mean, logStd, c *Node) *Node {
	diff := Sub(c, mean)
	sq := Mul(Mul(diff, diff), Exp(MulScalar(logStd, -2)))
	ll := AddScalar(Neg(Add(logStd, MulScalar(sq, 0.5))), -0.5*math.Log(2*math.Pi))
	return ReduceAllMean(ReduceSum(ll, -1))
}

// dense is x [B, in] · W [in, units] + b: dcgan.Dense with a bias (spectrally normalized under D's scope where
// the run asks for it).
func dense(scope *model.Scope, x *Node, units int) *Node {
	return dcgan.Dense(scope, x, units, true)
}
