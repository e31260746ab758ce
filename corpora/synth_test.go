package corpora

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestSplitSentences(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"One two. Three four!", []string{"One two.", "Three four!"}},
		{`"Go away," she said. "Now!" He went.`, []string{`"Go away," she said.`, `"Now!"`, "He went."}},
		{"No end here", []string{"No end here"}},
		{"Dots...in the middle. End.", []string{"Dots...in the middle.", "End."}},
		{"", nil},
	}
	for _, tt := range tests {
		if got := splitSentences(tt.in); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("splitSentences(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestKeepSentence(t *testing.T) {
	opts := SentenceOptions{}.withDefaults()
	tests := []struct {
		in   string
		want bool
	}{
		{"The small boat drifted toward the shore.", true},
		{`"Do you know what I mean?" he asked.`, true},
		{"Too short.", false},
		{"He paid 12 pounds for the old horse.", false},
		{"CHAPTER ONE began with a storm at sea.", false},
		{"They read chapter IV of the book aloud.", false},
		{"He met J. Smith at the corner of the road.", false},
		{"She walked along the road to St.", false},
		{"the sentence starts with lower case letters.", false},
		{"A sentence cut off by the end of a page and", false},
		{"He wrote [see note] in the margin of the page.", false},
		{"Caf\u00e9 au lait was served in the garden.", false},
	}
	for _, tt := range tests {
		if got := keepSentence(tt.in, opts); got != tt.want {
			t.Errorf("keepSentence(%q) = %v, want %v", tt.in, got, tt.want)
		}
	}
}

func TestBookSentencesAndPick(t *testing.T) {
	dir := t.TempDir()
	writeFiles(t, dir, map[string]string{
		"1-a.txt":           "Chapter 1\n\n\u201cI hope Mr. Bingley will like it,\u201d she said. The _small_ boat drifted\ntoward the distant shore.\n\n[Illustration: A boat drifting on the water.]\n",
		"2-b.txt":           "The small boat drifted toward the distant shore. It was a cold and windy night.\n",
		"3-c.txt":           "This whole book is excluded from the list of books.\n",
		"EXCLUDE_BOOKS.txt": "3\n",
	})
	s, err := BookSentences(dir, SentenceOptions{})
	if err != nil {
		t.Fatal(err)
	}
	want := []string{`"I hope Mister Bingley will like it," she said.`, "The small boat drifted toward the distant shore.", "The small boat drifted toward the distant shore.", "It was a cold and windy night."}
	if !reflect.DeepEqual(s, want) {
		t.Fatalf("BookSentences = %q\nwant %q", s, want)
	}
	exclude := map[string]bool{"it was a cold and windy night": true}
	p := PickSentences(s, 10, 7, exclude, normalizeForTest)
	if len(p) != 2 {
		t.Fatalf("PickSentences deduplicated/excluded wrongly: %q", p)
	}
	rev := []string{s[3], s[2], s[1], s[0]}
	if q := PickSentences(rev, 10, 7, exclude, normalizeForTest); !reflect.DeepEqual(p, q) {
		t.Errorf("pick depends on input order: %q vs %q", p, q)
	}
	if q := PickSentences(s, 1, 7, nil, normalizeForTest); len(q) != 1 {
		t.Errorf("n=1: %q", q)
	}
}

func TestSynthPlanDeterministic(t *testing.T) {
	cfg := SynthConfig{TextDir: "x", Seed: 3, Utterances: 10, Voices: SynthVoices()}
	if err := cfg.defaults(); err != nil {
		t.Fatal(err)
	}
	engines := map[string]int{}
	for i := range 400 {
		a, b := cfg.plan(i, "s"), cfg.plan(i, "s")
		if a != b {
			t.Fatalf("plan %d not deterministic", i)
		}
		if a.stretch < 0.85 || a.stretch > 1.2 || a.pitch < 0.8 || a.pitch > 1.2 {
			t.Fatalf("plan %d out of range: %+v", i, a)
		}
		engines[a.voice.Engine]++
	}
	for e, w := range map[string]float64{"flite": 0.35, "festival": 0.25, "espeak-ng": 0.40} {
		if got := float64(engines[e]) / 400; got < w-0.08 || got > w+0.08 {
			t.Errorf("engine %s share %.2f, want about %.2f", e, got, w)
		}
	}
	bad := SynthConfig{TextDir: "x", Batch: "a-b", Utterances: 1, Voices: SynthVoices()}
	if err := bad.defaults(); err == nil {
		t.Error("batch name with '-' accepted")
	}
}

// TestSynthesize runs every engine once on a tiny book (skipped when the
// engines are not installed, or with -short).
func TestSynthesize(t *testing.T) {
	if testing.Short() {
		t.Skip("runs TTS engines")
	}
	for _, bin := range []string{"flite", "espeak-ng", "text2wave"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Skip(bin + " not installed: bash ../shared/bench/install-peers.sh")
		}
	}
	books := t.TempDir()
	writeFiles(t, books, map[string]string{"1-a.txt": "The small boat drifted toward the distant shore. It was a cold and windy night in the valley. She opened the door and looked out at the rain.\n"})
	dir := t.TempDir()
	voices := []Voice{{"flite", "slt", "f", 16000, true, true}, {"espeak-ng", "en-gb-scotland+f2", "f", 22050, true, true}, {"festival", "kal_diphone", "m", 16000, true, true}}
	cfg := SynthConfig{TextDir: books, Batch: "t1", Seed: 1, Utterances: 3, Voices: voices, Workers: 2,
		EngineWeights: map[string]float64{"flite": 1, "espeak-ng": 1, "festival": 1}}
	path, st, err := Synthesize(context.Background(), cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	if st.Made != 3 || st.Failed != 0 {
		t.Fatalf("stats %+v", st)
	}
	es, err := ReadManifestFile(path)
	if err != nil || len(es) != 3 {
		t.Fatalf("manifest: %d entries, %v", len(es), err)
	}
	for _, e := range es {
		if e.Corpus != "synth" || !strings.HasPrefix(e.ID, "t1-") || e.Duration < 1 || e.Text == "" || e.Voice == "" {
			t.Errorf("entry %+v", e)
		}
		if _, err := os.Stat(e.Audio); err != nil {
			t.Error(err)
		}
	}
	// Resume: nothing left to make.
	_, st, err = Synthesize(context.Background(), cfg, dir, nil)
	if err != nil || st.Made != 0 || st.Resumed != 3 {
		t.Errorf("resume: %+v %v", st, err)
	}
	// A torn last line is cut off, and that utterance made again.
	b, _ := os.ReadFile(path)
	os.WriteFile(path, b[:len(b)-10], 0o644)
	_, st, err = Synthesize(context.Background(), cfg, dir, nil)
	if err != nil || st.Made != 1 || st.Resumed != 2 {
		t.Errorf("torn resume: %+v %v", st, err)
	}
	if es, _ := ReadManifestFile(filepath.Join(dir, "synth", "t1", "manifest.jsonl")); len(es) != 3 {
		t.Errorf("after torn resume: %d entries", len(es))
	}
}

func TestFestivalProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("runs festival")
	}
	if _, err := exec.LookPath("festival"); err != nil {
		t.Skip("festival not installed")
	}
	p, err := startFestival()
	if err != nil {
		t.Fatal(err)
	}
	defer p.close()
	dir := t.TempDir()
	for i, raw := range []string{`"Come here," she said to the old man.`, `A back\slash and a "quote" inside.`, "It was a cold and windy night."} {
		v := Voice{"festival", "kal_diphone", "m", 16000, true, true}
		if i == 2 {
			v = Voice{"festival", "cmu_us_slt_arctic_hts", "f", 32000, false, false}
		}
		out := filepath.Join(dir, fmt.Sprint(i)+".wav")
		if _, err := p.synth(context.Background(), synthJob{raw: raw, voice: v, stretch: 1.1, pitch: 0.9}, out); err != nil {
			t.Fatalf("%q: %v", raw, err)
		}
		if d, err := decodedDuration(out); err != nil || d < 1 {
			t.Errorf("%q: %.2f s, %v", raw, d, err)
		}
	}
	if _, err := p.synth(context.Background(), synthJob{raw: "x", voice: Voice{Engine: "festival", Name: "kal_diphone"}}, filepath.Join(dir, "it's.wav")); err == nil {
		t.Error("a quote in the output path was accepted")
	}
}

func TestDigitPrompts(t *testing.T) {
	a, b := DigitPrompts(40, 3), DigitPrompts(40, 3)
	if len(a) != 40 {
		t.Fatalf("got %d prompts, want 40", len(a))
	}
	counts := map[string]int{}
	for i, p := range a {
		if p != b[i] {
			t.Fatalf("prompt %d differs between runs: %q vs %q", i, p, b[i])
		}
		n := len(strings.Fields(p))
		if i < 20 {
			counts[p]++
			if n != 1 {
				t.Errorf("prompt %d = %q, want one digit", i, p)
			}
		} else if n < 2 || n > 5 {
			t.Errorf("prompt %d = %q, want 2-5 digits", i, p)
		}
	}
	for _, w := range digitWords {
		if counts[w] != 2 {
			t.Errorf("single %q appears %d times, want 2", w, counts[w])
		}
	}
	if len(DigitPrompts(0, 1)) != 0 || len(DigitPrompts(-1, 1)) != 0 {
		t.Error("no prompts wanted, some made")
	}
}

// TestSynthesizeTexts reads given prompts (repeats kept) under a corpus
// label of their own.
func TestSynthesizeTexts(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a TTS engine")
	}
	if _, err := exec.LookPath("espeak-ng"); err != nil {
		t.Skip("espeak-ng not installed: bash ../shared/bench/install-peers.sh")
	}
	dir := t.TempDir()
	cfg := SynthConfig{Batch: "d1", Seed: 1, Utterances: 5, Texts: []string{"seven", "seven", "one two"}, Corpus: "synthdigits",
		Voices: []Voice{{"espeak-ng", "en-us", "m", 22050, true, true}}}
	path, st, err := Synthesize(context.Background(), cfg, dir, nil)
	if err != nil {
		t.Fatal(err)
	}
	es, err := ReadManifestFile(path)
	if err != nil || st.Made != 3 || len(es) != 3 {
		t.Fatalf("made %d, manifest %d entries, %v", st.Made, len(es), err)
	}
	got := map[string]int{}
	for _, e := range es {
		got[e.Text]++
		if e.Corpus != "synthdigits" || Family(e.Corpus) != "synthdigits" {
			t.Errorf("entry %s: corpus %q", e.ID, e.Corpus)
		}
	}
	if got["seven"] != 2 || got["one two"] != 1 {
		t.Errorf("texts %v", got)
	}
}
