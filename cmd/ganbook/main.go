// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Command ganbook trains, samples, scores and benchmarks the GANs of the ganbook notebooks.
//
//	ganbook train FAMILY [flags]    train a family of the registry (pkg/families), textenc or the classifier
//	ganbook sample --run DIR ...    write samples as a PNG grid or an IDX file
//	ganbook eval --run DIR [--json] score samples with the dataset's classifier
//	ganbook backend                 print the compute backend GOMLX_BACKEND selects (default: pure Go)
//	ganbook bench conv [--json]     time pkg/nn's convolutions against GoMLX's native ones and the MatMul rate
//	ganbook data [--dataset mnist]  load a dataset and print what it holds
//	ganbook assign [--check]        write (or check) the assignments' student copies from their masters
//	ganbook grade SUBMISSION.ipynb  grade an assignment notebook: a score table, or --json; --class DIR for a folder
//
// Every command takes -h for its flags. All the work is done by the packages under pkg/ (pkg/gan's core and one
// package per family); this command only parses flags and prints.
package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/ganbook/ganbook/pkg/backend"
	_ "github.com/ganbook/ganbook/pkg/families" // the registry: every family, which brings its own flags, set-up, eval and sampling
	"github.com/ganbook/ganbook/pkg/gan"
)

// command is one verb of the CLI.
type command struct {
	name, usage string
	run         func(args []string, stdout io.Writer) error
}

func commands() []command {
	return []command{
		{"train", "train " + strings.Join(gan.Families(), ", ") + ", textenc or the scoring classifier: `ganbook train dcgan --steps 3000`", runTrain},
		{"sample", "write samples of a run as a PNG grid or an IDX file", runSample},
		{"eval", "score a run's samples (or real data and noise) with the dataset's classifier", runEval},
		{"export", "copy what sampling and eval need of a run into a small run directory (pretrained/)", runExport},
		{"backend", "print the compute backend selected by GOMLX_BACKEND", runBackend},
		{"bench", "benchmarks: `ganbook bench conv|dcgan [--json]`", runBench},
		{"data", "load a dataset and print its size and label counts", runData},
		{"assign", "write the student copies of the course assignments from their masters (--check: verify them)", runAssign},
		{"grade", "grade an assignment notebook (or a folder of them, --class DIR --csv FILE)", runGrade},
	}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: ganbook <command> [flags]\n\ncommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nRun `ganbook <command> -h` for a command's flags. GOMLX_BACKEND selects the backend "+
		"(unset: pure Go; e.g. xla:cuda or xla:/path/to/pjrt_plugin.so).")
}

func main() {
	err := run(os.Args[1:], os.Stdout, os.Stderr)
	var sig *interrupted
	switch {
	case errors.As(err, &sig):
		fmt.Fprintln(os.Stdout, oneLine(sig))
		os.Exit(sig.exitCode())
	case err != nil:
		fmt.Fprintln(os.Stderr, "ganbook:", oneLine(err))
		os.Exit(1)
	}
}

// run dispatches to a command; errors come back as one line saying what to do.
func run(args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			err := c.run(args[1:], stdout)
			if err == flag.ErrHelp {
				return nil
			}
			return err
		}
	}
	usage(stderr)
	return fmt.Errorf("unknown command %q: use one of %s", args[0], strings.Join(names(), ", "))
}

func names() []string {
	var out []string
	for _, c := range commands() {
		out = append(out, c.name)
	}
	return out
}

// excerpt is s cut to 40 bytes at most (on a rune boundary), with "…" where it was cut: what an error echoes of
// an argument it refuses.
func excerpt(s string) string {
	const n = 40
	if len(s) <= n {
		return s
	}
	return strings.ToValidUTF8(s[:n], "") + "…"
}

// openRun opens a run directory of any family on the backend GOMLX_BACKEND selects, and warns on stdout when its
// latest checkpoint was damaged and the previous one was loaded; call the returned function when done.
func openRun(dir string, stdout io.Writer) (*gan.Trainer, func(), error) {
	b, err := backend.New()
	if err != nil {
		return nil, nil, err
	}
	t, err := gan.LoadRun(b, dir)
	if err != nil {
		b.Finalize()
		return nil, nil, err
	}
	if w := t.Loaded.Warning(); w != "" {
		fmt.Fprintln(stdout, "warning:", w)
	}
	return t, b.Finalize, nil
}

// printJSON writes v as indented JSON, the form of every --json flag.
func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// oneLine keeps the first line of an error (wrapped errors may carry stack traces in %+v only).
func oneLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// newFlags makes a flag set that reports errors instead of exiting, and prints its usage to stdout on -h.
func newFlags(name, synopsis string, stdout io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stdout)
	fs.Usage = func() {
		fmt.Fprintf(stdout, "usage: ganbook %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFor parses the flags of a command on a run of family (sample, eval): a flag the family does not have is
// named as such.
func parseFor(fs *flag.FlagSet, args []string, family, dir string) error {
	err := parse(fs, args)
	if err == nil || err == flag.ErrHelp || family == "" {
		return err
	}
	if _, name, ok := strings.Cut(err.Error(), "flag provided but not defined: "); ok {
		name, _, _ = strings.Cut(name, " ")
		return fmt.Errorf("%s: %s is not a flag of %s runs (theirs: `ganbook %s --run %s -h`)", fs.Name(), excerpt(name), family, fs.Name(), dir)
	}
	return err
}

// parse parses flags, rejecting stray positional arguments.
func parse(fs *flag.FlagSet, args []string) error {
	usage, out := fs.Usage, fs.Output()
	fs.Usage = func() {} // on a bad flag the user sees the one-line error below, not the whole usage
	fs.SetOutput(io.Discard)
	err := fs.Parse(args)
	fs.SetOutput(out)
	if err == flag.ErrHelp {
		usage()
		return err
	}
	if err != nil {
		return fmt.Errorf("%s: %v (see `ganbook %s -h`)", fs.Name(), err, fs.Name())
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("%s: unexpected argument %q (see `ganbook %s -h`)", fs.Name(), fs.Arg(0), fs.Name())
	}
	return nil
}
