// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

// Package familytest holds the tests that every GAN family must pass on pkg/gan's core, run over each family in
// one table: an exact resume, D-only and G-only updates that leave the other network alone, a divergence that
// names its step, a config that reads back as it was written, and an export that samples what its run samples.
// A new family adds one row (familytest_test.go); the package has no code of its own.
package familytest
