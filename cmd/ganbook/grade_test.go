// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGradeErrors(t *testing.T) {
	notOurs := filepath.Join(t.TempDir(), "other.ipynb")
	if err := os.WriteFile(notOurs, []byte(`{"cells": [], "metadata": {}}`), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"grade"}, "give one SUBMISSION.ipynb, or --class DIR"},
		{[]string{"grade", "a.ipynb", "b.ipynb"}, "give one SUBMISSION.ipynb"},
		{[]string{"grade", "a.ipynb", "--timeout", "0s"}, "--timeout must be positive"},
		{[]string{"grade", "a.ipynb", "--memory", "lots"}, `"lots" is not a size: write it as 512MiB or 4GiB`},
		{[]string{"grade", "a.ipynb", "--parallel", "0"}, "--parallel must be at least 1"},
		{[]string{"grade", "no/such.ipynb"}, "no/such.ipynb"},
		{[]string{"grade", notOurs}, "names no assignment"},
	} {
		var out bytes.Buffer
		err := run(c.args, &out, &out)
		if err == nil || !strings.Contains(err.Error(), c.want) || strings.Contains(err.Error(), "\n") {
			t.Errorf("ganbook %v: error %v, want one line mentioning %q", c.args, err, c.want)
		}
	}
}

func TestParseBytes(t *testing.T) {
	for in, want := range map[string]int64{"4GiB": 4 << 30, "512MiB": 512 << 20, "4g": 4 << 30, "1.5G": 3 << 29, "64k": 64 << 10, "1000": 1000} {
		if got, err := parseBytes(in); err != nil || got != want {
			t.Errorf("parseBytes(%q) = %d, %v, want %d", in, got, err, want)
		}
	}
	for _, bad := range []string{"", "G", "-1G", "4TB", "four"} {
		if _, err := parseBytes(bad); err == nil {
			t.Errorf("parseBytes(%q) accepted it", bad)
		}
	}
}

// TestGradeJSON grades the StackGAN student copy (its stubs panic) in the sandbox: --json has the score, the
// maximum and each test's status; a hidden test has no message.
func TestGradeJSON(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"grade", "--json", filepath.Join("..", "..", "notebooks", "assignments", "stackgan.ipynb")}, &out, &out); err != nil {
		t.Fatal(err)
	}
	var rep struct {
		Assignment string   `json:"assignment"`
		Score      *float64 `json:"score"`
		Max        *float64 `json:"max"`
		Sandboxed  bool     `json:"sandboxed"`
		Results    []struct {
			Test, Status, Message string
			Hidden                bool
		} `json:"results"`
	}
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		t.Fatalf("%v: %s", err, out.String())
	}
	if rep.Assignment != "stackgan" || rep.Score == nil || *rep.Score != 0 || rep.Max == nil || *rep.Max != 8 || !rep.Sandboxed || len(rep.Results) != 6 {
		t.Fatalf("report %s: want stackgan, score 0 of 8, sandboxed, 6 tests", out.String())
	}
	for _, r := range rep.Results {
		if r.Status != "panic" || r.Hidden != (r.Message == "") {
			t.Errorf("%s: %s %q, want a panic, with its message for a visible test only", r.Test, r.Status, r.Message)
		}
	}
}
