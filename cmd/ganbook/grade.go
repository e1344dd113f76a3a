// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime"
	"strconv"
	"strings"
	"time"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/pkg/grade"
	"github.com/ganbook/ganbook/pkg/notebook"
)

// runAssign writes the student copies of assignments from their masters (`ganbook assign [ID ...]`), or checks
// that the committed ones are what it would write (`--check`).
func runAssign(args []string, stdout io.Writer) error {
	fs := newFlags("assign", "assign [--check] [ID ...]   (IDs: the folders under assignments/; none: all)", stdout)
	check := fs.Bool("check", false, "only check that notebooks/assignments/ holds what the masters make")
	if err := fs.Parse(args); err != nil {
		return fmt.Errorf("assign: %v (see `ganbook assign -h`)", err)
	}
	root, err := notebook.Root()
	if err != nil {
		return err
	}
	ids := fs.Args()
	if len(ids) == 0 {
		if ids, err = grade.Assignments(root); err != nil {
			return err
		}
	}
	for _, id := range ids {
		if *check {
			if err := grade.CheckReleased(root, id); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "%s: the student copy is up to date\n", id)
			continue
		}
		path, err := grade.Release(root, id)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: wrote %s\n", id, path)
	}
	return nil
}

// runGrade grades one submission, or a folder of them (`--class DIR --csv FILE`), each question's code in
// bubblewrap's sandbox unless --unsafe-no-sandbox.
func runGrade(args []string, stdout io.Writer) error {
	fs := newFlags("grade", "grade SUBMISSION.ipynb [--json] | grade --class DIR [--csv FILE]", stdout)
	asJSON := fs.Bool("json", false, "print one JSON object")
	class := fs.String("class", "", "grade every .ipynb in this folder")
	csvOut := fs.String("csv", "", "with --class: write the class roll-up (one row per submission) to this CSV file")
	timeout := fs.Duration("timeout", 2*time.Minute, "time limit of each question's tests, all of them together")
	memory := fs.String("memory", "4GiB", "memory (address space) each test process may map, beyond the backend's 2 GiB heap guard")
	parallel := fs.Int("parallel", runtime.NumCPU(), "questions built and run at once")
	unsafe := fs.Bool("unsafe-no-sandbox", false, "run the submissions' code without the sandbox, with your rights: only for code you trust")
	var files []string
	rest := args
	for len(rest) > 0 { // flags before and after the submission
		if err := fs.Parse(rest); err != nil {
			if err == flag.ErrHelp {
				return err
			}
			return fmt.Errorf("grade: %v (see `ganbook grade -h`)", err)
		}
		if fs.NArg() == 0 {
			break
		}
		files, rest = append(files, fs.Arg(0)), fs.Args()[1:]
	}
	if (*class == "") == (len(files) != 1) {
		return fmt.Errorf("grade: give one SUBMISSION.ipynb, or --class DIR")
	}
	if *timeout <= 0 {
		return fmt.Errorf("grade: --timeout must be positive, e.g. 2m")
	}
	mem, err := parseBytes(*memory)
	if err != nil {
		return fmt.Errorf("grade: --memory %v", err)
	}
	if *parallel < 1 {
		return fmt.Errorf("grade: --parallel must be at least 1")
	}
	root, err := notebook.Root()
	if err != nil {
		return err
	}
	if *unsafe {
		fmt.Fprintln(os.Stderr, "ganbook grade: UNSAFE: no sandbox (--unsafe-no-sandbox): the submissions' code runs with your rights and can read, change or delete your files")
	}
	opts := grade.Options{Root: root, Limits: grade.Limits{Time: *timeout, Memory: mem}, Parallel: *parallel, UnsafeNoSandbox: *unsafe}
	if *class != "" {
		reps, err := grade.GradeClass(context.Background(), *class, opts)
		if err != nil {
			return err
		}
		var buf bytes.Buffer
		if err := grade.WriteCSV(&buf, reps); err != nil {
			return err
		}
		if *csvOut != "" {
			if err := atomicfile.WriteFile(*csvOut, buf.Bytes()); err != nil {
				return err
			}
			fmt.Fprintf(stdout, "graded %d submissions into %s\n", len(reps), *csvOut)
			return nil
		}
		_, err = stdout.Write(buf.Bytes())
		return err
	}
	rep, err := grade.GradeFile(context.Background(), files[0], opts)
	if err != nil {
		return err
	}
	if *asJSON {
		return printJSON(stdout, rep)
	}
	fmt.Fprintf(stdout, "%s (assignment %s): %g of %g points\n", rep.Submission, rep.Assignment, rep.Score, rep.Max)
	fmt.Fprintf(stdout, "  %-8s %-36s %-14s %7s  %s\n", "question", "test", "status", "points", "message")
	for _, r := range rep.Results {
		name := r.Test
		if r.Hidden {
			name += " (hidden)"
		}
		fmt.Fprintf(stdout, "  %-8s %-36s %-14s %3g/%-3g  %s\n", r.Question, name, r.Status, r.Points, r.Max, r.Message)
	}
	return nil
}

// parseBytes reads a size: a number with an optional binary unit, 512MiB, 4GiB, 4G (also 4g, 4096M).
func parseBytes(s string) (int64, error) {
	t := strings.TrimSuffix(strings.TrimSuffix(strings.ToUpper(strings.TrimSpace(s)), "B"), "I")
	shift := 0
	if n := len(t); n > 0 {
		switch t[n-1] {
		case 'K':
			shift = 10
		case 'M':
			shift = 20
		case 'G':
			shift = 30
		}
		if shift > 0 {
			t = t[:n-1]
		}
	}
	v, err := strconv.ParseFloat(t, 64)
	if err != nil || v <= 0 || v > 1<<40 {
		return 0, fmt.Errorf("%q is not a size: write it as 512MiB or 4GiB", excerptArg(s))
	}
	return int64(v * float64(int64(1)<<shift)), nil
}

// excerptArg is an argument cut to 40 characters, for an error message.
func excerptArg(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
