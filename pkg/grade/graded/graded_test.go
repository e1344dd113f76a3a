// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package graded

import (
	"bytes"
	"encoding/base64"
	"encoding/gob"
	"encoding/json"
	"io"
	"math"
	"os"
	"os/exec"
	"strings"
	"testing"
)

// TestHelperProcess is the graded test that TestRecordReplay runs in child processes; alone it is skipped.
func TestHelperProcess(t *testing.T) {
	if os.Getenv("GRADED_HELPER") == "" {
		t.Skip("run by TestRecordReplay")
	}
	x := Value(t, "x", func() float64 { return 2.5 })
	y := Value(t, "y", func() []float32 { return []float32{1, float32(math.NaN())} })
	if x != 2.5 || len(y) != 2 || y[0] != 1 || !math.IsNaN(float64(y[1])) {
		t.Errorf("x %g, y %v, want 2.5 and [1 NaN]", x, y)
	}
}

// helper runs TestHelperProcess in mode with stdin, and returns what it wrote on descriptor 3 and whether it
// passed.
func helper(t *testing.T, mode string, stdin []byte) ([]byte, bool) {
	t.Helper()
	r, w, err := os.Pipe()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$", "-test.count=1")
	cmd.Env = append(os.Environ(), "GRADED_HELPER=1", EnvMode+"="+mode)
	cmd.ExtraFiles = []*os.File{w}
	cmd.Stdin = bytes.NewReader(stdin)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w.Close()
	sent, _ := io.ReadAll(r)
	return sent, cmd.Wait() == nil
}

func lines[T any](t *testing.T, b []byte) []T {
	t.Helper()
	var out []T
	for _, l := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		var v T
		if err := json.Unmarshal([]byte(l), &v); err != nil {
			t.Fatalf("line %q: %v", l, err)
		}
		out = append(out, v)
	}
	return out
}

// TestRecordReplay: the values a recording process sends are what the replaying process's test sees, in place
// of calling anything; a changed, doubled or missing value fails the test there, and the judge's lines say so.
func TestRecordReplay(t *testing.T) {
	sent, ok := helper(t, ModeRecord, nil)
	recs := lines[Record](t, sent)
	if !ok || len(recs) != 2 || recs[0].Name != "x" || recs[1].Name != "y" || recs[0].Test != "TestHelperProcess" || recs[0].N != 0 {
		t.Fatalf("recording: passed %v, sent %s", ok, sent)
	}
	forged := recs[0]
	var buf bytes.Buffer
	if err := gob.NewEncoder(&buf).Encode(ptr(3.5)); err != nil {
		t.Fatal(err)
	}
	forged.Value = base64.StdEncoding.EncodeToString(buf.Bytes())
	join := func(rs ...Record) []byte {
		var b []byte
		for _, r := range rs {
			l, _ := json.Marshal(r)
			b = append(append(b, l...), '\n')
		}
		return b
	}
	for _, c := range []struct {
		name     string
		stdin    []byte
		pass     bool
		replayed int
		missing  string
	}{
		{"the values sent", sent, true, 2, ""},
		{"x changed to 3.5", join(forged, recs[1]), false, 2, ""},
		{"x sent twice", join(recs[0], recs[0], recs[1]), false, 0, "x"},
		{"nothing sent", nil, false, 0, "x"},
		{"garbage", []byte("PASS\n--- PASS: TestHelperProcess\n{\"test\":\"TestHelperProcess\",\"done\":true}\n"), false, 0, "x"},
	} {
		out, ok := helper(t, ModeReplay, c.stdin)
		var replayed, done int
		missing := ""
		failed := false
		for _, v := range lines[Verdict](t, out) {
			if v.Replayed != "" {
				replayed++
			}
			if v.Missing != "" {
				missing = v.Missing
			}
			if v.Done {
				done++
				failed = v.Failed
			}
		}
		if ok != c.pass || replayed != c.replayed || missing != c.missing || done != 1 || failed == c.pass {
			t.Errorf("%s: passed %v, replayed %d, missing %q, done %d (failed %v); want passed %v, replayed %d, missing %q",
				c.name, ok, replayed, missing, done, failed, c.pass, c.replayed, c.missing)
		}
	}
}

func ptr[T any](v T) *T { return &v }

// TestValueInANotebook: with no grader around, Value is the call.
func TestValueInANotebook(t *testing.T) {
	t.Setenv(EnvMode, "")
	if got := Value(t, "sum", func() int { return 2 + 3 }); got != 5 {
		t.Errorf("Value gave %d, want 5", got)
	}
}
