// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package grade

import (
	"bytes"
	"go/ast"
	"go/parser"
	"go/printer"
	"go/token"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/pkg/errors"
)

// goOf is the Go of a GoNB cell: its declarations, without the magics (%..., !...) and without the body of
// main after a "%%" line.
func goOf(src string) string {
	var out []string
	for _, line := range strings.Split(src, "\n") {
		t := strings.TrimSpace(line)
		if t == "%%" || strings.HasPrefix(t, "%% ") {
			break
		}
		if strings.HasPrefix(t, "%") || strings.HasPrefix(t, "!") {
			out = append(out, "") // keep the line numbers
			continue
		}
		out = append(out, line)
	}
	return strings.Join(out, "\n")
}

// piece is the parsed Go of one cell.
type piece struct {
	label string // where it came from, for messages: "q1's answer", "the tests of q1"
	file  *ast.File
	fset  *token.FileSet
}

// parsePiece parses a cell's Go as the declarations of a file.
func parsePiece(label, src string) (*piece, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, label, "package grading\n"+goOf(src), parser.ParseComments|parser.SkipObjectResolution)
	if err != nil {
		return nil, errors.Errorf("%s does not parse: %s", label, strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	return &piece{label: label, file: f, fset: fset}, nil
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

// assemble writes one Go test file from pieces: every import any of them declares that the code uses (GoNB
// keeps a cell's imports for the cells after it, so a test cell may use an import of an earlier cell), then
// their declarations in order.
func assemble(pieces []*piece) (string, error) {
	imports := map[string]string{} // path -> name ("" for the default)
	var body bytes.Buffer
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
		for _, d := range p.file.Decls {
			if g, ok := d.(*ast.GenDecl); ok && g.Tok == token.IMPORT {
				continue
			}
			fmtBody := bytes.Buffer{}
			if err := printer.Fprint(&fmtBody, p.fset, d); err != nil {
				return "", errors.Wrapf(err, "printing %s", p.label)
			}
			body.WriteString("// from " + p.label + "\n")
			body.Write(fmtBody.Bytes())
			body.WriteString("\n\n")
		}
	}
	var paths []string
	for ip := range imports {
		paths = append(paths, ip)
	}
	sort.Strings(paths)
	var out bytes.Buffer
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
	out.WriteString(")\n\n")
	out.Write(body.Bytes())
	return out.String(), nil
}
