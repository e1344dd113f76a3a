// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package text2img

import (
	"fmt"
	"image"
	"math/rand/v2"
	"strings"

	"github.com/ganbook/ganbook/pkg/captions"
	"github.com/ganbook/ganbook/pkg/gan"
	"github.com/ganbook/ganbook/pkg/textenc"
	"github.com/ganbook/ganbook/pkg/viz"
	"github.com/gomlx/compute/shapes"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the plug-in reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/support/exceptions"
	"github.com/pkg/errors"
)

// The plug-in. What the text changes in the GAN's step: G draws an image for the caption of a real image, D
// judges {real, right text}, {fake, right text} and (GAN-CLS) {real, wrong text}; GAN-INT adds G's loss on
// texts between two captions.

// Name is "text2img".
func (c *Config) Name() string { return Name }

// Shape: G reads the noise, then the caption's MaxLen character codes (as numbers).
func (c *Config) Shape() gan.Shape {
	return gan.Shape{Input: c.LatentDim + c.Encoder.MaxLen, Height: c.Height, Width: c.Width, Channels: c.Channels}
}

// Generator encodes the caption in G's input with the frozen encoder and draws the image for it.
func (c *Config) Generator(scope *model.Scope, input *Node) *Node {
	z, codes := c.splitInput(input)
	return c.Generate(scope, z, c.Embed(scope.Store(), codes))
}

// Discriminator judges images x under text embeddings cond [B, Embed].
func (c *Config) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	if cond == nil {
		exceptions.Panicf("text2img: the discriminator needs the text's embedding")
	}
	return c.DiscriminateText(scope, x, cond)
}

// Batch: G draws for each real image's caption; D reads the embeddings of the right and (GAN-CLS) wrong
// captions. The captions come from HostInputs. Its terms are GAN-INT's G loss on β·φ(t₁) + (1−β)·φ(t₂), which D
// never learns from (its D weight is 0), and the mode-seeking term: for the same captions and two noises z₁, z₂,
// 1 / (mean|G(z₁,h) − G(z₂,h)| / mean|z₁ − z₂| + ε), large when G's images do not move with the noise (Mao et
// al. 2019, eq. 3); and the text-matching term: DS-SJE's hinge of the frozen image encoder's embeddings of G's
// images against the captions they were drawn for.
func (c *Config) Batch(scope *model.Scope, d gan.Data) gan.Batch {
	g, n := d.Images.Graph(), d.Batch()
	right, wrong, other := d.Inputs[0], d.Inputs[1], d.Inputs[2] // [B, MaxLen] int32 each
	z := scope.RandomNormal(g, shapes.Make(d.Images.DType(), n, c.LatentDim))
	store := scope.Store()
	eRight := c.Embed(store, right)
	b := gan.Batch{
		Input: Concatenate([]*Node{z, ConvertDType(right, z.DType())}, -1),
		Real:  d.Images, RealCond: eRight, FakeCond: eRight,
	}
	if c.WrongText {
		b.WrongCond = c.Embed(store, wrong)
	}
	var eOther, z2, mismatch *Node
	if c.Interp {
		eOther = c.Embed(store, other)
	}
	if c.ModeSeeking > 0 {
		z2 = scope.RandomNormal(g, z.Shape())
	}
	if c.Match > 0 {
		mismatch = ConvertDType(d.Inputs[3], z.DType()) // which of the batch's captions do not describe which images
	}
	b.Terms = func(scope *model.Scope, fake gan.Fake) []gan.Term {
		var terms []gan.Term
		if c.Interp {
			mix := Add(MulScalar(eRight, c.Beta), MulScalar(eOther, 1-c.Beta))
			fakeMix := c.Generate(scope.Shared(gan.ScopeGenerator), z, mix)
			out, _ := fake.Discriminate(fakeMix, mix)
			terms = append(terms, gan.Term{Name: "g_int", Value: fake.GeneratorLoss(out), G: 1})
		}
		if c.ModeSeeking > 0 {
			again := c.Generate(scope.Shared(gan.ScopeGenerator), z2, eRight)
			ratio := Div(ReduceAllMean(Abs(Sub(fake.Images, again))), ReduceAllMean(Abs(Sub(z, z2))))
			terms = append(terms, gan.Term{Name: "mode_seeking", Value: Reciprocal(AddScalar(ratio, 1e-5)), G: c.ModeSeeking})
		}
		if c.Match > 0 {
			terms = append(terms, c.MatchTerm(scope.Store(), fake.Images, eRight, mismatch))
		}
		return terms
	}
	return b
}

// HostInputs draws, for each real image of the batch, one of its captions, a wrong caption (of an image it does
// not match: another digit or colour) and another caption for GAN-INT, as codes [n, MaxLen] each; with the
// matching term, also mismatch [n, n] (1 where image j's caption does not describe image i). The images are the
// batch's rows of the run's captioned train split, and the draws depend only on the seed and the images' places
// in the data order (the keys), so a resumed run draws the same.
func (c *Config) HostInputs(run *gan.Config, b gan.HostBatch) []*tensors.Tensor {
	split := "train"
	if b.Set != nil && b.Set.Split != "" {
		split = b.Set.Split // the held-out images of gan.Monitor
	}
	set, err := captions.Open(run.Dataset, split)
	if err != nil {
		exceptions.Panicf("%v", err)
	}
	if set.Images().N != b.Set.N {
		exceptions.Panicf("text2img: the batch does not come from %s's %s split, whose captions the run reads", run.Dataset, split)
	}
	l, n, idx := c.Encoder.MaxLen, b.N, b.Rows
	right, wrong, other := make([]string, n), make([]string, n), make([]string, n)
	m := set.Images().N
	for i, key := range b.Keys {
		rng := rand.New(rand.NewPCG(b.Seed, key^0x74657874))
		right[i] = set.Caption(idx[i], rng.IntN(textenc.Variants))
		j := rng.IntN(m)
		for tries := 0; !(set.Mismatch(idx[i], j) && set.Mismatch(j, idx[i])) && tries < 1000; tries++ {
			j = rng.IntN(m)
		}
		wrong[i] = set.Caption(j, rng.IntN(textenc.Variants))
		other[i] = set.Caption(rng.IntN(m), rng.IntN(textenc.Variants))
	}
	out := make([]*tensors.Tensor, 3)
	for k, capts := range [][]string{right, wrong, other} {
		flat, err := textenc.EncodeAll(capts, l)
		if err != nil {
			exceptions.Panicf("text2img: a %s caption: %v", run.Dataset, err)
		}
		out[k] = tensors.FromFlatDataAndDimensions(flat, n, l)
	}
	if c.Match > 0 {
		mismatch := make([]float32, n*n)
		for i := range n {
			for j := range n {
				if set.Mismatch(idx[i], idx[j]) {
					mismatch[i*n+j] = 1
				}
			}
		}
		out = append(out, tensors.FromFlatDataAndDimensions(mismatch, n, n))
	}
	return out
}

// Prepare copies the encoder of EncoderRun into G's scope, frozen, before the first step (a resumed run finds
// it in its checkpoint and reads nothing else). Its sizes must be the config's.
func (c *Config) Prepare(t *gan.Trainer) error {
	if t.Store.GetVariable(EncoderPath+"/embed/dense/weights") != nil {
		return nil
	}
	if c.EncoderRun == "" {
		ds := t.Config.Dataset
		return errors.New("text2img: the run names no text encoder: train one with `ganbook train textenc --dataset " + ds +
			" --out runs/textenc-" + ds + "` and pass --encoder runs/textenc-" + ds)
	}
	enc, err := textenc.ReadConfig(c.EncoderRun)
	if err != nil {
		return err
	}
	if fmt.Sprint(enc.Networks) != fmt.Sprint(c.Encoder) {
		return errors.Errorf("text2img: the encoder in %s has sizes %+v, the run expects %+v", c.EncoderRun, enc.Networks, c.Encoder)
	}
	if !gan.HasCheckpoint(c.EncoderRun) {
		return errors.Errorf("text2img: %s has no checkpoint: finish training it (`ganbook train textenc --out %s --resume`)", c.EncoderRun, c.EncoderRun)
	}
	scopes := []encoderScope{textScope}
	if c.Match > 0 {
		scopes = append(scopes, imageScope) // the matching term's judge, from the same load
	}
	return copyFromEncoderRun(t.Store, c.EncoderRun, scopes...)
}

// FrozenScopes: the encoders stay frozen after a resume or a load.
func (c *Config) FrozenScopes() []string { return []string{EncoderPath, ImageEncoderPath} }

// CopyEncoder reads the char-CNN-RNN of the encoder run in dir into store under EncoderPath, not trainable.
func CopyEncoder(store *model.Store, dir string) error {
	return copyFromEncoderRun(store, dir, textScope)
}

// CopyImageEncoder reads the image encoder θ of the encoder run in dir into store under ImageEncoderPath, not
// trainable: the matching term's judge.
func CopyImageEncoder(store *model.Store, dir string) error {
	return copyFromEncoderRun(store, dir, imageScope)
}

// encoderScope is a scope of an encoder run (from) and where a text-to-image run keeps its frozen copy (to).
type encoderScope struct{ from, to, what string }

var (
	textScope  = encoderScope{textenc.ScopeText, EncoderPath, "text encoder"}
	imageScope = encoderScope{textenc.ScopeImage, ImageEncoderPath, "image encoder"}
)

// copyFromEncoderRun copies each scope of the encoder run in dir, frozen, from one read of its checkpoint.
func copyFromEncoderRun(store *model.Store, dir string, scopes ...encoderScope) error {
	imports := make([]gan.Import, len(scopes))
	var what []string
	for i, sc := range scopes {
		imports[i] = gan.Import{From: "/" + sc.from, To: func(rel string) string { return sc.to + "/" + rel }}
		what = append(what, sc.what)
	}
	_, err := gan.ImportFrozen(store, dir, imports...)
	return errors.WithMessagef(err, "text2img: copying the %s", strings.Join(what, " and the "))
}

// Latent is n samples for the dataset's grid captions (GridCaptions), noise from seed.
func (c *Config) Latent(run *gan.Config, n int, seed uint64) (gan.Latent, error) {
	return c.LatentFor(GridCaptions(run.Dataset, n), seed)
}

// LatentFor is G's input for the captions, one sample each, noise drawn with seed (gan.Noise). Bad text gets
// textenc.Encode's error, naming the caption.
func (c *Config) LatentFor(capts []string, seed uint64) (gan.Latent, error) {
	codes, err := textenc.EncodeAll(capts, c.Encoder.MaxLen)
	if err != nil {
		return gan.Latent{}, err
	}
	noise := tensors.MustCopyFlatData[float32](gan.Noise(len(capts), c.LatentDim, seed))
	l := c.Encoder.MaxLen
	z := make([]float32, 0, len(capts)*c.Shape().Input)
	for i := range capts {
		z = append(z, noise[i*c.LatentDim:(i+1)*c.LatentDim]...)
		for _, code := range codes[i*l : (i+1)*l] {
			z = append(z, float32(code))
		}
	}
	return gan.Latent{Z: z}, nil
}

// GridCaptions are the captions of a run's sample grid: for capmnist, rows of the ten digits, a colour per row
// ("red 0" ... "red 9", "orange 0", ...); for emoji, the first test emoji's captions.
func GridCaptions(dataset string, n int) []string {
	out := make([]string, n)
	if dataset == "capmnist" || dataset == "" {
		for i := range out {
			out[i] = fmt.Sprintf("%s %d", captions.Colours[(i/10)%len(captions.Colours)].Name, i%10)
		}
		return out
	}
	set, err := captions.Open(dataset, "test")
	if err != nil {
		for i := range out {
			out[i] = "an emoji"
		}
		return out
	}
	for i := range out {
		out[i] = set.Caption(i%set.Images().N, 0)
	}
	return out
}

// Sample draws one image per caption (flat [n·H·W·C] in [-1, 1]).
func Sample(t *gan.Trainer, capts []string, seed uint64) ([]float32, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("text2img: captions need a text-to-image run (`ganbook train text2img`); this one is %s", t.Config.FamilyName())
	}
	if t.Store.GetVariable(EncoderPath+"/embed/dense/weights") == nil {
		return nil, errors.New("text2img: the run holds no text encoder yet: train it (its first step copies the encoder in) or load a run with gan.LoadRun")
	}
	lat, err := c.LatentFor(capts, seed)
	if err != nil {
		return nil, err
	}
	return t.GenerateFlat(lat.Z, len(capts))
}

// Grid is 80 samples: the ten digits along each row, a colour per row (capmnist); 64 test captions for emoji.
func (c *Config) Grid(t *gan.Trainer, seed uint64) (image.Image, error) {
	n, cols := 80, 10
	if t.Config.Dataset != "capmnist" {
		n, cols = 64, 8
	}
	images, err := Sample(t, GridCaptions(t.Config.Dataset, n), seed)
	if err != nil {
		return nil, err
	}
	return viz.GridFromFlat(images, n, c.Height, c.Width, c.Channels, cols, 2)
}

// ExportKeepsD: chapter 05 shows what D says of the three pairs, and eval measures its mismatch AUC.
func (c *Config) ExportKeepsD() bool { return true }

// Walk is GAN-INT's interpolation at sampling time: for each of rows noise vectors (drawn with seed), steps
// images whose text embedding moves in a straight line from φ(from) to φ(to), row after row (flat
// [rows·steps·H·W·C]). The ends are G's images for the two captions.
func Walk(t *gan.Trainer, from, to string, steps, rows int, seed uint64) ([]float32, error) {
	c, ok := t.Config.Family.(*Config)
	if !ok {
		return nil, errors.Errorf("text2img: not a text-to-image run: %s", t.Config.FamilyName())
	}
	if steps < 2 || rows < 1 || steps*rows > gan.EvalBatch {
		return nil, errors.Errorf("text2img: Walk draws 2 or more steps in 1 or more rows, at most %d images", gan.EvalBatch)
	}
	ends, err := EmbedCaptions(t, []string{from, to})
	if err != nil {
		return nil, err
	}
	n := rows * steps
	noise := tensors.MustCopyFlatData[float32](gan.Noise(rows, c.LatentDim, seed))
	d := c.Encoder.Embed
	z := make([]float32, 0, n*c.LatentDim)
	e := make([]float32, 0, n*d)
	for r := range rows {
		for s := range steps {
			z = append(z, noise[r*c.LatentDim:(r+1)*c.LatentDim]...)
			beta := float32(s) / float32(steps-1)
			for k := range d {
				e = append(e, (1-beta)*ends[0][k]+beta*ends[1][k])
			}
		}
	}
	exec, err := model.NewExec(t.Backend, t.Store, func(scope *model.Scope, z, e *Node) *Node {
		return t.InferenceGenerator(z.Graph(), func() *Node { return c.Generate(scope.In(gan.ScopeGenerator), z, e) })
	})
	if err != nil {
		return nil, err
	}
	defer exec.Finalize()
	out, err := exec.Call(tensors.FromFlatDataAndDimensions(z, n, c.LatentDim), tensors.FromFlatDataAndDimensions(e, n, d))
	if err != nil {
		return nil, errors.WithMessage(err, "text2img: generating the walk")
	}
	defer out[0].MustFinalizeAll()
	return tensors.MustCopyFlatData[float32](out[0]), nil
}
