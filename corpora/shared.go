package corpora

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Shared reads a corpus folder of ../shared: its manifest.tsv (tab-separated,
// header line, audio relative to the folder, duration in seconds).
//
// Columns are found by name, so every folder's manifest reads: id, audio,
// duration, text and speaker, plus prompt_id, age, gender and emotion where
// present. RAVDESS has no speaker or text column: its actor is the speaker
// and its statement the text. The corpus is named after the folder unless
// opts.Corpus says otherwise. Reserved utterances (see Reserved) are dropped.
func Shared(dir string, opts Options) ([]Entry, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	path := filepath.Join(abs, "manifest.tsv")
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	t, err := readTSV(f, path)
	if err != nil {
		return nil, err
	}
	for _, need := range []string{"id", "audio", "duration"} {
		if !t.has(need) {
			return nil, fmt.Errorf("%s: no %q column", path, need)
		}
	}
	if !t.has("text") && !t.has("statement") {
		return nil, fmt.Errorf("%s: no text column", path)
	}
	corpus := opts.Corpus
	if corpus == "" {
		corpus = filepath.Base(abs)
	}
	entries := make([]Entry, 0, len(t.rows))
	for i, row := range t.rows {
		raw := t.get(row, "text", "statement")
		dur, err := strconv.ParseFloat(t.get(row, "duration"), 64)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: duration: %w", path, t.lines[i], err)
		}
		audioPath := t.get(row, "audio")
		if !filepath.IsAbs(audioPath) {
			audioPath = filepath.Join(abs, filepath.FromSlash(audioPath))
		}
		e := Entry{
			ID:       t.get(row, "id"),
			Audio:    audioPath,
			Duration: dur,
			Text:     opts.normalize(raw),
			RawText:  raw,
			Speaker:  t.get(row, "speaker", "actor"),
			Corpus:   corpus,
			PromptID: t.get(row, "prompt_id"),
			Gender:   normGender(t.get(row, "gender")),
			Emotion:  t.get(row, "emotion"),
		}
		if a := t.get(row, "age"); a != "" {
			if e.Age, err = strconv.Atoi(a); err != nil {
				return nil, fmt.Errorf("%s line %d: age: %w", path, t.lines[i], err)
			}
		}
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, t.lines[i], err)
		}
		if Reserved(e) {
			continue
		}
		entries = append(entries, e)
	}
	return entries, nil
}

// SharedAll reads every corpus folder under root (../shared/corpora) that
// has a manifest.tsv, and the LibriSpeech-layout folders under
// root/librispeech, in a fixed order. It is the whole of the real speech
// the project may train and tune on.
func SharedAll(root string, opts Options) ([]Entry, error) {
	names, err := os.ReadDir(root)
	if err != nil {
		return nil, err
	}
	var all []Entry
	for _, d := range names {
		if !d.IsDir() {
			continue
		}
		dir := filepath.Join(root, d.Name())
		if _, err := os.Stat(filepath.Join(dir, "manifest.tsv")); err == nil {
			es, err := Shared(dir, Options{Normalize: opts.Normalize, Duration: opts.Duration})
			if err != nil {
				return nil, err
			}
			all = append(all, es...)
			continue
		}
		if d.Name() == "librispeech" {
			subs, err := os.ReadDir(dir)
			if err != nil {
				return nil, err
			}
			for _, s := range subs {
				if !s.IsDir() {
					continue
				}
				es, err := LibriSpeech(filepath.Join(dir, s.Name()), Options{Normalize: opts.Normalize, Duration: opts.Duration, Corpus: "librispeech-" + s.Name()})
				if err != nil {
					return nil, err
				}
				all = append(all, es...)
			}
		}
	}
	return all, nil
}

// Reserved reports whether e belongs to a set the project never trains or
// tunes on (../shared/README.md): FSDD speaker jackson and RAVDESS actors
// 19-24. (The speechocean762 test split, LibriSpeech test-clean/test-other
// and Harvard lists 1-2 are not in ../shared at all; LibriSpeech refuses
// folders named after the test sets.)
func Reserved(e Entry) bool {
	c := strings.ToLower(e.Corpus)
	switch {
	case strings.HasPrefix(c, "fsdd"):
		return strings.EqualFold(e.Speaker, "jackson")
	case strings.HasPrefix(c, "ravdess"):
		n, err := strconv.Atoi(e.Speaker)
		return err == nil && n >= 19 && n <= 24
	case strings.HasPrefix(c, "librispeech"):
		return strings.Contains(c, "test-clean") || strings.Contains(c, "test-other")
	}
	return false
}
