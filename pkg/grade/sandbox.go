// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/pkg/errors"
)

// Limits bound each run of compiled test code: the submission's (each test of a question runs in a process of
// its own) and the judge's. Zero values mean the defaults.
type Limits struct {
	// Time is the wall time of one question's runs of the submission's code, all its tests together (a test
	// that finds it spent is a timeout); each judge run has as long again. Default 2 minutes.
	Time time.Duration
	// Memory is the address space a process may map beyond the 2 GiB that pkg/backend's heap guard reserves
	// (the sandbox shows 4 GiB of MemTotal, so that the guard is its minimum, 2 GiB). Default 4 GiB.
	Memory int64
	// Procs is the number of processes and threads of the sandbox (a Go test process needs about 10 to 30
	// threads). Default 256.
	Procs int
	// Output is the bytes a process may print (standard output and error together) and, apart, the bytes of
	// values it may send to the grader; past either it is killed. Default 8 MiB.
	Output int64
	// Disk is the size of the scratch folder, /tmp, a file system in memory; also the largest file a process
	// may write. Default 64 MiB.
	Disk int64
}

func (l Limits) withDefaults() Limits {
	if l.Time <= 0 {
		l.Time = 2 * time.Minute
	}
	if l.Memory <= 0 {
		l.Memory = 4 << 30
	}
	if l.Procs <= 0 {
		l.Procs = 256
	}
	if l.Output <= 0 {
		l.Output = 8 << 20
	}
	if l.Disk <= 0 {
		l.Disk = 64 << 20
	}
	return l
}

// heapGuard is the address space pkg/backend's heap guard reserves (and never touches) in a process that sees
// sandboxMemTotal of memory: half of it, at least 2 GiB (backend.HeapGuardBytes). Without the sandbox, a
// process sees the machine's memory, and the limit allows the grader's own backend.HeapGuardBytes.
const (
	heapGuard       = 2 << 30
	sandboxMemTotal = 4 << 30
)

// Where the sandbox shows things.
const (
	sandboxBinary = "/grade/test"   // the compiled test binary, read-only
	sandboxRoot   = "/ganbook"      // a checkout's go.mod and pretrained/, read-only: pkg/notebook.Root finds it
	sandboxMods   = "/gomodcache"   // the Go module cache, read-only (MNIST's files are in it)
	sandboxTmp    = "/tmp"          // the scratch folder: the only writable one, a tmpfs of Limits.Disk bytes
	sandboxUIDLow = 1 << 30         // root runs the code as a uid drawn from [sandboxUIDLow, +2^28): no other process has it
	envPath       = "/usr/bin:/bin" // for the shell a test might start
)

// sandbox runs compiled test binaries: in bubblewrap (bwrap), or, when unsafe, as plain processes.
type sandbox struct {
	unsafe                  bool   // no sandbox: the code runs with the grader's rights (Options.UnsafeNoSandbox)
	bwrap, prlimit, setpriv string // the tools' paths ("" where not found; setpriv is needed as root only)
	root, modcache          string // the checkout and the Go module cache, shown read-only
	checkOnce               sync.Once
	checkErr                error
}

// newSandbox finds the tools. It does not start one: check does.
func newSandbox(root, modcache string, unsafe bool) *sandbox {
	s := &sandbox{unsafe: unsafe, root: root, modcache: modcache}
	s.bwrap, _ = exec.LookPath("bwrap")
	s.prlimit, _ = exec.LookPath("prlimit")
	s.setpriv, _ = exec.LookPath("setpriv")
	return s
}

// check starts one sandbox (once per grader) and says in one line why grading cannot go on without
// --unsafe-no-sandbox if it does not start.
func (s *sandbox) check(ctx context.Context) error {
	s.checkOnce.Do(func() {
		const how = "install it with `make setup` (Debian's bubblewrap), or pass --unsafe-no-sandbox to run the submissions' code with your rights"
		switch {
		case s.unsafe:
			return
		case s.bwrap == "":
			s.checkErr = errors.New("grade: no sandbox: bwrap is not installed; " + how)
			return
		case s.prlimit == "":
			s.checkErr = errors.New("grade: no sandbox: prlimit (util-linux) is not installed; install util-linux, or pass --unsafe-no-sandbox to run the submissions' code with your rights")
			return
		case os.Geteuid() == 0 && s.setpriv == "":
			s.checkErr = errors.New("grade: no sandbox: setpriv (util-linux) is not installed, and as root it is what drops the rights; install util-linux, or pass --unsafe-no-sandbox")
			return
		}
		true_, err := exec.LookPath("true")
		if err != nil {
			true_ = "/usr/bin/true"
		}
		r := s.run(ctx, runSpec{binary: true_, limits: Limits{Time: 30 * time.Second}.withDefaults()})
		if r.err != nil || r.exit != 0 {
			msg := strings.TrimSpace(string(r.output))
			if r.err != nil {
				msg = r.err.Error()
			}
			s.checkErr = errors.Errorf("grade: the sandbox (bwrap) does not start here: %s; grade where it does, or pass --unsafe-no-sandbox to run the submissions' code with your rights", excerpt(firstLines(msg, 1), 200))
		}
	})
	return s.checkErr
}

// runSpec is one run of a binary.
type runSpec struct {
	binary string
	args   []string
	env    []string // KEY=VALUE, on top of the sandbox's own
	stdin  []byte
	limits Limits
	time   time.Duration // this run's wall time; 0 means limits.Time
}

// runResult is what a run did. Nothing in it is a verdict: the process that made output and sent may have
// been the submission's.
type runResult struct {
	exit       int    // exit status; -1 when killed by a signal
	signal     string // the signal that ended it, if one did
	timedOut   bool   // killed at its time limit
	overOutput bool   // killed for printing more than limits.Output bytes
	overSent   bool   // killed for sending more than limits.Output bytes on descriptor 3
	output     []byte // standard output and error, at most limits.Output bytes
	sent       []byte // what it wrote on descriptor 3, at most limits.Output bytes
	elapsed    time.Duration
	err        error // the run could not start
}

// run runs spec.binary with spec.args. The binary sees descriptor 3 as a pipe to the grader (runResult.sent)
// and spec.stdin on standard input.
func (s *sandbox) run(ctx context.Context, spec runSpec) runResult {
	lim := spec.limits
	wall := spec.time
	if wall <= 0 {
		wall = lim.Time
	}
	ctx, cancel := context.WithTimeout(ctx, wall)
	defer cancel()
	var res runResult

	sentR, sentW, err := os.Pipe()
	if err != nil {
		return runResult{err: err}
	}
	defer sentR.Close()
	files := []*os.File{sentW} // descriptor 3
	var args []string
	var name string
	tmp := ""
	if s.unsafe {
		if tmp, err = os.MkdirTemp("", "ganbook-grade-"); err != nil {
			sentW.Close()
			return runResult{err: err}
		}
		defer os.RemoveAll(tmp)
		name, args = spec.binary, spec.args
		if s.prlimit != "" {
			name, args = s.prlimit, append(append(s.limitArgs(lim, wall, backend.HeapGuardBytes), "--", spec.binary), spec.args...)
		}
	} else {
		memR, memW, err := os.Pipe()
		if err != nil {
			sentW.Close()
			return runResult{err: err}
		}
		fmt.Fprintf(memW, "MemTotal:       %d kB\nMemFree:        %d kB\nMemAvailable:   %d kB\n", sandboxMemTotal>>10, sandboxMemTotal>>10, sandboxMemTotal>>10)
		memW.Close()
		defer memR.Close()
		files = append(files, memR) // descriptor 4: bwrap copies it to /proc/meminfo
		name, args = s.bwrap, s.bwrapArgs(spec, lim, wall, 4)
	}
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.ExtraFiles = files
	cmd.Stdin = bytes.NewReader(spec.stdin)
	out := &capped{limit: lim.Output, over: cancel}
	cmd.Stdout, cmd.Stderr = out, out
	cmd.WaitDelay = 5 * time.Second
	if s.unsafe {
		cmd.Dir = tmp
		cmd.Env = append(s.unsafeEnv(tmp), spec.env...)
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
		cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
	} else {
		cmd.Env = []string{"PATH=" + envPath}
		cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	}
	start := time.Now()
	if err := cmd.Start(); err != nil {
		sentW.Close()
		return runResult{err: err}
	}
	sentW.Close()
	sent := &capped{limit: lim.Output, over: cancel}
	copied := make(chan struct{})
	go func() {
		io.Copy(sent, sentR)
		close(copied)
	}()
	waitErr := cmd.Wait()
	if s.unsafe { // whatever the test left behind in its process group
		syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL)
	}
	select {
	case <-copied:
	case <-time.After(5 * time.Second): // a process outside the group holds the pipe (unsafe mode only)
		sentR.Close()
	}
	res.elapsed = time.Since(start)
	res.output, res.sent = out.bytes(), sent.bytes()
	res.exit = cmd.ProcessState.ExitCode()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
		res.signal = ws.Signal().String()
	}
	res.overOutput, res.overSent = out.exceeded(), sent.exceeded()
	res.timedOut = ctx.Err() != nil && !res.overOutput && !res.overSent
	if res.timedOut || res.overOutput || res.overSent {
		res.exit = -1
	}
	_ = waitErr
	return res
}

// limitArgs are prlimit's options for lim: address space (guard, the heap guard's reservation, and
// lim.Memory), processes, file size, open files, CPU seconds, no core files.
func (s *sandbox) limitArgs(lim Limits, wall time.Duration, guard int64) []string {
	return []string{
		"--as=" + strconv.FormatInt(guard+lim.Memory, 10),
		"--nproc=" + strconv.Itoa(lim.Procs),
		"--fsize=" + strconv.FormatInt(lim.Disk, 10),
		"--nofile=256",
		"--core=0",
		"--cpu=" + strconv.Itoa(int(wall.Seconds())+5),
	}
}

// bwrapArgs is the sandbox: new PID, network, IPC, UTS (and cgroup) namespaces; nothing of the host's files but
// the system's programs and libraries (/usr), the binary, the checkout's go.mod and pretrained/ and the module
// cache, all read-only; a private /proc, a minimal /dev and a /tmp of lim.Disk bytes, the only writable folder;
// an empty environment but for what the test needs; a new session (no terminal to type into); killed with the
// grader. Inside, prlimit sets the limits, and, as root, setpriv drops to a uid of its own with no capabilities
// and no way to gain any; otherwise bwrap's user namespace holds the grader's own uid, without capabilities
// outside it.
func (s *sandbox) bwrapArgs(spec runSpec, lim Limits, wall time.Duration, memFD int) []string {
	a := []string{"--unshare-pid", "--unshare-net", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try",
		"--die-with-parent", "--new-session", "--clearenv", "--hostname", "grade"}
	root := os.Geteuid() == 0
	if !root {
		a = append(a, "--unshare-user", "--disable-userns")
	}
	a = append(a, "--ro-bind", "/usr", "/usr")
	for _, d := range []string{"/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32"} {
		if target, err := os.Readlink(d); err == nil {
			a = append(a, "--symlink", target, d)
		} else {
			a = append(a, "--ro-bind-try", d, d)
		}
	}
	// Folders made for the binds below, readable by the sandbox's user (bwrap makes them 0700 otherwise).
	for _, d := range []string{"/etc", path.Dir(sandboxBinary), sandboxRoot} {
		a = append(a, "--perms", "0755", "--dir", d)
	}
	for _, f := range []string{"/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/ld.so.conf.d"} {
		a = append(a, "--ro-bind-try", f, f)
	}
	a = append(a, "--dev", "/dev", "--proc", "/proc", "--perms", "0444", "--ro-bind-data", strconv.Itoa(memFD), "/proc/meminfo",
		"--perms", "1777", "--size", strconv.FormatInt(lim.Disk, 10), "--tmpfs", sandboxTmp,
		"--ro-bind", spec.binary, sandboxBinary,
		"--ro-bind", filepath.Join(s.root, "go.mod"), sandboxRoot+"/go.mod",
		"--ro-bind-try", filepath.Join(s.root, "pretrained"), sandboxRoot+"/pretrained")
	if s.modcache != "" {
		a = append(a, "--ro-bind-try", s.modcache, sandboxMods)
	}
	env := append([]string{"HOME=" + sandboxTmp, "TMPDIR=" + sandboxTmp, "PATH=" + envPath, "GONB_DIR=" + sandboxRoot,
		"GOMODCACHE=" + sandboxMods}, spec.env...)
	for _, kv := range env {
		k, v, _ := strings.Cut(kv, "=")
		a = append(a, "--setenv", k, v)
	}
	a = append(a, "--chdir", sandboxTmp, "--", s.prlimit)
	a = append(a, s.limitArgs(lim, wall, heapGuard)...)
	a = append(a, "--")
	if root {
		uid := strconv.Itoa(sandboxUIDLow + rand.IntN(1<<28))
		a = append(a, s.setpriv, "--reuid", uid, "--regid", uid, "--clear-groups", "--inh-caps=-all", "--bounding-set=-all", "--no-new-privs", "--")
	}
	return append(append(a, sandboxBinary), spec.args...)
}

// unsafeEnv is the environment of an unsandboxed run: the grader's PATH and HOME, the checkout, the module cache,
// a scratch folder.
func (s *sandbox) unsafeEnv(tmp string) []string {
	env := []string{"PATH=" + os.Getenv("PATH"), "HOME=" + os.Getenv("HOME"), "TMPDIR=" + tmp, "GONB_DIR=" + s.root}
	if s.modcache != "" {
		env = append(env, "GOMODCACHE="+s.modcache)
	}
	return env
}

// capped keeps the first limit bytes written to it and calls over once when more come (and drops them, so the
// writer never blocks).
type capped struct {
	mu    sync.Mutex
	buf   bytes.Buffer
	limit int64
	n     int64
	over  func()
	fired bool
}

func (c *capped) exceeded() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.fired
}

func (c *capped) bytes() []byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	return bytes.Clone(c.buf.Bytes())
}

func (c *capped) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.n += int64(len(p))
	if room := c.limit - int64(c.buf.Len()); room > 0 {
		c.buf.Write(p[:min(int64(len(p)), room)])
	}
	if c.n > c.limit && !c.fired {
		c.fired = true
		c.over()
	}
	return len(p), nil
}
