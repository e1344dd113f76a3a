// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// compileLine is a compiler complaint at a cell's line: the //line directives of assemble name each cell
// ("sub.4", "test.9"), and the go command prints the name after the package's folder.
var compileLine = regexp.MustCompile(`(?:^|[\s/])(sub|master|stub|setup|test|hidden)\.(\d+):(\d+)(?::\d+)?: (.*)$`)

// compileMessage is what a student should read of a failed build of q's code: the complaints about their
// answer first, in its own line numbers, then those about the cells they can see; a hidden test's or a
// master's answer's complaint says only that it does not compile with the answer.
func compileMessage(output, q string, master *Notebook) string {
	var mine, seen, blind []string
	for _, l := range strings.Split(output, "\n") {
		m := compileLine.FindStringSubmatch(strings.TrimSpace(l))
		if m == nil {
			continue
		}
		cell, _ := strconv.Atoi(m[2])
		line, msg := m[3], excerpt(m[4], 200)
		switch m[1] {
		case "sub":
			mine = append(mine, fmt.Sprintf("your answer to %s, line %s: %s", q, line, msg))
		case "test":
			seen = append(seen, fmt.Sprintf("the tests of %s (cell %d), line %s: %s", q, cell, line, msg))
		case "setup":
			seen = append(seen, fmt.Sprintf("the notebook's cell %d, line %s: %s", cell, line, msg))
		case "stub":
			seen = append(seen, fmt.Sprintf("the starter code of %s (cell %d), line %s: %s", questionOf(master, cell), cell, line, msg))
		case "hidden":
			blind = append(blind, "a hidden test of "+q+" does not compile with your answer: did a function's name or signature change?")
		case "master":
			blind = append(blind, fmt.Sprintf("the reference answer to %s does not compile with your answer: %s", questionOf(master, cell), msg))
		}
	}
	lines := dedupe(append(append(mine, seen...), blind...))
	if len(lines) == 0 {
		return "the code does not build: " + excerpt(firstLines(output, 2), 300)
	}
	return firstLines(strings.Join(lines, "\n"), 3)
}

func questionOf(nb *Notebook, cell int) string {
	if cell >= 0 && cell < len(nb.Cells) && nb.Cells[cell].Tag != nil {
		return nb.Cells[cell].Tag.Question
	}
	return "another question"
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

// positionPrefix is the "cell:line: " (or "file.go:12: ") a test's t.Error lines start with.
var positionPrefix = regexp.MustCompile(`^[\w./-]+:\d+: `)

// failMessage is what a failed test said in the judge (its t.Error lines), without the test harness's lines
// and the positions.
func failMessage(out string) string {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		t := strings.TrimSpace(l)
		if t == "" || t == "FAIL" || t == "PASS" || strings.HasPrefix(t, "=== ") || strings.HasPrefix(t, "--- ") ||
			strings.HasPrefix(t, "exit status") {
			continue
		}
		lines = append(lines, positionPrefix.ReplaceAllString(t, ""))
	}
	return excerpt(firstLines(strings.Join(lines, "\n"), 3), 400)
}

// recovered is what the testing package adds to a panic it reports and raises again.
var recovered = regexp.MustCompile(` \[recovered(, repanicked)?\]$`)

// panicMessage is a panic's first line (a stub's "panic: TODO(q1): ..." shows here), short.
func panicMessage(out string) string {
	for _, l := range strings.Split(out, "\n") {
		if i := strings.Index(l, "panic: "); i >= 0 {
			return excerpt(recovered.ReplaceAllString(strings.TrimSpace(l[i:]), ""), 160)
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

// excerpt is s cut to at most n bytes (at a rune boundary), with "…" where it was cut, and without control
// characters.
func excerpt(s string, n int) string {
	s = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, s)
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && (s[cut]&0xc0) == 0x80 {
		cut--
	}
	return s[:cut] + "…"
}

// bytesText writes a size in the largest binary unit that divides it: 4 GiB, 64 KiB, 1000 bytes.
func bytesText(n int64) string {
	for _, u := range []struct {
		shift uint
		name  string
	}{{30, "GiB"}, {20, "MiB"}, {10, "KiB"}} {
		if n >= 1<<u.shift && n%(1<<u.shift) == 0 {
			return fmt.Sprintf("%d %s", n>>u.shift, u.name)
		}
	}
	return fmt.Sprintf("%d bytes", n)
}

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:8])
}
