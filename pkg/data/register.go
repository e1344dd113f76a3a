// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package data

import (
	"sort"
	"sync"
)

// Source loads one split ("train" or "test") of a dataset that a package other than this one makes (captioned
// MNIST and emoji in pkg/captions).
type Source func(split string) (*Set, error)

var (
	sourcesMu sync.Mutex
	sources   = map[string]Source{}
)

// Register makes Load, Known and Names know the dataset name, loaded by load. Packages call it from init; a name
// registered twice, or one of the built-in names, panics.
func Register(name string, load Source) {
	sourcesMu.Lock()
	defer sourcesMu.Unlock()
	if _, dup := sources[name]; dup || name == "mnist" || name == "fashion" {
		panic("data: dataset " + name + " registered twice")
	}
	sources[name] = load
}

// Known reports whether Load knows the dataset name (built in or registered).
func Known(name string) bool {
	if name == "mnist" || name == "fashion" {
		return true
	}
	sourcesMu.Lock()
	defer sourcesMu.Unlock()
	_, ok := sources[name]
	return ok
}

// Names lists the datasets Load knows: mnist, fashion, then the registered ones, sorted.
func Names() []string {
	sourcesMu.Lock()
	defer sourcesMu.Unlock()
	var more []string
	for n := range sources {
		more = append(more, n)
	}
	sort.Strings(more)
	return append([]string{"mnist", "fashion"}, more...)
}

func registered(name string) (Source, bool) {
	sourcesMu.Lock()
	defer sourcesMu.Unlock()
	s, ok := sources[name]
	return s, ok
}
