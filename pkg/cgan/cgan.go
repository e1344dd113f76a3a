// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package cgan holds what a conditional GAN (Mirza & Osindero 2014, "Conditional Generative Adversarial Nets",
// arXiv 1411.1784) adds to a GAN: the condition y, here a class label, fed to both networks. pkg/gan's Trainer
// uses it when a Config has Classes (`ganbook train cgan`).
//
// The game becomes min_G max_D E_{x,y}[log D(x, y)] + E_{z,y}[log(1 - D(G(z, y), y))]: D judges pairs, so G must
// make images that are real-looking *and* belong to y. That is the seed tutorial's contrast with InfoGAN: there
// the code c is learned and enters only G (Q reads it back); here y is given, enters both networks, and the
// networks learn how y and the image relate.
//
// G reads y one-hot, concatenated to z. D reads it in one of two ways:
//   - ConditionConcat: the one-hot label as extra input channels, constant over the image (Mirza & Osindero; for
//     the MLP, concatenated to the flattened image);
//   - ConditionProjection: the projection discriminator (Miyato & Koyama 2018, "cGANs with Projection
//     Discriminator", arXiv 1802.05637): D(x, y) = ψ(φ(x)) + ⟨e_y, φ(x)⟩, an inner product of a learned class
//     embedding with D's features, which is what the optimal D of a conditional game looks like when
//     p(y|x) is log-linear in φ(x).
package cgan

import (
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // formulas read best with dot-imported ops.
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
)

// How D reads the condition.
const (
	ConditionConcat     = "concat"
	ConditionProjection = "projection"
)

// Conditions lists the valid ways D reads the label.
var Conditions = []string{ConditionConcat, ConditionProjection}

// LabelOneHot is labels [B] (int) as one-hot rows [B, classes] of like's dtype.
func LabelOneHot(labels *Node, classes int, like *Node) *Node {
	if labels.Rank() != 1 || !labels.DType().IsInt() {
		exceptions.Panicf("cgan: labels must be integers [batch], got %s", labels.Shape())
	}
	return OneHot(labels, classes, like.DType())
}

// GeneratorInput is G's input for labels: z [B, Z] followed by the one-hot labels [B, classes].
func GeneratorInput(z, labels *Node, classes int) *Node {
	return Concatenate([]*Node{z, LabelOneHot(labels, classes, z)}, -1)
}

// ConcatChannels appends the one-hot labels to x as constant channels: x [B, H, W, C] becomes
// [B, H, W, C+classes]; a rank-2 x [B, F] (an MLP's flattened image) becomes [B, F+classes].
func ConcatChannels(x, labels *Node, classes int) *Node {
	y := LabelOneHot(labels, classes, x)
	if x.Rank() == 2 {
		return Concatenate([]*Node{x, y}, -1)
	}
	d := x.Shape().Dimensions
	maps := BroadcastToDims(Reshape(y, d[0], 1, 1, classes), d[0], d[1], d[2], classes)
	return Concatenate([]*Node{x, maps}, -1)
}

// Projection is the projection discriminator's class term ⟨e_y, φ(x)⟩ [B] for features φ(x) [B, F], with the
// class embeddings e [classes, F] a variable "embedding" in scope.
func Projection(scope *model.Scope, features, labels *Node, classes int) *Node {
	f := features.Shape().Dimensions[1]
	e := scope.VariableWithShape("embedding", shapes.Make(features.DType(), classes, f)).NodeValue(features.Graph())
	ey := MatMul(LabelOneHot(labels, classes, features), e) // [B, F]
	return ReduceSum(Mul(ey, features), -1)
}
