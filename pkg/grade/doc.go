// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package grade makes and grades ganbook's course assignments: GoNB notebooks in which a student fills the
// answer cells and runs the visible %test cells after each.
//
// An assignment is one instructor master, assignments/<id>/master.ipynb, whose code cells carry metadata
// "ganbook": {"grade": {"kind": "answer" | "test" | "hidden", "question": "q1", "points": 2}}: answer cells
// hold the solution between "// BEGIN SOLUTION: hint" and "// END SOLUTION" lines; test cells the visible tests
// (each Test function worth the cell's points); hidden cells the tests the student never sees. StudentCopy makes
// the student's notebook from it (notebooks/assignments/<id>.ipynb, committed and checked to be what StudentCopy
// makes): the solutions replaced by panic("TODO(q1): hint") stubs that still compile, the hidden cells removed,
// the outputs cleared.
//
// Grade grades a submission: it finds the answer cells by their metadata, not their position (a moved or
// copied cell still grades, a deleted one scores zero), grades each question in isolation (the submission's
// answer for it, the master's for the others, so one compile error costs one question) with the master's
// visible and hidden tests under a time limit, and reports each test as pass, fail, compile error, panic,
// timeout or missing, with its points and message (a hidden test's name and message, never its code). The code
// is built as a test package inside the checkout's module (internal/scratch), so it imports ganbook's packages
// offline.
package grade
