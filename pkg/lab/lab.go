// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"slices"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// Lab is a GAN under the reader's hands: its Settings, the core's Trainer built from them, the history of its
// steps and of its frames. Step trains, Apply changes the settings (live where it can, by a rebuild where it
// must), Reset starts again, Frame draws. A Lab is not safe for concurrent use: Panel calls it from one
// goroutine.
type Lab struct {
	backend  compute.Backend
	settings Settings
	trainer  *gan.Trainer
	plane    *planar   // on 2-D data; nil on images
	set      *data.Set // on images: the training images, kept across rebuilds
	setName  string

	history []Record
	jsd     []JSDPoint // the estimates of the frames drawn, in order
}

// Record is what one step measured (gan.StepMetrics): the losses each network minimized at its last update and
// the mean of D's output on the real and on the generated batch (a probability for the sigmoid losses, a raw
// score otherwise).
type Record struct {
	Step         int64
	DLoss, GLoss float64
	DReal, DFake float64
}

// New builds a Lab of the settings on the backend. Image data (MNIST, Fashion-MNIST) is read from the module
// cache or the folders pkg/data names, once per Lab.
func New(b compute.Backend, s Settings) (*Lab, error) {
	if b == nil {
		return nil, errors.New("lab: New needs a backend: pass backend.New()'s")
	}
	l := &Lab{backend: b}
	if err := l.build(s); err != nil {
		return nil, err
	}
	return l, nil
}

// build replaces the trainer by a fresh one of s, at step 0.
func (l *Lab) build(s Settings) error {
	if err := s.Validate(); err != nil {
		return err
	}
	s.GenHidden, s.DiscHidden, s.Points = slices.Clone(s.GenHidden), slices.Clone(s.DiscHidden), slices.Clone(s.Points)
	var err error
	if IsImages(s.Data) {
		if l.set == nil || l.setName != s.Data {
			set, err := loadSet(s.Data)
			if err != nil {
				return errors.WithMessagef(err, "lab: loading %s", s.Data)
			}
			l.set, l.setName = set, s.Data
		}
		var tr *gan.Trainer
		if tr, err = newImageTrainer(l.backend, s, l.set); err != nil {
			return err
		}
		l.trainer, l.plane = tr, nil
	} else {
		var p *planar
		if p, err = newPlanar(l.backend, s); err != nil {
			return err
		}
		l.trainer, l.plane = p.tr, p
	}
	l.settings, l.history, l.jsd = s, nil, nil
	return nil
}

// Settings returns a copy of the current settings: change it and hand it to Apply.
func (l *Lab) Settings() Settings {
	s := l.settings
	s.GenHidden, s.DiscHidden, s.Points = slices.Clone(s.GenHidden), slices.Clone(s.DiscHidden), slices.Clone(s.Points)
	return s
}

// Trainer is the core's trainer the Lab drives (its Store holds the weights).
func (l *Lab) Trainer() *gan.Trainer { return l.trainer }

// GlobalStep is the number of steps (G updates) trained since the last build or Reset.
func (l *Lab) GlobalStep() int64 { return l.trainer.GlobalStep() }

// History returns the records of the steps trained since the last build or Reset.
func (l *Lab) History() []Record { return slices.Clone(l.history) }

// Step trains one step: DSteps updates of D and one of G, in the settings' step order (gan.Trainer.Step). A
// step whose loss is not finite returns an error that says to lower the learning rates (or Reset).
func (l *Lab) Step() (Record, error) {
	m, err := l.trainer.Step()
	r := Record{Step: m.Step, DLoss: m.DLoss, GLoss: m.GLoss, DReal: m.DReal, DFake: m.DFake}
	var div *gan.DivergedError
	if errors.As(err, &div) {
		return r, errors.Errorf("lab: the run diverged at step %d (%s is %g): lower the learning rates, or Reset",
			div.Step, div.What, div.Value)
	}
	if err != nil {
		return r, err
	}
	l.history = append(l.history, r)
	return r, nil
}

// Steps trains n steps (Step), stopping at the first error.
func (l *Lab) Steps(n int) error {
	for range n {
		if _, err := l.Step(); err != nil {
			return err
		}
	}
	return nil
}

// Reset starts again from step 0 with the current settings: new graphs, and the weights the seed gives (the
// same as the first time, for the same seed).
func (l *Lab) Reset() error { return l.build(l.settings) }

// Apply changes the settings to s and reports what it did.
//
//   - G's and D's learning rates, D's steps per G step and the step order apply at the next step: the weights
//     and Adam's moments stay as they are (the rates are variables the compiled step reads; the Trainer reads
//     the other two at every step).
//   - The data, the loss, the noise, its size, the batch size, the networks' widths and the seed change the
//     graphs or the networks: Apply rebuilds the Lab from step 0.
//
// Bad settings change nothing and return the error Validate gives.
func (l *Lab) Apply(s Settings) (Applied, error) {
	if err := s.Validate(); err != nil {
		return Applied{}, err
	}
	live, rebuild := diff(l.settings, s)
	if len(rebuild) > 0 {
		if err := l.build(s); err != nil {
			return Applied{}, err
		}
		return Applied{Rebuilt: true, Changes: append(rebuild, live...)}, nil
	}
	if len(live) == 0 {
		return Applied{}, nil
	}
	if err := l.trainer.SetLearningRates(s.LearningRateG, s.LearningRateD); err != nil {
		return Applied{}, errors.WithMessage(err, "lab")
	}
	l.trainer.Config.DSteps, l.trainer.Config.StepOrder = s.DSteps, s.StepOrder
	l.settings.LearningRateG, l.settings.LearningRateD = s.LearningRateG, s.LearningRateD
	l.settings.DSteps, l.settings.StepOrder = s.DSteps, s.StepOrder
	return Applied{Changes: live}, nil
}
