// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"slices"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/compute"
)

// trainSynopsis is the usage line of `ganbook train`, with the registered families.
func trainSynopsis() string {
	return "train " + strings.Join(gan.Families(), "|") + "|textenc|classifier [--dataset NAME] [--steps N] [--batch B] [--seed S] " +
		"[--loss ns|minimax|ls|wgan-gp|hinge] [--out DIR] [--resume] [the family's flags: see `ganbook train FAMILY -h`]"
}

func runTrain(args []string, stdout io.Writer) error {
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		return fmt.Errorf("train: say what to train: `ganbook %s`", trainSynopsis())
	}
	family, args := args[0], args[1:]
	switch family {
	case "classifier":
		return runTrainClassifier(args, stdout)
	case textenc.Kind:
		return runTrainTextenc(args, stdout)
	}
	if !slices.Contains(gan.Families(), family) {
		return fmt.Errorf("train: unknown model %q: use %s, textenc or classifier", excerpt(family), strings.Join(gan.Families(), ", "))
	}
	// A resumed run reads its flags over its stored settings: find the run before binding them.
	peek := peekFlags(args, "resume", "out", "dataset")
	resume := peek["resume"] == "true"
	cfg, err := gan.DefaultFor(family)
	if err != nil {
		return err
	}
	var stored *gan.Config
	out := peek["out"]
	if resume {
		if out == "" {
			out = defaultOut(family, cfg, peek["dataset"])
		}
		if stored, err = storedConfig(family, out); err != nil {
			return err
		}
		if cfg, err = copyConfig(*stored); err != nil {
			return err
		}
	}
	fs := newFlags("train "+family, trainSynopsis(), stdout)
	gan.BindFlags(fs, &cfg)
	own := gan.BindFamilyFlags(fs, &cfg)
	logEvery := fs.Int("log-every", 50, "steps averaged into one progress line and one metrics.json entry")
	minutes := fs.Float64("minutes", 0, "a time budget: stop (with a checkpoint) after this many minutes of training, or at --steps, whichever comes first (0: no budget)")
	fs.StringVar(&out, "out", out, "run directory (default runs/<family>-<dataset>)")
	fs.BoolVar(&resume, "resume", resume, "continue the run in --out from its last checkpoint, with its stored settings")
	fs.Usage = func() { // the family's own flags apart from the core's
		fmt.Fprintf(stdout, "usage: ganbook train %s [flags]\n\nflags of %s:\n", family, family)
		own.SetOutput(stdout)
		own.PrintDefaults()
		fmt.Fprintln(stdout, "\nflags of every family:")
		fs.VisitAll(func(f *flag.Flag) {
			if own.Lookup(f.Name) == nil {
				printFlag(stdout, f)
			}
		})
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if out == "" {
		out = defaultOut(family, cfg, cfg.Dataset)
	}
	if !resume {
		given := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
		if err := gan.SetUp(&cfg, func(name string) bool { return given[name] }); err != nil {
			return fmt.Errorf("train %s: %v", family, strings.TrimPrefix(err.Error(), family+": "))
		}
	}
	if *logEvery <= 0 || *logEvery > 1e9 {
		return fmt.Errorf("train %s: --log-every must be in 1..10⁹", family)
	}
	if !(*minutes >= 0 && *minutes <= 1e6) {
		return fmt.Errorf("train %s: --minutes must be in 0..10⁶", family)
	}
	if !resume { // fail before the backend starts; gan.Train checks a resumed run's merged settings, once
		if err := cfg.Validate(); err != nil {
			return err
		}
	}
	b, ctx, done, err := startTraining(stdout, cfg, out)
	if err != nil {
		return err
	}
	defer done()
	bar := newProgressBar(stdout)
	t, err := gan.Train(ctx, b, cfg, gan.RunOptions{Dir: out, Resume: resume, Stored: stored, LogEvery: *logEvery,
		Progress: bar.update, Warn: func(w string) { bar.warn(w) }, Budget: time.Duration(*minutes * float64(time.Minute))})
	bar.done()
	return trainingEnded(stdout, t, err, cfg, family, out, "samples in "+out+"/samples/latest.png")
}

// printFlag prints one flag as flag.PrintDefaults does.
func printFlag(w io.Writer, f *flag.Flag) {
	one := flag.NewFlagSet("", flag.ContinueOnError)
	one.Var(f.Value, f.Name, f.Usage)
	one.SetOutput(w)
	one.PrintDefaults()
}

// defaultOut is the run directory of a run that names none: runs/<family>-<dataset>.
func defaultOut(family string, cfg gan.Config, dataset string) string {
	if dataset == "" {
		dataset = cfg.Dataset
	}
	return fmt.Sprintf("runs/%s-%s", family, dataset)
}

// storedConfig is the config.json of the run to resume in dir, read once (gan.Train validates it once merged
// with the flags), which must be a run of family.
func storedConfig(family, dir string) (*gan.Config, error) {
	stored, err := gan.ReadStoredConfig(dir)
	if err != nil {
		return nil, fmt.Errorf("train %s: --resume: %v", family, err)
	}
	if stored.FamilyName() != family {
		return nil, fmt.Errorf("train %s: %s holds a %s run: continue it with `ganbook train %s --out %s --resume`",
			family, dir, stored.FamilyName(), stored.FamilyName(), dir)
	}
	return &stored, nil
}

// copyConfig is a deep copy of a config (through its JSON), to read flags over without touching the original.
func copyConfig(c gan.Config) (gan.Config, error) {
	var again gan.Config
	b, err := json.Marshal(c)
	if err != nil {
		return again, err
	}
	return again, json.Unmarshal(b, &again)
}

// peekFlags finds the values of the named flags in args without parsing the rest (whose flags depend on what
// these say): "-name value", "--name value", "-name=value"; a flag given without a value (a bool) is "true". It
// stops where flag.Parse would, at the first argument that is not a flag or after "--".
func peekFlags(args []string, names ...string) map[string]string {
	out := map[string]string{}
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" || len(a) < 2 || a[0] != '-' {
			break
		}
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !slices.Contains(names, name) {
			if !hasValue && i+1 < len(args) && !strings.HasPrefix(args[i+1], "-") {
				i++ // a value of a flag that is not a bool: skip it (a bool flag's next argument would be positional)
			}
			continue
		}
		switch {
		case hasValue:
			out[name] = value
		case name == "resume":
			out[name] = "true"
		case i+1 < len(args):
			out[name] = args[i+1]
			i++
		}
	}
	return out
}

// startTraining opens the backend and a context that Ctrl-C or SIGTERM cancels (the run then saves a checkpoint
// and stops; the cause is the signal, an *interrupted), and says what is trained, on which backend, in which
// run directory; done releases both.
func startTraining(stdout io.Writer, cfg fmt.Stringer, dir string) (b compute.Backend, ctx context.Context, done func(), err error) {
	if b, err = backend.New(); err != nil {
		return nil, nil, nil, err
	}
	ctx, cancel := context.WithCancelCause(context.Background())
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, os.Interrupt, syscall.SIGTERM)
	go func() {
		if sig, ok := <-signals; ok {
			cancel(&interrupted{sig: sig})
		}
	}()
	fmt.Fprintf(stdout, "training %s\nbackend: %s\nrun directory: %s (Ctrl-C saves a checkpoint and stops; --resume continues)\n",
		cfg, backend.Describe(b), dir)
	return b, ctx, func() { signal.Stop(signals); close(signals); cancel(nil); b.Finalize() }, nil
}

// interrupted is how a run stopped by a signal ends: `ganbook` exits with 128 + the signal's number (130 for
// Ctrl-C, 143 for SIGTERM), after the message.
type interrupted struct {
	sig os.Signal
	msg string
}

func (e *interrupted) Error() string {
	if e.msg != "" {
		return e.msg
	}
	return "interrupted by " + e.sig.String()
}

// exitCode is 128 + the signal's number.
func (e *interrupted) exitCode() int {
	if s, ok := e.sig.(syscall.Signal); ok {
		return 128 + int(s)
	}
	return 130
}

// trainingEnded reports how `ganbook train` ended: interrupted by Ctrl-C or SIGTERM after the run saved its
// checkpoint (an *interrupted error, for the exit code), diverged (with the command that resumes it at lower
// rates, or starts again where nothing was saved), finished (with what the run wrote, then how to score it), or
// another error, returned as it is.
func trainingEnded(stdout io.Writer, t interface{ GlobalStep() int64 }, err error, cfg gan.Config, family, dir, wrote string) error {
	var div *gan.DivergedError
	if errors.As(err, &div) {
		lrG, lrD := cfg.LearningRateG/2, cfg.LearningRateD/2
		if gan.HasCheckpoint(dir) {
			return fmt.Errorf("%v; resume from the last checkpoint at half the rates: `ganbook train %s --out %s --resume --lr-g %g --lr-d %g`",
				div.Summary(), family, dir, lrG, lrD)
		}
		return fmt.Errorf("%v; no checkpoint was saved before it: start again at half the rates (`ganbook train %s --out %s --lr-g %g --lr-d %g`, "+
			"after removing %s) or with another --loss", div.Summary(), family, dir, lrG, lrD, dir)
	}
	var sig *interrupted
	if err != nil && errors.As(err, &sig) {
		sig.msg = fmt.Sprintf("interrupted at step %d: checkpoint saved in %s; continue with `ganbook train %s --out %s --resume`",
			t.GlobalStep(), dir, family, dir)
		return sig
	}
	if err != nil {
		return err
	}
	if t.GlobalStep() < int64(cfg.Steps) {
		fmt.Fprintf(stdout, "time budget reached at step %d of %d (checkpoint saved; `ganbook train %s --out %s --resume` goes on)\n",
			t.GlobalStep(), cfg.Steps, family, dir)
	}
	fmt.Fprintf(stdout, "done: %d steps; %s; score them with `ganbook eval --run %s`\n", t.GlobalStep(), wrote, dir)
	return nil
}

// progressBar prints one line per update, redrawn in place on a terminal.
type progressBar struct {
	w     io.Writer
	tty   bool
	drawn bool
}

func newProgressBar(w io.Writer) *progressBar {
	tty := false
	if f, ok := w.(*os.File); ok {
		if st, err := f.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
			tty = true
		}
	}
	return &progressBar{w: w, tty: tty}
}

// update draws one progress line: the step, the rate, D's and G's losses, D's mean verdicts and the family's
// reported terms.
func (p *progressBar) update(pr gan.Progress) {
	const width = 24
	filled := int(float64(width) * float64(pr.Step) / float64(pr.Total))
	bar := strings.Repeat("=", filled) + strings.Repeat(" ", width-filled)
	line := fmt.Sprintf("step %d/%d [%s] %.2f steps/s ETA %s | D %.3f G %.3f | D(x) %.2f D(G(z)) %.2f",
		pr.Step, pr.Total, bar, pr.StepsPerSec, pr.ETA.Round(time.Second), pr.Last.DLoss, pr.Last.GLoss, pr.Last.DReal, pr.Last.DFake)
	if len(pr.Last.Extra) > 0 {
		names := make([]string, 0, len(pr.Last.Extra))
		for k := range pr.Last.Extra {
			names = append(names, k)
		}
		sort.Strings(names)
		line += " |"
		for _, k := range names {
			line += fmt.Sprintf(" %s %.4g", k, pr.Last.Extra[k])
		}
	}
	if pr.Checkpointed {
		line += " [saved]"
	}
	if p.tty {
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.drawn = true
		return
	}
	fmt.Fprintln(p.w, line)
}

// warn prints a warning on a line of its own.
func (p *progressBar) warn(w string) {
	if p.drawn {
		fmt.Fprintln(p.w)
		p.drawn = false
	}
	fmt.Fprintln(p.w, "warning:", w)
}

func (p *progressBar) done() {
	if p.drawn {
		fmt.Fprintln(p.w)
	}
}
