// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package lab

import (
	"fmt"
	"math"
	"slices"
	"strings"

	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/pkg/errors"
)

// The data a Lab trains on (Settings.Data).
const (
	DataRing    = "ring"    // 8 Gaussians on a circle of radius 2, σ 0.02 (toy.EightGaussians; Metz et al. 2017)
	DataGrid    = "grid"    // 5×5 Gaussians on {-4, -2, 0, 2, 4}², σ 0.05 (toy.Grid25; Srivastava et al. 2017)
	DataMoons   = "moons"   // two interleaved half circles (scikit-learn's make_moons), σ 0.05 around them
	DataPoints  = "points"  // the reader's points (Settings.Points), each a small Gaussian of σ PointStd
	DataMNIST   = "mnist"   // handwritten digits, 28×28 (pkg/data)
	DataFashion = "fashion" // Fashion-MNIST, 28×28 (pkg/data)
)

// Datasets lists the names Settings.Data accepts, the 2-D sets first.
var Datasets = []string{DataRing, DataGrid, DataMoons, DataPoints, DataMNIST, DataFashion}

// IsImages reports whether the data named is images (MNIST, Fashion-MNIST) rather than 2-D points.
func IsImages(data string) bool { return data == DataMNIST || data == DataFashion }

// The noise distributions G reads (Settings.Noise).
const (
	NoiseNormal  = "normal"  // z ~ N(0, I)
	NoiseUniform = "uniform" // z ~ U(-1, 1)^d, GAN Lab's default
)

// Noises lists the names Settings.Noise accepts.
var Noises = []string{NoiseNormal, NoiseUniform}

// PointStd is the standard deviation of the Gaussian around each of the reader's points (DataPoints) and
// around the two moons.
const PointStd = 0.05

// Settings is what the Lab's controls set. DefaultSettings gives working values; Validate rejects bad ones with
// what to do. Which changes apply live and which rebuild: see Lab.Apply.
type Settings struct {
	Data   string      // one of Datasets
	Points [][]float64 // the reader's 2-D points, for DataPoints (at least 2)

	Loss      string // one of gan.Losses: "ns", "minimax", "ls", "wgan-gp", "hinge"
	StepOrder string // gan.StepAlternating (Goodfellow et al.'s algorithm 1) or gan.StepSimultaneous
	Noise     string // one of Noises
	NoiseDim  int    // size of z: 2 on 2-D data (so G's grid is a sheet), 64 on images

	LearningRateG float64 // Adam's rate for G: 1e-3 on 2-D data, 2e-4 on images (Radford et al. 2015)
	LearningRateD float64 // Adam's rate for D: the same
	DSteps        int     // D updates per G update: 1 (Goodfellow et al. 2014); 5 for WGAN-GP

	BatchSize  int   // examples per update: 128 on 2-D data, 64 on images
	GenHidden  []int // G's hidden layer widths: [64, 64] on 2-D data, [128, 256] on images
	DiscHidden []int // D's hidden layer widths: [64, 64] on 2-D data, [256, 128] on images
	Seed       int64 // initial weights, noise and data: one seed, one run
}

// DefaultSettings returns the settings for data (one of Datasets): the non-saturating loss, alternating steps,
// and networks small enough to train live on a laptop's two cores.
func DefaultSettings(data string) Settings {
	s := Settings{
		Data: data, Loss: gan.LossNonSaturating, StepOrder: gan.StepAlternating, Noise: NoiseNormal, NoiseDim: 2,
		LearningRateG: 1e-3, LearningRateD: 1e-3, DSteps: 1, BatchSize: 128,
		GenHidden: []int{64, 64}, DiscHidden: []int{64, 64}, Seed: 1,
	}
	if IsImages(data) {
		s.NoiseDim, s.LearningRateG, s.LearningRateD, s.BatchSize = 64, 2e-4, 2e-4, 64
		s.GenHidden, s.DiscHidden = []int{128, 256}, []int{256, 128}
	}
	if data == DataPoints {
		s.Points = [][]float64{{-1, -1}, {1, 1}, {-1, 1}}
	}
	return s
}

// Limits on the settings, so that a slip of a slider cannot ask for what a laptop cannot hold.
const (
	MaxWidth     = 1024
	MaxBatch     = 4096
	MaxNoiseDim  = 256
	MaxDSteps    = 100
	MaxPoints    = 10000
	MinRate      = 1e-7
	MaxRate      = 1.0
	maxLayers    = 8
	maxPointNorm = 1e3
)

// Validate reports the first bad setting, with what to do about it.
func (s Settings) Validate() error {
	bad := func(format string, args ...any) error { return errors.Errorf("lab: "+format, args...) }
	widthsOK := func(w []int) bool {
		return len(w) > 0 && len(w) <= maxLayers && slices.Min(w) > 0 && slices.Max(w) <= MaxWidth
	}
	switch {
	case !slices.Contains(Datasets, s.Data):
		return bad("unknown data %q: use one of %s", s.Data, strings.Join(Datasets, ", "))
	case !slices.Contains(gan.Losses, s.Loss):
		return bad("unknown loss %q: use one of %s", s.Loss, strings.Join(gan.Losses, ", "))
	case !slices.Contains(gan.StepOrders, s.StepOrder):
		return bad("unknown step order %q: use %s", s.StepOrder, strings.Join(gan.StepOrders, " or "))
	case !slices.Contains(Noises, s.Noise):
		return bad("unknown noise %q: use %s", s.Noise, strings.Join(Noises, " or "))
	case IsImages(s.Data) && s.Noise != NoiseNormal:
		return bad("the image GANs read normal noise only: set Noise to %q", NoiseNormal)
	case s.NoiseDim < 1 || s.NoiseDim > MaxNoiseDim:
		return bad("NoiseDim is %d: use 1 to %d", s.NoiseDim, MaxNoiseDim)
	case !(s.LearningRateG >= MinRate && s.LearningRateG <= MaxRate) || !(s.LearningRateD >= MinRate && s.LearningRateD <= MaxRate):
		return bad("learning rates must be in [%g, %g], got G %g, D %g", MinRate, MaxRate, s.LearningRateG, s.LearningRateD)
	case s.DSteps < 1 || s.DSteps > MaxDSteps:
		return bad("DSteps is %d: use 1 to %d", s.DSteps, MaxDSteps)
	case s.BatchSize < 1 || s.BatchSize > MaxBatch:
		return bad("BatchSize is %d: use 1 to %d", s.BatchSize, MaxBatch)
	case !widthsOK(s.GenHidden) || !widthsOK(s.DiscHidden):
		return bad("GenHidden %v and DiscHidden %v need 1 to %d widths each, each 1 to %d", s.GenHidden, s.DiscHidden, maxLayers, MaxWidth)
	case s.Data == DataPoints && (len(s.Points) < 2 || len(s.Points) > MaxPoints):
		return bad("the data %q needs 2 to %d points in Points, got %d: click more onto the canvas", DataPoints, MaxPoints, len(s.Points))
	}
	if s.Data == DataPoints {
		for i, p := range s.Points {
			if len(p) != 2 || !finitePoint(p) {
				return bad("point %d is %v: each point needs two finite coordinates of size at most %g", i, p, maxPointNorm)
			}
		}
	}
	return nil
}

func finitePoint(p []float64) bool {
	for _, v := range p {
		if math.IsNaN(v) || math.Abs(v) > maxPointNorm {
			return false
		}
	}
	return true
}

// String is a one-line summary of the settings.
func (s Settings) String() string {
	return fmt.Sprintf("data=%s loss=%s order=%s noise=%s(%d) lr(G,D)=%g,%g dsteps=%d batch=%d G=%v D=%v seed=%d",
		s.Data, s.Loss, s.StepOrder, s.Noise, s.NoiseDim, s.LearningRateG, s.LearningRateD, s.DSteps, s.BatchSize,
		s.GenHidden, s.DiscHidden, s.Seed)
}

// Applied is what Lab.Apply did.
type Applied struct {
	// Rebuilt is true when the change needed new graphs: the Lab started again from step 0 with new weights.
	Rebuilt bool
	// Changes lists each setting that changed, as "name old → new".
	Changes []string
}

// String says what happened, in one line: "applied at the next step, weights kept: ..." or "rebuilt from
// step 0: ...", or "nothing changed".
func (a Applied) String() string {
	switch {
	case len(a.Changes) == 0:
		return "nothing changed"
	case a.Rebuilt:
		return "rebuilt from step 0 (new graphs, new weights): " + strings.Join(a.Changes, "; ")
	}
	return "applied at the next step, weights kept: " + strings.Join(a.Changes, "; ")
}

// diff compares two settings: the changes that apply live, and those that need a rebuild.
func diff(old, s Settings) (live, rebuild []string) {
	add := func(list *[]string, name string, a, b any) {
		if fmt.Sprint(a) != fmt.Sprint(b) {
			*list = append(*list, fmt.Sprintf("%s %v → %v", name, a, b))
		}
	}
	add(&live, "G's learning rate", old.LearningRateG, s.LearningRateG)
	add(&live, "D's learning rate", old.LearningRateD, s.LearningRateD)
	add(&live, "D steps per G step", old.DSteps, s.DSteps)
	add(&live, "step order", old.StepOrder, s.StepOrder)
	add(&rebuild, "data", old.Data, s.Data)
	if s.Data == DataPoints && old.Data == DataPoints && !slices.EqualFunc(old.Points, s.Points, slices.Equal) {
		rebuild = append(rebuild, fmt.Sprintf("points (%d → %d)", len(old.Points), len(s.Points)))
	}
	add(&rebuild, "loss", old.Loss, s.Loss)
	add(&rebuild, "noise", old.Noise, s.Noise)
	add(&rebuild, "noise size", old.NoiseDim, s.NoiseDim)
	add(&rebuild, "batch size", old.BatchSize, s.BatchSize)
	add(&rebuild, "G's widths", old.GenHidden, s.GenHidden)
	add(&rebuild, "D's widths", old.DiscHidden, s.DiscHidden)
	add(&rebuild, "seed", old.Seed, s.Seed)
	return live, rebuild
}
