// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package graded carries the values an assignment's test takes from the student's code to ganbook's grader,
// which judges them in a process that holds none of that code.
//
// A test of an assignment wraps each value it gets from the student's code in Value:
//
//	got := graded.Value(t, "minimax loss", func() float64 { return lossOf(MinimaxGeneratorLoss, xs) })
//	if math.Abs(got-want) > 1e-5 {
//		t.Errorf("minimax loss %g, want %g", got, want)
//	}
//
// In a notebook (%test) or a plain `go test`, Value is f(): the test runs as it reads. The grader runs every
// test twice (pkg/grade's doc has the design and the threat model it answers):
//
//   - in the sandbox, with the submission's code (GANBOOK_GRADED=record): Value calls f and writes what it
//     returned, under the test's name, the value's name and its occurrence, to file descriptor 3. The rest of
//     the test runs too, but its verdict there counts for nothing: that process holds the student's code, which
//     can print or fake anything.
//   - in the judge, built from the master with the question's answer replaced by its TODO stub
//     (GANBOOK_GRADED=replay): Value never calls f and returns the value the submission's process wrote under the
//     same name, read from standard input; the test's own checks then decide, and the judge writes the verdict
//     to file descriptor 3 (a missing or doubled value fails the test).
//
// So a test must take every value of the student's code through Value (a direct call would reach the stub and
// panic in the judge: the master's own grading shows such a slip) and f must be deterministic given the test's
// inputs: the judge recomputes everything else. T must be something encoding/gob can carry: numbers, strings,
// slices, maps and structs of exported fields of those.
package graded

import (
	"bufio"
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"fmt"
	"os"
	"sync"
	"testing"
)

// EnvMode is the environment variable the grader sets: ModeRecord in the submission's process, ModeReplay in
// the judge's. Unset (in notebooks), Value is f().
const EnvMode = "GANBOOK_GRADED"

// The modes.
const (
	ModeRecord = "record"
	ModeReplay = "replay"
)

// Record is one value, as the submission's process writes it (one JSON object a line on descriptor 3).
type Record struct {
	Test  string `json:"test"`  // t.Name()
	Name  string `json:"name"`  // the name given to Value
	N     int    `json:"n"`     // its occurrence in the test: 0 for the first Value of that name
	Value string `json:"value"` // the value, gob-encoded, in base64
}

// Verdict is one line of what the judge writes on descriptor 3.
type Verdict struct {
	Test     string `json:"test"`
	Replayed string `json:"replayed,omitempty"` // a value taken from the submission
	Missing  string `json:"missing,omitempty"`  // a value the submission did not give (or gave twice)
	Done     bool   `json:"done,omitempty"`     // the test finished: Failed and Skipped say how
	Failed   bool   `json:"failed,omitempty"`
	Skipped  bool   `json:"skipped,omitempty"`
}

// Value returns the value f computes from the student's code (see the package doc for where f runs).
func Value[T any](t testing.TB, name string, f func() T) T {
	t.Helper()
	switch os.Getenv(EnvMode) {
	case ModeRecord:
		v := f()
		var buf bytes.Buffer
		if err := gob.NewEncoder(&buf).Encode(&v); err != nil {
			t.Fatalf("graded: %s: a %T cannot be sent to the grader: %v", name, v, err)
		}
		st := state()
		line, _ := json.Marshal(Record{Test: t.Name(), Name: name, N: st.next(t.Name(), name), Value: base64.StdEncoding.EncodeToString(buf.Bytes())})
		if err := st.write(append(line, '\n')); err != nil {
			t.Fatalf("graded: %s: writing the value for the grader: %v", name, err)
		}
		return v
	case ModeReplay:
		st := state()
		st.watch(t)
		n := st.next(t.Name(), name)
		recs := st.records[key{t.Name(), name, n}]
		var v T
		if len(recs) != 1 {
			st.verdict(Verdict{Test: t.Name(), Missing: name})
			if len(recs) == 0 {
				t.Fatalf("%s: the submission's code gave no value", name)
			}
			t.Fatalf("%s: the submission's process wrote this value %d times", name, len(recs))
		}
		b, err := base64.StdEncoding.DecodeString(recs[0].Value)
		if err == nil {
			err = gob.NewDecoder(bytes.NewReader(b)).Decode(&v)
		}
		if err != nil {
			st.verdict(Verdict{Test: t.Name(), Missing: name})
			t.Fatalf("%s: the value the submission's process wrote is not a %T", name, v)
		}
		st.verdict(Verdict{Test: t.Name(), Replayed: name})
		return v
	default:
		return f()
	}
}

type key struct {
	test, name string
	n          int
}

// grading is the process's side of the exchange with the grader.
type grading struct {
	mu      sync.Mutex
	out     *os.File // descriptor 3
	seen    map[key]int
	records map[key][]Record // replay: what the submission's process wrote
	watched map[string]bool  // replay: tests whose verdict is written when they end
}

var (
	once sync.Once
	st   *grading
)

func state() *grading {
	once.Do(func() {
		st = &grading{out: os.NewFile(3, "grader"), seen: map[key]int{}, records: map[key][]Record{}, watched: map[string]bool{}}
		if os.Getenv(EnvMode) == ModeReplay {
			sc := bufio.NewScanner(os.Stdin)
			sc.Buffer(make([]byte, 1<<20), 256<<20)
			for sc.Scan() {
				var r Record
				if json.Unmarshal(sc.Bytes(), &r) == nil {
					k := key{r.Test, r.Name, r.N}
					st.records[k] = append(st.records[k], r)
				}
			}
		}
	})
	return st
}

// next is the occurrence of name in test, counting from 0.
func (g *grading) next(test, name string) int {
	g.mu.Lock()
	defer g.mu.Unlock()
	k := key{test, name, 0}
	n := g.seen[k]
	g.seen[k] = n + 1
	return n
}

func (g *grading) write(line []byte) error {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.out == nil {
		return fmt.Errorf("no descriptor 3")
	}
	_, err := g.out.Write(line)
	return err
}

func (g *grading) verdict(v Verdict) {
	line, _ := json.Marshal(v)
	_ = g.write(append(line, '\n'))
}

// watch writes t's verdict when it ends (once per test).
func (g *grading) watch(t testing.TB) {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.watched[t.Name()] {
		return
	}
	g.watched[t.Name()] = true
	t.Cleanup(func() { g.verdict(Verdict{Test: t.Name(), Done: true, Failed: t.Failed(), Skipped: t.Skipped()}) })
}
