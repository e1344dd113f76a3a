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
	"sync"

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
	sub, master, err := readSubmission(path, opts.Root)
	if err != nil {
		return nil, err
	}
	g, err := newGrader(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer g.close()
	return g.grade(ctx, master, sub, path)
}

// readSubmission reads a submission and the master of the assignment it names.
func readSubmission(path, root string) (sub, master *Notebook, err error) {
	if sub, err = ReadNotebook(path); err != nil {
		return nil, nil, err
	}
	if sub.Assignment == "" {
		return nil, nil, errors.Errorf("grade: %s names no assignment (metadata ganbook.assignment): is it a ganbook assignment?", path)
	}
	if strings.ContainsAny(sub.Assignment, `/\`) || strings.HasPrefix(sub.Assignment, ".") {
		return nil, nil, errors.Errorf("grade: %s names the assignment %q, which is no folder name under %s/", path, excerpt(sub.Assignment, 40), MastersDir)
	}
	if master, err = ReadNotebook(MasterPath(root, sub.Assignment)); err != nil {
		return nil, nil, errors.Errorf("grade: %s is assignment %q, and there is no such master (%s): is the checkout up to date?", path, excerpt(sub.Assignment, 40), MasterPath(root, sub.Assignment))
	}
	return sub, master, nil
}

// gradeFile grades one submission of a class, reading each master once (masters, by assignment: the plans
// are cached by master).
func (g *grader) gradeFile(ctx context.Context, path string, masters map[string]*Notebook) (*Report, error) {
	sub, master, err := readSubmission(path, g.opts.Root)
	if err != nil {
		return nil, err
	}
	g.mu.Lock()
	if m, ok := masters[sub.Assignment]; ok {
		master = m
	} else {
		masters[sub.Assignment] = master
	}
	g.mu.Unlock()
	return g.grade(ctx, master, sub, path)
}

// GradeClass grades every .ipynb in dir (a folder of submissions) and returns their reports, in file order.
// The submissions' questions are graded opts.Parallel at a time, and code that two submissions share (an
// unanswered question, the judges) is built once. A submission that cannot be graded at all (not a notebook,
// another course's) is reported with score 0 and the reason.
func GradeClass(ctx context.Context, dir string, opts Options) ([]*Report, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.ipynb"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, errors.Errorf("grade: no .ipynb files in %s", dir)
	}
	sort.Strings(files)
	g, err := newGrader(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer g.close()
	masters := map[string]*Notebook{}
	reps := make([]*Report, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	for i, f := range files {
		wg.Go(func() {
			rep, err := g.gradeFile(ctx, f, masters)
			if err != nil && ctx.Err() != nil {
				errs[i] = ctx.Err()
				return
			}
			if err != nil {
				rep = &Report{Submission: f, Sandboxed: !g.opts.UnsafeNoSandbox, Results: []Result{{Status: "error", Message: firstLines(err.Error(), 1)}}}
			}
			reps[i] = rep
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
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
