// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package stackgan

import (
	"image"
	"path/filepath"
	"strings"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/nn"
	"github.com/ganbook/ganbook/pkg/text2img"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the plug-in reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"
)

// The plug-in. G's input is the noise, then the caption's character codes (as numbers): Stage-I's noise is
// [z, ε] (z for G0, ε for its conditioning augmentation), Stage-II's [z, ε₁, ε₂] (G0's z and ε₁, and the fresh
// ε₂ of G1's own augmentation). With the noise in G's input, one draw gives the same Stage-I image inside
// Stage-II as alone (Stage1Images). D is GAN-CLS's matching-aware D at the stage's size (text2img's), fed the
// real image with its caption and with a wrong one, and G's image with its caption.

// Name is "stackgan".
func (c *Config) Name() string { return Name }

// noiseDim is the width of the noise in G's input.
func (c *Config) noiseDim() int {
	if c.Stage == 2 {
		return c.Stage1.LatentDim + c.Stage1.CondDim + c.CondDim
	}
	return c.LatentDim + c.CondDim
}

// Shape: the noise, then the caption's MaxLen codes; the images at the stage's size.
func (c *Config) Shape() gan.Shape {
	return gan.Shape{Input: c.noiseDim() + c.Encoder.MaxLen, Height: c.Height, Width: c.Width, Channels: c.Channels}
}

// split is G's input as z, ε₁ (Stage-I's augmentation), ε₂ (Stage-II's; nil in Stage-I) and the codes.
func (c *Config) split(input *Node) (z, eps1, eps2, codes *Node) {
	at := 0
	take := func(n int) *Node {
		x := Slice(input, AxisRange(), AxisRange(at, at+n))
		at += n
		return x
	}
	s1 := c
	if c.Stage == 2 {
		s1 = c.Stage1
	}
	z, eps1 = take(s1.LatentDim), take(s1.CondDim)
	if c.Stage == 2 {
		eps2 = take(c.CondDim)
	}
	codes = ConvertDType(Round(Slice(input, AxisRange(), AxisRangeToEnd(at))), dtypes.Int32)
	return z, eps1, eps2, codes
}

// Generator: Stage-I draws G0(z, c); Stage-II draws G0's image with the frozen Stage-I (in inference mode, no
// gradient) and refines it, G1(X1, c).
func (c *Config) Generator(scope *model.Scope, input *Node) *Node {
	z, eps1, eps2, codes := c.split(input)
	e := c.Embed(scope.Store(), codes)
	if c.Stage == 1 {
		x, _, _ := c.Stage1Generator(scope, z, eps1, e)
		return x
	}
	x, _, _ := c.Refiner(scope, c.stage1Image(scope, z, eps1, e), eps2, e)
	return x
}

// stage1Image is the frozen Stage-I's image inside Stage-II's G (scope: G's), built in inference mode (BatchNorm
// reads Stage-I's running averages, as when Stage-I samples alone) and with no gradient.
func (c *Config) stage1Image(scope *model.Scope, z, eps1, e *Node) *Node {
	g, store := z.Graph(), scope.Store()
	training := store.IsTraining(g)
	store.SetTraining(g, false)
	s1 := scope.In(ScopeStage1)
	s1.SetParam(nn.ParamUpsample, c.Stage1Upsample) // G0 as it was trained, whatever G1's upsampling
	x1, _, _ := c.Stage1.Stage1Generator(s1, z, eps1, e)
	store.SetTraining(g, training)
	return StopGradient(x1)
}

// Discriminator is the matching-aware D of text2img at the stage's size.
func (c *Config) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	if cond == nil {
		exceptions.Panicf("stackgan: the discriminator needs the text's embedding")
	}
	return c.DiscriminateText(scope, x, cond)
}

// Batch: G draws for each real image's caption; D reads the embeddings of the right and (GAN-CLS) wrong
// captions, which text2img's HostInputs drew for the batch's images.
//
// Its terms: with CA, λ·KL(N(μ, σ²) ‖ N(0, I))/CondDim of this stage's augmentation in G's loss, reported as "kl"
// (also at λ = 0, the ablation that shows what the term holds back). The KL is divided by c's size, as the
// authors' code reduces it (a mean over the batch and the dimensions), so that their λ = 2 means what it meant
// there: on the KL of the whole vector, λ = 2 outweighed the adversarial loss a hundredfold. With text2img's
// matching term (text_match), the frozen image encoder also scores the stage's images (resized to the encoder's
// side) against their captions.
func (c *Config) Batch(scope *model.Scope, d gan.Data) gan.Batch {
	g, n := d.Images.Graph(), d.Batch()
	right, wrong := d.Inputs[0], d.Inputs[1]
	noise := scope.RandomNormal(g, shapes.Make(d.Images.DType(), n, c.noiseDim()))
	store := scope.Store()
	eRight := c.Embed(store, right)
	b := gan.Batch{Input: Concatenate([]*Node{noise, ConvertDType(right, noise.DType())}, -1),
		Real: d.Images, RealCond: eRight, FakeCond: eRight}
	var mismatch *Node
	if c.Match > 0 {
		mismatch = ConvertDType(d.Inputs[3], noise.DType()) // which captions do not describe which images
	}
	if c.WrongText {
		b.WrongCond = c.Embed(store, wrong)
	}
	b.Terms = func(scope *model.Scope, fake gan.Fake) []gan.Term {
		var terms []gan.Term
		if c.CA {
			_, eps1, eps2, _ := c.split(noise)
			eps := eps1
			if c.Stage == 2 {
				eps = eps2
			}
			_, mu, logSigma := c.condition(scope.Shared(gan.ScopeGenerator), eRight, eps)
			terms = append(terms, gan.Term{Name: "kl", Value: DivScalar(KL(mu, logSigma), float64(c.CondDim)), G: c.KLWeight})
		}
		if c.Match > 0 {
			terms = append(terms, c.MatchTerm(scope.Store(), fake.Images, eRight, mismatch))
		}
		return terms
	}
	return b
}

// Prepare copies, before the first step, the text encoder (Stage-I, from EncoderRun) or Stage-I's generator and
// encoder (Stage-II, from Stage1Run) into G's scope, frozen. A resumed run finds them in its checkpoint.
func (c *Config) Prepare(t *gan.Trainer) error {
	if c.Stage == 1 {
		return c.Config.Prepare(t)
	}
	if t.Store.GetVariable(stage1Path+"/project/weights") != nil {
		return nil
	}
	if err := CopyStage1(t.Store, c.Stage1Run, c.Stage1); err != nil {
		return err
	}
	if c.Match > 0 && t.Store.GetVariable(text2img.ImageEncoderPath+"/embed/dense/weights") == nil {
		return text2img.CopyImageEncoder(t.Store, c.EncoderRun)
	}
	return nil
}

const stage1Path = "/" + gan.ScopeGenerator + "/" + ScopeStage1

// FrozenScopes: the encoders and, in Stage-II, Stage-I's generator stay frozen after a resume or a load.
func (c *Config) FrozenScopes() []string {
	return []string{text2img.EncoderPath, text2img.ImageEncoderPath, stage1Path}
}

// CopyStage1 reads the Stage-I run in dir into store, not trainable: its generator under /generator/stage1 (the
// weight average, when the run kept one) and its text encoder under /generator/text_encoder. Its sizes must be
// want's.
func CopyStage1(store *model.Store, dir string, want *Config) error {
	cfg, err := gan.ReadConfig(filepath.Join(dir, gan.ConfigFile))
	if err != nil {
		return errors.WithMessage(err, "stackgan: the Stage-I run")
	}
	s1, ok := cfg.Family.(*Config)
	if !ok || s1.Stage != 1 {
		return errors.Errorf("stackgan: %s is not a Stage-I run", dir)
	}
	if want != nil && (jsonOf(s1.Config.Config) != jsonOf(want.Config.Config) || s1.CondDim != want.CondDim || s1.CA != want.CA) {
		return errors.Errorf("stackgan: the Stage-I run in %s has other sizes than the ones this Stage-II was made for", dir)
	}
	to := func(rel string) string {
		if enc, ok := strings.CutPrefix(rel, text2img.ScopeEncoder+"/"); ok {
			return text2img.EncoderPath + "/" + enc
		}
		if enc, ok := strings.CutPrefix(rel, text2img.ScopeImageEncoder+"/"); ok { // a Stage-I with the matching term
			return text2img.ImageEncoderPath + "/" + enc
		}
		return stage1Path + "/" + rel
	}
	// G's variables at its sampling weights, but for the encoders, frozen in Stage-I, which come as they are.
	encoder := func(rel string) bool {
		return strings.HasPrefix(rel, text2img.ScopeEncoder+"/") || strings.HasPrefix(rel, text2img.ScopeImageEncoder+"/")
	}
	n, err := gan.ImportFrozen(store, dir, gan.Import{From: "/" + gan.ScopeGenerator, To: to, Averaged: cfg.GenEMA > 0, Plain: encoder})
	if err != nil {
		return errors.WithMessage(err, "stackgan: copying Stage-I")
	}
	if store.GetVariable(text2img.EncoderPath+"/embed/dense/weights") == nil || store.GetVariable(stage1Path+"/project/weights") == nil {
		return errors.Errorf("stackgan: the checkpoint in %s holds no trained Stage-I generator and encoder (%d variables)", dir, n)
	}
	return nil
}

// Latent is n samples for the dataset's grid captions (text2img.GridCaptions), noise from seed.
func (c *Config) Latent(run *gan.Config, n int, seed uint64) (gan.Latent, error) {
	return c.LatentFor(text2img.GridCaptions(captions.Base(run.Dataset), n), seed)
}

// LatentFor is G's input for the captions, one sample each, the noise drawn with seed (gan.Noise); a bad caption
// gets textenc.Encode's error.
func (c *Config) LatentFor(capts []string, seed uint64) (gan.Latent, error) {
	codes, err := textenc.EncodeAll(capts, c.Encoder.MaxLen)
	if err != nil {
		return gan.Latent{}, err
	}
	d, l := c.noiseDim(), c.Encoder.MaxLen
	noise := tensors.MustCopyFlatData[float32](gan.Noise(len(capts), d, seed))
	z := make([]float32, 0, len(capts)*(d+l))
	for i := range capts {
		z = append(z, noise[i*d:(i+1)*d]...)
		for _, code := range codes[i*l : (i+1)*l] {
			z = append(z, float32(code))
		}
	}
	return gan.Latent{Z: z}, nil
}

// run is t's config, or an error that says what t is.
func run(t *gan.Trainer) (*Config, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("stackgan: not a StackGAN run (`ganbook train stackgan`): %s", t.Config.FamilyName())
	}
	if t.Store.GetVariable(text2img.EncoderPath+"/embed/dense/weights") == nil {
		return nil, errors.New("stackgan: the run holds no text encoder yet: train it (its first step copies it in) or load a run with gan.LoadRun")
	}
	return c, nil
}

// Sample draws one image per caption at the run's stage (flat [n·H·W·C] in [-1, 1]).
func Sample(t *gan.Trainer, capts []string, seed uint64) ([]float32, error) {
	c, err := run(t)
	if err != nil {
		return nil, err
	}
	lat, err := c.LatentFor(capts, seed)
	if err != nil {
		return nil, err
	}
	return t.GenerateFlat(lat.Z, len(capts))
}

// Stage1Images are, for a Stage-II run, the frozen Stage-I's images of the same draws as Sample(t, capts, seed)
// (the images G1 refined), at Stage-I's side; for a Stage-I run, Sample's.
func Stage1Images(t *gan.Trainer, capts []string, seed uint64) ([]float32, error) {
	c, err := run(t)
	if err != nil || c.Stage == 1 {
		if err != nil {
			return nil, err
		}
		return Sample(t, capts, seed)
	}
	lat, err := c.LatentFor(capts, seed)
	if err != nil {
		return nil, err
	}
	exec, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, input *Node) *Node {
		z, eps1, _, codes := c.split(input)
		return c.stage1Image(scope.In(gan.ScopeGenerator), z, eps1, c.Embed(scope.Store(), codes))
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	in, n := c.Shape().Input, len(capts)
	var out []float32
	for first := 0; first < n; first += gan.EvalBatch {
		m := min(gan.EvalBatch, n-first)
		res, err := exec.Call(tensors.FromFlatDataAndDimensions(lat.Z[first*in:(first+m)*in], m, in))
		if err != nil {
			return nil, errors.WithMessage(err, "stackgan: drawing Stage-I's images")
		}
		out = append(out, tensors.MustCopyFlatData[float32](res[0])...)
		res[0].MustFinalizeAll()
	}
	return out, nil
}

// Grid is 40 samples (capmnist: the ten digits along each row, a colour per row; emoji: 32 test captions), for
// Stage-II with each row's Stage-I images (pixels repeated to the same size) above it.
func (c *Config) Grid(t *gan.Trainer, seed uint64) (image.Image, error) {
	n, cols := 40, 10
	if captions.Base(t.Config.Dataset) != "capmnist" {
		n, cols = 32, 8
	}
	capts := text2img.GridCaptions(captions.Base(t.Config.Dataset), n)
	images, err := Sample(t, capts, seed)
	if err != nil {
		return nil, err
	}
	if c.Stage == 1 {
		return viz.GridFromFlat(images, n, c.Height, c.Width, c.Channels, cols, 2)
	}
	low, err := Stage1Images(t, capts, seed)
	if err != nil {
		return nil, err
	}
	up := NearestUp(low, n, c.Stage1.Height, c.Channels, c.Height)
	size := c.Height * c.Width * c.Channels
	var both []float32
	for r := 0; r < n; r += cols {
		both = append(both, up[r*size:(r+cols)*size]...)
		both = append(both, images[r*size:(r+cols)*size]...)
	}
	return viz.GridFromFlat(both, 2*n, c.Height, c.Width, c.Channels, cols, 2)
}

// NearestUp enlarges n images side×side×ch to to×to by repeating pixels (to show them, not to compare).
func NearestUp(images []float32, n, side, ch, to int) []float32 {
	f := to / side
	out := make([]float32, 0, n*to*to*ch)
	for i := range n {
		img := images[i*side*side*ch:]
		for y := range to {
			for x := range to {
				p := ((y/f)*side + x/f) * ch
				out = append(out, img[p:p+ch]...)
			}
		}
	}
	return out
}
