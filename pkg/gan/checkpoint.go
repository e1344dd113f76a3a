// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package gan

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/ganbook/ganbook/internal/atomicfile"
	"github.com/gomlx/gomlx/core/tensors"
	"github.com/gomlx/gomlx/ml/model"
	"github.com/gomlx/gomlx/ml/model/checkpoint"
	"github.com/gomlx/gomlx/ml/train/optimizer"
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
				ema := t.Store.GetVariable(emaPath(v.Path()))
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
			t.VariablesChanged()
			defer t.VariablesChanged()
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
	if err := writeManifest(tmp, optimizerStep(store)); err != nil {
		return err
	}
	// The latest checkpoint becomes the previous one only if it is complete: a damaged one is dropped, so that
	// the complete previous one stays.
	if exists(final) && VerifyCheckpoint(final) != nil {
		if err := os.RemoveAll(final); err != nil {
			return errors.Wrapf(err, "gan: removing the damaged checkpoint %s", final)
		}
	}
	return errors.WithMessage(atomicfile.ReplaceDir(tmp, final, filepath.Join(runDir, previousDir)), "gan: saving the checkpoint")
}

func optimizerStep(store *model.Store) int64 {
	if store.GetVariable("/global_step") == nil {
		return 0
	}
	return optimizer.GetGlobalStep(store)
}

// ManifestFile is written last into every checkpoint folder: the step and each file's size and SHA-256. A
// checkpoint is complete only if its manifest says so.
const ManifestFile = "manifest.json"

// manifestFormat names this manifest's form.
const manifestFormat = "ganbook-checkpoint-1"

// Manifest is the content of a checkpoint's manifest.json.
type Manifest struct {
	Format string           `json:"format"`
	Step   int64            `json:"step"`
	Files  []CheckpointFile `json:"files"`
}

// CheckpointFile is one file of a checkpoint.
type CheckpointFile struct {
	Name   string `json:"name"`
	Size   int64  `json:"size"`
	SHA256 string `json:"sha256"`
}

func writeManifest(dir string, step int64) error {
	m := Manifest{Format: manifestFormat, Step: step}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return errors.Wrap(err, "gan: listing the checkpoint")
	}
	for _, e := range entries {
		if e.IsDir() || e.Name() == ManifestFile {
			continue
		}
		size, sum, err := digest(filepath.Join(dir, e.Name()))
		if err != nil {
			return err
		}
		m.Files = append(m.Files, CheckpointFile{Name: e.Name(), Size: size, SHA256: sum})
	}
	return errors.WithMessage(atomicfile.WriteJSON(filepath.Join(dir, ManifestFile), m), "gan: writing the checkpoint's manifest")
}

func digest(path string) (int64, string, error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, "", errors.Wrapf(err, "gan: reading %s", path)
	}
	defer f.Close()
	h := sha256.New()
	n, err := io.Copy(h, f)
	if err != nil {
		return 0, "", errors.Wrapf(err, "gan: reading %s", path)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// ParseManifest reads a manifest.json and checks its form.
func ParseManifest(b []byte) (*Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, errors.Wrap(err, "not a valid manifest")
	}
	if m.Format != manifestFormat {
		return nil, errors.Errorf("manifest of form %q, want %q", m.Format, manifestFormat)
	}
	if m.Step < 0 || len(m.Files) == 0 {
		return nil, errors.Errorf("manifest of step %d with %d files", m.Step, len(m.Files))
	}
	for _, f := range m.Files {
		if f.Name == "" || f.Name != filepath.Base(f.Name) || strings.HasPrefix(f.Name, ".") || f.Size < 0 || len(f.SHA256) != 64 {
			return nil, errors.Errorf("manifest lists a bad file %+v", f)
		}
	}
	return &m, nil
}

// VerifyCheckpoint reports why the checkpoint folder dir is not complete, or nil: a folder with a manifest must
// hold every file it lists, of its size and SHA-256; one without (written before checkpoints had manifests:
// the committed pretrained/ runs) must hold a GoMLX checkpoint, a .json and its .bin.
func VerifyCheckpoint(dir string) error {
	b, err := os.ReadFile(filepath.Join(dir, ManifestFile))
	if errors.Is(err, fs.ErrNotExist) {
		jsons, _ := filepath.Glob(filepath.Join(dir, "checkpoint-*.json"))
		if len(jsons) == 0 {
			return errors.New("it holds no checkpoint (no checkpoint-*.json)")
		}
		for _, j := range jsons {
			fi, err := os.Stat(strings.TrimSuffix(j, ".json") + ".bin")
			if err != nil || fi.Size() == 0 {
				return errors.Errorf("%s has no data file beside it", filepath.Base(j))
			}
		}
		return nil
	}
	if err != nil {
		return errors.Wrap(err, "reading its manifest")
	}
	m, err := ParseManifest(b)
	if err != nil {
		return err
	}
	for _, f := range m.Files {
		size, sum, err := digest(filepath.Join(dir, f.Name))
		if err != nil {
			return errors.Errorf("%s is missing", f.Name)
		}
		if size != f.Size || sum != f.SHA256 {
			return errors.Errorf("%s is damaged (%d bytes, the manifest says %d, or its checksum differs)", f.Name, size, f.Size)
		}
	}
	return nil
}

// HasCheckpoint reports whether runDir holds a checkpoint (or the previous one, after an interrupted save).
func HasCheckpoint(runDir string) bool {
	return exists(filepath.Join(runDir, CheckpointDir)) || exists(filepath.Join(runDir, previousDir))
}

// Loaded says which checkpoint LoadCheckpoint loaded.
type Loaded struct {
	Dir  string // the folder: runDir/checkpoint, or runDir/checkpoint.old
	Step int64  // its global step
	// Skipped says why the latest checkpoint was not loaded, when Dir is the previous one ("" otherwise): a
	// caller tells the user, since the run lost the steps between the two.
	Skipped string
}

// Warning is a one-line warning about a fallback to the previous checkpoint, or "".
func (l Loaded) Warning() string {
	if l.Skipped == "" {
		return ""
	}
	return fmt.Sprintf("the latest checkpoint is damaged (%s): loaded the previous one, %s (step %d)", l.Skipped, l.Dir, l.Step)
}

// LoadCheckpoint loads runDir's latest complete checkpoint (VerifyCheckpoint) into the store, or the previous
// one if the latest is missing, incomplete or unreadable (an interrupted save, a damaged file); Loaded says
// which.
//
// For a Trainer's store call Trainer.LoadCheckpoint instead, so that its sampling graph is rebuilt with the
// loaded weights.
//
// The variables the store already has (e.g. the random-number state a Trainer seeds) are replaced: GoMLX
// v0.28.16's immediate loading only creates missing variables and leaves existing ones as they were.
func LoadCheckpoint(store *model.Store, runDir string) (Loaded, error) {
	clear := func() error {
		var existing []string
		for v := range store.IterVariables() {
			existing = append(existing, v.Path())
		}
		for _, path := range existing {
			if err := store.DeleteVariable(path); err != nil {
				return errors.WithMessagef(err, "gan: replacing %s with the checkpoint's value", path)
			}
		}
		return nil
	}
	var errs []string
	for _, name := range []string{CheckpointDir, previousDir} {
		dir := filepath.Join(runDir, name)
		if !exists(dir) {
			continue
		}
		if err := clear(); err != nil {
			return Loaded{}, err
		}
		err := VerifyCheckpoint(dir)
		if err == nil {
			_, err = checkpoint.Build(store).Dir(dir).ExcludeAllParams().Immediate().Done()
		}
		if err == nil && store.GetVariable("/global_step") == nil {
			err = errors.New("it holds no global step")
		}
		if err == nil {
			l := Loaded{Dir: dir, Step: optimizer.GetGlobalStep(store)}
			if len(errs) > 0 {
				l.Skipped = errs[0]
			}
			return l, nil
		}
		errs = append(errs, dir+": "+firstLine(err))
	}
	if err := clear(); err != nil {
		return Loaded{}, err
	}
	if len(errs) == 0 {
		return Loaded{}, errors.Errorf("gan: no checkpoint in %s: train one with `ganbook train ... --out %s`", runDir, runDir)
	}
	return Loaded{}, errors.Errorf("gan: cannot read the checkpoint (%s): the files are damaged; "+
		"restore them or train again", strings.Join(errs, "; "))
}

// CleanStale removes what killed saves left in runDir: temporary checkpoint folders and temporary files
// (".checkpoint.tmp-*", ".NAME.tmp-*"). Train calls it once it holds the run's lock, when nothing else writes.
func CleanStale(runDir string) error {
	entries, err := os.ReadDir(runDir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil
		}
		return errors.Wrapf(err, "gan: reading %s", runDir)
	}
	for _, e := range entries {
		if strings.HasPrefix(e.Name(), ".") && strings.Contains(e.Name(), ".tmp-") {
			if err := os.RemoveAll(filepath.Join(runDir, e.Name())); err != nil {
				return errors.Wrapf(err, "gan: removing the leftover %s", e.Name())
			}
		}
	}
	return nil
}

func exists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}
