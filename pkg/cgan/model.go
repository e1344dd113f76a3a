// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

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

// LabelChannels is the one-hot labels as constant channels the shape of x: [B, H, W, classes] for images x
// [B, H, W, C], or [B, classes] for a rank-2 x [B, F] (an MLP's flattened image).
func LabelChannels(x, labels *Node, classes int) *Node {
	y := LabelOneHot(labels, classes, x)
	if x.Rank() == 2 {
		return y
	}
	d := x.Shape().Dimensions
	return BroadcastToDims(Reshape(y, d[0], 1, 1, classes), d[0], d[1], d[2], classes)
}

// ConcatChannels appends the one-hot labels to x as constant channels (LabelChannels): x [B, H, W, C] becomes
// [B, H, W, C+classes]; a rank-2 x [B, F] becomes [B, F+classes].
func ConcatChannels(x, labels *Node, classes int) *Node {
	return Concatenate([]*Node{x, LabelChannels(x, labels, classes)}, -1)
}

// Projection is the projection discriminator's class term ⟨e_y, φ(x)⟩ [B] for features φ(x) [B, F], with the
// class embeddings e [classes, F] a variable "embedding" in scope.
func Projection(scope *model.Scope, features, labels *Node, classes int) *Node {
	f := features.Shape().Dimensions[1]
	e := scope.VariableWithShape("embedding", shapes.Make(features.DType(), classes, f)).NodeValue(features.Graph())
	ey := MatMul(LabelOneHot(labels, classes, features), e) // [B, F]
	return ReduceSum(Mul(ey, features), -1)
}
