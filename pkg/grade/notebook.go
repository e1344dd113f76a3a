// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"encoding/json"
	"os"
	"strings"

	"github.com/pkg/errors"
)

// Cell kinds, in a code cell's metadata "ganbook": {"grade": {"kind": ..., "id": ..., "points": ...}}.
const (
	KindAnswer = "answer" // the student fills it: the instructor's solution between BEGIN SOLUTION and END SOLUTION
	KindTest   = "test"   // visible tests of a question, run in the notebook with %test
	KindHidden = "hidden" // the instructor's hidden tests: in the master only
)

// Tag is what a graded cell's metadata says.
type Tag struct {
	Kind     string  `json:"kind"`
	Question string  `json:"question"`         // the question it belongs to ("q1")
	Points   float64 `json:"points,omitempty"` // test cells: the points of each Test function in the cell
}

// Notebook is a parsed .ipynb: its cells, with the raw JSON kept so that a copy writes back every field.
type Notebook struct {
	raw   map[string]any
	Cells []*Cell
	// Assignment is metadata "ganbook": {"assignment": ...}: the folder name under assignments/.
	Assignment string
}

// Cell is one cell of a notebook.
type Cell struct {
	raw    map[string]any
	Type   string // "code" or "markdown"
	Source string
	Tag    *Tag // nil for a cell the grader does not know
}

// MaxNotebookBytes is the largest notebook ReadNotebook reads: far above a course notebook with its figures.
const MaxNotebookBytes = 64 << 20

// ReadNotebook reads and parses an .ipynb file.
func ReadNotebook(path string) (*Notebook, error) {
	if st, err := os.Stat(path); err == nil && st.Size() > MaxNotebookBytes {
		return nil, errors.Errorf("grade: %s is %d MiB, more than a notebook of the course (at most %d MiB): is it one?", path, st.Size()>>20, MaxNotebookBytes>>20)
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrapf(err, "grade: reading %s", path)
	}
	nb, err := ParseNotebook(b)
	return nb, errors.WithMessagef(err, "grade: %s", path)
}

// ParseNotebook parses the JSON of a notebook (nbformat 4).
func ParseNotebook(b []byte) (*Notebook, error) {
	var raw map[string]any
	if err := json.Unmarshal(b, &raw); err != nil {
		return nil, errors.Wrap(err, "not a notebook (invalid JSON)")
	}
	cells, ok := raw["cells"].([]any)
	if !ok {
		return nil, errors.New("not a notebook: no cells")
	}
	nb := &Notebook{raw: raw}
	if md, ok := raw["metadata"].(map[string]any); ok {
		if g, ok := md["ganbook"].(map[string]any); ok {
			nb.Assignment, _ = g["assignment"].(string)
		}
	}
	for i, c := range cells {
		cm, ok := c.(map[string]any)
		if !ok {
			return nil, errors.Errorf("cell %d is not an object", i)
		}
		cell := &Cell{raw: cm}
		cell.Type, _ = cm["cell_type"].(string)
		switch src := cm["source"].(type) {
		case string:
			cell.Source = src
		case []any:
			var sb strings.Builder
			for _, line := range src {
				s, ok := line.(string)
				if !ok {
					return nil, errors.Errorf("cell %d: source is not text", i)
				}
				sb.WriteString(s)
			}
			cell.Source = sb.String()
		case nil:
		default:
			return nil, errors.Errorf("cell %d: source is not text", i)
		}
		if md, ok := cm["metadata"].(map[string]any); ok {
			if g, ok := md["ganbook"].(map[string]any); ok {
				if gr, ok := g["grade"]; ok {
					b, _ := json.Marshal(gr)
					var tag Tag
					if err := json.Unmarshal(b, &tag); err != nil || tag.Question == "" ||
						(tag.Kind != KindAnswer && tag.Kind != KindTest && tag.Kind != KindHidden) {
						return nil, errors.Errorf("cell %d: bad grading metadata %s: want {kind: answer|test|hidden, question: ...}", i, b)
					}
					if tag.Points < 0 || tag.Points > 1000 {
						return nil, errors.Errorf("cell %d: points %g out of range", i, tag.Points)
					}
					cell.Tag = &tag
				}
			}
		}
		nb.Cells = append(nb.Cells, cell)
	}
	return nb, nil
}

// Marshal writes the notebook back as JSON, each cell's source as lines (Jupyter's form).
func (nb *Notebook) Marshal() ([]byte, error) {
	cells := make([]any, 0, len(nb.Cells))
	for _, c := range nb.Cells {
		lines := strings.SplitAfter(c.Source, "\n")
		if len(lines) > 0 && lines[len(lines)-1] == "" {
			lines = lines[:len(lines)-1]
		}
		src := make([]any, len(lines))
		for i, l := range lines {
			src[i] = l
		}
		c.raw["source"] = src
		cells = append(cells, c.raw)
	}
	nb.raw["cells"] = cells
	b, err := json.MarshalIndent(nb.raw, "", " ")
	if err != nil {
		return nil, err
	}
	return append(b, '\n'), nil
}

// Questions lists the questions of the notebook's answer cells, in order of first appearance.
func (nb *Notebook) Questions() []string {
	var qs []string
	seen := map[string]bool{}
	for _, c := range nb.Cells {
		if c.Tag != nil && c.Tag.Kind == KindAnswer && !seen[c.Tag.Question] {
			seen[c.Tag.Question] = true
			qs = append(qs, c.Tag.Question)
		}
	}
	return qs
}

// answer is the last answer cell of question q (a student who copied the cell graded by the copy they kept
// last) and its index, or nil.
func (nb *Notebook) answer(q string) (*Cell, int) {
	var found *Cell
	at := -1
	for i, c := range nb.Cells {
		if c.Tag != nil && c.Tag.Kind == KindAnswer && c.Tag.Question == q {
			found, at = c, i
		}
	}
	return found, at
}
