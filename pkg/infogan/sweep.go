// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package infogan

import (
	"encoding/json"
	"os"
	"slices"

	"github.com/pkg/errors"
)

// Sweep is a seed sweep's record (scripts/infogan_sweep.sh, pretrained/infogan-mnist/sweep.json): every run's
// settings and code accuracy.
type Sweep struct {
	Runs []SweepRun `json:"runs"`
}

// SweepRun is one run of a sweep.
type SweepRun struct {
	LambdaCont float64  `json:"lambda_cont"`
	Batch      int      `json:"batch"`
	Seed       int      `json:"seed"`
	Steps      int      `json:"steps"`
	Generated  float64  `json:"generated_accuracy"` // the code's accuracy on samples (CodeReport)
	Real       float64  `json:"real_accuracy"`      // on real images, read by Q
	Mixed      []string `json:"mixed_codes"`        // the digits that share a code value
}

// SweepSetting summarises the runs of one setting (λ_cont, batch) of a sweep: the best, median and worst
// accuracy on samples and how many reach a target.
type SweepSetting struct {
	LambdaCont             float64
	Batch, Runs, AtOrAbove int
	Best, Median, Worst    float64
}

// ReadSweep reads a sweep.json.
func ReadSweep(path string) (*Sweep, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, errors.Wrap(err, "infogan: reading the sweep")
	}
	var s Sweep
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, errors.Wrapf(err, "infogan: %s is not a sweep.json", path)
	}
	return &s, nil
}

// Settings summarises each setting of the sweep, in the order the settings first appear; target is the
// accuracy counted in AtOrAbove (0.95: the target).
func (s *Sweep) Settings(target float64) []SweepSetting {
	type key struct {
		lambda float64
		batch  int
	}
	groups := map[key][]float64{}
	var order []key
	for _, r := range s.Runs {
		k := key{r.LambdaCont, r.Batch}
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r.Generated)
	}
	var out []SweepSetting
	for _, k := range order {
		acc := groups[k]
		slices.Sort(acc)
		st := SweepSetting{LambdaCont: k.lambda, Batch: k.batch, Runs: len(acc), Best: acc[len(acc)-1], Worst: acc[0],
			Median: (acc[(len(acc)-1)/2] + acc[len(acc)/2]) / 2}
		for _, a := range acc {
			if a >= target {
				st.AtOrAbove++
			}
		}
		out = append(out, st)
	}
	return out
}
