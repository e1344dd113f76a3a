// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package grade makes and grades ganbook's course assignments: GoNB notebooks in which a student fills the
// answer cells and runs the visible %test cells after each. The graded code runs in a sandbox, and no verdict
// comes from a process that holds it.
//
// # Assignments
//
// An assignment is one instructor master, assignments/<id>/master.ipynb, whose code cells carry metadata
// "ganbook": {"grade": {"kind": "answer" | "test" | "hidden", "question": "q1", "points": 2}}: answer cells
// hold the solution between "// BEGIN SOLUTION: hint" and "// END SOLUTION" lines; test cells the visible tests
// (each Test function worth the cell's points); hidden cells the tests the student never sees. StudentCopy makes
// the student's notebook from it (notebooks/assignments/<id>.ipynb, committed and checked to be what StudentCopy
// makes): the solutions replaced by panic("TODO(q1): hint") stubs that still compile, the hidden cells removed,
// the outputs cleared.
//
// A test takes every value of the student's code through graded.Value (package graded):
//
//	got := graded.Value(t, "minimax loss", func() float64 { return lossOf(MinimaxGeneratorLoss, xs) })
//
// In the notebook that is the call itself. In grading it is where the value crosses from the sandboxed process
// that holds the student's code to the judge that holds none.
//
// # Grading
//
// Grade finds the submission's answer cells by their metadata, not their position (a moved or copied cell still
// grades, the copy kept last; a deleted one scores zero) and grades each question in isolation. For question q
// it writes, from the master's code cells in order, one Go test file per binary:
//
//   - the submission's visible binary: the setup cells, the submission's answer to q, the master's answers to the
//     questions q builds on (a question whose answer or tests use names another answer declares, as infogan's
//     Bound uses LogLikelihood), every other answer as its stub, and q's visible tests;
//   - the submission's hidden binary: the same with the hidden tests as well;
//   - the judge: the same as the hidden binary with q's own answer replaced by its stub. It holds no code of the
//     submission, and is built once per master and question.
//
// Each `//line` directive names the cell a piece comes from, so a compile error reports the student's line in
// their own cell. The binaries are built with `go test -c` inside the checkout's module (internal/scratch), as
// the instructor (the build needs the module cache), offline, all of a submission's in one go command, cached by
// their source. Then, for each test of q, in order, under a time budget for the whole question:
//
//  1. the submission's binary runs the one test in the sandbox with GANBOOK_GRADED=record: graded.Value calls the
//     student's code and writes each value (gob, under the test's name, the value's name and its occurrence) to
//     file descriptor 3;
//  2. the judge runs the same test in a sandbox of its own with GANBOOK_GRADED=replay and those values on its
//     standard input: graded.Value returns them instead of calling anything (a call that does not go through
//     Value reaches the stub and fails, and the master's own grading shows the slip), the test's checks run on
//     them, and graded writes on the judge's descriptor 3 which values it replayed and how the test ended.
//
// The test passes when the judge's process exited 0, replayed at least one value, and wrote that the test ended
// neither failed nor skipped with no value missing; and the submission's process stayed within its limits.
// Nothing the submission's process prints or exits with is read as a verdict: it only picks among the failing
// statuses (fail, panic, timeout, limit) and, for a visible test, gives the first line of its panic, at most
// 160 characters. A visible test's failure message is what the judge's test said (its t.Error lines); a hidden
// test shows its name and status only. Questions run in parallel, Options.Parallel at a time.
//
// A test of behaviour that cannot be compared as a value is written the same way: the submission's process
// sends what the student's code made, and the judge measures the behaviour on it. The infogan master sends the
// weights Q's head learned and the judge computes the bound L_I on features it draws, through the layers the
// question asks for; the dcgan master sends the points of the student's spherical walks and the judge draws the
// pretrained DCGAN's images there and scores them with the classifier.
//
// # The sandbox
//
// Each process of compiled test code (the submission's and the judge's) runs in bubblewrap (bwrap, Debian's
// bubblewrap, installed by `make setup`) with its own PID, network, IPC, UTS and cgroup namespaces; a root made
// of /usr and the dynamic loader's files, the binary, the checkout's go.mod and pretrained/ and the Go module
// cache, all read-only, a private /proc and minimal /dev, and a /tmp of Limits.Disk bytes in memory, its scratch
// folder and the only writable one; an empty environment but for what the tests need; a new session; and
// --die-with-parent. Inside, prlimit sets the limits (address space, processes and threads, file size, open
// files, CPU time) and, when the grader runs as root, setpriv drops to a uid of its own, drawn for each run,
// with no capabilities and no way to gain any; run by another user, bwrap's user namespace keeps that user
// without capabilities outside it. The grader kills a process past its time or past Limits.Output of output or
// of values. Grading refuses to start when the sandbox does not, saying why in one line, unless
// Options.UnsafeNoSandbox (`ganbook grade --unsafe-no-sandbox`) asks to run the code as the grader's own user.
//
// # Threat model
//
// A submission is any notebook, written to do harm. Its code (any Go in an answer cell, init functions and
// package variables included) runs in the sandboxed processes of its question's tests. There it can:
//
//   - read what those processes hold: the inputs the tests give it, the tests' compiled code (the hidden tests
//     only in processes whose output no report shows), the setup cells, the other questions' stubs, and the
//     master's answers to the questions its question builds on, which it could print, 160 characters per visible
//     test, into its panic message: keep a question's dependencies on others few;
//   - read /usr, the checkout's go.mod and pretrained/ (the committed runs) and the module cache (public code
//     and data), and write in its /tmp, which goes with the test;
//   - send any values under any names, as it could return any values from its functions, and print anything:
//     a check that an easily guessed value meets (a bound, a boolean) can be met by sending that value, so a
//     test should compare the values with numbers the judge computes, or measure the behaviour on them as above;
//   - use its limits: Limits.Time for the question, Limits.Memory of address space, Limits.Procs processes and
//     threads, Limits.Output of output and of values, Limits.Disk of /tmp.
//
// It cannot: score a test its values do not pass (no pass line, test2json framing byte, exit status or forged
// verdict line of its process is read as a verdict); read the masters, the other submissions, the instructor's
// home or the rest of the checkout; write anything that outlives its test; reach the network or the host's
// loopback; see or signal the host's processes or keep one of its own running after its test (when the test's
// process ends or is killed, the namespace's first process dies and the kernel kills every process in it); take
// more memory, processes, disk or output than its limits; or run code as the instructor: the build compiles a
// file the grader writes, refuses cgo (its C compiler would read files, such as an #include of a master, with
// the instructor's rights, and echo them in its errors) and go:embed (it would put the package's source, the
// hidden tests included, into the binary), runs offline under a time and memory limit, and shows the compiler's
// complaints about the student's cell and the visible cells only.
//
// What the sandbox does not cover: a kernel exploit (it is namespaces and resource limits, not a virtual
// machine); resident memory as such (without cgroups the bound is address space); and everything, with
// Options.UnsafeNoSandbox.
package grade
