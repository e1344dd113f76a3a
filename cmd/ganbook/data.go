// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/data"
)

// fetchable are the datasets `ganbook data fetch` knows.
var fetchable = []string{"emoji"}

func runData(args []string, stdout io.Writer) error {
	if len(args) > 0 && args[0] == "fetch" {
		return runDataFetch(args[1:], stdout)
	}
	fs := newFlags("data", "data [--dataset NAME] [--split train|test]\n       ganbook data fetch emoji [--dir DIR] [--fluent]", stdout)
	name := fs.String("dataset", "mnist", datasetHelp())
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
	width := 12
	for _, c := range set.ClassNames {
		width = max(width, len(c))
	}
	fmt.Fprintf(stdout, "%s/%s: %d images of %dx%dx%d\n", set.Name, set.Split, set.N, set.Height, set.Width, set.Channels)
	for c, n := range counts {
		fmt.Fprintf(stdout, "  %d %-*s %6d\n", c, width, set.ClassNames[c], n)
	}
	return nil
}

// datasetHelp is the help of --dataset: the names data.Load knows, built in and registered.
func datasetHelp() string {
	names := data.Names()
	help := "dataset: " + names[0] + " or " + names[1]
	if len(names) > 2 {
		help += " (built in), or " + strings.Join(names[2:], ", ")
	}
	return help
}

// runDataFetch is `ganbook data fetch NAME [flags]`: it downloads a dataset that is not installed with the
// system's packages.
func runDataFetch(args []string, stdout io.Writer) error {
	fs := newFlags("data fetch", "data fetch emoji [--dir DIR] [--fluent]", stdout)
	dir := fs.String("dir", captions.DefaultEmojiDir(), "folder to fetch into (read by the emoji datasets from "+
		captions.EnvEmojiDir+", default the user's cache folder)")
	fluent := fs.Bool("fluent", false, "also fetch the 3D Fluent Emoji ("+captions.FluentPackage+", 256x256 WebP) into DIR/fluent")
	if len(args) == 0 || strings.HasPrefix(args[0], "-") {
		if err := parse(fs, args); err != nil {
			return err
		}
		return fmt.Errorf("data fetch: name the dataset to fetch: %s (e.g. `ganbook data fetch emoji`)", strings.Join(fetchable, ", "))
	}
	name := args[0]
	if name != "emoji" {
		return fmt.Errorf("data fetch: unknown dataset %q; ganbook fetches %s", name, strings.Join(fetchable, ", "))
	}
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if err := captions.FetchEmoji(*dir, *fluent, stdout); err != nil {
		return err
	}
	if *dir != captions.DefaultEmojiDir() {
		fmt.Fprintf(stdout, "set %s=%s to read it (the datasets emoji and emoji64)\n", captions.EnvEmojiDir, *dir)
	}
	return nil
}
