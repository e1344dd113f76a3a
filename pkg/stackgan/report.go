// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/pkg/errors"
)

// BindEvalFlags adds --evaluator (text2img's) and --against: other StackGAN runs measured beside this one with
// the same captions and noise (the ablations).
func (c *Config) BindEvalFlags(fs *flag.FlagSet, o *gan.EvalOptions) {
	text2img.BindEvaluatorFlag(fs, o)
	fs.Func("against", "runs to measure beside --run with the same captions and noise (ablations), comma-separated", func(s string) error {
		o.Against = strings.Split(s, ",")
		return nil
	})
}

// Reports are the reports of a run and of the runs measured against it, in order.
type Reports struct {
	Runs []*Report `json:"runs"`
}

// Evaluate is ganbook eval's scoring of a StackGAN run (Evaluate's Report, with its provenance), and of each
// run of o.Against beside it, with the same captions and noise.
func (c *Config) Evaluate(t *gan.Trainer, o gan.EvalOptions) (gan.Report, error) {
	var reps []*Report
	for k, dir := range append([]string{o.Run}, o.Against...) {
		tr := t
		if k > 0 {
			other, done, err := o.Open(dir)
			if err != nil {
				return nil, errors.WithMessage(err, "--against")
			}
			defer done()
			if _, ok := other.Config.Family.(*Config); !ok {
				return nil, errors.Errorf("--against %s is a %s run: compare StackGAN runs with StackGAN runs", dir, other.Config.FamilyName())
			}
			tr = other
		}
		opts, err := text2img.Options(tr, o)
		if err != nil {
			return nil, err
		}
		rep, err := Evaluate(tr, opts)
		if err != nil {
			return nil, errors.WithMessage(err, dir)
		}
		rep.Run = dir
		command := text2img.EvalCommand(dir, opts)
		if rep.Provenance, err = text2img.ProvenanceOf(rep.Samples, opts, command); err != nil {
			return nil, err
		}
		reps = append(reps, rep)
	}
	if len(reps) == 1 {
		return reps[0], nil
	}
	return &Reports{Runs: reps}, nil
}

// WriteText writes each run's report in turn.
func (r *Reports) WriteText(w io.Writer) error {
	for _, rep := range r.Runs {
		if err := rep.WriteText(w); err != nil {
			return err
		}
	}
	return nil
}

// WriteText writes the run's measures, its Stage-I's upsampled beside them, the sharpness, the provenance.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "%s: StackGAN Stage-%s at %dx%d on %s, step %d, %d test captions (one sample each, measured at %dx%d):\n",
		r.Run, map[int]string{1: "I", 2: "II"}[r.Stage], r.Side, r.Side, r.Samples.Dataset, r.Step, r.Samples.Samples, 32, 32)
	r.Samples.WriteMeasures(w)
	if r.Stage1Bicubic != nil {
		fmt.Fprintf(w, " the Stage-I images of the same draws, upsampled bicubically to %dx%d:\n", r.Side, r.Side)
		r.Stage1Bicubic.WriteMeasures(w)
	}
	fmt.Fprintf(w, "  sharpness (variance of the Laplacian at %dx%d, %d images): samples %.5f", r.Side, r.Side, r.SharpnessN, r.Sharpness)
	if r.Stage1Bicubic != nil {
		fmt.Fprintf(w, ", Stage-I upsampled %.5f", r.Stage1BicubicSharpness)
	}
	fmt.Fprintf(w, ", real images %.5f; |log(samples / real)| %.2f", r.RealSharpness, r.SharpnessGap)
	if r.Stage1Bicubic != nil {
		fmt.Fprintf(w, ", Stage-I upsampled %.2f", r.Stage1BicubicGap)
	}
	fmt.Fprintln(w)
	if r.Provenance != nil {
		fmt.Fprintln(w, r.Provenance.Line())
	}
	return nil
}
