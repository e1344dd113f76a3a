// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package viz draws what ganbook's GANs make and measure: image grids (gray or RGB, optionally labelled),
// interpolation strips and loss curves. It writes PNG and SVG files for the command line and, in a GoNB
// notebook, shows the same pictures inline. Everything is drawn in Go, offline: no JavaScript, no CDN.
package viz
