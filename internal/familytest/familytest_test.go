// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package familytest

import (
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"sync"
	"testing"

	"github.com/ganbook/ganbook/internal/storetest"
	"github.com/ganbook/ganbook/internal/testenv"
	"github.com/ganbook/ganbook/pkg/backend"
	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/cgan"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/dcgan"
	_ "github.com/ganbook/ganbook/pkg/families"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/imagegan"
	"github.com/ganbook/ganbook/pkg/infogan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/ganbook/ganbook/pkg/stackgan"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/gomlx/compute"
	"github.com/gomlx/gomlx/core/tensors"
)

// families are tiny runs of every family, small enough for a step to take milliseconds.
func families() map[string]gan.Config {
	tinyNet := func(n *dcgan.Config) {
		n.LatentDim, n.GenHidden, n.DiscHidden = 8, 0, 0
		n.GenChannels, n.DiscChannels = []int{16, 8}, []int{8, 16}
		if n.Model == dcgan.ModelMLP {
			n.GenChannels, n.DiscChannels = []int{32, 64}, []int{64, 32}
		}
	}
	out := map[string]gan.Config{}
	for _, name := range gan.Families() { // every family of the registry (pkg/families)
		if name == stackgan.Name {
			continue // its two stages, below
		}
		cfg, err := gan.DefaultFor(name)
		if err != nil {
			panic(err)
		}
		cfg.BatchSize = 8
		switch f := cfg.Family.(type) {
		case *dcgan.Config:
			tinyNet(f)
		case *infogan.Config:
			tinyNet(&f.Config)
			f.Info.QHidden = 16
		case *cgan.Config:
			tinyNet(&f.Config)
			f.Condition = cgan.ConditionConcat
		case *imagegan.Config:
			f.GenChannels, f.DiscChannels, f.ResBlocks = imagegan.Widths{8}, imagegan.Widths{8}, 1
		case *text2img.Config:
			f.LatentDim, f.Project = 8, 8
			f.GenChannels, f.DiscChannels = []int{16, 8, 8}, []int{8, 8, 16}
			if err := f.UseEncoder(encoderDir()); err != nil {
				panic(err)
			}
		default:
			panic("familytest: the registry's family " + name + " has no tiny configuration here: add one")
		}
		out[name] = cfg
	}
	// text2img with the text-matching term: a fourth host input and a second frozen encoder in G's scope.
	match, _ := gan.DefaultFor(text2img.Name)
	match.BatchSize = 8
	m := match.Family.(*text2img.Config)
	m.LatentDim, m.Project, m.Match = 8, 8, 1
	m.GenChannels, m.DiscChannels = []int{16, 8, 8}, []int{8, 8, 16}
	if err := m.UseEncoder(encoderDir()); err != nil {
		panic(err)
	}
	out[text2img.Name+"/match"] = match
	// StackGAN's two stages: Stage-I at 8×8 on capmnist8, and Stage-II (32×32, capmnist) of a Stage-I run, both
	// with the text-matching term.
	cfg, _ := gan.DefaultFor(stackgan.Name)
	cfg.BatchSize, cfg.Dataset = 8, "capmnist8"
	s := cfg.Family.(*stackgan.Config)
	s.Config.Config = stackgan.Networks(8)
	s.LatentDim, s.CondDim, s.Project = 8, 8, 8
	s.Match = 1 // the matching term on 8×8 images for the encoder's 32×32 (resized up); Stage-II keeps it at 32×32
	s.GenChannels, s.DiscChannels = []int{16}, []int{16}
	if err := s.UseEncoder(encoderDir()); err != nil {
		panic(err)
	}
	out[stackgan.Name] = cfg
	cfg2, _ := gan.DefaultFor(stackgan.Name)
	s2 := cfg2.Family.(*stackgan.Config)
	s2.CondDim, s2.Refine = 8, &stackgan.Refiner{Channels: 8, ResBlocks: 1, UpChannels: []int{8, 8, 4}}
	if err := s2.UseStage1(&cfg2, stage1Dir(cfg)); err != nil {
		panic(err)
	}
	s2.DiscChannels, s2.Project, cfg2.BatchSize = []int{8, 8, 16}, 8, 8
	out[stackgan.Name+"/stage2"] = cfg2
	return out
}

// stage1Dir is a StackGAN Stage-I run of cfg trained for one step, made once.
var stage1Dir = func() func(gan.Config) string {
	var once sync.Once
	var dir string
	return func(cfg gan.Config) string {
		once.Do(func() {
			dir = filepath.Join(encoderDir(), "stackgan-stage1") // removed with the encoder
			cfg.Steps = 1
			b, err := backend.New()
			if err != nil {
				panic(err)
			}
			if _, err := gan.Train(context.Background(), b, cfg, gan.RunOptions{Dir: dir, LogEvery: 1}); err != nil {
				panic(err)
			}
		})
		return dir
	}
}()

func setup(t *testing.T) (compute.Backend, *data.Set) {
	t.Helper()
	return testenv.Backend(t), testenv.MNIST(t, 256)
}

// encoderDir is a tiny text encoder trained for one step, made once for the text-to-image runs.
var encoderDir = sync.OnceValue(func() string {
	dir, err := os.MkdirTemp("", "familytest-textenc-")
	if err != nil {
		panic(err)
	}
	cfg := textenc.DefaultConfig("capmnist")
	cfg.TextChannels, cfg.TextHidden, cfg.Embed, cfg.ImageChannels, cfg.Steps, cfg.BatchSize = []int{8}, 8, 8, []int{4}, 1, 8
	b, err := backend.New()
	if err != nil {
		panic(err)
	}
	if _, err := textenc.Train(context.Background(), b, cfg, textenc.RunOptions{Dir: dir}); err != nil {
		panic(err)
	}
	return dir
})

func TestMain(m *testing.M) {
	code := m.Run()
	if d := encoderDir(); strings.Contains(d, "familytest-textenc-") {
		os.RemoveAll(d)
	}
	os.Exit(code)
}

// newTrainer trains cfg on set, or on its own dataset when that is not MNIST's (capmnist's train split).
func newTrainer(t *testing.T, b compute.Backend, cfg gan.Config, set *data.Set) *gan.Trainer {
	t.Helper()
	if cfg.Dataset != set.Name {
		c, err := captions.Open(cfg.Dataset, "train")
		if err != nil {
			t.Fatal(err)
		}
		set = c.Images()
	}
	tr, err := gan.NewTrainer(b, cfg, set)
	if err != nil {
		t.Fatal(err)
	}
	return tr
}

// withSmallData is cfg with every small-data option of the core on (DiffAugment, spectral normalization in D,
// a lazy R1 every 2nd D update, LeCam, resize-convolutions in G) and the alternating step order.
func withSmallData(cfg gan.Config) gan.Config {
	cfg.DiffAugment, cfg.SpectralNorm, cfg.R1Gamma, cfg.R1Every, cfg.LeCam = "color,translation,cutout", true, 1, 2, 0.1
	cfg.Upsample, cfg.StepOrder = nn.UpsampleResize, gan.StepAlternating
	return cfg
}

// TestResumeIsExact: 2n steps in one Trainer and n steps, a checkpoint and n more in a fresh Trainer give the
// same metrics, extras included (the drawn noise, codes and labels, the batches, a family's corruptions), with
// the core's defaults and with every small-data option on and the alternating step order (their state: the
// power iterations' vectors, LeCam's anchors, the augmentations' random numbers).
func TestResumeIsExact(t *testing.T) {
	b, set := setup(t)
	const n = 2
	all := families()
	for name, cfg := range families() {
		all[name+"/small-data"] = withSmallData(cfg)
	}
	for name, cfg := range all {
		t.Run(name, func(t *testing.T) {
			whole := newTrainer(t, b, cfg, set)
			var want []gan.StepMetrics
			for range 2 * n {
				m, err := whole.Step()
				if err != nil {
					t.Fatal(err)
				}
				want = append(want, m)
			}
			dir := t.TempDir()
			first := newTrainer(t, b, cfg, set)
			for range n {
				if _, err := first.Step(); err != nil {
					t.Fatal(err)
				}
			}
			if err := gan.SaveCheckpoint(first.Store, dir); err != nil {
				t.Fatal(err)
			}
			second := newTrainer(t, b, cfg, set)
			if _, err := second.LoadCheckpoint(dir); err != nil {
				t.Fatal(err)
			}
			if second.GlobalStep() != n {
				t.Fatalf("resumed at step %d, want %d", second.GlobalStep(), n)
			}
			for i := n; i < 2*n; i++ {
				m, err := second.Step()
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(m, want[i]) {
					t.Errorf("step %d: resumed %+v, uninterrupted %+v", i+1, m, want[i])
				}
			}
			// The same variables are trainable (a frozen encoder or Stage-I stays frozen), and the samples,
			// which read G's weight average, are the same.
			trainable := func(tr *gan.Trainer) (names []string) {
				for v := range tr.Store.IterVariables() {
					if v.Trainable {
						names = append(names, v.Path())
					}
				}
				sort.Strings(names)
				return names
			}
			if a, b := trainable(whole), trainable(second); !reflect.DeepEqual(a, b) {
				t.Errorf("trainable variables: uninterrupted %d, resumed %d (%v)", len(a), len(b), diff(a, b))
			}
			sw, _, err := whole.Sample(4, 9)
			if err != nil {
				t.Fatal(err)
			}
			ss, _, err := second.Sample(4, 9)
			if err != nil {
				t.Fatal(err)
			}
			for i := range sw {
				if math.Abs(float64(sw[i]-ss[i])) > 1e-5 {
					t.Fatalf("the resumed run samples %g at %d, the uninterrupted one %g", ss[i], i, sw[i])
				}
			}
		})
	}
}

// TestSeparateUpdates: a D-only update changes D (with its heads) and not G nor the global step; a G-only update
// changes G and not D, and counts one step; a full step changes both; in both step orders.
func TestSeparateUpdates(t *testing.T) {
	b, set := setup(t)
	all := families()
	for name, cfg := range families() {
		cfg.StepOrder = gan.StepAlternating
		all[name+"/alternating"] = cfg
	}
	for name, cfg := range all {
		t.Run(name, func(t *testing.T) {
			tr := newTrainer(t, b, cfg, set)
			if _, err := tr.Step(); err != nil { // creates every variable
				t.Fatal(err)
			}
			snap := func() (g, d map[string][]float32) {
				return storetest.Snapshot(tr.Store, gan.ScopeGenerator, false), storetest.Snapshot(tr.Store, gan.ScopeDiscriminator, false)
			}
			g0, d0 := snap()
			if len(g0) == 0 || len(d0) == 0 {
				t.Fatalf("no trainable variables under /generator (%d) or /discriminator (%d)", len(g0), len(d0))
			}
			if _, err := tr.TrainD(); err != nil {
				t.Fatal(err)
			}
			g1, d1 := snap()
			if c := storetest.Changed(g0, g1); c != 0 || storetest.Changed(d0, d1) == 0 || tr.GlobalStep() != 1 {
				t.Errorf("a D-only update changed %d G and %d D variables, step %d; want 0, some, 1", c, storetest.Changed(d0, d1), tr.GlobalStep())
			}
			if _, err := tr.TrainG(); err != nil {
				t.Fatal(err)
			}
			g2, d2 := snap()
			if c := storetest.Changed(d1, d2); c != 0 || storetest.Changed(g1, g2) == 0 || tr.GlobalStep() != 2 {
				t.Errorf("a G-only update changed %d D and %d G variables, step %d; want 0, some, 2", c, storetest.Changed(g1, g2), tr.GlobalStep())
			}
			if _, err := tr.Step(); err != nil {
				t.Fatal(err)
			}
			g3, d3 := snap()
			if storetest.Changed(g2, g3) == 0 || storetest.Changed(d2, d3) == 0 || tr.GlobalStep() != 3 {
				t.Errorf("a step changed %d G and %d D variables, step %d", storetest.Changed(g2, g3), storetest.Changed(d2, d3), tr.GlobalStep())
			}
		})
	}
}

// TestDivergenceNamesTheStep poisons D's weights with NaN: the next step fails, naming it, as a gan.DivergedError.
func TestDivergenceNamesTheStep(t *testing.T) {
	b, set := setup(t)
	for name, cfg := range families() {
		t.Run(name, func(t *testing.T) {
			tr := newTrainer(t, b, cfg, set)
			for range 2 {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
			}
			for v := range tr.Store.Scope("/" + gan.ScopeDiscriminator).IterVariables() {
				if !v.Trainable || !strings.HasSuffix(v.Path(), "weights") {
					continue
				}
				w := tensors.FromShape(v.Shape())
				tensors.MutableFlatData(w, func(f []float32) {
					for i := range f {
						f[i] = float32(math.NaN())
					}
				})
				if err := v.SetValue(w); err != nil {
					t.Fatal(err)
				}
			}
			_, err := tr.Step()
			var div *gan.DivergedError
			if err == nil || !strings.Contains(err.Error(), "diverged at step 3") || !asDiverged(err, &div) {
				t.Errorf("error %v, want one saying the run diverged at step 3", err)
			}
		})
	}
}

// diff lists the names in one of a and b only.
func diff(a, b []string) []string {
	in := map[string]int{}
	for _, x := range a {
		in[x]++
	}
	for _, x := range b {
		in[x]--
	}
	var out []string
	for x, n := range in {
		if n != 0 {
			out = append(out, x)
		}
	}
	sort.Strings(out)
	return out
}

func asDiverged(err error, target **gan.DivergedError) bool {
	d, ok := err.(*gan.DivergedError)
	*target = d
	return ok
}

// TestConfigAndExport: a config reads back as it was written, and an export samples what its run samples (with
// resize-convolutions and spectral normalization too: the export's networks must be built as the run's).
func TestConfigAndExport(t *testing.T) {
	b, set := setup(t)
	all := families()
	for name, cfg := range families() {
		all[name+"/small-data"] = withSmallData(cfg)
	}
	for name, cfg := range all {
		t.Run(name, func(t *testing.T) {
			dir := t.TempDir()
			path := filepath.Join(dir, gan.ConfigFile)
			if err := gan.WriteConfig(path, cfg); err != nil {
				t.Fatal(err)
			}
			back, err := gan.ReadConfig(path)
			if err != nil {
				t.Fatal(err)
			}
			a, _ := json.Marshal(cfg)
			c, _ := json.Marshal(back)
			family, _, _ := strings.Cut(name, "/")
			if string(a) != string(c) || back.FamilyName() != family || gan.RunFamily(dir) != family {
				t.Errorf("config round trip:\n%s\n%s", a, c)
			}
			tr := newTrainer(t, b, cfg, set)
			for range 2 {
				if _, err := tr.Step(); err != nil {
					t.Fatal(err)
				}
			}
			exp := filepath.Join(dir, "export")
			expCfg, err := gan.Export(tr, exp)
			if err != nil {
				t.Fatal(err)
			}
			if err := gan.WriteConfig(filepath.Join(exp, gan.ConfigFile), expCfg); err != nil {
				t.Fatal(err)
			}
			loaded, err := gan.LoadRun(b, exp)
			if err != nil {
				t.Fatal(err)
			}
			want, wantLat, err := tr.Sample(6, 3)
			if err != nil {
				t.Fatal(err)
			}
			got, gotLat, err := loaded.Sample(6, 3)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(wantLat, gotLat) || len(got) != len(want) {
				t.Fatalf("the export draws other inputs than its run")
			}
			for i := range want {
				if math.Abs(float64(got[i]-want[i])) > 1e-4 {
					t.Fatalf("pixel %d: run %g, export %g", i, want[i], got[i])
				}
			}
			if loaded.GlobalStep() != 2 {
				t.Errorf("export at step %d, want 2", loaded.GlobalStep())
			}
		})
	}
}

// TestMonitorLeavesTheRunAlone: Train records D's verdicts on training and held-out images at the first log step
// and once per checkpoint interval (gan.Monitor), and the run is the same as one without them (the monitor gives back the random numbers it
// draws and updates nothing); a text-to-image run measures held-out images with their own captions.
func TestMonitorLeavesTheRunAlone(t *testing.T) {
	b, _ := setup(t)
	all := families()
	for _, name := range []string{dcgan.ModelDCGAN, text2img.Name, infogan.Name} {
		cfg := all[name]
		cfg.Steps, cfg.SampleEvery, cfg.CheckpointEvery = 3, 100, 2 // measured at steps 1 and 3
		t.Run(name, func(t *testing.T) {
			run := func(noMonitor bool) []gan.MetricsEntry {
				dir := t.TempDir()
				if _, err := gan.Train(context.Background(), b, cfg, gan.RunOptions{Dir: dir, LogEvery: 1, NoMonitor: noMonitor}); err != nil {
					t.Fatal(err)
				}
				h, err := gan.ReadMetrics(dir)
				if err != nil {
					t.Fatal(err)
				}
				return h.History
			}
			with, without := run(false), run(true)
			if len(with) != 3 || len(without) != 3 {
				t.Fatalf("histories of %d and %d entries, want 3", len(with), len(without))
			}
			for i := range with {
				if with[i].DLoss != without[i].DLoss || with[i].GLoss != without[i].GLoss {
					t.Errorf("step %d: losses %g, %g with the monitor, %g, %g without", i+1, with[i].DLoss, with[i].GLoss, without[i].DLoss, without[i].GLoss)
				}
				tr, ok := with[i].Extra[gan.MetricDRealTrain]
				held := with[i].Extra[gan.MetricDRealHeldOut]
				if ok != (i != 1) {
					t.Errorf("step %d: measured %v, want the first step and then once per checkpoint interval (2)", i+1, ok)
				} else if ok && (!(tr > 0 && tr < 1 && held > 0 && held < 1) || tr == held) {
					t.Errorf("step %d: D on training images %g, on held-out ones %g: want two probabilities", i+1, tr, held)
				}
				if _, ok := without[i].Extra[gan.MetricDRealTrain]; ok {
					t.Errorf("step %d: a monitor's measure in a run without it", i+1)
				}
			}
		})
	}
}
