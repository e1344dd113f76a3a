// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"sort"
	"strings"
	"time"

	"github.com/pkg/errors"
)

// Test statuses.
const (
	Pass         = "pass"
	Fail         = "fail"
	CompileError = "compile error"
	Panic        = "panic"
	Timeout      = "timeout"
	Missing      = "missing" // the submission has no answer cell for the question
)

// Result is one test's outcome. A hidden test shows its name and messages, never its code.
type Result struct {
	Question string  `json:"question"`
	Test     string  `json:"test"`
	Hidden   bool    `json:"hidden"`
	Status   string  `json:"status"`
	Points   float64 `json:"points"`
	Max      float64 `json:"max"`
	Message  string  `json:"message,omitempty"`
}

// Report is the grade of one submission.
type Report struct {
	Submission string   `json:"submission"`
	Assignment string   `json:"assignment"`
	Score      float64  `json:"score"`
	Max        float64  `json:"max"`
	Results    []Result `json:"results"`
}

// Options configure Grade.
type Options struct {
	Root    string        // the ganbook checkout: the graded code builds inside its module, under internal/scratch
	Timeout time.Duration // per question's tests; 0 means 2 minutes
	Go      string        // the go command; "" means "go"
}

// Grade grades a submission against its master: each question in isolation, from the submission's answer cell
// for it (found by its metadata, wherever it stands; the last one if it was copied) and the master's answers for
// the others, so that one compile error costs one question; with the master's visible and hidden tests of the
// question (the submission's own test cells are not trusted), each under a time limit.
func Grade(ctx context.Context, master, sub *Notebook, name string, opts Options) (*Report, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = 2 * time.Minute
	}
	if opts.Go == "" {
		opts.Go = "go"
	}
	rep := &Report{Submission: name, Assignment: master.Assignment}
	if sub.Assignment != "" && master.Assignment != "" && sub.Assignment != master.Assignment {
		return nil, errors.Errorf("grade: %s is assignment %q, the master is %q", name, sub.Assignment, master.Assignment)
	}
	questions := master.Questions()
	if len(questions) == 0 {
		return nil, errors.New("grade: the master has no answer cells")
	}
	work, err := os.MkdirTemp(filepath.Join(opts.Root, "internal", "scratch"), "grade-")
	if err != nil {
		if err := os.MkdirAll(filepath.Join(opts.Root, "internal", "scratch"), 0o755); err != nil {
			return nil, errors.Wrap(err, "grade: a work folder in the checkout")
		}
		if work, err = os.MkdirTemp(filepath.Join(opts.Root, "internal", "scratch"), "grade-"); err != nil {
			return nil, errors.Wrap(err, "grade: a work folder in the checkout")
		}
	}
	defer os.RemoveAll(work)
	for qi, q := range questions {
		results, err := gradeQuestion(ctx, master, sub, q, filepath.Join(work, fmt.Sprintf("q%d", qi)), opts)
		if err != nil {
			return nil, err
		}
		rep.Results = append(rep.Results, results...)
	}
	for _, r := range rep.Results {
		rep.Score += r.Points
		rep.Max += r.Max
	}
	return rep, nil
}

// testsOf are the master's test cells of question q, visible and hidden.
func testsOf(master *Notebook, q string) []*Cell {
	var cells []*Cell
	for _, c := range master.Cells {
		if c.Tag != nil && (c.Tag.Kind == KindTest || c.Tag.Kind == KindHidden) && c.Tag.Question == q {
			cells = append(cells, c)
		}
	}
	return cells
}

func gradeQuestion(ctx context.Context, master, sub *Notebook, q, dir string, opts Options) ([]Result, error) {
	// The tests and what they are worth.
	var tests []*piece
	type testInfo struct {
		hidden bool
		points float64
	}
	info := map[string]testInfo{}
	var names []string
	for i, c := range testsOf(master, q) {
		p, err := parsePiece(fmt.Sprintf("the tests of %s (%d)", q, i+1), c.Source)
		if err != nil {
			return nil, errors.Errorf("grade: the master's %v", err)
		}
		pts := c.Tag.Points
		if pts == 0 {
			pts = 1
		}
		for _, n := range p.testNames() {
			info[n] = testInfo{hidden: c.Tag.Kind == KindHidden, points: pts}
			names = append(names, n)
		}
		tests = append(tests, p)
	}
	if len(names) == 0 {
		return nil, errors.Errorf("grade: the master has no tests for %s", q)
	}
	results := make([]Result, len(names))
	for i, n := range names {
		results[i] = Result{Question: q, Test: n, Hidden: info[n].hidden, Max: info[n].points}
	}
	fail := func(status, msg string) []Result {
		for i := range results {
			results[i].Status, results[i].Message = status, msg
		}
		return results
	}
	answer := sub.answer(q)
	if answer == nil {
		return fail(Missing, fmt.Sprintf("the submission has no answer cell for %s (was it deleted?)", q)), nil
	}
	// Every code cell of the master but tests, with the submission's answer for q in place of the master's.
	var pieces []*piece
	for i, c := range master.Cells {
		if c.Type != "code" || (c.Tag != nil && c.Tag.Kind != KindAnswer) {
			continue
		}
		label, src := fmt.Sprintf("cell %d of the master", i), c.Source
		if c.Tag != nil && c.Tag.Question == q {
			label, src = q+"'s answer", answer.Source
		}
		p, err := parsePiece(label, src)
		if err != nil {
			if c.Tag != nil && c.Tag.Question == q {
				return fail(CompileError, err.Error()), nil
			}
			return nil, errors.Errorf("grade: the master's %v", err)
		}
		pieces = append(pieces, p)
	}
	code, err := assemble(append(pieces, tests...))
	if err != nil {
		return fail(CompileError, err.Error()), nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, errors.Wrap(err, "grade")
	}
	if err := os.WriteFile(filepath.Join(dir, "grading_test.go"), []byte(code), 0o644); err != nil {
		return nil, errors.Wrap(err, "grade")
	}
	rel, _ := filepath.Rel(opts.Root, dir)
	runCtx, cancel := context.WithTimeout(ctx, opts.Timeout+30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(runCtx, opts.Go, "test", "-json", "-count=1", "-timeout", opts.Timeout.String(),
		"-run", "^("+strings.Join(names, "|")+")$", "./"+rel)
	cmd.Dir = opts.Root
	cmd.Env = goEnv(opts.Root)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	stdout, _ := cmd.Output()
	events := parseEvents(stdout)
	switch {
	case events.timedOut || runCtx.Err() != nil:
		if len(events.status) == 0 {
			return fail(Timeout, "the tests ran past "+opts.Timeout.String()), nil
		}
	case len(events.status) == 0 && !events.ran:
		return fail(CompileError, buildError(stdout, stderr.Bytes())), nil
	}
	for i := range results {
		st, ok := events.status[results[i].Test]
		out := strings.TrimSpace(events.output[results[i].Test])
		switch {
		case !ok && events.timedOut:
			results[i].Status, results[i].Message = Timeout, "the tests ran past "+opts.Timeout.String()
		case !ok:
			results[i].Status, results[i].Message = Panic, panicMessage(events.tail+"\n"+strings.Join(outputs(events), "\n"))
		case st == "pass":
			results[i].Status, results[i].Points = Pass, results[i].Max
		case strings.Contains(out, "panic:") || strings.Contains(events.tail, "panic:"):
			results[i].Status, results[i].Message = Panic, panicMessage(out+"\n"+events.tail)
		default:
			results[i].Status, results[i].Message = Fail, failMessage(out)
		}
	}
	return results, nil
}

// goEnv is the environment the graded code builds in: this one, with the checkout's pinned toolchain (go.mod's
// toolchain line) and the pure-Go backend's SIMD kernels (GOEXPERIMENT=simd, as the Makefile sets) where the
// caller did not set them.
func goEnv(root string) []string {
	env := os.Environ()
	if os.Getenv("GOTOOLCHAIN") == "" {
		if b, err := os.ReadFile(filepath.Join(root, "go.mod")); err == nil {
			for _, line := range strings.Split(string(b), "\n") {
				if f := strings.Fields(line); len(f) == 2 && f[0] == "toolchain" {
					env = append(env, "GOTOOLCHAIN="+f[1])
				}
			}
		}
	}
	if _, ok := os.LookupEnv("GOEXPERIMENT"); !ok && runtime.GOARCH == "amd64" {
		env = append(env, "GOEXPERIMENT=simd")
	}
	return env
}

// outputs is every test's output, in no order.
func outputs(ev events) []string {
	var out []string
	for _, o := range ev.output {
		out = append(out, o)
	}
	sort.Strings(out)
	return out
}

// events is what `go test -json` said.
type events struct {
	status   map[string]string // test -> pass, fail, skip
	output   map[string]string
	tail     string // output not attached to a test (a panic that killed the binary)
	timedOut bool
	ran      bool // a test started: the package built
}

func parseEvents(b []byte) events {
	ev := events{status: map[string]string{}, output: map[string]string{}}
	sc := bufio.NewScanner(bytes.NewReader(b))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var e struct {
			Action, Test, Output string
		}
		if json.Unmarshal(sc.Bytes(), &e) != nil {
			continue
		}
		top := strings.SplitN(e.Test, "/", 2)[0]
		switch e.Action {
		case "pass", "fail", "skip":
			if e.Test != "" && !strings.Contains(e.Test, "/") {
				ev.status[top] = e.Action
			}
		case "run":
			ev.ran = true
		case "output":
			if strings.Contains(e.Output, "test timed out") {
				ev.timedOut = true
			}
			if e.Test != "" {
				ev.output[top] += e.Output
			} else {
				ev.tail += e.Output
			}
		}
	}
	return ev
}

var fileLine = regexp.MustCompile(`grading_test\.go:\d+:\d+: `)

// buildError is the compiler's first complaints, without the work folder's paths.
func buildError(stdout, stderr []byte) string {
	var lines []string
	for _, s := range []string{string(stderr), string(stdout)} {
		for _, l := range strings.Split(s, "\n") {
			l = strings.TrimSpace(l)
			if fileLine.MatchString(l) {
				lines = append(lines, fileLine.ReplaceAllString(l[strings.Index(l, "grading_test.go"):], ""))
			}
			if strings.Contains(l, `"Output"`) {
				var e struct{ Output string }
				if json.Unmarshal([]byte(l), &e) == nil && fileLine.MatchString(e.Output) {
					o := strings.TrimSpace(e.Output)
					lines = append(lines, fileLine.ReplaceAllString(o[strings.Index(o, "grading_test.go"):], ""))
				}
			}
		}
	}
	if len(lines) == 0 {
		return firstLines(string(stderr)+string(stdout), 3)
	}
	sort.SliceStable(lines, func(i, j int) bool { return false })
	return firstLines(strings.Join(dedupe(lines), "\n"), 3)
}

func dedupe(lines []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, l := range lines {
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// failMessage is what the test said (its t.Error lines), without the harness's lines.
func failMessage(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || strings.HasPrefix(t, "=== RUN") || strings.HasPrefix(t, "--- FAIL") || strings.HasPrefix(t, "--- PASS") {
			continue
		}
		lines = append(lines, fileLine.ReplaceAllString(t, ""))
	}
	return firstLines(strings.Join(lines, "\n"), 3)
}

// panicMessage is the panic's first line (a stub's "TODO(q1): ..." shows here).
func panicMessage(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "panic:"); i >= 0 {
			return strings.TrimSpace(l[i:])
		}
	}
	return "panic"
}

func firstLines(s string, n int) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	if len(lines) > n {
		lines = lines[:n]
	}
	return strings.Join(lines, " | ")
}
