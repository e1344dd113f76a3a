// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package lab trains a GAN live in a GoNB notebook cell, with controls, as GAN Lab (Kahng et al. 2018,
// "GAN Lab: Understanding Complex Deep Generative Models using Interactive Visual Experimentation") does in the
// browser, but on ganbook's own trainer (pkg/gan) and on images too.
//
// A Lab holds the Settings (G's and D's learning rates, D steps per G step, the loss, the step order, the noise,
// the data) and a gan.Trainer built from them. Step trains; Apply changes the settings, and says what it did:
// a learning rate, D's steps per G step and the step order apply at the next step and keep the weights (the
// learning rates live in variables the step reads, Trainer.SetLearningRates); the loss, the noise, the sizes,
// the data and the seed change the graphs, so Apply rebuilds the Lab from step 0. Reset starts again with the
// same settings and, with the same seed, the same weights.
//
// Frame draws the state:
//
//   - on 2-D data (ring, grid of Gaussians, two moons, the reader's points): the real and the generated points,
//     D's decision surface as a heat map (green: real, purple: fake), the generator's transformed grid (the
//     image under G of a square grid of noise, GAN Lab's "manifold"), the gradient arrows G follows (minus the
//     gradient of G's loss at each generated point), and a running estimate of the Jensen-Shannon divergence
//     between the real and the generated points (HistogramJSD);
//   - on MNIST and Fashion-MNIST: a grid of samples from fixed noise, and the losses and D(x), D(G(z)) curves.
//
// Panel (panel.go) puts the controls (play, pause, one step, reset, the learning rates, D's steps, the loss,
// the step order, the noise, the data) beside the view in a GoNB cell and runs until a number of steps or
// seconds, or until its stop button: a cell executed headless by `jupyter nbconvert --execute` ends by itself
// and keeps the final frame and a strip of earlier ones.
//
// Only notebooks import this package: the command line and the training core do not link GoNB.
//
// Usage, in a GoNB cell:
//
//	b := must.M1(backend.New())
//	l := must.M1(lab.New(b, lab.DefaultSettings(lab.DataRing)))
//	must.M(l.Steps(500))
//	s := l.Settings()
//	s.LearningRateD *= 10
//	fmt.Println(must.M1(l.Apply(s))) // "applied at the next step, weights kept: D's learning rate 0.001 → 0.01"
//	must.M(nbviz.ShowSVG(must.M1(l.Frame()).SVG()))
package lab
