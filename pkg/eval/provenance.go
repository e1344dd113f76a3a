// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"fmt"
	"strings"
)

// Provenance says how a set of figures was made, so that anyone can make them again: the command, the number
// of samples and the seed of their noise, the real images they were compared with, and every network that
// judged them, by a fingerprint of its weights. (A figure whose judge, sample count or reference set is not
// stated cannot be reproduced: the complaint users of StudioGAN, AttnGAN and DF-GAN file again and again.)
type Provenance struct {
	Command   string  `json:"command"`   // the ganbook command that prints these figures again
	N         int     `json:"n"`         // samples scored
	Seed      uint64  `json:"seed"`      // of their noise, and of any other draw of the evaluation
	Reference string  `json:"reference"` // the real images the samples are compared with
	Judges    []Judge `json:"judges"`    // the networks whose verdicts or features the figures use
}

// Judge is one network of a Provenance.
type Judge struct {
	Role   string `json:"role"`   // what it measures ("classifier score, Fréchet distance", "R-precision")
	Source string `json:"source"` // where its weights come from
	SHA256 string `json:"sha256"` // of its weights file(s)
}

// ClassifierJudge is the classifier c as a Judge of role.
func ClassifierJudge(c *Classifier, role string) Judge {
	return Judge{Role: role, Source: c.Source(), SHA256: c.Digest()}
}

// Line is the provenance in one line of text, for a report's end.
func (p *Provenance) Line() string {
	var judges []string
	for _, j := range p.Judges {
		judges = append(judges, fmt.Sprintf("%s sha256 %.12s", j.Source, j.SHA256))
	}
	return fmt.Sprintf("provenance: n %d, seed %d, against %s; judged by %s; again: %s", p.N, p.Seed, p.Reference,
		strings.Join(judges, ", "), p.Command)
}
