// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"fmt"
	"slices"
	"sort"

	"github.com/pkg/errors"
)

// plan is what grading a master's questions needs, parsed once per master.
type plan struct {
	master    *Notebook
	questions []*question
	pieces    map[int]*piece // the master's code cells by index: setup, answers, tests
	stubs     map[int]*piece // its answer cells as the student copy has them (solutions stubbed)
}

// question is one question of a master.
type question struct {
	id    string
	cell  int // the master's answer cell
	tests []testInfo
	// deps are the answer cells of other questions that q's answer or tests use (transitively): q's binaries
	// hold their master code; every other answer cell is there as its stub.
	deps map[int]bool
}

type testInfo struct {
	name   string
	hidden bool
	points float64
}

func (g *grader) plan(master *Notebook) (*plan, error) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if pl, ok := g.plans[master]; ok {
		return pl, nil
	}
	pl, err := newPlan(master)
	if err != nil {
		return nil, err
	}
	g.plans[master] = pl
	return pl, nil
}

func newPlan(master *Notebook) (*plan, error) {
	pl := &plan{master: master, pieces: map[int]*piece{}, stubs: map[int]*piece{}}
	answers := map[string][]int{}
	for i, c := range master.Cells {
		if c.Type != "code" {
			continue
		}
		kind := "setup"
		if c.Tag != nil {
			kind = map[string]string{KindAnswer: "master", KindTest: "test", KindHidden: "hidden"}[c.Tag.Kind]
		}
		p, err := parsePiece(fmt.Sprintf("the master's cell %d", i), fmt.Sprintf("%s.%d", kind, i), c.Source)
		if err != nil {
			return nil, errors.WithMessage(err, "grade")
		}
		pl.pieces[i] = p
		if kind == "master" {
			answers[c.Tag.Question] = append(answers[c.Tag.Question], i)
			stub, n, err := stubSolutions(c.Source, c.Tag.Question)
			if err == nil && n == 0 {
				err = errors.New("it has no BEGIN SOLUTION")
			}
			if err != nil {
				return nil, errors.Errorf("grade: the master's cell %d (%s's answer): %v", i, c.Tag.Question, err)
			}
			if pl.stubs[i], err = parsePiece(fmt.Sprintf("the stub of the master's cell %d", i), fmt.Sprintf("stub.%d", i), stub); err != nil {
				return nil, errors.WithMessage(err, "grade")
			}
		}
	}
	for _, id := range master.Questions() {
		if len(answers[id]) != 1 {
			return nil, errors.Errorf("grade: the master has %d answer cells for %s: give each its own question", len(answers[id]), id)
		}
		q := &question{id: id, cell: answers[id][0], deps: map[int]bool{}}
		used := pl.pieces[q.cell].uses()
		for i, c := range master.Cells {
			if c.Tag == nil || c.Tag.Question != id || (c.Tag.Kind != KindTest && c.Tag.Kind != KindHidden) {
				continue
			}
			pts := c.Tag.Points
			if pts == 0 {
				pts = 1
			}
			for _, n := range pl.pieces[i].testNames() {
				q.tests = append(q.tests, testInfo{name: n, hidden: c.Tag.Kind == KindHidden, points: pts})
			}
			for n := range pl.pieces[i].uses() {
				used[n] = true
			}
		}
		if len(q.tests) == 0 {
			return nil, errors.Errorf("grade: the master has no tests for %s", id)
		}
		// The answers q uses, and the ones those use.
		for grew := true; grew; {
			grew = false
			for other, cells := range answers {
				if other == id || q.deps[cells[0]] {
					continue
				}
				for n := range pl.pieces[cells[0]].declared() {
					if used[n] {
						q.deps[cells[0]], grew = true, true
						for m := range pl.pieces[cells[0]].uses() {
							used[m] = true
						}
						break
					}
				}
			}
		}
		pl.questions = append(pl.questions, q)
	}
	if len(pl.questions) == 0 {
		return nil, errors.New("grade: the master has no answer cells")
	}
	return pl, nil
}

// has says whether q has tests of kind.
func (q *question) has(kind string) bool {
	for _, t := range q.tests {
		if t.hidden == (kind == KindHidden) {
			return true
		}
	}
	return false
}

// source is the test file of one of q's binaries: the master's code cells in order, with answer in place of q's
// answer cell (its stub where answer is nil: the judge), the master's answers to q's dependencies, the other
// answers' stubs, and q's tests of the kinds given (KindTest, KindHidden).
func (pl *plan) source(q *question, answer *piece, kinds ...string) string {
	var ps []*piece
	idx := make([]int, 0, len(pl.pieces))
	for i := range pl.pieces {
		idx = append(idx, i)
	}
	sort.Ints(idx)
	for _, i := range idx {
		c := pl.master.Cells[i]
		switch {
		case c.Tag == nil:
			ps = append(ps, pl.pieces[i])
		case c.Tag.Kind == KindAnswer && i == q.cell && answer != nil:
			ps = append(ps, answer)
		case c.Tag.Kind == KindAnswer && q.deps[i]:
			ps = append(ps, pl.pieces[i])
		case c.Tag.Kind == KindAnswer:
			ps = append(ps, pl.stubs[i])
		case c.Tag.Question == q.id && slices.Contains(kinds, c.Tag.Kind):
			ps = append(ps, pl.pieces[i])
		}
	}
	return assemble(ps)
}
