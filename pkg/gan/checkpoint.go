// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"os"
	"path/filepath"
	"strings"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/pkg/errors"
)

// Names inside a run directory.
const (
	ConfigFile    = "config.json"
	CheckpointDir = "checkpoint"     // the latest checkpoint (GoMLX's checkpoint format)
	previousDir   = "checkpoint.old" // the one before it, kept until the next save succeeds
)

// SaveCheckpoint writes every variable of the store (both networks, both optimizers' state, the random-number
// state, the global step) into runDir/checkpoint with GoMLX's checkpoint package.
//
// The write is atomic: the checkpoint is written and synced in a temporary folder, the previous one is renamed
// to checkpoint.old and the new one into place. A kill at any moment leaves a complete checkpoint or
// checkpoint.old, which LoadCheckpoint falls back to.
func SaveCheckpoint(store *model.Store, runDir string) error {
	return saveCheckpoint(store, runDir, nil)
}

// Export writes t's sampling-only checkpoint into runDir (ExportGenerator), keeping D when the family says so
// (DKeeper: InfoGAN, the conditional GAN), and returns the config to store beside it. When G has a weight average (Config.GenEMA), the export
// holds the bias-corrected average as G's weights, with GenEMA 0 in the returned config: the same samples from
// half the size.
func Export(t *Trainer, runDir string) (Config, error) {
	cfg := t.Config
	var restore []func()
	defer func() {
		for _, r := range restore {
			r()
		}
	}()
	if pVar := t.Store.GetVariable("/" + ScopeGeneratorEMA + "/" + emaProductName); cfg.GenEMA > 0 && pVar != nil {
		p := float64(tensors.ToScalar[float32](pVar.MustValue()))
		if p < 1 {
			correction := float32(1 / (1 - p))
			for _, v := range generatorVariables(t.Store) {
				dir, name := model.SplitPath(v.Path())
				ema := t.Store.GetVariable("/" + ScopeGeneratorEMA + strings.TrimPrefix(dir, "/"+ScopeGenerator) + "/" + name)
				if ema == nil {
					continue
				}
				dims := v.Shape().Dimensions
				original := tensors.MustCopyFlatData[float32](v.MustValue()) // a copy: setting a value frees the old one
				avg := tensors.MustCopyFlatData[float32](ema.MustValue())
				for i := range avg {
					avg[i] *= correction
				}
				v.MustSetValue(tensors.FromFlatDataAndDimensions(avg, dims...))
				restore = append(restore, func() { v.MustSetValue(tensors.FromFlatDataAndDimensions(original, dims...)) })
			}
			cfg.GenEMA = 0
			t.updates++ // the weights changed: rebuild the sampling graph
			defer func() { t.updates++ }()
		}
	}
	keepD := false
	if k, ok := t.Config.Family.(DKeeper); ok {
		keepD = k.ExportKeepsD()
	}
	return cfg, exportVariables(t.Store, runDir, keepD, cfg.GenEMA == 0 && t.Config.GenEMA > 0)
}

// ExportGenerator writes into runDir a checkpoint holding only what sampling needs: the generator's weights and
// BatchNorm statistics, plus the global step (a few MB for a DCGAN, against ~3x that with D and Adam's state).
//
// With keepD the export also keeps D's network (and an InfoGAN's Q head), not the optimizers' state: Q reads the
// categorical code of real images, which `ganbook eval` scores, and a conditional GAN's D shows what it accepts
// with a wrong label (chapter 04). Export asks the family (DKeeper).
func ExportGenerator(store *model.Store, runDir string, keepD bool) error {
	return exportVariables(store, runDir, keepD, false)
}

func exportVariables(store *model.Store, runDir string, keepD, dropEMA bool) error {
	var exclude []*model.Variable
	for v := range store.IterVariables() {
		keep := strings.HasPrefix(v.Scope(), "/"+ScopeGenerator) || v.Name() == "global_step"
		if dropEMA && strings.HasPrefix(v.Scope(), "/"+ScopeGeneratorEMA) {
			keep = false
		}
		if keepD && strings.HasPrefix(v.Scope(), "/"+ScopeDiscriminator) {
			keep = !strings.Contains(v.Scope(), "Optimizer") && !strings.Contains(v.Scope(), "/optimizers")
		}
		if !keep {
			exclude = append(exclude, v)
		}
	}
	return saveCheckpoint(store, runDir, exclude)
}

func saveCheckpoint(store *model.Store, runDir string, exclude []*model.Variable) error {
	final := filepath.Join(runDir, CheckpointDir)
	tmp, err := atomicfile.TempDir(final)
	if err != nil {
		return errors.WithMessage(err, "gan: saving the checkpoint")
	}
	defer os.RemoveAll(tmp) // a no-op once it has been renamed into place
	loader := store.Loader()
	h, err := checkpoint.Build(store).Dir(tmp).ExcludeAllParams().ExcludeVars(exclude...).Done()
	store.SetLoader(loader) // this handler only writes: keep the store's loader as it was
	if err != nil {
		return errors.WithMessage(err, "gan: preparing the checkpoint")
	}
	if err := h.Save(); err != nil {
		return errors.WithMessagef(err, "gan: writing the checkpoint into %s (is the disk full?)", tmp)
	}
	return errors.WithMessage(atomicfile.ReplaceDir(tmp, final, filepath.Join(runDir, previousDir)), "gan: saving the checkpoint")
}

// HasCheckpoint reports whether runDir holds a checkpoint (or the previous one, after an interrupted save).
func HasCheckpoint(runDir string) bool {
	return exists(filepath.Join(runDir, CheckpointDir)) || exists(filepath.Join(runDir, previousDir))
}

// LoadCheckpoint loads runDir's latest checkpoint into the store, or the previous one if the latest is missing
// or unreadable (an interrupted save, a damaged file). It returns the folder it loaded.
//
// For a Trainer's store call Trainer.LoadCheckpoint instead, so that its sampling graph is rebuilt with the
// loaded weights.
//
// The variables the store already has (e.g. the random-number state a Trainer seeds) are replaced: GoMLX
// v0.28.16's immediate loading only creates missing variables and leaves existing ones as they were.
func LoadCheckpoint(store *model.Store, runDir string) (string, error) {
	var existing []string
	for v := range store.IterVariables() {
		existing = append(existing, v.Path())
	}
	for _, path := range existing {
		if err := store.DeleteVariable(path); err != nil {
			return "", errors.WithMessagef(err, "gan: replacing %s with the checkpoint's value", path)
		}
	}
	var errs []string
	for _, name := range []string{CheckpointDir, previousDir} {
		dir := filepath.Join(runDir, name)
		if !exists(dir) {
			continue
		}
		_, err := checkpoint.Build(store).Dir(dir).ExcludeAllParams().Immediate().Done()
		if err == nil {
			return dir, nil
		}
		errs = append(errs, dir+": "+firstLine(err))
	}
	if len(errs) == 0 {
		return "", errors.Errorf("gan: no checkpoint in %s: train one with `ganbook train ... --out %s`", runDir, runDir)
	}
	return "", errors.Errorf("gan: cannot read the checkpoint (%s): the files are damaged; "+
		"restore them or train again", strings.Join(errs, "; "))
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
