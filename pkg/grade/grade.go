// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/ganbook/ganbook/pkg/grade/graded"
	"github.com/pkg/errors"
)

// Test statuses. Only Pass scores, and only the judge gives it (see the package doc).
const (
	Pass         = "pass"
	Fail         = "fail"
	CompileError = "compile error"
	Panic        = "panic"
	Timeout      = "timeout"
	Limit        = "limit"   // the test's process went over a limit of memory, processes or output
	Missing      = "missing" // the submission has no answer cell for the question
)

// Result is one test's outcome. A hidden test shows its name and status only.
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
	Sandboxed  bool     `json:"sandboxed"` // false: graded with --unsafe-no-sandbox
	Results    []Result `json:"results"`
}

// Options configure grading.
type Options struct {
	Root   string // the ganbook checkout: the graded code builds inside its module, under internal/scratch
	Limits Limits // what each run of the compiled tests may use
	Go     string // the go command; "" means "go"
	// Parallel is how many questions are built and run at once; 0 means the number of CPUs.
	Parallel int
	// UnsafeNoSandbox runs the submissions' code without bubblewrap, as the grader's own user: it can then read,
	// write and delete what the grader can. Only for code you trust.
	UnsafeNoSandbox bool
}

// buildTimeout bounds one `go test -c` of a submission's code.
const buildTimeout = 5 * time.Minute

// maxAnswerBytes is the most code an answer cell may hold (the longest master answer is under 2 KiB).
const maxAnswerBytes = 256 << 10

// grader grades submissions of one checkout; the binaries it builds are cached by their source for its life.
type grader struct {
	opts   Options
	sb     *sandbox
	work   string   // internal/scratch/grade-*: sources and binaries
	rel    string   // work, relative to the checkout
	goEnv  []string // the builds' environment
	slots  chan struct{}
	mu     sync.Mutex
	builds map[string]*build
	plans  map[*Notebook]*plan
}

func newGrader(ctx context.Context, opts Options) (*grader, error) {
	if opts.Go == "" {
		opts.Go = "go"
	}
	if opts.Parallel <= 0 {
		opts.Parallel = runtime.NumCPU()
	}
	opts.Limits = opts.Limits.withDefaults()
	if opts.Root == "" {
		return nil, errors.New("grade: Options.Root is not set: it must be a ganbook checkout")
	}
	g := &grader{opts: opts, goEnv: goEnv(opts.Root), slots: make(chan struct{}, opts.Parallel), builds: map[string]*build{}, plans: map[*Notebook]*plan{}}
	g.sb = newSandbox(opts.Root, g.modCache(ctx), opts.UnsafeNoSandbox)
	if err := g.sb.check(ctx); err != nil {
		return nil, err
	}
	scratch := filepath.Join(opts.Root, "internal", "scratch")
	if err := os.MkdirAll(scratch, 0o755); err != nil {
		return nil, errors.Wrap(err, "grade: a work folder in the checkout")
	}
	work, err := os.MkdirTemp(scratch, "grade-")
	if err != nil {
		return nil, errors.Wrap(err, "grade: a work folder in the checkout")
	}
	g.work = work
	g.rel, _ = filepath.Rel(opts.Root, work)
	if err := os.MkdirAll(filepath.Join(work, "bin"), 0o755); err != nil {
		return nil, errors.Wrap(err, "grade: a work folder in the checkout")
	}
	return g, nil
}

func (g *grader) close() { os.RemoveAll(g.work) }

// modCache is `go env GOMODCACHE`, or "" (the sandbox then shows no module cache).
func (g *grader) modCache(ctx context.Context) string {
	out, err := g.command(ctx, g.opts.Go, "env", "GOMODCACHE").Output()
	if err != nil {
		return ""
	}
	dir := strings.TrimSpace(string(out))
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return ""
	}
	return dir
}

// Grade grades a submission against its master: each question in isolation (see the package doc), with the
// master's visible and hidden tests of the question (the submission's own test cells are not trusted).
func Grade(ctx context.Context, master, sub *Notebook, name string, opts Options) (*Report, error) {
	g, err := newGrader(ctx, opts)
	if err != nil {
		return nil, err
	}
	defer g.close()
	return g.grade(ctx, master, sub, name)
}

func (g *grader) grade(ctx context.Context, master, sub *Notebook, name string) (*Report, error) {
	if sub.Assignment != "" && master.Assignment != "" && sub.Assignment != master.Assignment {
		return nil, errors.Errorf("grade: %s is assignment %q, the master is %q", excerpt(name, 200), excerpt(sub.Assignment, 40), master.Assignment)
	}
	pl, err := g.plan(master)
	if err != nil {
		return nil, err
	}
	// What to build: each question's judge and the submission's binaries, one with the visible tests and one
	// with all (so that a process whose panic message the report shows holds no hidden test).
	jobs := make([]*qjob, len(pl.questions))
	var srcs []string
	for i, q := range pl.questions {
		j := g.prepare(pl, q, sub)
		jobs[i] = j
		srcs = append(srcs, j.srcs()...)
	}
	if err := g.acquire(ctx); err != nil {
		return nil, err
	}
	built, err := g.buildAll(ctx, srcs)
	g.release()
	if err != nil {
		return nil, err
	}
	results := make([][]Result, len(jobs))
	errs := make([]error, len(jobs))
	var wg sync.WaitGroup
	for i, j := range jobs {
		wg.Go(func() {
			if errs[i] = g.acquire(ctx); errs[i] != nil {
				return
			}
			defer g.release()
			results[i], errs[i] = g.run(ctx, pl, j, built)
		})
	}
	wg.Wait()
	rep := &Report{Submission: name, Assignment: master.Assignment, Sandboxed: !g.opts.UnsafeNoSandbox}
	for i := range jobs {
		if errs[i] != nil {
			return nil, errs[i]
		}
		rep.Results = append(rep.Results, results[i]...)
	}
	for i, r := range rep.Results {
		if r.Hidden {
			rep.Results[i].Message = ""
		}
		rep.Score += r.Points
		rep.Max += r.Max
	}
	return rep, nil
}

func (g *grader) acquire(ctx context.Context) error {
	select {
	case g.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (g *grader) release() { <-g.slots }

// qjob is one question of one submission: its sources, or the status all its tests get without running.
type qjob struct {
	q                      *question
	judge, visible, hidden string // the sources ("" where there is none)
	status, message        string // Missing or CompileError before any build
}

func (j *qjob) srcs() []string {
	var out []string
	for _, s := range []string{j.judge, j.visible, j.hidden} {
		if s != "" {
			out = append(out, s)
		}
	}
	return out
}

// prepare parses the submission's answer to q and writes the sources of q's binaries.
func (g *grader) prepare(pl *plan, q *question, sub *Notebook) *qjob {
	j := &qjob{q: q, judge: pl.source(q, nil, KindTest, KindHidden)}
	cell, idx := sub.answer(q.id)
	if cell == nil {
		j.status, j.message = Missing, fmt.Sprintf("the submission has no answer cell for %s (was it deleted?)", q.id)
		return j
	}
	what := "your answer to " + q.id
	if len(cell.Source) > maxAnswerBytes {
		j.status, j.message = CompileError, fmt.Sprintf("%s has %d KiB of code, more than the %d KiB an answer may have", what, len(cell.Source)>>10, maxAnswerBytes>>10)
		return j
	}
	answer, err := parsePiece(what, fmt.Sprintf("sub.%d", idx), cell.Source)
	if err == nil {
		err = answer.checkSubmitted(what)
	}
	if err != nil {
		j.status, j.message = CompileError, excerpt(err.Error(), 300)
		return j
	}
	if q.has(KindTest) {
		j.visible = pl.source(q, answer, KindTest)
	}
	if q.has(KindHidden) {
		j.hidden = pl.source(q, answer, KindTest, KindHidden) // a hidden test may use a visible cell's helpers
	}
	return j
}

// run runs the tests of a question: each in the sandbox with the submission's binary, then again with the judge
// on the values it sent.
func (g *grader) run(ctx context.Context, pl *plan, j *qjob, built map[string]*build) ([]Result, error) {
	q := j.q
	results := make([]Result, len(q.tests))
	for i, t := range q.tests {
		results[i] = Result{Question: q.id, Test: t.name, Hidden: t.hidden, Max: t.points}
	}
	judge := built[j.judge]
	if judge.failed {
		return nil, errors.Errorf("grade: the judge of %s (the master with %s's answer stubbed) does not build: %s", q.id, q.id, excerpt(firstLines(judge.output, 3), 600))
	}
	fail := func(status, msg string) []Result {
		for i := range results {
			results[i].Status, results[i].Message = status, msg
		}
		return results
	}
	if j.status != "" {
		return fail(j.status, j.message), nil
	}
	for _, src := range []string{j.visible, j.hidden} {
		if b := built[src]; b != nil && b.failed {
			return fail(CompileError, compileMessage(b.output, q.id, pl.master)), nil
		}
	}
	deadline := time.Now().Add(g.opts.Limits.Time)
	for i, t := range q.tests {
		left := time.Until(deadline)
		if left <= 0 {
			results[i].Status, results[i].Message = Timeout, "the question's tests ran past "+g.opts.Limits.Time.String()
			continue
		}
		bin := built[j.visible]
		if t.hidden {
			bin = built[j.hidden]
		}
		args := []string{"-test.run=^" + t.name + "$", "-test.count=1"}
		sr := g.sb.run(ctx, runSpec{binary: bin.binary, args: args, env: []string{graded.EnvMode + "=" + graded.ModeRecord},
			limits: g.opts.Limits, time: left})
		if sr.err != nil {
			return nil, errors.Wrap(sr.err, "grade: running the tests")
		}
		jr := g.sb.run(ctx, runSpec{binary: judge.binary, args: args, env: []string{graded.EnvMode + "=" + graded.ModeReplay},
			stdin: sr.sent, limits: g.opts.Limits})
		if jr.err != nil {
			return nil, errors.Wrap(jr.err, "grade: running the judge")
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		results[i].Status, results[i].Message = g.verdict(t.name, sr, jr)
		if results[i].Status == Pass {
			results[i].Points = results[i].Max
		}
	}
	return results, nil
}

// verdict is a test's status and message: Pass only where the judge passed it on the values the submission's
// process sent, and that process stayed within its limits. Everything else the submission's process printed
// only picks the status among the failing ones and the message (its panic's first line).
func (g *grader) verdict(test string, sr, jr runResult) (status, msg string) {
	lim := g.opts.Limits
	out := string(sr.output)
	switch {
	case sr.timedOut:
		return Timeout, "the question's tests ran past " + lim.Time.String()
	case sr.overOutput:
		return Limit, fmt.Sprintf("the test's process printed more than %s: it was stopped", bytesText(lim.Output))
	case sr.overSent:
		return Limit, fmt.Sprintf("the test's process sent more than %s of values: it was stopped", bytesText(lim.Output))
	}
	var replayed, missing, done, bad bool
	for _, line := range strings.Split(string(jr.sent), "\n") {
		var v graded.Verdict
		if json.Unmarshal([]byte(line), &v) != nil || (v.Test != test && !strings.HasPrefix(v.Test, test+"/")) {
			continue
		}
		replayed = replayed || v.Replayed != ""
		missing = missing || v.Missing != ""
		done = done || v.Done
		bad = bad || v.Failed || v.Skipped
	}
	// The judge's exit status 0 says that no test it ran failed; -test.run ran this test alone, and the lines on
	// its descriptor 3 say that the test (or its subtests) took the submission's values and ended well.
	if jr.exit == 0 && !jr.timedOut && replayed && done && !missing && !bad {
		return Pass, ""
	}
	if missing || !replayed {
		switch {
		case strings.Contains(out, "out of memory") || strings.Contains(out, "cannot allocate memory"):
			return Limit, fmt.Sprintf("the test's process ran out of memory (its limit: %s)", bytesText(lim.Memory))
		case strings.Contains(out, "resource temporarily unavailable") || strings.Contains(out, "pthread_create failed") ||
			strings.Contains(out, "newosproc"):
			return Limit, fmt.Sprintf("the test's process went over its %d processes and threads", lim.Procs)
		case strings.Contains(out, "panic: "):
			return Panic, panicMessage(out)
		case sr.signal != "":
			return Fail, fmt.Sprintf("the test's process was killed (%s) before it gave its values", sr.signal)
		case sr.exit != 0:
			return Fail, fmt.Sprintf("the test's process exited with status %d before it gave its values", sr.exit)
		default:
			return Fail, "the test's process ended before it gave its values (does the code call os.Exit?)"
		}
	}
	switch {
	case jr.timedOut:
		return Fail, "judging the values ran past " + lim.Time.String()
	case !done && strings.Contains(string(jr.output), "panic: "):
		return Fail, "the values do not fit the test: its checks " + panicMessage(string(jr.output))
	}
	if m := failMessage(string(jr.output)); m != "" {
		return Fail, m
	}
	return Fail, "the test failed"
}

// build is a compiled test binary, or the compiler's complaint.
type build struct {
	done   chan struct{} // closed when the fields are set
	binary string
	failed bool   // it did not compile: output says why
	output string // the go command's output about it
	err    error  // the go command did not run
}

// buildAll compiles the sources (each cached by its content: a source built before, or being built, is not
// built again) with one `go test -c` inside the checkout's module, as the grader's user, and returns the builds
// by source. cgo and go:embed are refused in answers (checkSubmitted); the module cache is read offline
// (GOPROXY=off, -mod=readonly); the go command runs under a time and memory limit.
func (g *grader) buildAll(ctx context.Context, srcs []string) (map[string]*build, error) {
	out := map[string]*build{}
	mine := map[string]*build{} // by package folder
	g.mu.Lock()
	for _, src := range srcs {
		key := hashOf(src)
		b, ok := g.builds[key]
		if !ok {
			b = &build{done: make(chan struct{}), binary: filepath.Join(g.work, "bin", "s"+key+".test")}
			g.builds[key] = b
			mine["s"+key] = b
		}
		out[src] = b
	}
	g.mu.Unlock()
	if len(mine) > 0 {
		g.compile(ctx, srcs, mine)
	}
	for _, b := range out {
		select {
		case <-b.done:
		case <-ctx.Done():
			return nil, ctx.Err()
		}
		if b.err != nil {
			return nil, b.err
		}
	}
	return out, nil
}

// compile builds the packages of mine (sources among srcs) and closes their done channels.
func (g *grader) compile(ctx context.Context, srcs []string, mine map[string]*build) {
	var dirs []string
	setErr := func(err error) {
		for _, b := range mine {
			b.err = err
		}
	}
	defer func() {
		for _, b := range mine {
			close(b.done)
		}
		for _, d := range dirs {
			os.RemoveAll(filepath.Join(g.opts.Root, d))
		}
	}()
	for _, src := range srcs {
		pkg := "s" + hashOf(src)
		if mine[pkg] == nil || slices.Contains(dirs, filepath.Join(g.rel, pkg)) {
			continue
		}
		dir := filepath.Join(g.work, pkg)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			setErr(errors.Wrap(err, "grade"))
			return
		}
		dirs = append(dirs, filepath.Join(g.rel, pkg))
		if err := os.WriteFile(filepath.Join(dir, "grading_test.go"), []byte(src), 0o644); err != nil {
			setErr(errors.Wrap(err, "grade"))
			return
		}
	}
	bctx, cancel := context.WithTimeout(ctx, buildTimeout)
	defer cancel()
	args := []string{"test", "-c", "-vet=off", "-ldflags=-s -w", "-o", filepath.Join(g.work, "bin") + string(filepath.Separator)}
	for _, d := range dirs {
		args = append(args, "./"+filepath.ToSlash(d))
	}
	name := g.opts.Go
	if g.sb.prlimit != "" {
		args = append([]string{"--as=" + fmt.Sprint(int64(16)<<30), "--cpu=" + fmt.Sprint(int(buildTimeout.Seconds())), "--", name}, args...)
		name = g.sb.prlimit
	}
	cmd := g.command(bctx, name, args...)
	output, err := cmd.CombinedOutput()
	if err != nil && cmd.ProcessState == nil {
		setErr(errors.Wrapf(err, "grade: running %s", g.opts.Go))
		return
	}
	perPkg := splitBuildOutput(string(output))
	for pkg, b := range mine {
		if st, err := os.Stat(b.binary); err == nil && st.Mode().IsRegular() {
			os.Chmod(b.binary, 0o755)
			continue
		}
		b.failed = true
		switch {
		case bctx.Err() != nil:
			b.output = "the build ran past " + buildTimeout.String()
		case perPkg[pkg] != "":
			b.output = perPkg[pkg]
		default:
			b.output = string(output)
		}
	}
}

// splitBuildOutput is the go command's complaints by package folder: each package's start with a line
// "# <import path>" (and " [<import path>.test]").
func splitBuildOutput(out string) map[string]string {
	per := map[string]string{}
	cur := ""
	for _, l := range strings.Split(out, "\n") {
		if rest, ok := strings.CutPrefix(l, "# "); ok {
			f := strings.Fields(rest)
			if len(f) > 0 {
				cur = path.Base(f[0])
			}
			continue
		}
		if cur != "" {
			per[cur] += l + "\n"
		}
	}
	return per
}

// command runs name in the checkout, with the builds' environment.
func (g *grader) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = g.opts.Root
	cmd.Env = g.goEnv
	cmd.WaitDelay = 5 * time.Second
	return cmd
}

// goEnv is the environment the graded code builds in: this one, with the checkout's pinned toolchain (go.mod's
// toolchain line) and the pure-Go backend's SIMD kernels (GOEXPERIMENT=simd, as the Makefile sets) where the
// caller did not set them, offline (GOPROXY=off), with the checkout's go.mod as it is (GOFLAGS=-mod=readonly,
// which also drops the caller's other GOFLAGS) and no go.work.
func goEnv(root string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); k != "GOFLAGS" && k != "GOPROXY" && k != "GOWORK" {
			env = append(env, kv)
		}
	}
	env = append(env, "GOFLAGS=-mod=readonly", "GOPROXY=off", "GOWORK=off")
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
