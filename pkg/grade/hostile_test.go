// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"context"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// hostileLimits are small, so that the attacks end in seconds.
var hostileLimits = Limits{Time: 4 * time.Second, Memory: 512 << 20, Procs: 64, Output: 64 << 10, Disk: 1 << 20}

// withAnswer is a copy of nb with the source of q's answer cell replaced.
func withAnswer(t *testing.T, nb *Notebook, q, src string) *Notebook {
	t.Helper()
	b, err := nb.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	cp, err := ParseNotebook(b)
	if err != nil {
		t.Fatal(err)
	}
	c, _ := cp.answer(q)
	c.Source = src
	return cp
}

// stillRunning lists the host's processes whose command line holds marker, waiting up to 5 s for them to go.
func stillRunning(marker string) []string {
	var found []string
	for range 50 {
		found = found[:0]
		procs, _ := filepath.Glob("/proc/[0-9]*/cmdline")
		for _, p := range procs {
			if b, err := os.ReadFile(p); err == nil && strings.Contains(string(b), marker) {
				found = append(found, filepath.Dir(p))
			}
		}
		if len(found) == 0 {
			return nil
		}
		time.Sleep(100 * time.Millisecond)
	}
	return found
}

// TestHostileSubmissions grades submissions of testdata/hostile-master.ipynb whose q1 keeps its TODO stub and
// attacks the grader: each must fail q1 alone (q2 and q3 are the master's answers and score their 4 points),
// with the status and message the attack earns, and leave no trace on the host.
func TestHostileSubmissions(t *testing.T) {
	r := root(t)
	master, err := ReadNotebook(filepath.Join("testdata", "hostile-master.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	g, err := newGrader(ctx, Options{Root: r, Limits: hostileLimits})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(g.close) // after the parallel subtests

	// What the attacks aim at: the class's folder (another submission), the instructor's home, the host's /tmp,
	// the checkout, the masters, a port on the host's loopback.
	class := t.TempDir()
	victim := filepath.Join(class, "alice.ipynb")
	if err := os.WriteFile(victim, []byte(`{"cells": []}`), 0o644); err != nil {
		t.Fatal(err)
	}
	home, _ := os.UserHomeDir()
	marker := fmt.Sprintf("ganbook-hostile-%d", time.Now().UnixNano())
	outside := []string{filepath.Join(home, marker), filepath.Join(os.TempDir(), marker), filepath.Join(r, marker), victim}
	secrets := []string{MasterPath(r, "gan-losses"), filepath.Join(r, "pkg", "grade", "testdata", "hostile-master.ipynb"), victim, filepath.Join(home, ".bashrc"), filepath.Join(r, "go.sum")}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	accepted := make(chan struct{}, 16)
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			accepted <- struct{}{}
			c.Close()
		}
	}()

	const stub = "\n// Add is a + b.\nfunc Add(a, b int) int {\n\tpanic(\"TODO(q1): the sum\")\n}\n"
	cases := []struct {
		name, src string
		status    string // q1's status (or statuses, joined by "|")
		message   string // in q1's visible test's message
	}{
		{"pass lines", `import (
	"fmt"
	"os"
)

func init() {
	for _, w := range []*os.File{os.Stdout, os.Stderr} {
		fmt.Fprint(w, "=== RUN   TestAdd\n--- PASS: TestAdd (0.00s)\n=== RUN   TestAddNegative\n--- PASS: TestAddNegative (0.00s)\nPASS\nok  \tgrading\t0.01s\n")
		fmt.Fprint(w, "\x16=== RUN   TestAdd\n\x16--- PASS: TestAdd (0.00s)\n\x16PASS\n")
		fmt.Fprint(w, "{\"Action\":\"pass\",\"Test\":\"TestAdd\"}\n")
	}
	// A verdict line, as the judge writes them, on the descriptor that carries values.
	os.NewFile(3, "grader").WriteString("{\"test\":\"TestAdd\",\"replayed\":\"2 + 3\"}\n{\"test\":\"TestAdd\",\"done\":true}\n")
	os.Exit(0)
}
` + stub, Fail, "ended before it gave its values"},
		{"exit in init", "import \"os\"\n\nfunc init() { os.Exit(0) }\n" + stub, Fail, "ended before it gave its values"},
		{"writes outside its scratch folder", fmt.Sprintf(`import (
	"fmt"
	"os"
)

func init() {
	refused := 0
	for _, p := range %#v {
		if os.WriteFile(p, []byte("hostile"), 0o644) != nil {
			refused++
		}
	}
	if err := os.WriteFile("/tmp/scratch", []byte("fine"), 0o644); err != nil {
		panic(err)
	}
	panic(fmt.Sprintf("writes: %%d of 4 refused", refused))
}
`, outside) + stub, Panic, "panic: writes: 3 of 4 refused"}, // the one to /tmp lands in its own /tmp
		{"reads a master", fmt.Sprintf(`import (
	"fmt"
	"os"
)

func init() {
	refused, leak := 0, ""
	for _, p := range %#v {
		if b, err := os.ReadFile(p); err != nil {
			refused++
		} else {
			leak += string(b[:min(len(b), 40)])
		}
	}
	if _, err := os.ReadDir(%q); err != nil {
		refused++
	}
	panic(fmt.Sprintf("reads: %%d of 6 refused %%q", refused, leak))
}
`, secrets, home) + stub, Panic, `panic: reads: 6 of 6 refused ""`},
		{"opens a socket", fmt.Sprintf(`import (
	"fmt"
	"net"
	"time"
)

func init() {
	refused := 0
	for _, addr := range []string{%q, "8.8.8.8:53", "[2001:4860:4860::8888]:53"} {
		if c, err := net.DialTimeout("tcp", addr, 2*time.Second); err != nil {
			refused++
		} else {
			c.Close()
		}
	}
	panic(fmt.Sprintf("dials: %%d of 3 refused", refused))
}
`, ln.Addr().String()) + stub, Panic, "panic: dials: 3 of 3 refused"},
		{"leaves a process behind", fmt.Sprintf(`import (
	"os"
	"os/exec"
	"syscall"
	"time"
)

func init() {
	if os.Getenv("HOSTILE_CHILD") != "" {
		time.Sleep(time.Hour)
	}
	cmd := exec.Command("/proc/self/exe", %q)
	cmd.Env = append(os.Environ(), "HOSTILE_CHILD=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{Setsid: true}
	if err := cmd.Start(); err != nil {
		panic(err)
	}
}
`, marker+"-child") + stub, Panic, "panic: TODO(q1): the sum"},
		{"allocates 30 GB", "// Add is a + b.\nfunc Add(a, b int) int {\n\tbig := make([]byte, 30<<30)\n\tfor i := 0; i < len(big); i += 4096 {\n\t\tbig[i] = 1\n\t}\n\treturn int(big[0])\n}\n", Limit, "ran out of memory"},
		{"prints 1 GB", "import \"os\"\n\n// Add is a + b.\nfunc Add(a, b int) int {\n\tline := make([]byte, 1<<20)\n\tfor range 1024 {\n\t\tos.Stdout.Write(line)\n\t}\n\treturn a + b\n}\n", Limit, "printed more than 64 KiB"},
		{"is 300 KiB of code", strings.Repeat("// padding\n", 300<<10/11) + stub, CompileError, "more than the 256 KiB an answer may have"},
		{"loops forever", "// Add is a + b.\nfunc Add(a, b int) int {\n\tfor {\n\t}\n}\n", Timeout, "ran past 4s"},
		{"forks in a loop", fmt.Sprintf(`import (
	"os"
	"os/exec"
)

func init() {
	if os.Getenv("HOSTILE_FORK") != "" {
		fork()
	}
}

func fork() {
	for {
		cmd := exec.Command("/proc/self/exe", %q)
		cmd.Env = append(os.Environ(), "HOSTILE_FORK=1")
		cmd.Start()
	}
}

// Add is a + b.
func Add(a, b int) int {
	fork()
	return a + b
}
`, marker+"-fork"), Limit + "|" + Timeout, ""},
	}
	for _, c := range cases {
		sub := withAnswer(t, master, "q1", c.src)
		t.Run(c.name, func(t *testing.T) {
			t.Parallel()
			start := time.Now()
			rep, err := g.grade(ctx, master, sub, c.name)
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("graded in %v", time.Since(start).Round(time.Millisecond))
			if rep.Score != 4 || rep.Max != 6 {
				t.Errorf("score %g of %g, want 4 of 6 (q1 lost, q2 and q3 kept)", rep.Score, rep.Max)
			}
			for _, res := range rep.Results {
				switch {
				case res.Question != "q1" && res.Status != Pass:
					t.Errorf("%s %s: %s %q, want pass", res.Question, res.Test, res.Status, res.Message)
				case res.Question == "q1" && !slices.Contains(strings.Split(c.status, "|"), res.Status):
					t.Errorf("%s %s: %s %q, want %s", res.Question, res.Test, res.Status, res.Message, c.status)
				case res.Question == "q1" && !res.Hidden && !strings.Contains(res.Message, c.message):
					t.Errorf("%s %s: message %q, want it to hold %q", res.Question, res.Test, res.Message, c.message)
				case res.Hidden && res.Message != "":
					t.Errorf("%s %s: a hidden test shows %q", res.Question, res.Test, res.Message)
				}
			}
		})
	}
	t.Cleanup(func() {
		for _, p := range outside[:3] {
			if _, err := os.Stat(p); err == nil {
				os.Remove(p)
				t.Errorf("a submission wrote %s", p)
			}
		}
		if b, _ := os.ReadFile(victim); string(b) != `{"cells": []}` {
			t.Errorf("a submission changed another submission: %q", b)
		}
		if len(accepted) > 0 {
			t.Errorf("a submission connected to the host's loopback")
		}
		if left := stillRunning(marker); len(left) > 0 {
			t.Errorf("processes outlived their question: %v", left)
		}
	})
}

// TestUnsafeNoSandbox: without the sandbox (the instructor's choice), the master still scores full marks, and
// the report says it was not sandboxed.
func TestUnsafeNoSandbox(t *testing.T) {
	master, err := ReadNotebook(filepath.Join("testdata", "hostile-master.ipynb"))
	if err != nil {
		t.Fatal(err)
	}
	rep, err := Grade(context.Background(), master, master, "master", Options{Root: root(t), Limits: hostileLimits, UnsafeNoSandbox: true})
	if err != nil {
		t.Fatal(err)
	}
	if rep.Score != 6 || rep.Max != 6 || rep.Sandboxed {
		t.Errorf("score %g of %g, sandboxed %v: want 6 of 6, not sandboxed: %+v", rep.Score, rep.Max, rep.Sandboxed, rep.Results)
	}
}

// TestNoSandbox: where bwrap cannot be found, grading refuses to start, in one line that says what to do.
func TestNoSandbox(t *testing.T) {
	r := root(t)
	t.Setenv("PATH", t.TempDir())
	_, err := newGrader(context.Background(), Options{Root: r})
	if err == nil || !strings.Contains(err.Error(), "make setup") || !strings.Contains(err.Error(), "--unsafe-no-sandbox") ||
		strings.Contains(err.Error(), "\n") {
		t.Errorf("error %v, want one line naming make setup and --unsafe-no-sandbox", err)
	}
}
