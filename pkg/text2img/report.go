// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"flag"
	"fmt"
	"io"
	"path/filepath"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/pkg/errors"
)

// DefaultEvalN is the number of test captions `ganbook eval` draws one sample for (at most the test split).
const DefaultEvalN = 1000

// BindEvalFlags adds --evaluator, the evaluation encoder run (trained apart from the run's).
func (c *Config) BindEvalFlags(fs *flag.FlagSet, o *gan.EvalOptions) { BindEvaluatorFlag(fs, o) }

// BindEvaluatorFlag adds a text family's --evaluator to fs, bound to o.Judge.
func BindEvaluatorFlag(fs *flag.FlagSet, o *gan.EvalOptions) {
	fs.StringVar(&o.Judge, "evaluator", o.Judge, "the evaluation encoder run, trained apart from the run's "+
		"(default pretrained/textenc-<dataset>-eval when it exists)")
}

// Options are the EvalOptions of a text-to-image run t for ganbook's: N test captions (DefaultEvalN when 0), the
// evaluator o.Judge, else pretrained/textenc-<dataset>-eval when it exists, for the dataset the run's was made
// from.
func Options(t *gan.Trainer, o gan.EvalOptions) (EvalOptions, error) {
	base := captions.Base(t.Config.Dataset)
	dir := o.Judge
	if dir == "" {
		if def := filepath.Join("pretrained", "textenc-"+base+"-eval"); isEncoderRun(def) {
			dir = def
		}
	}
	opts := EvalOptions{N: o.N, Seed: o.Seed, EvalDir: dir, Backend: t.Backend}
	if opts.N == 0 {
		opts.N = DefaultEvalN
	}
	if dir != "" {
		ev, err := textenc.Load(t.Backend, dir)
		if err != nil {
			return opts, errors.WithMessage(err, "--evaluator")
		}
		if ev.Config.Dataset != base {
			return opts, errors.Errorf("the evaluator %s was trained on %s, the run on %s", dir, ev.Config.Dataset, t.Config.Dataset)
		}
		opts.Evaluator = ev
	}
	return opts, nil
}

// isEncoderRun reports whether dir holds a text encoder run.
func isEncoderRun(dir string) bool {
	return textenc.IsRun(dir)
}

// Evaluate is ganbook eval's scoring of a text-to-image run: Evaluate's Report, with its provenance.
func (c *Config) Evaluate(t *gan.Trainer, o gan.EvalOptions) (gan.Report, error) {
	opts, err := Options(t, o)
	if err != nil {
		return nil, err
	}
	r, err := Evaluate(t, opts)
	if err != nil {
		return nil, err
	}
	r.Run = o.Run
	r.Provenance, err = ProvenanceOf(r, opts, EvalCommand(o.Run, opts))
	return r, err
}

// EvalCommand is `ganbook eval` of run with opts.
func EvalCommand(run string, opts EvalOptions) string {
	cmd := fmt.Sprintf("ganbook eval --run %s --n %d --seed %d", run, opts.N, opts.Seed)
	if opts.EvalDir != "" {
		cmd += " --evaluator " + opts.EvalDir
	}
	return cmd
}

// ProvenanceOf is how r was measured: its captions, seed and judges (the digit classifier for capmnist, the
// evaluation encoder, the emoji judge), each by the fingerprint of its weights.
func ProvenanceOf(r *Report, opts EvalOptions, command string) (*eval.Provenance, error) {
	p := &eval.Provenance{Command: command, N: r.Samples, Seed: opts.Seed,
		Reference: fmt.Sprintf("%s's test split (the images behind %d of its captions)", captions.Base(r.Dataset), r.Samples)}
	if r.Seen != nil {
		clf, err := eval.LoadClassifier(opts.Backend, "mnist")
		if err != nil {
			return nil, err
		}
		p.Judges = append(p.Judges, eval.ClassifierJudge(clf, "digit"))
	}
	if opts.EvalDir != "" {
		sum, err := eval.DirDigest(opts.EvalDir)
		if err != nil {
			return nil, err
		}
		p.Judges = append(p.Judges, eval.Judge{Role: "R-precision, Fréchet distance", Source: opts.EvalDir, SHA256: sum})
	}
	if j := r.Judge; j != nil {
		p.Judges = append(p.Judges, eval.Judge{Role: "emoji category, Fréchet distance, KID", Source: j.Judge, SHA256: j.SHA256})
	}
	return p, nil
}

// WriteText writes the report: a heading, the measures, the provenance.
func (r *Report) WriteText(w io.Writer) error {
	fmt.Fprintf(w, "text2img on %s, step %d, %d test captions (one sample each):\n", r.Dataset, r.Step, r.Samples)
	r.WriteMeasures(w)
	if r.Provenance != nil {
		fmt.Fprintln(w, r.Provenance.Line())
	}
	return nil
}

// WriteMeasures writes the measures of one set of samples, indented.
func (r *Report) WriteMeasures(w io.Writer) {
	if r.Seen != nil {
		fmt.Fprintf(w, "  %-26s %6s %7s %7s %7s %10s %7s\n", "", "n", "digit", "colour", "both", "thickness", "slant")
		for _, row := range []struct {
			name string
			a    *Attributes
		}{{"samples, seen combinations", r.Seen}, {"samples, held-out", r.HeldOut}, {"real images, seen", r.RealSeen}, {"real images, held-out", r.RealHeldOut}} {
			a := row.a
			fmt.Fprintf(w, "  %-26s %6d %6.1f%% %6.1f%% %6.1f%% %9.1f%% %6.1f%%\n", row.name, a.N, 100*a.Digit, 100*a.Colour, 100*a.Both, 100*a.Thickness, 100*a.Slant)
		}
	}
	if r.Evaluator != "" {
		held := ""
		if r.Seen != nil {
			held = fmt.Sprintf(" (held-out combinations %.1f%%)", 100*r.RPrecisionHeldOut)
		}
		fmt.Fprintf(w, "  R-precision (evaluator %s): samples %.1f%%%s, real images %.1f%%; Fréchet distance on its features %.3f\n",
			r.Evaluator, 100*r.RPrecision, held, 100*r.RealRPrecision, r.FrechetDistance)
	} else {
		fmt.Fprintln(w, "  (no evaluation encoder: pass --evaluator DIR for R-precision and the Fréchet distance)")
	}
	if r.MismatchAUC > 0 {
		fmt.Fprintf(w, "  D's mismatch AUC (real image, right vs wrong caption): %.3f\n", r.MismatchAUC)
	}
	fmt.Fprintf(w, "  diversity (RMS distance between samples of one caption): %.3f", r.Diversity)
	if r.RealDiversity > 0 {
		fmt.Fprintf(w, " (real images of one digit and colour: %.3f)", r.RealDiversity)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "  checkerboard (share of the variance at period two): samples %.4f, real images %.4f\n", r.Checkerboard, r.RealCheckerboard)
	if r.NearestTrain > 0 {
		fmt.Fprintf(w, "  nearest training image (RMS pixel distance): samples %.3f, real test images %.3f\n", r.NearestTrain, r.RealNearestTrain)
	}
	if j := r.Judge; j != nil {
		fmt.Fprintf(w, "  emoji judge (%s, sha256 %.12s; %.1f%% of the held-out emoji in their category):\n", j.Judge, j.SHA256, 100*j.HeldOutAccuracy)
		fmt.Fprintf(w, "    in the caption's category, the mean over categories: samples %.1f%%, real images %.1f%% (all captions alike: %.1f%%, %.1f%%)\n",
			100*j.CategoryBalanced, 100*j.RealCategoryBalanced, 100*j.Category, 100*j.RealCategory)
		fmt.Fprintf(w, "    on its features, to the real test emoji: Fréchet distance %.1f, KID %.0f (two halves of the real ones: KID %.0f)\n", j.Frechet, j.KID, j.RealKID)
		fmt.Fprintf(w, "    showing a colour the caption names (%d captions): samples %.1f%%, real images %.1f%%\n", j.HueN, 100*j.Hue, 100*j.RealHue)
	}
}
