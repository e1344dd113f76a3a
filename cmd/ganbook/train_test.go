// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
)

func ganbook(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out bytes.Buffer
	err := run(args, &out, &out)
	return out.String(), err
}

// TestTrainSampleExport runs the whole command-line path on a tiny run: train, refuse to overwrite, resume,
// sample as PNG and IDX, export the generator and sample from the export.
func TestTrainSampleExport(t *testing.T) {
	dir := t.TempDir()
	runDir := filepath.Join(dir, "run")
	common := []string{"--batch", "8", "--checkpoint-every", "2", "--sample-every", "2", "--out", runDir}
	if out, err := ganbook(t, append([]string{"train", "dcgan", "--steps", "4"}, common...)...); err != nil {
		t.Fatalf("train: %v\n%s", err, out)
	}
	for _, f := range []string{"config.json", "metrics.json", "losses.svg", "samples/latest.png", "samples/step-0000002.png", "checkpoint"} {
		if _, err := os.Stat(filepath.Join(runDir, f)); err != nil {
			t.Errorf("the run lacks %s", f)
		}
	}
	var m gan.Metrics
	b, _ := os.ReadFile(filepath.Join(runDir, "metrics.json"))
	if err := json.Unmarshal(b, &m); err != nil || len(m.History) == 0 || m.History[len(m.History)-1].Step != 4 {
		t.Errorf("metrics.json: %v, history %+v", err, m.History)
	}
	if _, err := ganbook(t, append([]string{"train", "dcgan", "--steps", "4"}, common...)...); err == nil || !strings.Contains(err.Error(), "--resume") {
		t.Errorf("training into an existing run: %v, want an error suggesting --resume", err)
	}
	// Resume is explicit: a flag that would change a stored setting is refused with what differs, another
	// family is refused, and the same flags again (the stored values) are fine.
	if _, err := ganbook(t, append([]string{"train", "dcgan", "--steps", "6", "--resume", "--lr-g", "1e-3", "--latent", "50"}, common...)...); err == nil ||
		strings.Contains(err.Error(), "learning_rate_g (stored") || !strings.Contains(err.Error(), "latent_dim (stored 100, asked 50)") {
		t.Errorf("resume with other settings: %v, want latent_dim refused and the learning rate allowed", err)
	}
	if _, err := ganbook(t, "train", "infogan", "--out", runDir, "--resume"); err == nil || !strings.Contains(err.Error(), "holds a dcgan run") {
		t.Errorf("resume as another family: %v", err)
	}
	if out, err := ganbook(t, append([]string{"train", "dcgan", "--steps", "6", "--resume"}, common...)...); err != nil || !strings.Contains(out, "done: 6 steps") {
		t.Errorf("resume: %v\n%s", err, out)
	}
	if out, err := ganbook(t, "train", "dcgan", "--out", runDir, "--resume"); err != nil || !strings.Contains(out, "done: 6 steps") {
		t.Errorf("resume without --steps keeps the stored total 6: %v\n%s", err, out)
	}
	idxPath := filepath.Join(dir, "s.idx")
	if _, err := ganbook(t, "sample", "--run", runDir, "--n", "5", "--format", "idx", "--out", idxPath); err != nil {
		t.Fatal(err)
	}
	idx, err := data.ReadIDXFile(idxPath)
	if err != nil || len(idx.Dims) != 3 || idx.Dims[0] != 5 || idx.Dims[1] != 28 || idx.Dims[2] != 28 {
		t.Errorf("sample idx: %v, dims %v, want [5 28 28]", err, idx)
	}
	exported := filepath.Join(dir, "exported")
	if _, err := ganbook(t, "export", "--run", runDir, "--out", exported); err != nil {
		t.Fatal(err)
	}
	// The average of a run with its own export samples as the export does (the export holds the run's
	// weight average as weights); a checkpoint that is not there is named.
	averaged := filepath.Join(dir, "averaged")
	if out, err := ganbook(t, "export", "--run", runDir, "--average-with", exported, "--out", averaged); err != nil ||
		!strings.Contains(out, "exported the average of 2 generators (steps 6, 6)") {
		t.Fatalf("export --average-with: %v\n%s", err, out)
	}
	for _, d := range []string{exported, averaged} {
		idx := filepath.Join(dir, filepath.Base(d)+".idx")
		if _, err := ganbook(t, "sample", "--run", d, "--n", "3", "--format", "idx", "--out", idx); err != nil {
			t.Fatal(err)
		}
	}
	a, errA := data.ReadIDXFile(filepath.Join(dir, "exported.idx"))
	c, errC := data.ReadIDXFile(filepath.Join(dir, "averaged.idx"))
	if errA != nil || errC != nil || !bytes.Equal(a.Data, c.Data) {
		t.Errorf("the average of a run and its export samples otherwise than the export (%v, %v)", errA, errC)
	}
	if _, err := ganbook(t, "export", "--run", runDir, "--average-with", filepath.Join(dir, "nothing"), "--out", filepath.Join(dir, "avg2")); err == nil ||
		!strings.Contains(err.Error(), "--average-with "+filepath.Join(dir, "nothing")) {
		t.Errorf("averaging with a missing run: %v", err)
	} else if _, statErr := os.Stat(filepath.Join(dir, "avg2")); statErr == nil {
		t.Error("a failed average left its --out folder behind")
	}
	png := filepath.Join(dir, "s.png")
	if _, err := ganbook(t, "sample", "--run", exported, "--n", "4", "--out", png); err != nil {
		t.Fatalf("sampling the export: %v", err)
	}
	if st, err := os.Stat(png); err != nil || st.Size() == 0 {
		t.Errorf("no PNG written: %v", err)
	}
	if _, err := ganbook(t, "sample", "--run", filepath.Join(dir, "nothing"), "--out", png); err == nil {
		t.Error("sampling a missing run gave no error")
	}
	out, err := ganbook(t, "eval", "--run", exported, "--n", "50", "--json")
	if err != nil {
		t.Fatalf("eval: %v", err)
	}
	var rep dcgan.Report
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Samples == nil || rep.Samples.N != 50 || rep.Step != 6 {
		t.Fatalf("eval printed %q (%v), want the scores of 50 samples at step 6", out, err)
	}
	if s := rep.Samples.ClassifierScore; s < 1 || s > 10 {
		t.Errorf("classifier score %g outside [1, 10]", s)
	}
}

// TestEvalReference scores real test images and noise: real data must score far better.
func TestEvalReference(t *testing.T) {
	out, err := ganbook(t, "eval", "--reference", "--n", "300", "--json")
	if err != nil {
		t.Fatal(err)
	}
	var rep evalReport
	if err := json.Unmarshal([]byte(out), &rep); err != nil || rep.Real == nil || rep.Noise == nil {
		t.Fatalf("eval --reference printed %q (%v)", out, err)
	}
	if rep.Real.ClassifierScore < 9 || rep.Noise.ClassifierScore > 3 || rep.Real.FrechetDistance >= rep.Noise.FrechetDistance {
		t.Errorf("real %+v vs noise %+v: real data should score above 9 and closer to the test set", rep.Real, rep.Noise)
	}
	if _, err := ganbook(t, "eval"); err == nil || !strings.Contains(err.Error(), "--run DIR or --reference") {
		t.Errorf("eval without a subject: %v", err)
	}
}

type stepAt int64

func (s stepAt) GlobalStep() int64 { return int64(s) }

// TestTrainingEnded: an interrupted run says where it stopped and how to resume, and exits 130 (SIGINT) or 143
// (SIGTERM); a finished one says what it wrote; a diverged one gives the command that resumes it at lower
// rates, or says that nothing was saved; any other error (a failed save after Ctrl-C too) is returned as it is.
func TestTrainingEnded(t *testing.T) {
	cfg := dcgan.DefaultConfig(dcgan.ModelDCGAN)
	var out strings.Builder
	err := trainingEnded(&out, stepAt(44), fmt.Errorf("wrapped: %w", &interrupted{sig: os.Interrupt}), cfg, "infogan", "runs/x", "samples")
	var sig *interrupted
	if !errors.As(err, &sig) || sig.exitCode() != 130 || !strings.Contains(sig.Error(), "interrupted at step 44") ||
		!strings.Contains(sig.Error(), "ganbook train infogan --out runs/x --resume") {
		t.Errorf("interrupted: %v", err)
	}
	if (&interrupted{sig: syscall.SIGTERM}).exitCode() != 143 {
		t.Error("SIGTERM does not exit 143")
	}
	out.Reset()
	done := cfg
	done.Steps = 300
	if err := trainingEnded(&out, stepAt(300), nil, done, "dcgan", "runs/y", "samples in runs/y/samples/latest.png"); err != nil ||
		out.String() != "done: 300 steps; samples in runs/y/samples/latest.png; score them with `ganbook eval --run runs/y`\n" {
		t.Errorf("done: %v, %q", err, out.String())
	}
	out.Reset()
	if err := trainingEnded(&out, stepAt(120), nil, done, "dcgan", "runs/y", "samples"); err != nil ||
		!strings.Contains(out.String(), "time budget reached at step 120 of 300") {
		t.Errorf("a time budget: %v, %q", err, out.String())
	}
	out.Reset()
	saveErr := errors.New("gan: saving the checkpoint: disk full")
	if err := trainingEnded(&out, stepAt(7), saveErr, cfg, "dcgan", "runs/z", "samples"); err != saveErr || out.Len() != 0 {
		t.Errorf("failed save: returned %v and printed %q", err, out.String())
	}
	div := &gan.DivergedError{Step: 9, What: "D loss", Value: math.NaN()}
	if err := trainingEnded(&out, stepAt(9), div, cfg, "dcgan", t.TempDir(), "samples"); err == nil ||
		!strings.Contains(err.Error(), "no checkpoint was saved before it") || !strings.Contains(err.Error(), "--lr-g 0.0001 --lr-d 0.0001") {
		t.Errorf("diverged before any checkpoint: %v", err)
	}
}
