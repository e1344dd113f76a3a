// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/pkg/errors"
)

// Loss names, as the --loss flag spells them.
const (
	LossNonSaturating = "ns"
	LossMinimax       = "minimax"
	LossLeastSquares  = "ls"
	LossWGANGP        = "wgan-gp"
	LossHinge         = "hinge"
)

// Step orders (Config.StepOrder; Trainer.Step).
const (
	StepSimultaneous = "simultaneous"
	StepAlternating  = "alternating"
)

// StepOrders lists the valid step orders ("" in a config means StepSimultaneous).
var StepOrders = []string{StepSimultaneous, StepAlternating}

// Losses lists the valid loss names.
var Losses = []string{LossNonSaturating, LossMinimax, LossLeastSquares, LossWGANGP, LossHinge}

// DStepsFor is the number of D updates per G update a loss trains with by default: 1 (Goodfellow et al. 2014,
// algorithm 1), and 5 for WGAN-GP (Gulrajani et al. 2017, algorithm 1: n_critic = 5).
func DStepsFor(loss string) int {
	if loss == LossWGANGP {
		return 5
	}
	return 1
}

// Config is a run: the knobs every family shares, and the Family with its own. It is stored as config.json in
// the run directory (the family's fields beside these, and "family": its name), so a run can be resumed,
// sampled and scored from its directory alone. A family package's DefaultConfig gives the papers' values; a
// zero field is not a default: Validate rejects it.
type Config struct {
	Family Family `json:"-"` // written as "family" (its Name) and its own fields

	Dataset string `json:"dataset"` // a name data.Load knows: "mnist", "fashion", or a registered one ("capmnist", "emoji")
	Loss    string `json:"loss"`    // one of Losses

	BatchSize      int     `json:"batch_size"`      // 64 (PyTorch-GAN); Radford et al. used 128, pix2pix 1 to 10
	Steps          int     `json:"steps"`           // generator updates in the whole run, each after DSteps D updates
	LearningRateG  float64 `json:"learning_rate_g"` // Adam, 2e-4 (Radford et al. 2015, section 4)
	LearningRateD  float64 `json:"learning_rate_d"` // Adam, 2e-4
	Beta1          float64 `json:"beta1"`           // 0.5 (Radford et al.: 0.9 oscillated)
	Beta2          float64 `json:"beta2"`           // 0.999
	DSteps         int     `json:"d_steps"`         // D updates per G update: DStepsFor(Loss)
	LabelSmoothing float64 `json:"label_smoothing"` // one-sided: real target 1-s for the sigmoid losses (Salimans et al. 2016); 0 = off
	GPWeight       float64 `json:"gp_weight"`       // λ of WGAN-GP: 10 (Gulrajani et al. 2017)
	Seed           int64   `json:"seed"`            // initial weights, noise, data order (and a family's corruptions)
	GenEMA         float64 `json:"gen_ema"`         // samples come from a moving average of G's weights with this decay (0.999); 0 = the last weights
	TopK           float64 `json:"top_k,omitempty"` // top-k training: G's adversarial loss on this fraction of the batch D rates most real (Sinha et al. 2020); 0 = all

	// StepOrder is how a step orders D's and G's updates: StepSimultaneous ("" in config.json) or
	// StepAlternating (see Trainer.Step).
	StepOrder string `json:"step_order,omitempty"`

	// Training on small data: each off at its zero value, and each works with every family.
	//
	// DiffAugment names the differentiable augmentations applied to every image D judges, real and generated
	// (DiffAugment: "color,translation,cutout", Zhao et al. 2020); "" = none.
	DiffAugment string `json:"diffaugment,omitempty"`
	// DiffAugmentRealsOnly applies DiffAugment to the real images alone: the ablation of Zhao et al.'s figure 3,
	// in which G learns to draw the augmentation (D sees every real image augmented and no generated one).
	DiffAugmentRealsOnly bool `json:"diffaugment_reals_only,omitempty"`
	// SpectralNorm divides every weight of D by its largest singular value (nn.SpectralNormalize, Miyato et al.
	// 2018).
	SpectralNorm bool `json:"spectral_norm,omitempty"`
	// R1Gamma is γ of the R1 penalty γ/2·E[‖∇D(x)‖²] on the real images (R1Penalty, Mescheder et al. 2018); 0 = off.
	R1Gamma float64 `json:"r1_gamma,omitempty"`
	// R1Every > 1 makes R1 lazy: computed on every R1Every-th D update only, weighted by R1Every (Karras et al.
	// 2020, StyleGAN2, section 3.1: 16); 0 or 1 = every update.
	R1Every int `json:"r1_every,omitempty"`
	// LeCam is λ of the LeCam regularizer on D (LeCamPenalty, Tseng et al. 2021; their CIFAR setting 0.3); 0 = off.
	LeCam float64 `json:"lecam,omitempty"`
	// Upsample is how G's stride-2 layers upsample: "" (the transposed convolution) or nn.UpsampleResize
	// (nearest-neighbour resizing and a 3×3 convolution, Odena et al. 2016, without the checkerboard artifact).
	Upsample string `json:"upsample,omitempty"`

	CheckpointEvery int `json:"checkpoint_every"` // steps between checkpoints
	SampleEvery     int `json:"sample_every"`     // steps between sample grids written to samples/
	// KeepEvery, when positive, keeps the generator of the first checkpoint saved at or after each multiple of
	// this many steps in the run's kept/step-NNNNNNN (KeptDir), a run folder of its own; stored with the run, so
	// a resumed run goes on keeping.
	KeepEvery int `json:"keep_every,omitempty"`
}

// CoreDefaults are the core's settings in the papers' values (DCGAN's Adam, batch 64, the non-saturating loss,
// G's weight average); a family's DefaultConfig starts from them.
func CoreDefaults(f Family) Config {
	return Config{
		Family: f, Dataset: "mnist", Loss: LossNonSaturating,
		BatchSize: 64, Steps: 5000,
		LearningRateG: 2e-4, LearningRateD: 2e-4, Beta1: 0.5, Beta2: 0.999, DSteps: 1,
		GPWeight: 10, Seed: 1, GenEMA: 0.999,
		CheckpointEvery: 500, SampleEvery: 250,
	}
}

// FamilyName is the name of the run's family ("" when it has none).
func (c *Config) FamilyName() string {
	if c.Family == nil {
		return ""
	}
	return c.Family.Name()
}

// Validate reports the first bad setting, with what to do about it.
func (c *Config) Validate() error {
	bad := func(format string, args ...any) error { return errors.Errorf("gan: "+format, args...) }
	for _, f := range []struct {
		name string
		v    float64
	}{{"learning_rate_g", c.LearningRateG}, {"learning_rate_d", c.LearningRateD}, {"beta1", c.Beta1}, {"beta2", c.Beta2},
		{"label_smoothing", c.LabelSmoothing}, {"gp_weight", c.GPWeight}, {"gen_ema", c.GenEMA}, {"top_k", c.TopK},
		{"r1_gamma", c.R1Gamma}, {"lecam", c.LeCam}} {
		if math.IsNaN(f.v) || math.IsInf(f.v, 0) {
			return bad("%s is %g: give a finite number", f.name, f.v)
		}
	}
	switch {
	case c.Family == nil:
		return bad("the run has no family: start from a family package's DefaultConfig (e.g. dcgan.DefaultConfig)")
	case !ownsData(c.Family) && !data.Known(c.Dataset):
		return bad("unknown dataset %q: use one of %s (a package that makes a dataset must be linked in)", c.Dataset, strings.Join(data.Names(), ", "))
	case !slices.Contains(Losses, c.Loss):
		return bad("unknown loss %q: use one of %s", c.Loss, strings.Join(Losses, ", "))
	case c.BatchSize <= 0 || c.Steps <= 0 || c.DSteps <= 0:
		return bad("batch_size, steps and d_steps must be positive (got %d, %d, %d)", c.BatchSize, c.Steps, c.DSteps)
	case c.BatchSize > 1<<16 || c.Steps > 1e9 || c.DSteps > 100:
		return bad("batch_size %d, steps %d or d_steps %d is too large (at most %d, 10⁹, 100)", c.BatchSize, c.Steps, c.DSteps, 1<<16)
	case c.CheckpointEvery > 1e9 || c.SampleEvery > 1e9:
		return bad("checkpoint_every and sample_every must be at most 10⁹")
	case c.KeepEvery < 0 || c.KeepEvery > 1e9:
		return bad("keep_every %d must be in 0..10⁹ (0 keeps no generators)", c.KeepEvery)
	case c.LearningRateG <= 0 || c.LearningRateD <= 0:
		return bad("learning rates must be positive (got %g and %g)", c.LearningRateG, c.LearningRateD)
	case c.Beta1 < 0 || c.Beta1 >= 1 || c.Beta2 < 0 || c.Beta2 >= 1:
		return bad("Adam betas must be in [0, 1) (got %g and %g)", c.Beta1, c.Beta2)
	case c.GenEMA < 0 || c.GenEMA >= 1:
		return bad("gen_ema %g must be in [0, 1): the decay of the generator's weight average, 0 to sample the last weights", c.GenEMA)
	case c.TopK < 0 || c.TopK > 1:
		return bad("top_k %g must be in [0, 1]: the fraction of the batch G's adversarial loss keeps (0.5 in Sinha et al.), 0 for all", c.TopK)
	case c.LabelSmoothing < 0 || c.LabelSmoothing >= 0.5:
		return bad("label smoothing %g must be in [0, 0.5)", c.LabelSmoothing)
	case c.Loss == LossWGANGP && c.GPWeight <= 0:
		return bad("wgan-gp needs a positive gp_weight (10 in the paper)")
	case c.CheckpointEvery <= 0 || c.SampleEvery <= 0:
		return bad("checkpoint_every and sample_every must be positive")
	case c.StepOrder != "" && !slices.Contains(StepOrders, c.StepOrder):
		return bad("unknown step order %q: use %s", excerpt(c.StepOrder, 40), strings.Join(StepOrders, " or "))
	case c.R1Gamma < 0 || c.R1Gamma > 1e4:
		return bad("r1_gamma %g must be in 0..10⁴ (0: off; Mescheder et al. use 10, StyleGAN2 0.01 to 100)", c.R1Gamma)
	case c.R1Every < 0 || c.R1Every > 1e6:
		return bad("r1_every %d must be in 0..10⁶ (0 or 1: every D update; StyleGAN2's lazy R1: 16)", c.R1Every)
	case c.LeCam < 0 || c.LeCam > 1e4:
		return bad("lecam %g must be in 0..10⁴ (0: off; Tseng et al. use 0.3 on CIFAR, 0.01 on ImageNet)", c.LeCam)
	case c.Upsample != "" && c.Upsample != nn.UpsampleResize && c.Upsample != nn.UpsampleTransposed:
		return bad("unknown upsample %q: use %s or %s", excerpt(c.Upsample, 40), nn.UpsampleTransposed, nn.UpsampleResize)
	}
	if _, err := ParseAugment(c.DiffAugment); err != nil {
		return bad("%v", err)
	}
	if c.DiffAugmentRealsOnly && c.DiffAugment == "" {
		return bad("diffaugment_reals_only without diffaugment: name the transformations (--diffaugment translation,cutout)")
	}
	return c.Family.Validate(c)
}

// ownsData reports whether a family brings its own data (DataSource).
func ownsData(f Family) bool {
	_, ok := f.(DataSource)
	return ok
}

// String is a one-line summary of the run's settings.
func (c Config) String() string {
	family := c.FamilyName()
	if s, ok := c.Family.(fmt.Stringer); ok {
		family = s.String()
	}
	s := fmt.Sprintf("%s on %s, %s loss, batch %d, %d steps, lr G %g D %g, seed %d",
		family, c.Dataset, c.Loss, c.BatchSize, c.Steps, c.LearningRateG, c.LearningRateD, c.Seed)
	if k := TopKCount(c.TopK, c.BatchSize); k < c.BatchSize {
		s += fmt.Sprintf(", G on the top %d of %d", k, c.BatchSize)
	}
	if c.StepOrder == StepAlternating {
		s += ", alternating updates"
	}
	if c.DiffAugment != "" {
		s += ", DiffAugment " + c.DiffAugment
		if c.DiffAugmentRealsOnly {
			s += " (real images only)"
		}
	}
	if c.SpectralNorm {
		s += ", spectral norm in D"
	}
	if c.R1Gamma > 0 {
		s += fmt.Sprintf(", R1 γ %g", c.R1Gamma)
		if c.R1Every > 1 {
			s += fmt.Sprintf(" every %d", c.R1Every)
		}
	}
	if c.LeCam > 0 {
		s += fmt.Sprintf(", LeCam λ %g", c.LeCam)
	}
	if c.Upsample == nn.UpsampleResize {
		s += ", resize-convolutions in G"
	}
	return s
}

// coreFields is Config without its methods, for encoding/json.
type coreFields Config

// MarshalJSON writes the core's fields, "family" and the family's own fields in one object.
func (c Config) MarshalJSON() ([]byte, error) {
	if c.Family == nil {
		return nil, errors.New("gan: a config without a family cannot be saved")
	}
	core, err := json.Marshal(coreFields(c))
	if err != nil {
		return nil, err
	}
	fam, err := json.Marshal(c.Family)
	if err != nil {
		return nil, errors.Wrapf(err, "gan: encoding the %s settings", c.Family.Name())
	}
	obj := map[string]json.RawMessage{}
	if err := json.Unmarshal(fam, &obj); err != nil {
		return nil, errors.Errorf("gan: the %s settings must encode as a JSON object", c.Family.Name())
	}
	var coreObj map[string]json.RawMessage
	if err := json.Unmarshal(core, &coreObj); err != nil {
		return nil, err
	}
	for k, v := range coreObj {
		if _, clash := obj[k]; clash {
			return nil, errors.Errorf("gan: the %s settings reuse the core's field %q", c.Family.Name(), k)
		}
		obj[k] = v
	}
	name, _ := json.Marshal(c.Family.Name())
	obj["family"] = name
	return json.Marshal(obj) // encoding/json sorts the keys
}

// UnmarshalJSON reads a config written by MarshalJSON, or by ganbook before families were packages (a "model"
// of gan or dcgan, with "info" codes for an InfoGAN or "classes" for a conditional GAN; pix2pix and SRGAN runs
// already said their family). The core's fields start from the family's defaults, so a field an older run did
// not have (pix2pix's loss, gen_ema) takes its default; the family's own start empty (RegisterFamily).
func (c *Config) UnmarshalJSON(b []byte) error {
	name, err := familyOf(b)
	if err != nil {
		return err
	}
	def, err := DefaultFor(name)
	if err != nil {
		return err
	}
	core := coreFields(def)
	core.Family = families[name].empty()
	if err := json.Unmarshal(b, &core); err != nil {
		return errors.Wrap(err, "gan: reading the run's settings")
	}
	if err := json.Unmarshal(b, core.Family); err != nil {
		return errors.Wrapf(err, "gan: reading the %s settings", name)
	}
	*c = Config(core)
	return nil
}

// familyOf finds the family a config.json describes.
func familyOf(b []byte) (string, error) {
	var head struct {
		Family string `json:"family"`
		Model  string `json:"model"`
		Info   struct {
			Categorical []int `json:"categorical"`
			Continuous  int   `json:"continuous"`
		} `json:"info"`
		Classes int `json:"classes"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return "", errors.Wrap(err, "gan: not a valid config.json")
	}
	switch {
	case head.Family != "":
		return head.Family, nil
	case head.Model == "":
		return "", errors.New("gan: config.json names no family: is this a ganbook run directory?")
	case len(head.Info.Categorical) > 0 || head.Info.Continuous > 0:
		return "infogan", nil // written before families were packages
	case head.Classes > 0:
		return "cgan", nil
	}
	return head.Model, nil
}

// SettingChange is a setting that a resumed session changed, recorded in metrics.json.
type SettingChange struct {
	Step     int64  `json:"step"` // the global step the session resumed at
	Setting  string `json:"setting"`
	From, To string
}

// Resumable are the settings a resumed run may change: the total, the learning rates and top-k's fraction
// (applied from the step it resumes at, and recorded), and how often it saves and keeps.
var Resumable = []string{"steps", "learning_rate_g", "learning_rate_d", "top_k", "checkpoint_every", "sample_every", "keep_every"}

// ResumeConfig is the config a resumed run goes on with: the stored one, with the Resumable settings asked
// (a total below the stored one keeps the stored one). Any other difference is an error listing each, stored
// and asked, and so is another family.
func ResumeConfig(stored, asked Config) (Config, []SettingChange, error) {
	if asked.FamilyName() != stored.FamilyName() {
		return stored, nil, errors.Errorf("the run is a %s run, not %s: resume it as `ganbook train %s ... --resume`",
			stored.FamilyName(), asked.FamilyName(), stored.FamilyName())
	}
	asked.Steps = max(asked.Steps, stored.Steps)
	if asked.Upsample == nn.UpsampleTransposed { // the defaults, stored as none
		asked.Upsample = ""
	}
	if asked.StepOrder == StepSimultaneous {
		asked.StepOrder = ""
	}
	a, err := fields(asked)
	if err != nil {
		return stored, nil, err
	}
	b, err := fields(stored)
	if err != nil {
		return stored, nil, err
	}
	// A setting at its zero value may be omitted (omitempty): a resumable one is then 0, any other "none".
	shown := func(raw json.RawMessage, missing string) string {
		if raw == nil {
			return missing
		}
		return string(raw)
	}
	var differ []string
	var changes []SettingChange
	keys := maps.Clone(b) // the settings of both
	maps.Copy(keys, a)
	for k := range keys {
		if string(a[k]) == string(b[k]) {
			continue
		}
		if slices.Contains(Resumable, k) {
			changes = append(changes, SettingChange{Setting: k, From: shown(b[k], "0"), To: shown(a[k], "0")})
		} else {
			differ = append(differ, fmt.Sprintf("%s (stored %s, asked %s)", k, shown(b[k], "none"), shown(a[k], "none")))
		}
	}
	if len(differ) > 0 {
		slices.Sort(differ)
		return stored, nil, errors.Errorf("it continues with its stored settings, which these would change: %s; drop them, "+
			"or start a new run with another --out (a resumed run may change only %s)", strings.Join(differ, ", "), strings.Join(Resumable, ", "))
	}
	slices.SortFunc(changes, func(x, y SettingChange) int { return strings.Compare(x.Setting, y.Setting) })
	stored.Steps, stored.LearningRateG, stored.LearningRateD = asked.Steps, asked.LearningRateG, asked.LearningRateD
	stored.TopK = asked.TopK
	stored.CheckpointEvery, stored.SampleEvery, stored.KeepEvery = asked.CheckpointEvery, asked.SampleEvery, asked.KeepEvery
	return stored, changes, nil
}

// fields is a config's JSON fields.
func fields(c Config) (map[string]json.RawMessage, error) {
	b, err := json.Marshal(c)
	if err != nil {
		return nil, err
	}
	var m map[string]json.RawMessage
	return m, json.Unmarshal(b, &m)
}

// WriteConfig writes c as indented JSON to path, atomically (a temporary file renamed over it).
func WriteConfig(path string, c Config) error {
	return errors.WithMessage(atomicfile.WriteJSON(path, c), "gan: saving the config")
}

// ReadConfig reads and validates a config.json, of any registered family.
func ReadConfig(path string) (Config, error) {
	c, err := readConfig(path)
	if err != nil {
		return c, err
	}
	if err := c.Validate(); err != nil {
		return c, errors.WithMessagef(err, "in %s", path)
	}
	return c, nil
}

// ReadStoredConfig reads the config.json of the run in dir as it is stored, without validating it: a resumed
// run reads its flags over it, and Train validates the result once.
func ReadStoredConfig(dir string) (Config, error) {
	c, err := readConfig(filepath.Join(dir, ConfigFile))
	return c, errors.WithMessage(err, "gan: --resume needs a run directory made by `ganbook train`")
}

func readConfig(path string) (Config, error) {
	var c Config
	b, err := os.ReadFile(path)
	if err != nil {
		return c, errors.Wrapf(err, "gan: reading the run's config (is %s a ganbook run directory?)", path)
	}
	if err := json.Unmarshal(b, &c); err != nil {
		return c, errors.WithMessagef(err, "in %s", path)
	}
	return c, nil
}

// RunFamily returns the family recorded in runDir/config.json, or "" when there is no readable config.
func RunFamily(runDir string) string {
	b, err := os.ReadFile(filepath.Join(runDir, ConfigFile))
	if err != nil {
		return ""
	}
	name, _ := familyOf(b)
	return name
}
