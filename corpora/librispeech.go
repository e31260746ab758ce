package corpora

import (
	"bufio"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// audioExts are the extensions LibriSpeech-layout recipes look for, in order
// of preference when one utterance exists in several forms.
var audioExts = []string{".flac", ".wav", ".mp3"}

// LibriSpeech reads a folder in the LibriSpeech layout (Panayotov et al.,
// ICASSP 2015): SPEAKER/CHAPTER/SPEAKER-CHAPTER.trans.txt with one
// "UTTID TRANSCRIPT" line per utterance beside UTTID.flac (or .wav, .mp3).
// SPEAKERS.TXT, when present at the top or one level up, gives genders.
//
// Durations are measured by decoding (opts.Duration). The corpus is
// "librispeech" unless opts.Corpus says otherwise. A folder named
// test-clean or test-other is refused: those sets are reserved.
func LibriSpeech(dir string, opts Options) ([]Entry, error) {
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if b := filepath.Base(abs); b == "test-clean" || b == "test-other" {
		return nil, fmt.Errorf("librispeech %s: reserved set, never used for training or tuning", abs)
	}
	corpus := opts.Corpus
	if corpus == "" {
		corpus = "librispeech"
	}
	genders := map[string]string{}
	for _, p := range []string{filepath.Join(abs, "SPEAKERS.TXT"), filepath.Join(filepath.Dir(abs), "SPEAKERS.TXT")} {
		if g, err := readSpeakersTXT(p); err == nil {
			genders = g
			break
		}
	}
	var transFiles []string
	err = filepath.WalkDir(abs, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() && strings.HasSuffix(d.Name(), ".trans.txt") {
			transFiles = append(transFiles, p)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("librispeech %s: %w", abs, err)
	}
	sort.Strings(transFiles)
	var entries []Entry
	for _, tf := range transFiles {
		es, err := readTrans(tf, corpus, genders, opts)
		if err != nil {
			return nil, err
		}
		entries = append(entries, es...)
	}
	return entries, nil
}

func readTrans(path, corpus string, genders map[string]string, opts Options) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	dir := filepath.Dir(path)
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var entries []Entry
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSpace(sc.Text())
		if s == "" {
			continue
		}
		id, raw, _ := strings.Cut(s, " ")
		raw = strings.TrimSpace(raw)
		audioPath := ""
		for _, ext := range audioExts {
			p := filepath.Join(dir, id+ext)
			if _, err := os.Stat(p); err == nil {
				audioPath = p
				break
			}
		}
		if audioPath == "" {
			return nil, fmt.Errorf("%s line %d: no audio file for %s", path, line, id)
		}
		dur, err := opts.duration(audioPath)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", audioPath, err)
		}
		speaker, _, _ := strings.Cut(id, "-")
		e := Entry{
			ID: id, Audio: audioPath, Duration: dur,
			Text: opts.normalize(raw), RawText: raw,
			Speaker: speaker, Corpus: corpus, Gender: genders[speaker],
		}
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", path, line, err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return entries, nil
}

// readSpeakersTXT parses LibriSpeech's "ID | SEX | SUBSET | MINUTES | NAME"
// table (';' starts a comment line).
func readSpeakersTXT(path string) (map[string]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	g := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		s := sc.Text()
		if strings.HasPrefix(s, ";") {
			continue
		}
		parts := strings.Split(s, "|")
		if len(parts) < 2 {
			continue
		}
		g[strings.TrimSpace(parts[0])] = normGender(parts[1])
	}
	return g, sc.Err()
}
