// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"

	"github.com/ganbook/ganbook/pkg/data"
)

func runData(args []string, stdout io.Writer) error {
	fs := newFlags("data", "data [--dataset mnist|fashion] [--split train|test]", stdout)
	name := fs.String("dataset", "mnist", "dataset: mnist or fashion")
	split := fs.String("split", "train", "split: train or test")
	if err := parse(fs, args); err != nil {
		return err
	}
	set, err := data.Load(*name, *split)
	if err != nil {
		return err
	}
	counts := make([]int, len(set.ClassNames))
	for _, l := range set.Labels {
		counts[l]++
	}
	fmt.Fprintf(stdout, "%s/%s: %d images of %dx%dx%d\n", set.Name, set.Split, set.N, set.Height, set.Width, set.Channels)
	for c, n := range counts {
		fmt.Fprintf(stdout, "  %d %-12s %6d\n", c, set.ClassNames[c], n)
	}
	return nil
}
