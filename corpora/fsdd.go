package corpora

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// digitWords are FSDD's transcripts: the file name's leading digit as a word.
var digitWords = [10]string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}

// FSDD reads the Free Spoken Digit Dataset: either the ../shared folder
// (with its manifest.tsv) or the upstream layout, a folder (or its
// recordings/ subfolder) of {digit}_{speaker}_{index}.wav or .flac files.
// Speaker jackson is reserved and always dropped. The corpus is "fsdd"
// unless opts.Corpus says otherwise.
func FSDD(dir string, opts Options) ([]Entry, error) {
	if opts.Corpus == "" {
		opts.Corpus = "fsdd"
	}
	if _, err := os.Stat(filepath.Join(dir, "manifest.tsv")); err == nil {
		return Shared(dir, opts)
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, err
	}
	if st, err := os.Stat(filepath.Join(abs, "recordings")); err == nil && st.IsDir() {
		abs = filepath.Join(abs, "recordings")
	}
	files, err := os.ReadDir(abs)
	if err != nil {
		return nil, err
	}
	var entries []Entry
	for _, f := range files {
		name := f.Name()
		ext := strings.ToLower(filepath.Ext(name))
		if f.IsDir() || (ext != ".wav" && ext != ".flac") {
			continue
		}
		id := strings.TrimSuffix(name, filepath.Ext(name))
		parts := strings.Split(id, "_")
		if len(parts) != 3 || len(parts[0]) != 1 || parts[0][0] < '0' || parts[0][0] > '9' {
			continue // not an FSDD recording name
		}
		e := Entry{
			ID: id, Audio: filepath.Join(abs, name),
			RawText: parts[0], Text: digitWords[parts[0][0]-'0'],
			Speaker: parts[1], Corpus: opts.Corpus,
		}
		if Reserved(e) {
			continue
		}
		if e.Duration, err = opts.duration(e.Audio); err != nil {
			return nil, fmt.Errorf("fsdd %s: %w", e.Audio, err)
		}
		entries = append(entries, e)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].ID < entries[j].ID })
	return entries, nil
}
