// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"context"
	"encoding/csv"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/pkg/errors"
)

// Where the assignments live in a checkout.
const (
	MastersDir  = "assignments"           // assignments/<id>/master.ipynb
	StudentsDir = "notebooks/assignments" // notebooks/assignments/<id>.ipynb
)

// MasterPath is the master of assignment id.
func MasterPath(root, id string) string { return filepath.Join(root, MastersDir, id, "master.ipynb") }

// StudentPath is the committed student copy of assignment id.
func StudentPath(root, id string) string { return filepath.Join(root, StudentsDir, id+".ipynb") }

// Assignments lists the ids of the masters in the checkout.
func Assignments(root string) ([]string, error) {
	masters, err := filepath.Glob(filepath.Join(root, MastersDir, "*", "master.ipynb"))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range masters {
		ids = append(ids, filepath.Base(filepath.Dir(m)))
	}
	sort.Strings(ids)
	return ids, nil
}

// Release writes the student copy of assignment id (StudentCopy of its master) to notebooks/assignments/.
func Release(root, id string) (string, error) {
	b, err := studentBytes(root, id)
	if err != nil {
		return "", err
	}
	path := StudentPath(root, id)
	return path, errors.WithMessage(atomicfile.WriteFile(path, b), "grade")
}

// CheckReleased reports an error when a committed student copy is not what Release would write.
func CheckReleased(root, id string) error {
	want, err := studentBytes(root, id)
	if err != nil {
		return err
	}
	got, err := os.ReadFile(StudentPath(root, id))
	if err != nil {
		return errors.Wrapf(err, "grade: the student copy of %s", id)
	}
	if string(got) != string(want) {
		return errors.Errorf("grade: %s is not the student copy of %s: run `ganbook assign %s`", StudentPath(root, id), MasterPath(root, id), id)
	}
	return nil
}

func studentBytes(root, id string) ([]byte, error) {
	master, err := ReadNotebook(MasterPath(root, id))
	if err != nil {
		return nil, err
	}
	student, err := StudentCopy(master)
	if err != nil {
		return nil, err
	}
	return student.Marshal()
}

// GradeFile grades the notebook at path against its master (the assignment its metadata names).
func GradeFile(ctx context.Context, path string, opts Options) (*Report, error) {
	sub, err := ReadNotebook(path)
	if err != nil {
		return nil, err
	}
	if sub.Assignment == "" {
		return nil, errors.Errorf("grade: %s names no assignment (metadata ganbook.assignment): is it a ganbook assignment?", path)
	}
	master, err := ReadNotebook(MasterPath(opts.Root, sub.Assignment))
	if err != nil {
		return nil, errors.WithMessagef(err, "grade: the master of %s", sub.Assignment)
	}
	return Grade(ctx, master, sub, path, opts)
}

// GradeClass grades every .ipynb in dir (a folder of submissions) and returns their reports, in file order. A
// submission that cannot be graded at all (not a notebook, another course's) is reported with score 0 and the
// reason.
func GradeClass(ctx context.Context, dir string, opts Options) ([]*Report, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.Errorf("grade: no .ipynb files in %s", dir)
	}
	sort.Strings(files)
	var reps []*Report
	for _, f := range files {
		rep, err := GradeFile(ctx, f, opts)
		if err != nil {
			rep = &Report{Submission: f, Results: []Result{{Status: "error", Message: firstLines(err.Error(), 1)}}}
		}
		reps = append(reps, rep)
	}
	return reps, nil
}

// WriteCSV writes a class roll-up: one row per submission with its score, its maximum and each question's
// points.
func WriteCSV(w io.Writer, reps []*Report) error {
	var questions []string
	seen := map[string]bool{}
	for _, r := range reps {
		for _, res := range r.Results {
			if res.Question != "" && !seen[r.Assignment+"/"+res.Question] {
				seen[r.Assignment+"/"+res.Question] = true
				questions = append(questions, r.Assignment+"/"+res.Question)
			}
		}
	}
	cw := csv.NewWriter(w)
	if err := cw.Write(append([]string{"submission", "assignment", "score", "max"}, questions...)); err != nil {
		return err
	}
	for _, r := range reps {
		per := map[string]float64{}
		for _, res := range r.Results {
			per[r.Assignment+"/"+res.Question] += res.Points
		}
		row := []string{filepath.Base(r.Submission), r.Assignment, fmt.Sprint(r.Score), fmt.Sprint(r.Max)}
		for _, q := range questions {
			if strings.HasPrefix(q, r.Assignment+"/") {
				row = append(row, fmt.Sprint(per[q]))
			} else {
				row = append(row, "")
			}
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
