// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
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
