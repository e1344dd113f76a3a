// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

func TestRunErrors(t *testing.T) {
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"trian"}, `unknown command "trian"`},
		{[]string{"data", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"data", "extra"}, `unexpected argument "extra"`},
		{[]string{"data", "--dataset", "cifar"}, "cifar"},
		{[]string{"bench"}, "ganbook bench conv"},
		{[]string{"bench", "conv", "--batch", "0"}, "--batch must be positive"},
		{[]string{"bench", "families", "--runs", "no/such/run"}, "no/such/run is not a GAN run folder"},
		{[]string{"bench", "families", "--runs", "../../pretrained/textenc-capmnist"}, "is not a GAN run folder"},
		{[]string{"bench", "families", "--runs", "../../pretrained/dcgan-mnist", "--batch", "8"}, "leave --only and --batch out"},
		{[]string{"bench", "families", "--runs", "../../pretrained/dcgan-mnist", "--only", "dcgan"}, "leave --only and --batch out"},
	} {
		var out, errOut bytes.Buffer
		err := run(c.args, &out, &errOut)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ganbook %v: error %v, want one mentioning %q", c.args, err, c.want)
		}
	}
}

func TestBackendCommand(t *testing.T) {
	t.Setenv("GOMLX_BACKEND", "")
	var out bytes.Buffer
	if err := run([]string{"backend"}, &out, &out); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.String(), "Go") {
		t.Errorf("ganbook backend printed %q, want the pure-Go backend", out.String())
	}
}

func TestHelp(t *testing.T) {
	var out bytes.Buffer
	if err := run([]string{"data", "-h"}, &out, &out); err != nil {
		t.Fatalf("-h gave %v", err)
	}
	if !strings.Contains(out.String(), "dataset: mnist or fashion") {
		t.Errorf("data -h printed %q, want the flags and their help", out.String())
	}
}

// TestImportsNoFamily: the command knows the families only through the registry (pkg/families): none of its
// non-test files imports a package that pkg/families links in, so adding a family is its package plus one line
// there.
func TestImportsNoFamily(t *testing.T) {
	fset := token.NewFileSet()
	reg, err := parser.ParseFile(fset, "../../pkg/families/families.go", nil, parser.ImportsOnly)
	if err != nil {
		t.Fatal(err)
	}
	families := map[string]bool{}
	for _, im := range reg.Imports {
		families[strings.Trim(im.Path.Value, `"`)] = true
	}
	if len(families) < 6 {
		t.Fatalf("pkg/families links %d packages, want the 6 family packages", len(families))
	}
	files, _ := filepath.Glob("*.go")
	registry := false
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		ast, err := parser.ParseFile(fset, f, nil, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, im := range ast.Imports {
			path := strings.Trim(im.Path.Value, `"`)
			if families[path] {
				t.Errorf("%s imports the family package %s: reach it through pkg/gan's interfaces", f, path)
			}
			registry = registry || path == "github.com/ganbook/ganbook/pkg/families"
		}
	}
	if !registry {
		t.Error("the command does not import the registry, pkg/families")
	}
}
