package decode

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mynah-speech/mynah/corpora"
)

// FuzzLoadCached feeds arbitrary bytes to the posterior cache reader: it
// must return an error or posteriors that match their entries, never
// panic. The seed corpus (testdata/fuzz/FuzzLoadCached) holds a valid
// cache of two one-frame utterances, written by TestWriteFuzzSeed.
func FuzzLoadCached(f *testing.F) {
	f.Add([]byte{})
	f.Add([]byte("garbage"))
	entries := []corpora.Entry{{ID: "a", Corpus: "x", Text: "a"}, {ID: "b", Corpus: "x", Text: "b"}}
	f.Fuzz(func(t *testing.T, data []byte) {
		dir := t.TempDir()
		if err := os.WriteFile(filepath.Join(dir, "k.gob"), data, 0o644); err != nil {
			t.Fatal(err)
		}
		p, err := LoadCached(dir, "k", "m@1", entries)
		if err != nil {
			return
		}
		for i, u := range p.Utterances {
			if len(u.LogProbs) != u.Frames*len(p.Vocab) {
				t.Fatalf("utterance %d: %d values for %d frames", i, len(u.LogProbs), u.Frames)
			}
		}
	})
}

// TestWriteFuzzSeed regenerates the fuzz seed when MYNAH_WRITE_SEED is set.
func TestWriteFuzzSeed(t *testing.T) {
	if os.Getenv("MYNAH_WRITE_SEED") == "" {
		t.Skip("set MYNAH_WRITE_SEED=1 to rewrite testdata/fuzz/FuzzLoadCached/valid")
	}
	p := &Posteriors{ModelID: "m@1", Vocab: []string{"<blank>", " ", "a", "b"}, FrameMs: 30, Utterances: []Utterance{
		{ID: "a", Corpus: "x", Family: "x", Text: "a", Frames: 1, LogProbs: []float32{-1, -2, -0.5, -3}},
		{ID: "b", Corpus: "x", Family: "x", Text: "b", Frames: 1, LogProbs: []float32{-1, -2, -3, -0.5}},
	}}
	dir := t.TempDir()
	if err := SaveCached(dir, "k", p); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "k.gob"))
	if err != nil {
		t.Fatal(err)
	}
	seed := "go test fuzz v1\n[]byte(" + quoteBytes(data) + ")\n"
	if err := os.MkdirAll("testdata/fuzz/FuzzLoadCached", 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile("testdata/fuzz/FuzzLoadCached/valid", []byte(seed), 0o644); err != nil {
		t.Fatal(err)
	}
}

// quoteBytes writes data as a Go string literal with \x escapes.
func quoteBytes(data []byte) string {
	out := []byte{'"'}
	for _, c := range data {
		out = append(out, '\\', 'x', "0123456789abcdef"[c>>4], "0123456789abcdef"[c&15])
	}
	return string(append(out, '"'))
}
