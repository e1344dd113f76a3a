// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz_test

import (
	"fmt"
	"math"
	"strings"

	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/gomlx/core/tensors"
)

// An InfoGAN traversal: 2 values of a categorical code (rows) × 3 values of a continuous one (columns).
func ExampleTraversalGrid() {
	images := tensors.FromFlatDataAndDimensions(make([]float32, 6*28*28), 6, 28, 28, 1) // all 0: mid gray
	img, err := viz.TraversalGrid(images, 2, 3, []string{"c1=0", "c1=1"}, viz.RangeLabels("", -1, 1, 3),
		viz.GridOptions{Pad: 2, Scale: 2})
	if err != nil {
		panic(err)
	}
	// Row labels take 23+4 pixels at the left and column labels 8+2 on top; cells are 56 plus a border of 2,
	// with one more at the right and bottom: 27 + 3×58 + 2 = 203 by 10 + 2×58 + 2 = 128.
	fmt.Println(img.Bounds().Size())
	// Output: (203,128)
}

func ExampleRangeLabels() {
	fmt.Println(viz.RangeLabels("t=", 0, 1, 5))
	// Output: [t=0.00 t=0.25 t=0.50 t=0.75 t=1.00]
}

// The 1-D GAN picture of Goodfellow et al. (2014), Fig. 1: samples of p_data and p_g, and the optimal
// discriminator D*(x) = p_data(x) / (p_data(x) + p_g(x)).
func ExampleHistogramSVG() {
	normal := func(mu, sigma float64) func(float64) float64 {
		return func(x float64) float64 {
			return math.Exp(-(x-mu)*(x-mu)/(2*sigma*sigma)) / (sigma * math.Sqrt(2*math.Pi))
		}
	}
	pData, pG := normal(2, 0.5), normal(0, 1)
	dStar := viz.SampleFunc("D*(x)", func(x float64) float64 { return pData(x) / (pData(x) + pG(x)) }, -3, 5, 100)
	dStar.Dashed = true
	real := []float64{1.6, 1.9, 2.0, 2.1, 2.4, 2.8}
	svg := viz.HistogramSVG("a 1-D GAN", []viz.Histogram{{Name: "real", Samples: real}},
		[]viz.Series{viz.SampleFunc("p_data", pData, -3, 5, 100), viz.SampleFunc("p_g", pG, -3, 5, 100), dStar},
		viz.PlotOptions{XRange: [2]float64{-3, 5}, Bins: 16})
	// Bins are 0.5 wide from -3: the samples fall in [1.5, 2), [2, 2.5) and [2.5, 3). Besides the bars, the plot's
	// box and the legend's swatch are <rect x=...>.
	fmt.Println(strings.Count(svg, "<polyline"), "curves,", strings.Count(svg, `<rect x=`)-2, "bars")
	// Output: 3 curves, 3 bars
}

// The classes a classifier sees in real and generated digits, as shares of each sample: one slot per class with
// its name as the tick, a bar per sample side by side.
func ExampleBarSVG() {
	real := []int{98, 113, 103, 101, 98, 89, 96, 103, 97, 102}
	fake := []int{120, 130, 60, 101, 90, 80, 100, 110, 99, 110}
	svg := viz.BarSVG("predicted classes", viz.IntLabels("", 10),
		[]viz.Bars{viz.ShareBars("real test digits", real), viz.ShareBars("DCGAN samples", fake)},
		viz.PlotOptions{XLabel: "class", YLabel: "share of the sample"})
	// 2 × 10 bars; besides them, the plot's box and the legend's 2 swatches are <rect x=...>.
	fmt.Println(strings.Count(svg, `<rect x=`)-3, "bars;", strings.Contains(svg, `text-anchor="middle">9</text>`))
	// Output: 20 bars; true
}

// TextWidth measures a label as the SVGs set it, 12 pixels high: "1→7" is (0.636 + 0.838 + 0.636) em of DejaVu
// Sans, 5% wider.
func ExampleTextWidth() {
	fmt.Printf("%.1f %.1f\n", viz.TextWidth("1→7", 12), viz.TextWidth("λ = 0: G ignores the codes", 12))
	// Output: 26.6 168.4
}
