// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// goOf is the Go of a GoNB cell: its declarations, without the magics and shell commands (a line that starts
// with % or !, in its first column as GoNB has it, and the lines it continues onto with a final \) and without
// the body of main after a "%%" line; the magics' lines are left empty, so the Go keeps the cell's line numbers.
func goOf(src string) string {
	var out []string
	continued := false
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "%%" || strings.HasPrefix(t, "%% ") || strings.HasPrefix(t, "%%\t") || strings.HasPrefix(t, "%main") {
			break
		}
		if continued || (len(line) > 1 && (line[0] == '%' || line[0] == '!')) {
			continued = strings.HasSuffix(line, "\\")
			out = append(out, "")
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// piece is the parsed Go of one cell.
type piece struct {
	file *ast.File
	fset *token.FileSet
	// line names the cell in the assembled file's //line directives ("sub.4", "master.12"): the compiler reports
	// its errors at the cell's own line numbers, under this name.
	line string
	text string // the cell's Go with its import declarations blanked out, line for line
}

// prefix makes a cell's declarations a file; it is the file's line 1, so the cell's line n is the file's n+1.
const prefix = "package grading\n"

// parsePiece parses a cell's Go as the declarations of a file; what says what the cell is in an error
// ("your answer to q1").
func parsePiece(what, line, src string) (*piece, error) {
	fset := token.NewFileSet()
	code := goOf(src)
	f, err := parser.ParseFile(fset, line, prefix+code, parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		var list scanner.ErrorList
		if errors.As(err, &list) && len(list) > 0 {
			e := list[0]
			return nil, errors.Errorf("%s, line %d: %s", what, e.Pos.Line-1, e.Msg)
		}
		return nil, errors.Errorf("%s does not parse: %s", what, firstLines(err.Error(), 1))
	}
	// The imports go to the top of the assembled file: blank them here, keeping the newlines.
	text := []byte(code)
	for _, d := range f.Decls {
		if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
			from, to := fset.Position(g.Pos()).Offset-len(prefix), fset.Position(g.End()).Offset-len(prefix)
			for i := max(from, 0); i < to && i < len(text); i++ {
				if text[i] != '\n' {
					text[i] = ' '
				}
			}
		}
	}
	return &piece{file: f, fset: fset, line: line, text: string(text)}, nil
}

// checkSubmitted refuses what a submission's cell may not hold: cgo (its C compiler reads files at build time,
// with the instructor's rights) and go:embed (it would put the package's source, the hidden tests included, into
// the binary).
func (p *piece) checkSubmitted(what string) error {
	for _, imp := range p.file.Imports {
		switch ip, _ := strconv.Unquote(imp.Path.Value); ip {
		case "C":
			return errors.Errorf("%s, line %d: cgo (import \"C\") is not allowed in an answer", what, p.fset.Position(imp.Pos()).Line-1)
		case "embed":
			return errors.Errorf("%s, line %d: package embed is not allowed in an answer", what, p.fset.Position(imp.Pos()).Line-1)
		}
	}
	for _, cg := range p.file.Comments {
		for _, c := range cg.List {
			if strings.HasPrefix(c.Text, "//go:embed") {
				return errors.Errorf("%s, line %d: //go:embed is not allowed in an answer", what, p.fset.Position(c.Pos()).Line-1)
			}
		}
	}
	return nil
}

// testNames are the Test functions a piece declares.
func (p *piece) testNames() []string {
	var names []string
	for _, d := range p.file.Decls {
		if fn, ok := d.(*ast.FuncDecl); ok && fn.Recv == nil && strings.HasPrefix(fn.Name.Name, "Test") {
			names = append(names, fn.Name.Name)
		}
	}
	return names
}

// declared are the names a piece declares at the top level: functions, methods, types, variables, constants.
func (p *piece) declared() map[string]bool {
	names := map[string]bool{}
	for _, d := range p.file.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			names[d.Name.Name] = true
		case *ast.GenDecl:
			for _, s := range d.Specs {
				switch s := s.(type) {
				case *ast.TypeSpec:
					names[s.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range s.Names {
						names[n.Name] = true
					}
				}
			}
		}
	}
	return names
}

// uses are the identifiers a piece mentions (an over-approximation of what it refers to: names of fields and
// locals count too).
func (p *piece) uses() map[string]bool {
	names := map[string]bool{}
	ast.Inspect(p.file, func(n ast.Node) bool {
		if id, ok := n.(*ast.Ident); ok {
			names[id.Name] = true
		}
		return true
	})
	return names
}

// assemble writes one Go test file from pieces: every import any of them declares that the code uses (GoNB
// keeps a cell's imports for the cells after it, so a test cell may use an import of an earlier cell), then
// each piece's text after a //line directive naming its cell, so that the compiler reports the cell's own line
// numbers.
func assemble(pieces []*piece) string {
	imports := map[string]string{} // path -> name ("" for the default)
	used := map[string]bool{}
	for _, p := range pieces {
		for _, imp := range p.file.Imports {
			ip, _ := strconv.Unquote(imp.Path.Value)
			name := ""
			if imp.Name != nil {
				name = imp.Name.Name
			}
			imports[ip] = name
		}
		ast.Inspect(p.file, func(n ast.Node) bool {
			if sel, ok := n.(*ast.SelectorExpr); ok {
				if id, ok := sel.X.(*ast.Ident); ok {
					used[id.Name] = true
				}
			}
			return true
		})
	}
	var paths []string
	for ip := range imports {
		paths = append(paths, ip)
	}
	sort.Strings(paths)
	var out strings.Builder
	out.WriteString("// Code assembled by ganbook grade. DO NOT EDIT.\n\npackage grading\n\nimport (\n")
	for _, ip := range paths {
		name := imports[ip]
		ref := name
		if ref == "" {
			ref = path.Base(ip)
			if strings.HasPrefix(ref, "v") && len(ref) > 1 && ref[1] >= '0' && ref[1] <= '9' { // .../v2
				ref = path.Base(path.Dir(ip))
			}
		}
		if name != "_" && name != "." && !used[ref] {
			continue
		}
		out.WriteString("\t")
		if name != "" {
			out.WriteString(name + " ")
		}
		out.WriteString(strconv.Quote(ip) + "\n")
	}
	out.WriteString(")\n")
	for _, p := range pieces {
		fmt.Fprintf(&out, "\n//line %s:1\n%s\n", p.line, p.text)
	}
	return out.String()
}
