// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package viz

import (
	"fmt"
	"math"
	"strconv"
)

// tickMark is one tick of an axis: its value and its label.
type tickMark struct {
	v     float64
	label string
}

// niceTicks returns the ticks of [lo, hi] at the multiples of the smallest "nice" step, 1, 2 or 5 times a power
// of ten, for which fits accepts them (the labels do not overlap, there are not too many), as most plotting
// libraries do (Heckbert, "Nice numbers for graph labels", Graphics Gems, 1990). With integer the step is at
// least 1, so that counts, classes and steps get integer ticks only, never 1.50. If no step fits, it returns the
// ticks of the coarsest step tried that has any, which may be a single tick.
func niceTicks(lo, hi float64, integer bool, fits func([]tickMark) bool) []tickMark {
	span := hi - lo
	if !(span > 0) || !finite(span) {
		return nil
	}
	var last []tickMark
	top := int(math.Floor(math.Log10(span)))
	for e := top - 3; e <= top+1; e++ {
		for _, m := range []float64{1, 2, 5} {
			step := m * math.Pow(10, float64(e))
			if integer && step < 1 {
				continue
			}
			first, end := math.Ceil(lo/step-1e-9), math.Floor(hi/step+1e-9)
			if end-first > 100 {
				continue
			}
			marks := make([]tickMark, 0, int(end-first)+1)
			for i := first; i <= end; i++ {
				v := i * step
				if math.Abs(v) < step*1e-9 {
					v = 0
				}
				marks = append(marks, tickMark{v, tickLabel(v, e)})
			}
			if len(marks) == 0 {
				continue
			}
			if fits(marks) {
				return marks
			}
			last = marks
		}
	}
	return last
}

// tickLabel formats a tick at a multiple of a step of 10^e (times 1, 2 or 5): with the -e decimals the step
// needs, and as 2.5e6 beyond a million or under a ten-thousandth.
func tickLabel(v float64, e int) string {
	switch {
	case v == 0:
		return "0"
	case math.Abs(v) >= 1e6 || e < -4:
		exp := math.Floor(math.Log10(math.Abs(v)))
		return strconv.FormatFloat(v/math.Pow(10, exp), 'g', 4, 64) + "e" + strconv.Itoa(int(exp)) // 2.5e6, 1e-5
	}
	return fmt.Sprintf("%.*f", max(-e, 0), v)
}

// allIntegers reports whether every finite value of the slices is an integer, and there is at least one.
func allIntegers(values ...[]float64) bool {
	seen := false
	for _, vs := range values {
		for _, v := range vs {
			if !finite(v) {
				continue
			}
			if v != math.Trunc(v) {
				return false
			}
			seen = true
		}
	}
	return seen
}
