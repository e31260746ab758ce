package tts

import (
	"bufio"
	"context"
	"encoding/gob"
	"encoding/json"
	"io"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/tts/acoustic"
)

// writeSyntheticCache writes a features cache of short synthetic
// utterances (two readings per prompt, some in dev) so the recipe runs
// without the corpus.
func writeSyntheticCache(t *testing.T, path string) {
	rng := rand.New(rand.NewPCG(1, 2))
	var utts []Utt
	prompts := []string{"Hello world.", "Yes, sir!", "A cat sat.", "Why not?", "Go home."}
	for p, text := range prompts {
		for reading := 0; reading < 2; reading++ {
			syms, _ := Symbols(text)
			frames := 3 * len(syms)
			u := Utt{ID: text + string(rune('a'+reading)), PromptID: text, Dev: p == 4, Symbols: syms, Frames: frames,
				Mels: make([]float32, frames*80), F0: make([]float32, frames)}
			for i := range u.Mels {
				u.Mels[i] = float32(-5 + rng.NormFloat64())
			}
			for i := range u.F0 {
				if i%3 != 0 {
					u.F0[i] = float32(180 + 20*math.Sin(float64(i)))
				}
			}
			utts = append(utts, u)
		}
	}
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	if err := gob.NewEncoder(w).Encode(cacheFile{Version: cacheVersion, Utts: utts}); err != nil {
		t.Fatal(err)
	}
	w.Flush()
	f.Close()
}

func TestTrainRunsAndResumes(t *testing.T) {
	dir := t.TempDir()
	writeSyntheticCache(t, filepath.Join(dir, FeaturesFile))
	o := DefaultOptions()
	o.WorkDir, o.Dim, o.Blocks = dir, 16, 1
	o.TotalSteps, o.EvalEvery, o.WarmupSteps, o.BinarizeFrom = 4, 2, 1, 2
	o.BatchFrames = 400
	if err := Train(context.Background(), o, io.Discard); err != nil {
		t.Fatal(err)
	}
	o.TotalSteps = 6
	if err := Train(context.Background(), o, io.Discard); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, LedgerFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) != 3 {
		t.Fatalf("ledger has %d lines, want 3:\n%s", len(lines), b)
	}
	var first, last LedgerLine
	json.Unmarshal([]byte(lines[0]), &first)
	json.Unmarshal([]byte(lines[2]), &last)
	if first.Human == nil || first.Human.AllPairs != 5 || first.Human.DevPairs != 1 {
		t.Fatalf("first ledger line's human MCD: %+v", first.Human)
	}
	if last.Step != 6 || math.IsNaN(last.DevMCD) || last.DevMCD <= 0 {
		t.Fatalf("last ledger line %+v", last)
	}
	data, err := os.ReadFile(filepath.Join(dir, BestFile))
	if err != nil {
		t.Fatal(err)
	}
	m, err := acoustic.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := m.Synthesize(nil, []string{"<sil>", "HH", "AH0", "L", "OW1", ".", "<sil>"}, acoustic.Controls{}); err != nil {
		t.Fatal(err)
	}
}
