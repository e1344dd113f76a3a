// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/pkg/errors"
)

// The markers of a solution in a master's answer cell (nbgrader's BEGIN/END SOLUTION, in Go comments). The text
// after "BEGIN SOLUTION:" is the hint the student copy's stub gives.
var (
	beginSolution = regexp.MustCompile(`^(\s*)// BEGIN SOLUTION(?::\s*(.*))?$`)
	endSolution   = regexp.MustCompile(`^\s*// END SOLUTION\s*$`)
)

// StudentCopy makes the student's copy of a master: each solution between the markers replaced by a stub that
// still compiles, panic("TODO(q1): hint") (GoNB forgets a cell that does not compile, and every later cell
// would fail), the hidden tests removed, every output and execution count cleared.
func StudentCopy(master *Notebook) (*Notebook, error) {
	b, err := master.Marshal()
	if err != nil {
		return nil, err
	}
	nb, err := ParseNotebook(b) // a deep copy
	if err != nil {
		return nil, err
	}
	var kept []*Cell
	for i, c := range nb.Cells {
		if c.Type == "code" {
			c.raw["outputs"] = []any{}
			c.raw["execution_count"] = nil
		}
		if c.Tag != nil && c.Tag.Kind == KindHidden {
			continue
		}
		if c.Tag != nil && c.Tag.Kind == KindAnswer {
			stub, n, err := stubSolutions(c.Source, c.Tag.Question)
			if err != nil {
				return nil, errors.WithMessagef(err, "grade: cell %d", i)
			}
			if n == 0 {
				return nil, errors.Errorf("grade: cell %d (%s) is an answer cell with no BEGIN SOLUTION", i, c.Tag.Question)
			}
			c.Source = stub
		} else if strings.Contains(c.Source, "BEGIN SOLUTION") {
			return nil, errors.Errorf("grade: cell %d has a solution but is not an answer cell: tag it {kind: answer}", i)
		}
		kept = append(kept, c)
	}
	nb.Cells = kept
	return nb, nil
}

// stubSolutions replaces each marked solution of src with a panic stub, indented as the marker.
func stubSolutions(src, question string) (string, int, error) {
	var out []string
	in, n := false, 0
	for _, line := range strings.Split(src, "\n") {
		switch {
		case !in && beginSolution.MatchString(line):
			m := beginSolution.FindStringSubmatch(line)
			hint := m[2]
			if hint == "" {
				hint = "your code here"
			}
			out = append(out, fmt.Sprintf("%spanic(%q)", m[1], "TODO("+question+"): "+hint))
			in, n = true, n+1
		case in && endSolution.MatchString(line):
			in = false
		case in && beginSolution.MatchString(line):
			return "", 0, errors.New("BEGIN SOLUTION inside a solution")
		case in:
		case endSolution.MatchString(line) || beginSolution.MatchString(line):
			return "", 0, errors.New("unbalanced BEGIN SOLUTION / END SOLUTION")
		default:
			out = append(out, line)
		}
	}
	if in {
		return "", 0, errors.New("BEGIN SOLUTION without END SOLUTION")
	}
	return strings.Join(out, "\n"), n, nil
}
