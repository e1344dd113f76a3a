// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package bench

import (
	"bufio"
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"time"

	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/gomlx/compute"
	"github.com/pkg/errors"
)

// DCGANOptions configure RunDCGAN.
type DCGANOptions struct {
	Batch       int    // 0 means 64
	Steps       int    // timed steps; 0 means 20
	Warmup      int    // untimed steps first (compilation, caches); 0 means 3
	Peer        string // path of ../shared/peers/dcgan_torch.py; "" skips the peer
	PeerPython  string // the interpreter with Debian's python3-torch; "" means /usr/bin/python3
	PeerDevice  string // "cpu" (default) or "cuda"
	PeerThreads int    // torch threads; 0 means 2
}

// DCGANReport is the JSON object printed by `ganbook bench dcgan --json`.
type DCGANReport struct {
	Backend      string  `json:"backend"`
	Batch        int     `json:"batch"`
	Steps        int     `json:"timed_steps"`
	MSPerStep    float64 `json:"ms_per_step"` // median
	GFLOPPerStep float64 `json:"gflop_per_step"`
	GFLOPS       float64 `json:"gflops"`
	Cores        float64 `json:"cores,omitempty"` // cores ganbook kept busy over the timed steps (CoresMeter)

	PeerMSPerStep float64 `json:"peer_ms_per_step,omitempty"` // PyTorch, same architecture, same machine, same run
	Ratio         float64 `json:"ratio,omitempty"`            // ms_per_step / peer_ms_per_step: <= 1 means ganbook is as fast or faster
	PeerCommand   string  `json:"peer_command,omitempty"`
	PeerResult    string  `json:"peer_result,omitempty"` // the peer's RESULT line
	PeerError     string  `json:"peer_error,omitempty"`  // why the peer did not run
}

// DCGANStepFLOPs counts one training step of the TensorFlow tutorial's DCGAN as the peer script does: one G
// forward and backward (3·G_fwd) and D forward and backward three times (real and fake for D's update, fake
// again for G's: 9·D_fwd), per the peer's analytic count.
func DCGANStepFLOPs(batch int) float64 {
	g := GeneratorSuite(batch).ForwardFLOPs() + 2*float64(batch*100*7*7*256) // + the dense projection
	d := DiscriminatorSuite(batch).ForwardFLOPs() + 2*float64(batch*7*7*128)
	return 3*g + 9*d
}

// RunDCGAN times training steps of the TensorFlow tutorial's DCGAN (dcgan.TFTutorialDCGAN: one D update on a real
// and a fake batch and one non-saturating G update) on MNIST and, when opts.Peer is set, runs the PyTorch peer
// with the same architecture in the same command.
func RunDCGAN(ctx context.Context, b compute.Backend, opts DCGANOptions) (*DCGANReport, error) {
	if opts.Batch <= 0 {
		opts.Batch = 64
	}
	if opts.Steps <= 0 {
		opts.Steps = 20
	}
	if opts.Warmup <= 0 {
		opts.Warmup = 3
	}
	set, err := data.Load("mnist", "train")
	if err != nil {
		return nil, err
	}
	cfg := dcgan.TFTutorialDCGAN()
	cfg.BatchSize = opts.Batch
	t, err := gan.NewTrainer(b, cfg, set)
	if err != nil {
		return nil, err
	}
	var times []time.Duration
	var meter CoresMeter
	for i := range opts.Warmup + opts.Steps {
		if i == opts.Warmup {
			meter = StartCores()
		}
		t0 := time.Now()
		if _, err := t.Step(); err != nil {
			return nil, err
		}
		if i >= opts.Warmup {
			times = append(times, time.Since(t0))
		}
	}
	cores := meter.Cores()
	slices.Sort(times)
	med := times[len(times)/2]
	rep := &DCGANReport{Backend: backend.Describe(b), Batch: opts.Batch, Steps: opts.Steps,
		MSPerStep: ms(med), GFLOPPerStep: DCGANStepFLOPs(opts.Batch) / 1e9, Cores: cores}
	rep.GFLOPS = rep.GFLOPPerStep / med.Seconds()
	if opts.Peer != "" {
		rep.runPeer(ctx, opts)
	}
	return rep, nil
}

var peerResult = regexp.MustCompile(`RESULT .*ms/step=([0-9.]+)`)

// runPeer runs the PyTorch peer script; a missing interpreter, torch or script is reported, not fatal.
func (rep *DCGANReport) runPeer(ctx context.Context, opts DCGANOptions) {
	python := opts.PeerPython
	if python == "" {
		python = "/usr/bin/python3"
	}
	device := opts.PeerDevice
	if device == "" {
		device = "cpu"
	}
	threads := opts.PeerThreads
	if threads <= 0 {
		threads = 2
	}
	if _, err := os.Stat(opts.Peer); err != nil {
		rep.PeerError = "peer script not found at " + opts.Peer + ": pass --peer PATH to ../shared/peers/dcgan_torch.py"
		return
	}
	dir, err := data.MNISTDir()
	if err != nil {
		rep.PeerError = err.Error()
		return
	}
	args := []string{opts.Peer, "--data", dir, "--steps", strconv.Itoa(opts.Steps + 5), "--warmup", "5",
		"--batch", strconv.Itoa(opts.Batch), "--threads", strconv.Itoa(threads), "--device", device}
	cmd := exec.CommandContext(ctx, python, args...)
	// The peer README's tuned settings: OpenBLAS's SkylakeX kernels and passive OpenMP waiting.
	cmd.Env = append(os.Environ(), "OPENBLAS_CORETYPE=SkylakeX", "OMP_WAIT_POLICY=PASSIVE")
	rep.PeerCommand = "OPENBLAS_CORETYPE=SkylakeX OMP_WAIT_POLICY=PASSIVE " + python + " " + filepath.Base(opts.Peer)
	for _, a := range args[1:] {
		rep.PeerCommand += " " + a
	}
	out, err := cmd.CombinedOutput()
	sc := bufio.NewScanner(bytes.NewReader(out))
	for sc.Scan() {
		if m := peerResult.FindStringSubmatch(sc.Text()); m != nil {
			rep.PeerResult = sc.Text()
			rep.PeerMSPerStep, _ = strconv.ParseFloat(m[1], 64)
		}
	}
	if rep.PeerMSPerStep <= 0 {
		tail := string(out)
		if len(tail) > 300 {
			tail = tail[len(tail)-300:]
		}
		rep.PeerError = errors.Errorf("the peer printed no RESULT line (%v; is python3-torch installed? "+
			"apt-get install python3-torch python3-numpy): %s", err, tail).Error()
		return
	}
	rep.Ratio = rep.MSPerStep / rep.PeerMSPerStep
}
