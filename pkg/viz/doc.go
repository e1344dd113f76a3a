// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package viz draws what ganbook's GANs make and measure: image grids (gray or RGB, optionally labelled),
// latent traversals, interpolation strips, loss curves, 2-D scatter plots over a discriminator's heat map and
// 1-D histograms with density curves. It writes PNG and SVG files for the command line and, in a GoNB notebook,
// shows the same pictures inline, live during training too. Everything is drawn in Go, offline: no JavaScript,
// no CDN, no font files.
//
// Images are float32 tensors [N, H, W, C] (or flat []float32) with values in [-1, 1], a generator's tanh output,
// and C = 1 (gray) or 3 (RGB). Pictures are image.Image (*image.Gray or *image.RGBA); plots are SVG strings.
//
// Pictures (grid.go, font.go):
//   - Grid, GridFromFlat: images in rows, with a border.
//   - GridWith, GridFromFlatWith and GridOptions: the same with a text label under or above each cell and cells
//     enlarged Scale times (nearest neighbour) so that labels fit under 28×28 digits. Labels use a built-in 5×8
//     bitmap font covering printable ASCII and the symbols of the book's labels (→, σ, λ, μ, ², ≈, ‖, ∂, ≤, ±, ×,
//     Greek letters …); a few more are spelled out (⇐ as "<=", x₁ as "x_1"). A label wider than its cell wraps
//     onto more lines.
//   - TraversalGrid: rows × cols images with row labels at the left and column labels on top, for InfoGAN's
//     latent traversals (one categorical value per row, a continuous code swept across the columns).
//   - StripImage: one labelled row, for interpolations; RangeLabels makes labels such as "t=0.00" … "t=1.00".
//   - EncodePNG, SavePNG.
//
// Plots (plot.go, bar.go), each a self-contained SVG with axes, ticks and a legend in the Okabe–Ito palette:
//   - LinePlotSVG with Series: loss curves; LinePlotSVGWith takes PlotOptions (axis labels, ranges).
//   - ScatterSVG with Points and PlotOptions: 2-D toy data (real against generated samples), fixed or fitted
//     axes, at most MaxPoints per set, over an optional heat map of a function in [0, 1] such as D(x, y),
//     coloured by HeatColor: the view of GAN Lab (Kahng et al. 2018). Both ranges given (or EqualAxes), x and y
//     share one scale, so that the ring of Gaussians is round.
//   - HistogramSVG with Histogram: 1-D samples as density histograms plus curves on the same x axis (p_data,
//     p_g, D(x), D*(x)); SampleFunc turns a formula into a curve.
//   - BarSVG with Bars: categorical data (classes, pairs, runs) as grouped bars with the categories' names as
//     ticks; CountBars and ShareBars make bars of counts, IntLabels names classes 0, 1, ….
//   - SaveSVG.
//
// Layout (frame.go, text.go, ticks.go): every text of a plot is measured with TextWidth (DejaVu Sans's advance
// widths, the first font of FontFamily, which the SVGs declare) and the plot makes room for it: a long title
// shrinks a little, then wraps; the legend sits in the right margin when its names fit there, else under the
// plot, names wrapped, never cut; margins grow to the widest tick label, and the picture grows when its size
// leaves no room. Ticks fall on round numbers (multiples of 1, 2 or 5 × 10^k) as far apart as their labels need,
// and on integers only when the data are integers (steps, counts, classes).
//
// Inline display in a GoNB notebook (Show, ShowSVG, ShowGrid, LiveView) lives in pkg/nbviz, which only
// notebooks import: pkg/viz, and so the training core that draws its sample grids with it, does not link GoNB.
//
// A notebook cell, for instance:
//
//	img := must.M1(viz.GridWith(images, viz.GridOptions{Cols: 8, Pad: 2, Scale: 2, Labels: labels}))
//	nbviz.Show(img)
//	nbviz.ShowSVG(viz.LinePlotSVG("losses", "step", []viz.Series{dLoss, gLoss}, 640, 300))
package viz
