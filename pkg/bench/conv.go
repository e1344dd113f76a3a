// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"math/rand/v2"
	"slices"
	"time"

	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	"github.com/gomlx/gomlx/core/graph"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/pkg/errors"
)

// ConvLayer is one convolution (or transposed convolution) of a ConvSuite, with TensorFlow's SAME padding.
type ConvLayer struct {
	InChannels, OutChannels, Kernel, Stride int
	Transposed                              bool
}

// ConvSuite is a chain of convolutions timed forward and backward together: the loss <output, w> is
// differentiated with respect to the input and every kernel, as a GAN step does (the generator's update needs
// the gradient of D with respect to its input image).
type ConvSuite struct {
	Name   string
	Input  []int // [B, H, W, C]
	Layers []ConvLayer
}

// DiscriminatorSuite is the DCGAN discriminator's convolutions (TensorFlow DCGAN tutorial): Conv 1->64 k5 s2
// SAME, Conv 64->128 k5 s2 SAME, on [batch, 28, 28, 1].
func DiscriminatorSuite(batch int) ConvSuite {
	return ConvSuite{Name: "discriminator", Input: []int{batch, 28, 28, 1}, Layers: []ConvLayer{
		{InChannels: 1, OutChannels: 64, Kernel: 5, Stride: 2},
		{InChannels: 64, OutChannels: 128, Kernel: 5, Stride: 2},
	}}
}

// GeneratorSuite is the DCGAN generator's transposed convolutions (TensorFlow DCGAN tutorial): 7x7x256 ->
// 7x7x128 k5 s1, -> 14x14x64 k5 s2, -> 28x28x1 k5 s2.
func GeneratorSuite(batch int) ConvSuite {
	return ConvSuite{Name: "generator", Input: []int{batch, 7, 7, 256}, Layers: []ConvLayer{
		{InChannels: 256, OutChannels: 128, Kernel: 5, Stride: 1, Transposed: true},
		{InChannels: 128, OutChannels: 64, Kernel: 5, Stride: 2, Transposed: true},
		{InChannels: 64, OutChannels: 1, Kernel: 5, Stride: 2, Transposed: true},
	}}
}

// ForwardFLOPs counts the multiply-adds (x2) of the suite's forward pass: 2·B·Ho·Wo·k²·Cin·Cout per
// convolution, and for a transposed convolution 2·B·H·W·k²·Cin·Cout over its (smaller) input, since it does no
// work for the zeros of a dilated input.
func (s ConvSuite) ForwardFLOPs() float64 {
	b, h, w := s.Input[0], s.Input[1], s.Input[2]
	var flops float64
	for _, l := range s.Layers {
		if l.Transposed {
			flops += 2 * float64(b*h*w*l.Kernel*l.Kernel*l.InChannels*l.OutChannels)
			h, w = h*l.Stride, w*l.Stride
			continue
		}
		h, w = (h+l.Stride-1)/l.Stride, (w+l.Stride-1)/l.Stride
		flops += 2 * float64(b*h*w*l.Kernel*l.Kernel*l.InChannels*l.OutChannels)
	}
	return flops
}

// StepFLOPs is forward plus backward: the backward pass computes two products of the forward's size per layer,
// the gradients with respect to the layer's input and to its kernel.
func (s ConvSuite) StepFLOPs() float64 { return 3 * s.ForwardFLOPs() }

// graphFn returns the suite's graph: inputs are x, the loss weights w and the kernels; outputs the loss and the
// gradients with respect to x and every kernel.
func (s ConvSuite) graphFn(lowering nn.Lowering) func(inputs []*graph.Node) []*graph.Node {
	return func(inputs []*graph.Node) []*graph.Node {
		x, w, kernels := inputs[0], inputs[1], inputs[2:]
		y := x
		for i, l := range s.Layers {
			opts := nn.ConvOptions{Stride: l.Stride, Lowering: lowering}
			if l.Transposed {
				y = nn.ConvolveTranspose(y, kernels[i], opts)
			} else {
				y = nn.Convolve(y, kernels[i], opts)
			}
		}
		loss := graph.ReduceAllSum(graph.Mul(y, w))
		wrt := append([]*graph.Node{x}, kernels...)
		return append([]*graph.Node{loss}, graph.Gradient(loss, wrt...)...)
	}
}

// inputs makes the suite's random input, loss weights and kernels.
func (s ConvSuite) inputs(seed uint64) []*tensors.Tensor {
	rng := rand.New(rand.NewPCG(seed, 1))
	random := func(dims ...int) *tensors.Tensor { return randomTensor(rng, dims...) }
	b, h, w := s.Input[0], s.Input[1], s.Input[2]
	var kernels []*tensors.Tensor
	for _, l := range s.Layers {
		if l.Transposed {
			kernels = append(kernels, random(l.Kernel, l.Kernel, l.OutChannels, l.InChannels))
			h, w = h*l.Stride, w*l.Stride
		} else {
			kernels = append(kernels, random(l.Kernel, l.Kernel, l.InChannels, l.OutChannels))
			h, w = (h+l.Stride-1)/l.Stride, (w+l.Stride-1)/l.Stride
		}
	}
	last := s.Layers[len(s.Layers)-1].OutChannels
	return append([]*tensors.Tensor{random(s.Input...), random(b, h, w, last)}, kernels...)
}

// Step is a compiled forward+backward pass of a suite, ready to be timed.
type Step struct {
	exec   *graph.Exec
	inputs []any
}

// NewStep compiles the suite's forward and backward pass with the given lowering.
func NewStep(backend compute.Backend, s ConvSuite, lowering nn.Lowering) (*Step, error) {
	exec, err := graph.NewExec(backend, s.graphFn(lowering))
	if err != nil {
		return nil, errors.WithMessagef(err, "bench: compiling the %s suite", s.Name)
	}
	var inputs []any
	for _, t := range s.inputs(42) {
		inputs = append(inputs, t)
	}
	return &Step{exec: exec, inputs: inputs}, nil
}

// Run executes the step once and releases its outputs.
func (st *Step) Run() error {
	outs, err := st.exec.Exec(st.inputs...)
	if err != nil {
		return err
	}
	for _, o := range outs {
		o.MustFinalizeAll()
	}
	return nil
}

// Time runs fn once to warm up, then repeatedly until minTime has passed and at least minRuns runs were timed
// (at most maxRuns), and returns the median duration of one run.
func Time(fn func() error, minTime time.Duration, minRuns, maxRuns int) (time.Duration, error) {
	d, _, err := TimeCores(fn, minTime, minRuns, maxRuns)
	return d, err
}

// TimeCores is Time that also returns the cores the timed runs kept busy (CoresMeter: CPU time over the timed
// runs, the warm-up left out, divided by their wall time).
func TimeCores(fn func() error, minTime time.Duration, minRuns, maxRuns int) (time.Duration, float64, error) {
	if err := fn(); err != nil {
		return 0, 0, err
	}
	var times []time.Duration
	meter := StartCores()
	start := time.Now()
	for len(times) < maxRuns && (len(times) < minRuns || time.Since(start) < minTime) {
		t0 := time.Now()
		if err := fn(); err != nil {
			return 0, 0, err
		}
		times = append(times, time.Since(t0))
	}
	cores := meter.Cores()
	slices.Sort(times)
	return times[len(times)/2], cores, nil
}

// MatMulStep is a compiled 1024x1024 float32 matrix product: the reference rate of a backend.
func MatMulStep(backend compute.Backend, n int) (*Step, float64, error) {
	exec, err := graph.NewExec(backend, func(a, b *graph.Node) *graph.Node { return graph.MatMul(a, b) })
	if err != nil {
		return nil, 0, errors.WithMessage(err, "bench: compiling the matmul")
	}
	rng := rand.New(rand.NewPCG(7, 7))
	inputs := []any{randomTensor(rng, n, n), randomTensor(rng, n, n)}
	return &Step{exec: exec, inputs: inputs}, 2 * float64(n) * float64(n) * float64(n), nil
}

// randomTensor returns a float32 tensor uniform in [-0.1, 0.1).
func randomTensor(rng *rand.Rand, dims ...int) *tensors.Tensor {
	t := tensors.FromShape(shapes.Make(dtypes.Float32, dims...))
	tensors.MutableFlatData(t, func(flat []float32) {
		for i := range flat {
			flat[i] = rng.Float32()*0.2 - 0.1
		}
	})
	return t
}
