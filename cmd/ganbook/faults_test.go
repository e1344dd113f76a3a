// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"syscall"
	"testing"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/gan"
)

// The test binary is also the ganbook command: with GANBOOK_TEST_MAIN=1 it runs main, so that the tests can kill
// a real training process.
func TestMain(m *testing.M) {
	if os.Getenv("GANBOOK_TEST_MAIN") == "1" {
		main()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// tinyTrain is a DCGAN small enough that a step takes milliseconds.
var tinyTrain = []string{"train", "dcgan", "--batch", "8", "--latent", "8", "--gen-channels", "16,8", "--disc-channels", "8,16",
	"--sample-every", "1000", "--log-every", "1"}

// ganbookProcess starts the command as a process whose stdout the caller reads.
func ganbookProcess(t *testing.T, args ...string) (*exec.Cmd, *bufio.Scanner) {
	t.Helper()
	cmd := exec.Command(os.Args[0], args...)
	cmd.Env = append(os.Environ(), "GANBOOK_TEST_MAIN=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = cmd.Stdout
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	return cmd, bufio.NewScanner(out)
}

var progressStep = regexp.MustCompile(`^step (\d+)/(\d+)`)

// checkpointStep is the global step of the run's checkpoint (the one LoadRun loads).
func checkpointStep(t *testing.T, dir string) int64 {
	t.Helper()
	b, err := backend.New()
	if err != nil {
		t.Fatal(err)
	}
	defer b.Finalize()
	tr, err := gan.LoadRun(b, dir)
	if err != nil {
		t.Fatalf("after a kill the run does not load: %v", err)
	}
	return tr.GlobalStep()
}

// TestKillAtAnyMoment kills a training process with SIGKILL at many points (just before, during and after its
// checkpoint writes, every 4 steps): each time the run must sample, hold a checkpoint at most one interval
// behind the last step it reported, and resume; the finished run has every step once in its history.
func TestKillAtAnyMoment(t *testing.T) {
	if testing.Short() {
		t.Skip("kills training processes: a few seconds each")
	}
	dir := filepath.Join(t.TempDir(), "run")
	const total, every = 48, 4
	args := append(append([]string{}, tinyTrain...), "--steps", strconv.Itoa(total), "--checkpoint-every", strconv.Itoa(every), "--out", dir)
	for i, killAt := range []int{5, 7, 8, 11, 15, 16, 19, 23, 27, 31, 34, 39} {
		runArgs := args
		if i > 0 {
			runArgs = append(append([]string{}, args...), "--resume")
		}
		cmd, lines := ganbookProcess(t, runArgs...)
		last := -1
		var log []string
		for lines.Scan() {
			log = append(log, lines.Text())
			if m := progressStep.FindStringSubmatch(lines.Text()); m != nil {
				last, _ = strconv.Atoi(m[1])
				if last >= killAt {
					break
				}
			}
		}
		_ = cmd.Process.Kill() // SIGKILL: no checkpoint on the way out
		go io.Copy(io.Discard, cmdStdout(lines))
		_ = cmd.Wait()
		if last < 0 {
			t.Fatalf("kill %d: the run reported no step:\n%s", i, strings.Join(log, "\n"))
		}
		got := checkpointStep(t, dir)
		// The process may have gone on a little past the last line read before the kill reached it: the
		// checkpoint is at most one interval behind the last step it reported.
		if got < int64(last-every) || got > total {
			t.Errorf("kill %d at step %d: checkpoint at step %d, want at most one interval (%d) before", i, last, got, every)
		}
		if out, err := ganbook(t, "sample", "--run", dir, "--n", "2", "--format", "idx", "--out", filepath.Join(t.TempDir(), "s.idx")); err != nil {
			t.Errorf("kill %d: sampling the killed run: %v\n%s", i, err, out)
		}
	}
	out, err := ganbook(t, append(append([]string{}, args...), "--resume")...)
	if err != nil || !strings.Contains(out, fmt.Sprintf("done: %d steps", total)) {
		t.Fatalf("finishing the run: %v\n%s", err, out)
	}
	h, err := gan.ReadMetrics(dir)
	if err != nil {
		t.Fatal(err)
	}
	for i := 1; i < len(h.History); i++ {
		if h.History[i].Step <= h.History[i-1].Step {
			t.Fatalf("history steps %d then %d: a step twice or out of order", h.History[i-1].Step, h.History[i].Step)
		}
	}
	if n := len(h.History); n != total || h.History[n-1].Step != total {
		t.Errorf("history of %d entries ending at %d, want %d", n, h.History[n-1].Step, total)
	}
	if left, _ := filepath.Glob(filepath.Join(dir, ".*tmp*")); len(left) != 0 {
		t.Errorf("leftovers of killed saves: %v", left)
	}
}

// cmdStdout is the reader under a scanner (what is left of the process's output, to drain).
func cmdStdout(s *bufio.Scanner) io.Reader { return scannerReader{s} }

type scannerReader struct{ s *bufio.Scanner }

func (r scannerReader) Read(p []byte) (int, error) {
	if !r.s.Scan() {
		return 0, io.EOF
	}
	return copy(p, r.s.Bytes()), nil
}

// TestLockedRun: while one process trains in a run directory, a second one is refused with the first named;
// SIGINT makes the first save and exit 130.
func TestLockedRun(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a training process")
	}
	dir := filepath.Join(t.TempDir(), "run")
	args := append(append([]string{}, tinyTrain...), "--steps", "100000", "--checkpoint-every", "1000", "--out", dir)
	cmd, lines := ganbookProcess(t, args...)
	for lines.Scan() && !progressStep.MatchString(lines.Text()) {
	}
	_, err := ganbook(t, append(append([]string{}, args...), "--resume")...)
	if err == nil || !strings.Contains(err.Error(), fmt.Sprintf("in use by ganbook process %d", cmd.Process.Pid)) {
		t.Errorf("a second process in the run: %v", err)
	}
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	var rest []string
	for lines.Scan() {
		rest = append(rest, lines.Text())
	}
	err = cmd.Wait()
	exit, ok := err.(*exec.ExitError)
	if !ok || exit.ExitCode() != 130 || !strings.Contains(strings.Join(rest, "\n"), "interrupted at step") {
		t.Errorf("after SIGINT: %v, output %q", err, rest)
	}
	if got := checkpointStep(t, dir); got <= 0 {
		t.Errorf("the interrupted run saved step %d", got)
	}
}

// TestBadInputs: every bad input gets one line saying what is wrong and what to do, and nothing is destroyed.
func TestBadInputs(t *testing.T) {
	tmp := t.TempDir()
	run := filepath.Join(tmp, "run")
	if out, err := ganbook(t, append(append([]string{}, tinyTrain...), "--steps", "2", "--checkpoint-every", "1", "--out", run)...); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	copyRun := func(name string) string {
		dst := filepath.Join(tmp, name)
		if err := exec.Command("cp", "-a", run, dst).Run(); err != nil {
			t.Fatal(err)
		}
		return dst
	}
	editConfig := func(dir string, edit func(map[string]any)) {
		path := filepath.Join(dir, gan.ConfigFile)
		var m map[string]any
		b, _ := os.ReadFile(path)
		if err := json.Unmarshal(b, &m); err != nil {
			t.Fatal(err)
		}
		edit(m)
		b, _ = json.Marshal(m)
		if err := os.WriteFile(path, b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	huge := copyRun("huge")
	editConfig(huge, func(m map[string]any) { m["latent_dim"] = 1e9 })
	other := copyRun("other")
	editConfig(other, func(m map[string]any) { m["gen_channels"] = []int{20, 8} })
	empty := copyRun("empty")
	for _, d := range []string{gan.CheckpointDir, "checkpoint.old"} {
		files, _ := filepath.Glob(filepath.Join(empty, d, "*"))
		for _, f := range files {
			os.Remove(f)
		}
	}
	unknown := copyRun("unknown")
	editConfig(unknown, func(m map[string]any) { m["family"] = "stylegan" })
	png := filepath.Join(tmp, "s.png")
	for _, c := range []struct {
		args []string
		want string
	}{
		{append(append([]string{}, tinyTrain...), "--latent", "1000000000", "--out", filepath.Join(tmp, "x")), "latent_dim 1000000000"},
		{append(append([]string{}, tinyTrain...), "--lr-g", "NaN", "--out", filepath.Join(tmp, "x")), "give a finite number"},
		{append(append([]string{}, tinyTrain...), "--batch", "-3", "--out", filepath.Join(tmp, "x")), "must be positive"},
		{append(append([]string{}, tinyTrain...), "--keep-every", "-2", "--out", filepath.Join(tmp, "x")), "keep_every -2 must be in 0..10⁹"},
		{[]string{"export", "--run", run, "--average-with", filepath.Join(tmp, "nothing"), "--out", filepath.Join(tmp, "avg")}, "--average-with " + filepath.Join(tmp, "nothing")},
		{[]string{"export", "--run", run, "--average-with", unknown, "--out", filepath.Join(tmp, "avg")}, `family "stylegan" is not linked`},
		{[]string{"sample", "--run", huge, "--out", png}, "latent_dim 1000000000"},
		{[]string{"sample", "--run", other, "--out", png}, "config.json disagrees with its checkpoint"},
		{[]string{"sample", "--run", empty, "--out", png}, "damaged"},
		{[]string{"eval", "--run", empty}, "damaged"},
		{[]string{"sample", "--run", unknown, "--out", png}, `family "stylegan" is not linked`},
		{[]string{"sample", "--run", run, "--out", "/dev/null"}, "not a regular file (a device)"},
		{[]string{"sample", "--run", run, "--n", "1000000000", "--out", png}, "--n must be in"},
		{[]string{"train", "infogan", "--out", run, "--resume"}, "holds a dcgan run"},
		{[]string{"train", "dcgan", "--out", run, "--resume", "--seed", "9"}, "seed (stored 1, asked 9)"},
		{[]string{"train", "dcgan", "--out", filepath.Join(tmp, "nothing"), "--resume"}, "ganbook run directory"},
	} {
		out, err := ganbook(t, c.args...)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "goroutine") {
			t.Errorf("ganbook %s: %v (output %q), want an error saying %q", strings.Join(c.args, " "), err, out, c.want)
		}
	}
	if fi, err := os.Stat("/dev/null"); err != nil || fi.Mode()&os.ModeDevice == 0 {
		t.Error("/dev/null was replaced")
	}
	// A resumed run may change its learning rates: applied and recorded in the history.
	if out, err := ganbook(t, append(append([]string{}, tinyTrain...), "--steps", "3", "--checkpoint-every", "1", "--lr-g", "1e-4", "--out", run, "--resume")...); err != nil {
		t.Fatalf("resume with a new rate: %v\n%s", err, out)
	}
	h, err := gan.ReadMetrics(run)
	if err != nil || len(h.Changes) != 2 || h.Changes[0].Setting != "learning_rate_g" || h.Changes[0].Step != 2 {
		t.Errorf("changes recorded %+v, %v: want learning_rate_g (and steps) at step 2", h.Changes, err)
	}
	cfg, err := gan.ReadConfig(filepath.Join(run, gan.ConfigFile))
	if err != nil || cfg.LearningRateG != 1e-4 {
		t.Errorf("config.json after the change: %v %v", cfg.LearningRateG, err)
	}
	// A damaged metrics.json is moved aside with a warning, not silently dropped.
	if err := os.WriteFile(filepath.Join(run, gan.MetricsFile), []byte("{not json"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := ganbook(t, append(append([]string{}, tinyTrain...), "--steps", "4", "--checkpoint-every", "1", "--lr-g", "1e-4", "--out", run, "--resume")...)
	if err != nil || !strings.Contains(out, "warning: metrics.json is damaged") {
		t.Errorf("resume with a damaged history: %v\n%s", err, out)
	}
	if _, err := os.Stat(filepath.Join(run, gan.MetricsFile+".damaged")); err != nil {
		t.Errorf("the damaged history was not kept aside: %v", err)
	}
	// A damaged latest checkpoint: sampling warns and uses the previous one.
	bins, _ := filepath.Glob(filepath.Join(run, gan.CheckpointDir, "*.bin"))
	if len(bins) == 0 {
		t.Fatal("no checkpoint data")
	}
	if err := os.WriteFile(bins[0], []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := ganbook(t, "sample", "--run", run, "--n", "2", "--out", png); err != nil || !strings.Contains(out, "warning: the latest checkpoint is damaged") {
		t.Errorf("sampling with a damaged latest checkpoint: %v\n%s", err, out)
	}
}
