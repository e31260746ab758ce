package decoder

import (
	"math"
	"strings"
	"testing"
	"time"
)

// TestSpotter checks the CTC word spotter: it recovers a hotword the
// acoustics rank second on every letter, which the beam alone (boost too
// small to matter) misses, and it leaves clear speech alone when the
// hotwords are absent.
func TestSpotter(t *testing.T) {
	vocab := CharVocabulary()
	frames := []map[string]float64{
		{"_": 0.9}, {"t": 0.9}, {"h": 0.9}, {"e": 0.9}, {" ": 0.9},
		{"k": 0.45, "c": 0.35}, {"_": 0.9}, {"a": 0.9}, {"t": 0.9}, {"_": 0.9},
	}
	logProbs := mixFrames(t, vocab, frames)
	hot, err := CompileHotwords(vocab, []Hotword{{Phrase: "cat", Boost: 0.01}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		off  bool
		want string
	}{
		{"beam only", true, "the kat"},
		{"with the spotter", false, "the cat"},
	} {
		cfg := DefaultConfig()
		cfg.Spotting.Off = tc.off
		d, err := New(vocab, cfg, Resources{})
		if err != nil {
			t.Fatal(err)
		}
		got, err := d.Decode(logProbs, hot)
		if err != nil {
			t.Fatal(err)
		}
		if got[0].Text != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got[0].Text, tc.want)
		}
		if !tc.off {
			w := got[0].Words[1]
			if w.StartFrame != 5 || w.EndFrame != 9 || w.Start != 150*time.Millisecond {
				t.Errorf("spotted word's frames %d..%d (start %v), want 5..9", w.StartFrame, w.EndFrame, w.Start)
			}
		}
	}

	// Clear speech of other words: nothing spotted, whatever the prefixes
	// shared, and no match inside a word ("at" in "cat"). Tiny boosts keep
	// the beam's part out of it.
	d, err := New(vocab, DefaultConfig(), Resources{})
	if err != nil {
		t.Fatal(err)
	}
	clear := peaky(t, vocab, "__th_e_ _c_a_t_ _s_a_tt_ _o_n_ _th_e_ _m_a_t__", 0.95)
	absent, err := CompileHotwords(vocab, []Hotword{{Phrase: "thermal", Boost: 0.01}, {Phrase: "catalogue", Boost: 0.01}, {Phrase: "satchel", Boost: 0.01}, {Phrase: "matt", Boost: 0.01}, {Phrase: "at", Boost: 0.01}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := d.Decode(clear, absent)
	if got[0].Text != "the cat sat on the mat" {
		t.Errorf("absent hotwords: %q", got[0].Text)
	}
}

// TestSpotMerge checks how spotted phrases replace the words they cover.
func TestSpotMerge(t *testing.T) {
	sp := &spotter{cfg: SpotConfig{}.resolved(), hot: &Hotwords{phrases: []Hotword{{Phrase: "panda"}, {Phrase: "new york"}}}}
	words := func(spec string) []Word {
		// "text@start-end" items, end exclusive.
		var out []Word
		for _, item := range strings.Fields(spec) {
			var w Word
			text, span, _ := strings.Cut(item, "@")
			w.Text = text
			a, b, _ := strings.Cut(span, "-")
			w.StartFrame, w.EndFrame = atoi(a), atoi(b)
			out = append(out, w)
		}
		return out
	}
	for _, tc := range []struct {
		name  string
		words string
		hits  []spotHit
		want  string
	}{
		{"replaces one word", "see@0-5 the@6-9 and@10-20", []spotHit{{phrase: 0, start: 10, end: 19}}, "see the panda"},
		{"replaces two words", "see@0-5 pan@6-9 da@10-14", []spotHit{{phrase: 0, start: 6, end: 13}}, "see panda"},
		{"keeps a word it barely touches", "see@0-10 an@11-20", []spotHit{{phrase: 0, start: 9, end: 20}}, "see panda"},
		{"goes in a gap", "see@0-5 now@30-35", []spotHit{{phrase: 0, start: 10, end: 20}}, "see panda now"},
		{"goes at the end", "see@0-5", []spotHit{{phrase: 0, start: 10, end: 20}}, "see panda"},
		{"goes at the start", "see@30-35", []spotHit{{phrase: 1, start: 0, end: 20}}, "new york see"},
		{"into nothing", "", []spotHit{{phrase: 1, start: 0, end: 20}}, "new york"},
		{"two phrases", "a@0-5 b@6-10 c@11-15", []spotHit{{phrase: 0, start: 0, end: 5}, {phrase: 1, start: 11, end: 15}}, "panda b new york"},
	} {
		got := joinWords(sp.merge(words(tc.words), tc.hits, 30*time.Millisecond))
		if got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
}

func atoi(s string) int {
	n := 0
	for _, r := range s {
		n = 10*n + int(r-'0')
	}
	return n
}

func TestSpotConfigValidate(t *testing.T) {
	for _, tc := range []struct {
		cfg SpotConfig
		ok  bool
	}{
		{SpotConfig{}, true},
		{SpotConfig{Off: true}, true},
		{SpotConfig{TokenWeight: 2, MinScore: -3, MinOverlap: 0.5}, true},
		{SpotConfig{TokenWeight: -1}, false},
		{SpotConfig{TokenWeight: math.NaN()}, false},
		{SpotConfig{AlignTokenWeight: 101}, false},
		{SpotConfig{MinScore: math.Inf(-1)}, false},
		{SpotConfig{BeamPrune: -2}, false},
		{SpotConfig{StartMaxBlank: 1.5}, false},
		{SpotConfig{StartMinProb: -0.1}, false},
		{SpotConfig{MinOverlap: 2}, false},
	} {
		cfg := DefaultConfig()
		cfg.Spotting = tc.cfg
		if err := cfg.Validate(); (err == nil) != tc.ok {
			t.Errorf("%+v: error %v, want ok %v", tc.cfg, err, tc.ok)
		}
	}
}

// TestSpotterNaN feeds frames with NaN log-probabilities: no panic, no
// word from them.
func TestSpotterNaN(t *testing.T) {
	vocab := CharVocabulary()
	d, err := New(vocab, DefaultConfig(), Resources{})
	if err != nil {
		t.Fatal(err)
	}
	hot, _ := CompileHotwords(vocab, []Hotword{{Phrase: "cat", Boost: 0.01}}, nil)
	logProbs := peaky(t, vocab, "_c_a_t_", 0.9)
	for i := range logProbs {
		if i%3 == 0 {
			logProbs[i] = float32(math.NaN())
		}
	}
	if _, err := d.Decode(logProbs, hot); err != nil {
		t.Fatal(err)
	}
}
