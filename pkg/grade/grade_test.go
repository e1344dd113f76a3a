// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"bytes"
	"context"
	"encoding/csv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/ganbook/ganbook/pkg/notebook"
)

func root(t *testing.T) string {
	t.Helper()
	r, err := notebook.Root()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// The tests that grade the masters share one grader with the default limits, so that each judge is built once.
var (
	sharedOnce sync.Once
	shared     *grader
	sharedErr  error
)

func sharedGrader(t *testing.T) *grader {
	t.Helper()
	sharedOnce.Do(func() { shared, sharedErr = newGrader(context.Background(), Options{Root: root(t)}) })
	if sharedErr != nil {
		t.Fatal(sharedErr)
	}
	return shared
}

func TestMain(m *testing.M) {
	code := m.Run()
	if shared != nil {
		shared.close()
	}
	os.Exit(code)
}

// TestStudentCopies: every committed student copy is what StudentCopy makes of its master, holds no solution,
// no hidden test and no output, and keeps every answer and test cell.
func TestStudentCopies(t *testing.T) {
	r := root(t)
	ids, err := Assignments(r)
	if err != nil || len(ids) < 7 {
		t.Fatalf("assignments %v, %v: want one per family (at least 7: the GAN losses, DCGAN, InfoGAN, cGAN, pix2pix, text to image, StackGAN)", ids, err)
	}
	for _, id := range ids {
		if err := CheckReleased(r, id); err != nil {
			t.Error(err)
			continue
		}
		master, _ := ReadNotebook(MasterPath(r, id))
		student, err := ReadNotebook(StudentPath(r, id))
		if err != nil {
			t.Fatal(err)
		}
		b, _ := os.ReadFile(StudentPath(r, id))
		if strings.Contains(string(b), "BEGIN SOLUTION") || strings.Contains(string(b), `"hidden"`) || strings.Contains(string(b), `"output_type"`) {
			t.Errorf("%s: the student copy shows a solution, a hidden test or an output", id)
		}
		count := func(nb *Notebook, kind string) int {
			n := 0
			for _, c := range nb.Cells {
				if c.Tag != nil && c.Tag.Kind == kind {
					n++
				}
			}
			return n
		}
		if count(student, KindAnswer) != count(master, KindAnswer) || count(student, KindTest) != count(master, KindTest) ||
			count(student, KindHidden) != 0 || count(master, KindHidden) == 0 {
			t.Errorf("%s: answers %d/%d, tests %d/%d, hidden %d/%d (student/master)", id, count(student, KindAnswer), count(master, KindAnswer),
				count(student, KindTest), count(master, KindTest), count(student, KindHidden), count(master, KindHidden))
		}
	}
}

// TestGradeAssignments: each master scores full marks (so each of its tests takes the values it judges through
// graded.Value, and judges them the same in the sandbox); each student copy compiles and fails every graded test
// (its stubs panic with their TODO, which only the visible tests show); nbgrader's validate and validate
// --invert.
func TestGradeAssignments(t *testing.T) {
	r := root(t)
	ids, _ := Assignments(r)
	ctx := context.Background()
	g := sharedGrader(t)
	for _, id := range ids {
		t.Run(id, func(t *testing.T) {
			master, err := ReadNotebook(MasterPath(r, id))
			if err != nil {
				t.Fatal(err)
			}
			student, err := ReadNotebook(StudentPath(r, id))
			if err != nil {
				t.Fatal(err)
			}
			start := time.Now()
			rep, err := g.grade(ctx, master, master, "master")
			if err != nil {
				t.Fatal(err)
			}
			if rep.Score != rep.Max || rep.Max == 0 || !rep.Sandboxed {
				t.Errorf("the master scores %g of %g (sandboxed %v): %+v", rep.Score, rep.Max, rep.Sandboxed, rep.Results)
			}
			stu, err := g.grade(ctx, master, student, "student")
			if err != nil {
				t.Fatal(err)
			}
			t.Logf("master and student copy graded in %v", time.Since(start).Round(time.Millisecond))
			if stu.Score != 0 || stu.Max != rep.Max {
				t.Errorf("the student copy scores %g of %g", stu.Score, stu.Max)
			}
			for _, res := range stu.Results {
				if res.Status != Panic || (res.Hidden != (res.Message == "")) || (!res.Hidden && !strings.Contains(res.Message, "TODO("+res.Question+")")) {
					t.Errorf("student copy, %s %s: %s %q, want the stub's panic (shown for a visible test only)", res.Question, res.Test, res.Status, res.Message)
				}
			}
		})
	}
}

// TestGradeWrongSubmission grades testdata/gan-losses-wrong.ipynb: q1 copied, the copy kept last (moved to the
// end) with the minimax loss's sign wrong: the value test fails, the others pass; q2's answer deleted: missing;
// q3 with a syntax error: a compile error, which costs q3 alone. 3 of 8 points.
func TestGradeWrongSubmission(t *testing.T) {
	r := root(t)
	rep, err := GradeFile(context.Background(), filepath.Join("testdata", "gan-losses-wrong.ipynb"), Options{Root: r})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{
		"TestGeneratorLossValues": Fail, "TestSaturation": Pass, "TestGeneratorLossesStable": Pass, "TestGeneratorLossGradients": Pass,
		"TestDiscriminatorLoss": Missing, "TestDiscriminatorLossStable": Missing,
		"TestLeastSquares": CompileError, "TestLeastSquaresGradient": CompileError,
	}
	for _, res := range rep.Results {
		if res.Status != want[res.Test] {
			t.Errorf("%s: %s (%s), want %s", res.Test, res.Status, res.Message, want[res.Test])
		}
	}
	// The compile error is at line 11 of the student's q3 cell (a parenthesis missing), the value test's failure
	// is the judge's message, and a hidden test shows no message.
	msgs := map[string]string{}
	for _, res := range rep.Results {
		msgs[res.Test] = res.Message
	}
	if m := msgs["TestLeastSquares"]; !strings.HasPrefix(m, "your answer to q3, line 11: ") {
		t.Errorf("compile error %q, want it at line 11 of the answer to q3", m)
	}
	if m := msgs["TestGeneratorLossValues"]; !strings.HasPrefix(m, "minimax loss 1.") || !strings.Contains(m, "want -1.") {
		t.Errorf("failure message %q, want the test's own (\"minimax loss 1.x, want -1.x\")", m)
	}
	if m := msgs["TestLeastSquaresGradient"]; m != "" {
		t.Errorf("a hidden test shows %q", m)
	}
	if rep.Score != 3 || rep.Max != 8 {
		t.Errorf("score %g of %g, want 3 of 8", rep.Score, rep.Max)
	}
	var buf bytes.Buffer
	if err := WriteCSV(&buf, []*Report{rep}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil || len(rows) != 2 || rows[1][2] != "3" || rows[0][4] != "gan-losses/q1" || rows[1][4] != "3" {
		t.Errorf("CSV %v, %v", rows, err)
	}
}

// TestStubs: the markers become compiling stubs, and bad markers or tags are errors.
func TestStubs(t *testing.T) {
	got, n, err := stubSolutions("func F() int {\n\t// BEGIN SOLUTION: add them\n\treturn 1 + 2\n\t// END SOLUTION\n}", "q7")
	if err != nil || n != 1 || got != "func F() int {\n\tpanic(\"TODO(q7): add them\")\n}" {
		t.Errorf("stub %q, %d, %v", got, n, err)
	}
	for _, bad := range []string{"// BEGIN SOLUTION\nx", "// END SOLUTION", "// BEGIN SOLUTION\n// BEGIN SOLUTION\n// END SOLUTION"} {
		if _, _, err := stubSolutions(bad, "q1"); err == nil {
			t.Errorf("%q was accepted", bad)
		}
	}
	for _, bad := range []string{`{"cells": [{"cell_type": "code", "source": "", "metadata": {"ganbook": {"grade": {"kind": "answer"}}}}]}`,
		`{"cells": [{"cell_type": "code", "source": "", "metadata": {"ganbook": {"grade": {"kind": "essay", "question": "q1"}}}}]}`,
		`{"cells": 3}`, `not json`} {
		if _, err := ParseNotebook([]byte(bad)); err == nil {
			t.Errorf("%s was parsed", bad)
		}
	}
}

// FuzzParseNotebook: no notebook makes the parser panic, and one it reads writes back and reads again.
func FuzzParseNotebook(f *testing.F) {
	if b, err := os.ReadFile(filepath.Join("testdata", "gan-losses-wrong.ipynb")); err == nil {
		f.Add(b)
	}
	f.Add([]byte(`{"cells": [{"cell_type": "code", "source": ["a\n", "b"], "metadata": {"ganbook": {"grade": {"kind": "test", "question": "q1", "points": 2}}}}], "metadata": {"ganbook": {"assignment": "x"}}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		nb, err := ParseNotebook(b)
		if err != nil {
			return
		}
		out, err := nb.Marshal()
		if err != nil {
			t.Fatalf("a parsed notebook does not write back: %v", err)
		}
		if _, err := ParseNotebook(out); err != nil {
			t.Fatalf("a written notebook does not parse: %v", err)
		}
	})
}

// TestGradeCatchesMistakes grades masters with one answer replaced by a plausible mistake: the tests that check
// what the mistake breaks fail (the hidden ones alone where the visible ones cannot see it), with the judge's
// message for a visible test, and a compile error names the student's own line.
func TestGradeCatchesMistakes(t *testing.T) {
	r := root(t)
	ctx := context.Background()
	g := sharedGrader(t)
	for _, c := range []struct {
		name, assignment, question, answer string
		want                               map[string]string // test -> status (the question's others pass)
		message                            string            // in the first failing visible test's message
	}{
		{"a call with an argument missing", "gan-losses", "q2",
			"// DiscriminatorLoss is -E[log σ(l_real)] - E[log(1 - σ(l_fake))].\nfunc DiscriminatorLoss(real, fake *graph.Node) *graph.Node {\n\treturn graph.Add(graph.Softplus(real))\n}\n",
			map[string]string{"TestDiscriminatorLoss": CompileError, "TestDiscriminatorLossStable": CompileError},
			"your answer to q2, line 3: not enough arguments in call to graph.Add"},
		{"GAN-CLS without Reed's ½", "text2img", "q1",
			"func ClsDiscriminatorLoss(real, wrong, fake *graph.Node) *graph.Node {\n\tmean := func(x *graph.Node) *graph.Node { return graph.ReduceAllMean(graph.Softplus(x)) }\n\treturn graph.Add(mean(graph.Neg(real)), graph.Add(mean(wrong), mean(fake)))\n}\n",
			map[string]string{"TestClsDiscriminatorLoss": Fail, "TestClsHalfWeights": Fail, "TestClsStable": Fail},
			"every logit 0 (D = ½): loss [2.0794"},
		{"conditioning augmentation with a gradient into ε", "stackgan", "q1",
			"func Reparametrize(mu, logSigma, eps *graph.Node) *graph.Node {\n\treturn graph.Add(mu, graph.Mul(graph.Exp(logSigma), eps))\n}\n",
			map[string]string{"TestReparametrizeSamples": Fail}, ""},
		{"the KL term without its ½", "stackgan", "q2",
			"func KL(mu, logSigma *graph.Node) *graph.Node {\n\tterms := graph.Sub(graph.Add(graph.Square(mu), graph.Exp(graph.MulScalar(logSigma, 2))), graph.AddScalar(graph.MulScalar(logSigma, 2), 1))\n\treturn graph.ReduceAllMean(graph.ReduceSum(terms, -1))\n}\n",
			map[string]string{"TestKL": Fail, "TestKLMonteCarlo": Fail}, "μ [1 0], σ [1 2]: KL [2.6137"},
	} {
		t.Run(c.name, func(t *testing.T) {
			master, err := ReadNotebook(MasterPath(r, c.assignment))
			if err != nil {
				t.Fatal(err)
			}
			rep, err := g.grade(ctx, master, withAnswer(t, master, c.question, c.answer), c.name)
			if err != nil {
				t.Fatal(err)
			}
			var lost float64
			shown := false
			for _, res := range rep.Results {
				want := c.want[res.Test]
				if want == "" {
					want = Pass
				}
				if res.Status != want {
					t.Errorf("%s %s: %s %q, want %s", res.Question, res.Test, res.Status, res.Message, want)
				}
				if res.Status != Pass {
					lost += res.Max
					if !res.Hidden && !shown {
						shown = true
						if !strings.Contains(res.Message, c.message) {
							t.Errorf("%s: message %q, want it to hold %q", res.Test, res.Message, c.message)
						}
					}
				}
			}
			if rep.Score != rep.Max-lost || lost == 0 {
				t.Errorf("score %g of %g, lost %g", rep.Score, rep.Max, lost)
			}
		})
	}
}
