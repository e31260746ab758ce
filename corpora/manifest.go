package corpora

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
)

// Entry is one utterance of a manifest: one JSON object per line.
//
// ID is unique within a corpus (the corpus's own utterance id). Audio is the
// path of the audio file; ReadManifestFile resolves relative paths against
// the manifest's folder. Duration is in seconds, of the source audio. Text
// is the spoken form the models train on (text.Normalize: a-z, apostrophe,
// single spaces); RawText keeps the corpus's own transcript.
type Entry struct {
	ID       string  `json:"id"`
	Audio    string  `json:"audio"`
	Duration float64 `json:"duration"`
	Text     string  `json:"text"`
	Speaker  string  `json:"speaker"`
	// Corpus names the corpus the entry came from (the folder name for
	// ../shared corpora, "librispeech", "fsdd", "synth", ...). The dev split
	// and the PCM cache key on it.
	Corpus  string `json:"corpus,omitempty"`
	RawText string `json:"raw_text,omitempty"`
	// PromptID groups several readings of one prompt (Kathleen's CMU ARCTIC
	// ids); the dev split holds out whole prompts.
	PromptID string `json:"prompt_id,omitempty"`
	Age      int    `json:"age,omitempty"`
	// Gender is "f" or "m" when the corpus says.
	Gender  string `json:"gender,omitempty"`
	Emotion string `json:"emotion,omitempty"`
	// Voice names the TTS engine, voice and settings of a synthetic entry,
	// e.g. "espeak-ng:en-us+m3:s=150:p=40"; empty for real speech.
	Voice string `json:"voice,omitempty"`
}

// SpeakerKey is the speaker's identity across corpora: corpus and speaker,
// since speaker ids ("01", "0001", "george") are only unique per corpus.
func (e Entry) SpeakerKey() string { return e.Corpus + "/" + e.Speaker }

// Validate reports the first thing wrong with e: an empty or unprintable
// id, an empty audio path, or a negative or non-finite duration.
func (e Entry) Validate() error {
	if e.ID == "" {
		return errors.New("empty id")
	}
	if strings.ContainsAny(e.ID, "\t\n\r/\\") || strings.TrimSpace(e.ID) != e.ID {
		return fmt.Errorf("id %q has a tab, newline, slash or edge space", e.ID)
	}
	if e.Audio == "" {
		return fmt.Errorf("%s: empty audio path", e.ID)
	}
	if e.Duration < 0 || math.IsNaN(e.Duration) || math.IsInf(e.Duration, 0) {
		return fmt.Errorf("%s: bad duration %v", e.ID, e.Duration)
	}
	return nil
}

// maxLine bounds one manifest line; a longer line is an error, not an
// allocation as large as the input.
const maxLine = 1 << 20

// ReadManifest reads a JSON Lines manifest: one Entry per line, blank lines
// skipped. Unknown fields are ignored so that manifests from newer writers
// still read. Every entry is validated; the error names the line.
func ReadManifest(r io.Reader) ([]Entry, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), maxLine)
	var entries []Entry
	for line := 1; sc.Scan(); line++ {
		b := bytes.TrimSpace(sc.Bytes())
		if len(b) == 0 {
			continue
		}
		var e Entry
		if err := json.Unmarshal(b, &e); err != nil {
			return entries, fmt.Errorf("manifest line %d: %w", line, err)
		}
		if err := e.Validate(); err != nil {
			return entries, fmt.Errorf("manifest line %d: %w", line, err)
		}
		entries = append(entries, e)
	}
	if err := sc.Err(); err != nil {
		return entries, fmt.Errorf("read manifest: %w", err)
	}
	return entries, nil
}

// WriteManifest writes entries as JSON Lines, one object per line, in order.
// It validates each entry first and writes nothing after the first bad one.
func WriteManifest(w io.Writer, entries []Entry) error {
	bw := bufio.NewWriter(w)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	for i, e := range entries {
		if err := e.Validate(); err != nil {
			return fmt.Errorf("manifest entry %d: %w", i, err)
		}
		if err := enc.Encode(e); err != nil {
			return fmt.Errorf("manifest entry %s: %w", e.ID, err)
		}
	}
	return bw.Flush()
}

// ReadManifestFile reads the manifest at path; relative audio paths are
// taken relative to the manifest's folder and returned absolute-or-joined,
// so the entries work from any working directory.
func ReadManifestFile(path string) ([]Entry, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	entries, err := ReadManifest(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	base := filepath.Dir(path)
	for i := range entries {
		if !filepath.IsAbs(entries[i].Audio) {
			entries[i].Audio = filepath.Join(base, entries[i].Audio)
		}
	}
	return entries, nil
}

// WriteManifestFile writes entries to path atomically: into a temporary file
// in the same folder, then renamed, so a reader never sees half a manifest
// and a crash never loses the previous one. Missing folders are created.
func WriteManifestFile(path string, entries []Entry) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return err
	}
	f, err := os.CreateTemp(filepath.Dir(path), ".manifest-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	defer os.Remove(tmp) // no-op after the rename
	if err := WriteManifest(f, entries); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Chmod(tmp, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// TotalDuration sums the durations of entries, in seconds.
func TotalDuration(entries []Entry) float64 {
	var s float64
	for _, e := range entries {
		s += e.Duration
	}
	return s
}
