// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
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

// runGrade grades one submission, or a folder of them (`--class DIR --csv FILE`).
func runGrade(args []string, stdout io.Writer) error {
	fs := newFlags("grade", "grade SUBMISSION.ipynb [--json] | grade --class DIR [--csv FILE]", stdout)
	asJSON := fs.Bool("json", false, "print one JSON object")
	class := fs.String("class", "", "grade every .ipynb in this folder")
	csvOut := fs.String("csv", "", "with --class: write the class roll-up (one row per submission) to this CSV file")
	timeout := fs.Duration("timeout", 2*time.Minute, "time limit of each question's tests")
	var files []string
	rest := args
	for len(rest) > 0 { // flags before and after the submission
		if err := fs.Parse(rest); err != nil {
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
		return fmt.Errorf("grade: --timeout must be positive")
	}
	root, err := notebook.Root()
	if err != nil {
		return err
	}
	opts := grade.Options{Root: root, Timeout: *timeout}
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
