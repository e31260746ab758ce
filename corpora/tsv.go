package corpora

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
)

// TSV reads a user's own list: one utterance per line, "audio<TAB>text",
// optionally a third column with the speaker. A first line whose first
// field is "audio" is a header and skipped; lines starting with '#' are
// comments. Audio paths are relative to the list's folder. The id is the
// audio file's name without its extension; two files with the same stem
// are an error (rename one, or split the list). The corpus is the list's
// file name without extension unless opts.Corpus says otherwise.
// Durations are measured by decoding (opts.Duration).
func TSV(path string, opts Options) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, err
	}
	corpus := opts.Corpus
	if corpus == "" {
		corpus = strings.TrimSuffix(filepath.Base(abs), filepath.Ext(abs))
	}
	return readUserTSV(f, filepath.Dir(abs), path, corpus, opts)
}

func readUserTSV(r io.Reader, base, name, corpus string, opts Options) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	seen := map[string]int{}
	var entries []Entry
	for line := 1; sc.Scan(); line++ {
		s := strings.TrimSuffix(sc.Text(), "\r")
		if strings.TrimSpace(s) == "" || strings.HasPrefix(s, "#") {
			continue
		}
		fields := strings.Split(s, "\t")
		if line == 1 && strings.EqualFold(strings.TrimSpace(fields[0]), "audio") {
			continue
		}
		if len(fields) < 2 || len(fields) > 3 {
			return nil, fmt.Errorf("%s line %d: want audio<TAB>text[<TAB>speaker], got %d fields", name, line, len(fields))
		}
		audioPath := strings.TrimSpace(fields[0])
		if audioPath == "" {
			return nil, fmt.Errorf("%s line %d: empty audio path", name, line)
		}
		if !filepath.IsAbs(audioPath) {
			audioPath = filepath.Join(base, filepath.FromSlash(audioPath))
		}
		stem := filepath.Base(audioPath)
		id := strings.TrimSuffix(stem, filepath.Ext(stem))
		if prev, dup := seen[id]; dup {
			return nil, fmt.Errorf("%s line %d: id %q already used on line %d", name, line, id, prev)
		}
		seen[id] = line
		raw := strings.TrimSpace(fields[1])
		e := Entry{ID: id, Audio: audioPath, Text: opts.normalize(raw), RawText: raw, Corpus: corpus}
		if len(fields) == 3 {
			e.Speaker = strings.TrimSpace(fields[2])
		}
		if err := e.Validate(); err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		dur, err := opts.duration(audioPath)
		if err != nil {
			return nil, fmt.Errorf("%s line %d: %w", name, line, err)
		}
		e.Duration = dur
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return entries, nil
}
