// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package eval

import (
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"fmt"
	"io/fs"
	"math"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/gomlx/compute"
	"github.com/gomlx/compute/dtypes"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gomlx/gomlx/ml/train/optimizer"
	"github.com/pkg/errors"
)

// weightsFS holds the committed classifiers, one checkpoint (a .json and a .bin) per folder weights/<dataset>.
//
//go:embed weights
var weightsFS embed.FS

// Params of the checkpoint that record how a classifier was trained (see ClassifierConfig).
const (
	paramDataset      = "/" + ScopeClassifier + "/dataset"
	paramSteps        = "/" + ScopeClassifier + "/steps"
	paramBatchSize    = "/" + ScopeClassifier + "/batch_size"
	paramLearningRate = "/" + ScopeClassifier + "/learning_rate"
	paramDropout      = "/" + ScopeClassifier + "/dropout"
	paramSeed         = "/" + ScopeClassifier + "/seed"
)

// trainCommand is the command that writes the weights of dataset into dir.
func trainCommand(dataset, dir string) string {
	return fmt.Sprintf("`ganbook train classifier --dataset %s --out %s`", dataset, dir)
}

// Save writes the classifier's weights (not the optimizer's state) and its ClassifierConfig as a GoMLX
// checkpoint, one checkpoint-*.json and one checkpoint-*.bin, into dir, replacing what dir held. It writes into a
// hidden temporary folder next to dir and renames it, so a crash never leaves a half-written classifier in dir.
func (c *Classifier) Save(dir string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if dir == "" {
		return errors.New("eval: Save needs a folder, e.g. pkg/eval/weights/mnist")
	}
	dir = filepath.Clean(dir)
	out := model.NewStore()
	for v := range c.store.Scope("/" + ScopeClassifier).IterVariables() {
		value, err := v.Value()
		if err != nil {
			return errors.WithMessagef(err, "eval: reading the classifier variable %q", v.Path())
		}
		clone, err := value.LocalClone()
		if err != nil {
			return errors.WithMessagef(err, "eval: copying the classifier variable %q", v.Path())
		}
		if _, err := out.CreateVariable(v.Path(), clone); err != nil {
			return errors.WithMessage(err, "eval: copying the classifier")
		}
	}
	// The global step names the checkpoint file (checkpoint-n0000000-<date>-step-<steps>.json).
	if err := optimizer.GetGlobalStepVar(out).SetValue(tensors.FromScalar(optimizer.GetGlobalStep(c.store))); err != nil {
		return errors.WithMessage(err, "eval: copying the classifier's step count")
	}
	cfg := c.Config
	out.SetParam(paramDataset, c.Dataset)
	out.SetParam(paramSteps, cfg.Steps)
	out.SetParam(paramBatchSize, cfg.BatchSize)
	out.SetParam(paramLearningRate, cfg.LearningRate)
	out.SetParam(paramDropout, cfg.Dropout)
	out.SetParam(paramSeed, cfg.Seed)

	tmp, err := atomicfile.TempDir(dir)
	if err != nil {
		return errors.WithMessage(err, "eval: saving the classifier: check the path and its permissions")
	}
	defer func() { _ = os.RemoveAll(tmp) }() // a no-op once renamed
	err = catch(func() error {
		h, err := checkpoint.Build(out).Dir(tmp).Done()
		if err != nil {
			return err
		}
		return h.Save()
	})
	if err != nil {
		return errors.WithMessagef(err, "eval: writing the classifier checkpoint into %s", tmp)
	}
	return errors.WithMessage(atomicfile.ReplaceDir(tmp, dir, ""), "eval: saving the classifier")
}

// LoadClassifier returns the committed classifier of dataset ("mnist" or "fashion"), whose weights are embedded
// in the package from pkg/eval/weights/<dataset>/.
func LoadClassifier(b compute.Backend, dataset string) (*Classifier, error) {
	if err := (ClassifierConfig{Dataset: dataset}).Validate(); err != nil {
		return nil, err
	}
	dir := "pkg/eval/weights/" + dataset
	return loadClassifier(b, dataset, weightsFS, "weights/"+dataset, "the embedded "+dir, trainCommand(dataset, dir))
}

// LoadClassifierDir returns the classifier of dataset saved by Save (or the CLI) in dir.
func LoadClassifierDir(b compute.Backend, dataset, dir string) (*Classifier, error) {
	if err := (ClassifierConfig{Dataset: dataset}).Validate(); err != nil {
		return nil, err
	}
	if st, err := os.Stat(dir); err != nil || !st.IsDir() {
		return nil, errors.Errorf("eval: no classifier folder %s: run %s, or pass the folder it was saved in",
			dir, trainCommand(dataset, dir))
	}
	return loadClassifier(b, dataset, os.DirFS(dir), ".", dir, trainCommand(dataset, dir))
}

// loadClassifier reads the latest checkpoint-*.{json,bin} of folder dir of fsys (from is how errors name it)
// and checks that it holds every variable of the classifier of dataset, with the right shapes and finite values.
func loadClassifier(b compute.Backend, dataset string, fsys fs.FS, dir, from, fix string) (*Classifier, error) {
	bad := func(err error, format string, args ...any) error {
		msg := fmt.Sprintf(format, args...)
		if err != nil {
			msg += ": " + firstLine(err.Error())
		}
		return errors.Errorf("eval: %s: %s; run %s to make it again", from, msg, fix)
	}
	jsons, err := fs.Glob(fsys, path.Join(dir, "checkpoint-*"+checkpoint.JsonNameSuffix))
	if err != nil || len(jsons) == 0 {
		return nil, bad(err, "no classifier checkpoint (checkpoint-*.json)")
	}
	jsonName := jsons[len(jsons)-1] // the names sort by checkpoint number: the latest one
	binName := strings.TrimSuffix(jsonName, checkpoint.JsonNameSuffix) + checkpoint.BinDataSuffix
	jsonData, err := fs.ReadFile(fsys, jsonName)
	if err != nil {
		return nil, bad(err, "reading %s", jsonName)
	}
	binData, err := fs.ReadFile(fsys, binName)
	if err != nil {
		return nil, bad(err, "reading %s", binName)
	}

	store := model.NewStore()
	err = catch(func() error {
		_, err := checkpoint.Build(store).FromEmbed(string(jsonData), binData).Immediate().Done()
		return err
	})
	if rt := runtime.Error(nil); errors.As(err, &rt) {
		// FromEmbed drops the error of a .bin whose gzip stream is cut short, and then dereferences nil.
		return nil, bad(nil, "corrupt checkpoint %s: unreadable (truncated, or not written by Save)", binName)
	} else if err != nil {
		return nil, bad(err, "corrupt checkpoint %s", jsonName)
	}
	cfg, err := configFromParams(store)
	if err != nil {
		return nil, bad(err, "checkpoint %s", jsonName)
	}
	if cfg.Dataset != dataset {
		return nil, errors.Errorf("eval: %s holds a classifier of %q, not of %q: load it with dataset %q, or run %s",
			from, cfg.Dataset, dataset, cfg.Dataset, fix)
	}
	loaded := make(map[string]bool)
	for v := range store.Scope("/" + ScopeClassifier).IterVariables() {
		loaded[v.Path()] = true
		if err := checkFinite(v); err != nil {
			return nil, bad(err, "corrupt checkpoint %s", jsonName)
		}
	}
	c := newClassifier(b, cfg, store)
	sum := sha256.Sum256(binData)
	c.digest, c.source = hex.EncodeToString(sum[:]), from
	if err := c.compile(); err != nil { // fails on a variable of the wrong shape
		return nil, bad(err, "checkpoint %s does not fit the classifier", jsonName)
	}
	for v := range store.Scope("/" + ScopeClassifier).IterVariables() {
		if !loaded[v.Path()] { // the graph created a variable the checkpoint lacks
			return nil, bad(nil, "checkpoint %s has no variable %s", jsonName, v.Path())
		}
	}
	return c, nil
}

// Digest is the SHA-256 of the classifier's weights file (checkpoint-*.bin) as it was loaded ("" for one trained
// in this process): what a figure computed with it names, so that it can be reproduced with the same judge.
func (c *Classifier) Digest() string { return c.digest }

// Source is where the classifier was loaded from ("the embedded pkg/eval/weights/emoji", or a folder).
func (c *Classifier) Source() string { return c.source }

// DirDigest is the SHA-256 of the checkpoint files (checkpoint-*.bin, in name order) of a run folder (in its
// checkpoint/ folder, or in dir itself): the fingerprint of an evaluation encoder or any other judge kept as a run.
func DirDigest(dir string) (string, error) {
	bins, err := filepath.Glob(filepath.Join(dir, "checkpoint", "checkpoint-*"+checkpoint.BinDataSuffix))
	if err == nil && len(bins) == 0 {
		bins, err = filepath.Glob(filepath.Join(dir, "checkpoint-*"+checkpoint.BinDataSuffix))
	}
	if err != nil || len(bins) == 0 {
		return "", errors.Errorf("eval: no checkpoint-*.bin in %s", dir)
	}
	h := sha256.New()
	for _, b := range bins {
		data, err := os.ReadFile(b)
		if err != nil {
			return "", errors.Wrapf(err, "eval: reading %s", b)
		}
		h.Write(data)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// configFromParams reads back the ClassifierConfig that Save stored as params.
func configFromParams(store *model.Store) (ClassifierConfig, error) {
	var cfg ClassifierConfig
	var ok bool
	get := func(name string, dst any) {
		v, found := store.GetParam(name)
		if !found {
			ok = false
			return
		}
		switch d := dst.(type) {
		case *string:
			*d, found = v.(string)
		case *int:
			*d, found = v.(int)
		case *int64:
			*d, found = v.(int64)
		case *float64:
			*d, found = v.(float64)
		}
		ok = ok && found
	}
	ok = true
	get(paramDataset, &cfg.Dataset)
	get(paramSteps, &cfg.Steps)
	get(paramBatchSize, &cfg.BatchSize)
	get(paramLearningRate, &cfg.LearningRate)
	get(paramDropout, &cfg.Dropout)
	get(paramSeed, &cfg.Seed)
	if !ok {
		return cfg, errors.New("missing or malformed classifier params (" + ScopeClassifier + "/dataset, ...)")
	}
	return cfg, nil
}

// checkFinite returns an error if a float32 variable holds a NaN or an infinity.
func checkFinite(v *model.Variable) error {
	value, err := v.Value()
	if err != nil {
		return err
	}
	if value.DType() != dtypes.Float32 {
		return errors.Errorf("variable %s is %s, not float32", v.Path(), value.DType())
	}
	var bad error
	tensors.MustConstFlatData(value, func(flat []float32) {
		for _, x := range flat {
			if math.IsNaN(float64(x)) || math.IsInf(float64(x), 0) {
				bad = errors.Errorf("variable %s holds %g", v.Path(), x)
				return
			}
		}
	})
	return bad
}
