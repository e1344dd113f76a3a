// Copyright 2026 The ganbook Authors. SPDX-License-Identifier: Apache-2.0

package captions

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"image/png"
	"io"
	"os"
	"os/exec"
	"path"
	"path/filepath"
	"strings"

	"github.com/pkg/errors"
)

// Fetching the emoji: npm packs, CLDR's annotations, checks of what was extracted.

// EmojiSummary is what a fetched emoji folder holds.
type EmojiSummary struct {
	Base, Keyworded int // base emoji, and those CLDR's en.xml annotates (has keywords for)
	Images          int // images: base emoji and skin-tone variants
	Train, Test     int // images of each split
	TrainBase       int // base emoji of each split
	TestBase        int
	Categories      []string
	Fluent          int // WebP files of the 3D Fluent Emoji (0 if not fetched)
	FluentMatched   int // of the images, those with a Fluent image
	FluentTrain     int
	FluentTest      int
	Dir             string
}

// SummarizeEmoji counts what dir holds, reading emoji.json and en.xml (no image is decoded).
func SummarizeEmoji(dir string) (*EmojiSummary, error) {
	m, err := readEmojiMeta(dir)
	if err != nil {
		return nil, err
	}
	s := &EmojiSummary{Base: m.base, Keyworded: m.keyworded, Images: len(m.items), Categories: m.classNames, Dir: dir}
	for k, test := range m.test {
		isBase := m.items[k].unified == m.items[k].base
		switch {
		case test && isBase:
			s.Test, s.TestBase = s.Test+1, s.TestBase+1
		case test:
			s.Test++
		case isBase:
			s.Train, s.TrainBase = s.Train+1, s.TrainBase+1
		default:
			s.Train++
		}
	}
	if entries, err := os.ReadDir(filepath.Join(dir, fluentDir)); err == nil {
		have := map[string]bool{}
		for _, e := range entries {
			if n := e.Name(); strings.HasSuffix(n, ".webp") {
				s.Fluent++
				have[emojiKey(strings.TrimSuffix(n, ".webp"))] = true
			}
		}
		for k, it := range m.items {
			if have[emojiKey(it.unified)] {
				s.FluentMatched++
				if m.test[k] {
					s.FluentTest++
				} else {
					s.FluentTrain++
				}
			}
		}
	}
	return s, nil
}

// FetchEmoji puts the emoji dataset into dir: `npm pack EmojiPackage` there (a 74 MB tarball, skipped when
// the tarball is already in dir), of which emoji.json, the 64×64 PNGs (img/google/64/) and the licence are
// extracted, then the tarball deleted; and a copy of CLDR's annotations/en.xml (from unicode-cldr-core), so
// that the folder is all OpenEmoji reads. With fluent, also `npm pack FluentPackage`, its WebP files
// extracted into dir/fluent/ and its tarball deleted. What is already there and complete is kept (the PNGs
// emoji.json lists present with 64×64 headers; en.xml parsed; fluent/ made whole or not at all), so running it
// again does nothing. It logs what it does, then the counts. Errors are one line saying what to do.
func FetchEmoji(dir string, fluent bool, log io.Writer) error {
	if log == nil {
		log = io.Discard
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return errors.Errorf("captions: cannot make the emoji folder %s (%v); choose another with --dir", dir, err)
	}
	if n, err := checkEmojiImages(dir); err == nil {
		fmt.Fprintf(log, "%s: already in %s (%d PNGs)\n", EmojiPackage, dir, n)
	} else {
		tgz, err := npmPack(dir, EmojiPackage, log)
		if err != nil {
			return err
		}
		n, err := extractEmojiTarball(tgz, dir)
		if err != nil {
			return err
		}
		if _, err := checkEmojiImages(dir); err != nil {
			return errors.Errorf("captions: %s is incomplete (%v); delete it and run `ganbook data fetch emoji` again", tgz, err)
		}
		if err := os.Remove(tgz); err != nil {
			return errors.Errorf("captions: cannot delete %s (%v); delete it yourself", tgz, err)
		}
		fmt.Fprintf(log, "%s: extracted emoji.json and %d 64x64 PNGs into %s, deleted %s\n",
			EmojiPackage, n, dir, filepath.Base(tgz))
	}
	dst := filepath.Join(dir, emojiCLDR)
	if _, err := readCLDR(dst); err == nil {
		fmt.Fprintf(log, "CLDR annotations: already in %s\n", dst)
	} else {
		if _, err := readCLDR(cldrPath); err != nil {
			return errors.Errorf("captions: CLDR's English emoji annotations %s are missing or unreadable; install "+
				"them with `apt-get install unicode-cldr-core`", cldrPath)
		}
		raw, err := os.ReadFile(cldrPath)
		if err == nil {
			err = writeFileAtomic(dst, raw)
		}
		if err != nil {
			return errors.Errorf("captions: cannot copy %s to %s (%v); check the folder's permissions", cldrPath, dst, err)
		}
		fmt.Fprintf(log, "CLDR annotations: copied %s to %s\n", cldrPath, dst)
	}
	if fluent {
		if err := fetchFluent(dir, log); err != nil {
			return err
		}
	}
	s, err := SummarizeEmoji(dir)
	if err != nil {
		return err
	}
	fmt.Fprintf(log, "emoji in %s: %d base emoji (%d with CLDR keywords), %d images with the skin-tone variants: "+
		"train %d (%d emoji), test %d (%d emoji); %d categories\n", dir, s.Base, s.Keyworded, s.Images, s.Train,
		s.TrainBase, s.Test, s.TestBase, len(s.Categories))
	if s.Fluent > 0 {
		fmt.Fprintf(log, "fluent: %d WebP files, %d of the images (train %d, test %d)\n", s.Fluent, s.FluentMatched,
			s.FluentTrain, s.FluentTest)
	}
	return nil
}

// checkEmojiImages checks that every image emoji.json lists is in dir with a 64×64 PNG header, and counts them.
func checkEmojiImages(dir string) (int, error) {
	raw, err := os.ReadFile(filepath.Join(dir, emojiJSON))
	if err != nil {
		return 0, err
	}
	var entries []emojiEntry
	if err := json.Unmarshal(raw, &entries); err != nil {
		return 0, errors.Wrapf(err, "%s", emojiJSON)
	}
	n := 0
	check := func(name string) error {
		f, err := os.Open(filepath.Join(dir, filepath.FromSlash(emojiImages), name))
		if err != nil {
			return err
		}
		defer f.Close()
		cfg, err := png.DecodeConfig(f)
		if err != nil {
			return errors.Wrapf(err, "%s", name)
		}
		if cfg.Width != EmojiSourceSide || cfg.Height != EmojiSourceSide {
			return errors.Errorf("%s is %dx%d, not %dx%d", name, cfg.Width, cfg.Height, EmojiSourceSide, EmojiSourceSide)
		}
		n++
		return nil
	}
	for _, e := range entries {
		if e.HasImageGoogle {
			if err := check(e.Image); err != nil {
				return 0, err
			}
		}
		for _, v := range e.SkinVariations {
			if v.HasImageGoogle {
				if err := check(v.Image); err != nil {
					return 0, err
				}
			}
		}
	}
	if n == 0 {
		return 0, errors.Errorf("%s lists no images", emojiJSON)
	}
	return n, nil
}

// tarballName is the file `npm pack spec` writes: "emoji-datasource-google-16.0.0.tgz",
// "lobehub-fluent-emoji-3d-1.1.0.tgz".
func tarballName(spec string) string {
	at := strings.LastIndexByte(spec, '@')
	name, version := spec[:at], spec[at+1:]
	name = strings.ReplaceAll(strings.TrimPrefix(name, "@"), "/", "-")
	return name + "-" + version + ".tgz"
}

// npmPack returns dir's tarball of spec, running `npm pack spec` in dir when it is not there yet.
func npmPack(dir, spec string, log io.Writer) (string, error) {
	tgz := filepath.Join(dir, tarballName(spec))
	if _, err := os.Stat(tgz); err == nil {
		fmt.Fprintf(log, "%s: using %s\n", spec, tgz)
		return tgz, nil
	}
	self := fmt.Sprintf("`cd %s && npm pack %s`", dir, spec)
	npm, err := exec.LookPath(npmCommand)
	if err != nil {
		return "", errors.Errorf("captions: npm is needed to fetch %s; install npm (apt-get install npm), then run "+
			"`ganbook data fetch emoji` again", spec)
	}
	fmt.Fprintf(log, "%s: running npm pack in %s\n", spec, dir)
	cmd := exec.Command(npm, "pack", spec)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	if err := cmd.Run(); err != nil {
		why := err.Error()
		if lines := strings.Split(strings.TrimSpace(stderr.String()), "\n"); lines[len(lines)-1] != "" {
			why = strings.TrimSpace(lines[len(lines)-1])
		}
		return "", errors.Errorf("captions: npm could not fetch %s (%s); check the network and run %s, then "+
			"`ganbook data fetch emoji` again", spec, why, self)
	}
	if _, err := os.Stat(tgz); err != nil {
		// npm names the tarball on its last line of output.
		lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
		tgz = filepath.Join(dir, filepath.Base(strings.TrimSpace(lines[len(lines)-1])))
		if _, err := os.Stat(tgz); err != nil || !strings.HasSuffix(tgz, ".tgz") {
			return "", errors.Errorf("captions: npm pack %s wrote no tarball into %s; run %s and look at what it says",
				spec, dir, self)
		}
	}
	return tgz, nil
}

// walkTarball calls keep for every regular file of a .tgz, with its path inside ("package/emoji.json").
func walkTarball(tgz string, keep func(name string, r io.Reader) error) error {
	f, err := os.Open(tgz)
	if err != nil {
		return errors.Errorf("captions: cannot open %s (%v)", tgz, err)
	}
	defer f.Close()
	corrupt := func(err error) error {
		return errors.Errorf("captions: %s is corrupt (%v); delete it and run `ganbook data fetch emoji` again", tgz, err)
	}
	zr, err := gzip.NewReader(f)
	if err != nil {
		return corrupt(err)
	}
	tr := tar.NewReader(zr)
	for {
		h, err := tr.Next()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return corrupt(err)
		}
		if h.Typeflag != tar.TypeReg {
			continue
		}
		if err := keep(path.Clean(h.Name), tr); err != nil {
			if errors.Cause(err) == io.ErrUnexpectedEOF {
				return corrupt(err)
			}
			return err
		}
	}
}

// extractEmojiTarball extracts emoji.json, the licence and the 64×64 PNGs of emoji-datasource-google's tarball
// into dir (emoji.json last, so that it is there only when the PNGs are), and counts the PNGs.
func extractEmojiTarball(tgz, dir string) (int, error) {
	images := filepath.Join(dir, filepath.FromSlash(emojiImages))
	if err := os.MkdirAll(images, 0o755); err != nil {
		return 0, errors.Errorf("captions: cannot make %s (%v)", images, err)
	}
	var list []byte
	n := 0
	err := walkTarball(tgz, func(name string, r io.Reader) error {
		var dst string
		switch {
		case name == "package/emoji.json":
			b, err := io.ReadAll(r)
			list = b
			return err
		case name == "package/LICENSE":
			dst = filepath.Join(dir, emojiLicense)
		case path.Dir(name) == "package/"+emojiImages && strings.HasSuffix(name, ".png"):
			dst = filepath.Join(images, path.Base(name))
			n++
		default:
			return nil
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		return writeFileAtomic(dst, b)
	})
	if err != nil {
		return 0, err
	}
	if list == nil {
		return 0, errors.Errorf("captions: %s has no package/emoji.json; is it %s? Delete it and run `ganbook data "+
			"fetch emoji` again", tgz, EmojiPackage)
	}
	if err := writeFileAtomic(filepath.Join(dir, emojiJSON), list); err != nil {
		return 0, err
	}
	return n, nil
}

// fetchFluent puts FluentPackage's WebP files into dir/fluent/, made in a temporary folder and renamed, so
// that dir/fluent/ is there only when complete.
func fetchFluent(dir string, log io.Writer) error {
	final := filepath.Join(dir, fluentDir)
	if entries, err := os.ReadDir(final); err == nil && len(entries) > 0 {
		fmt.Fprintf(log, "%s: already in %s (%d files)\n", FluentPackage, final, len(entries))
		return nil
	}
	tgz, err := npmPack(dir, FluentPackage, log)
	if err != nil {
		return err
	}
	partial := final + ".partial"
	if err := os.RemoveAll(partial); err != nil {
		return errors.Errorf("captions: cannot delete %s (%v); delete it yourself", partial, err)
	}
	if err := os.MkdirAll(partial, 0o755); err != nil {
		return errors.Errorf("captions: cannot make %s (%v)", partial, err)
	}
	n := 0
	err = walkTarball(tgz, func(name string, r io.Reader) error {
		var dst string
		switch {
		case strings.HasSuffix(name, ".webp") && strings.HasPrefix(name, "package/"):
			dst = filepath.Join(partial, path.Base(name))
			n++
		case name == "package/LICENSE":
			dst = filepath.Join(partial, "LICENSE")
		default:
			return nil
		}
		b, err := io.ReadAll(r)
		if err != nil {
			return err
		}
		return os.WriteFile(dst, b, 0o644)
	})
	if err != nil {
		return err
	}
	if n == 0 {
		return errors.Errorf("captions: %s holds no WebP files; is it %s? Delete it and run `ganbook data fetch "+
			"emoji --fluent` again", tgz, FluentPackage)
	}
	os.RemoveAll(final) // an empty folder
	if err := os.Rename(partial, final); err != nil {
		return errors.Errorf("captions: cannot rename %s to %s (%v)", partial, final, err)
	}
	if err := os.Remove(tgz); err != nil {
		return errors.Errorf("captions: cannot delete %s (%v); delete it yourself", tgz, err)
	}
	fmt.Fprintf(log, "%s: extracted %d WebP files into %s, deleted %s\n", FluentPackage, n, final, filepath.Base(tgz))
	return nil
}

// writeFileAtomic writes a file through a temporary one renamed into place, so that it is whole or absent.
func writeFileAtomic(file string, b []byte) error {
	tmp := file + ".tmp"
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return errors.Errorf("captions: cannot write %s (%v); check the folder's permissions", tmp, err)
	}
	if err := os.Rename(tmp, file); err != nil {
		return errors.Errorf("captions: cannot rename %s (%v)", tmp, err)
	}
	return nil
}
