// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package imagegan

import (
	"image"
	"sync"

	"github.com/ganbook/ganbook/pkg/data"
	"github.com/ganbook/ganbook/pkg/eval"
	"github.com/ganbook/ganbook/pkg/gan"
	. "github.com/gomlx/gomlx/core/graph" //nolint:revive // the plug-in reads best with dot-imported ops.
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/pkg/errors"
)

// The plug-in. What an image condition changes in the GAN's step: G reads an image x made from the real image
// y (HostInputs: masked, edges, downsampled), D judges y against G(x) (pix2pix: on the pairs (x, y) and
// (x, G(x)), its loss halved; srgan: on the images alone), and G adds a reconstruction term:
//
//	pix2pix: L_G = l_adv + λ·L1,   srgan: L_G = 10⁻³·l_adv + w_c·l_φ + w_p·l_MSE

// Shape: G reads an s×s input image (flat), and makes 28×28 digits.
func (c *Config) Shape() gan.Shape {
	s := c.InputSize()
	return gan.Shape{Input: s * s, Height: ImageSize, Width: ImageSize, Channels: Channels}
}

// HostInputs makes G's inputs from a batch of real images (MakeInputs), keyed by their place in the run's data
// order: [n, s, s, 1].
func (c *Config) HostInputs(_ *gan.Config, b gan.HostBatch) []*tensors.Tensor {
	s := c.InputSize()
	return []*tensors.Tensor{tensors.FromFlatDataAndDimensions(c.MakeInputs(b.Images, b.N, b.Keys, b.Seed), b.N, s, s, Channels)}
}

// inputImage is G's flat input [B, s·s] as an image [B, s, s, 1].
func (c *Config) inputImage(input *Node) *Node {
	s := c.InputSize()
	return Reshape(input, input.Shape().Dimensions[0], s, s, Channels)
}

// Generator is UNet (pix2pix) or SRResNet (srgan) on G's input image.
func (c *Config) Generator(scope *model.Scope, input *Node) *Node {
	return Generator(scope, c, c.inputImage(input))
}

// Discriminator is the PatchGAN on the pair (cond, x) for pix2pix, SRGAN's D on x alone.
func (c *Config) Discriminator(scope *model.Scope, x, cond *Node) (out, features *Node) {
	return Discriminator(scope, c, cond, x), nil
}

// Batch: G reads HostInputs' image; D judges the true images, paired with that input for pix2pix. Its terms are
// the reconstruction terms: pix2pix's λ·L1; srgan's content and pixel MSE. L1 and the pixel MSE are reported for
// both.
func (c *Config) Batch(_ *model.Scope, d gan.Data) gan.Batch {
	in := d.Inputs[0] // [B, s, s, 1]
	b := gan.Batch{Input: Reshape(in, d.Batch(), -1), Real: d.Images}
	real := d.Images
	b.Terms = func(scope *model.Scope, fake gan.Fake) []gan.Term {
		l1, mse := L1Loss(fake.Images, real), PixelMSE(fake.Images, real)
		if c.Family == FamilySRGAN {
			content := ContentLoss(scope.In(eval.ScopeClassifier), fake.Images, real)
			return []gan.Term{{Name: "content", Value: content, G: c.ContentWeight}, {Name: "mse", Value: mse, G: c.PixelWeight},
				{Name: "l1", Value: l1}}
		}
		return []gan.Term{{Name: "l1", Value: l1, G: c.LambdaL1}, {Name: "mse", Value: mse}}
	}
	if c.Family == FamilySRGAN {
		b.Adv = &gan.AdvWeights{G: c.AdvWeight, D: 1} // Ledig et al. 2017, eq. 3: 10⁻³·l_adv
		return b
	}
	b.RealCond, b.FakeCond = in, in
	b.Adv = &gan.AdvWeights{G: 1, D: 0.5} // Isola et al. 2017, section 3.3: "we divide the objective by 2 while optimizing D"
	return b
}

// testCache holds a dataset's test split once loaded.
type testCache struct {
	mu      sync.Mutex
	dataset string
	set     *data.Set
}

// testSet is the test split of dataset, loaded once: the sample grids' and Latent's images.
func (c *Config) testSet(dataset string) (*data.Set, error) {
	if c.tests == nil {
		c.tests = new(testCache)
	}
	t := c.tests
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.set == nil || t.dataset != dataset {
		set, err := data.Load(dataset, "test")
		if err != nil {
			return nil, err
		}
		t.set, t.dataset = set, dataset
	}
	return t.set, nil
}

// Latent is G's inputs made from the first n test images (TestInputs), their labels the digits they show.
func (c *Config) Latent(run *gan.Config, n int, _ uint64) (gan.Latent, error) {
	test, err := c.testSet(run.Dataset)
	if err != nil {
		return gan.Latent{}, err
	}
	if n > test.N {
		return gan.Latent{}, errors.Errorf("imagegan: %d samples asked for, the test split has %d images", n, test.N)
	}
	idx := firstN(n)
	inputs, _ := c.TestInputs(test, idx)
	labels := make([]int, n)
	for i := range labels {
		labels[i] = int(test.Labels[i])
	}
	return gan.Latent{Z: inputs, Labels: labels, LabelKind: "labels"}, nil
}

// Grid is the input | output | target triplets of the first SampleCount test images.
func (c *Config) Grid(t *gan.Trainer, _ uint64) (image.Image, error) {
	test, err := c.testSet(t.Config.Dataset)
	if err != nil {
		return nil, err
	}
	return TripletGrid(t, test, firstN(min(SampleCount, test.N)))
}

func firstN(n int) []int {
	idx := make([]int, n)
	for i := range idx {
		idx[i] = i
	}
	return idx
}

// FrozenScopes: SRGAN's classifier stays frozen after a resume or a load.
func (c *Config) FrozenScopes() []string {
	if c.Family != FamilySRGAN {
		return nil
	}
	return []string{"/" + eval.ScopeClassifier}
}

// classifierProbe is a variable of the classifier: present once the content loss's weights are in the store.
const classifierProbe = "/" + eval.ScopeClassifier + "/conv1/" + "weights"

// Prepare puts the committed classifier of the dataset (eval.LoadClassifier) into the store under
// eval.ScopeClassifier, non-trainable, before the first srgan step builds the graph that reads it. A checkpoint
// holds them too, so a resumed run finds them there.
func (c *Config) Prepare(t *gan.Trainer) error {
	if c.Family != FamilySRGAN || t.Store.GetVariable(classifierProbe) != nil {
		return nil
	}
	clf, err := eval.LoadClassifier(t.Backend, t.Config.Dataset)
	if err != nil {
		return err
	}
	if _, err := gan.CopyFrozen(t.Store, clf.Store(), gan.Import{From: "/" + eval.ScopeClassifier}); err != nil {
		return errors.WithMessage(err, "imagegan: copying the classifier")
	}
	if t.Store.GetVariable(classifierProbe) == nil {
		return errors.Errorf("imagegan: the %s classifier has no %s", t.Config.Dataset, classifierProbe)
	}
	return nil
}
