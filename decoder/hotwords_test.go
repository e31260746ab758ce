package decoder

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mynah-speech/mynah/lm"
)

// TestHotwordKeepAndLMFloor checks the two word-level terms of a hotword:
// the bonus a completed word keeps, and the least LM log-probability.
func TestHotwordKeepAndLMFloor(t *testing.T) {
	vocab := CharVocabulary()
	model := testLM(t,
		map[string][2]float32{"the": {-1, 0}, "miner": {-3, 0}, "said": {-2, 0}, lm.End: {-1, 0}, lm.Begin: {-99, 0}, lm.Unknown: {-5, 0}},
		nil)
	frames := []map[string]float64{
		{"m": 0.9}, {"i": 0.5, "y": 0.4}, {"n": 0.9}, {"e": 0.5, "a": 0.4}, {"r": 0.5, "h": 0.4}, {" ": 0.9},
		{"s": 0.9}, {"a": 0.9}, {"i": 0.9}, {"d": 0.9},
	}
	logProbs := mixFrames(t, vocab, frames)
	cfg := DefaultConfig()
	d, err := New(vocab, cfg, Resources{LM: model})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := d.Decode(logProbs, nil)
	if base[0].Text != "miner said" {
		t.Fatalf("without hotwords %q", base[0].Text)
	}
	cases := []struct {
		name string
		hw   Hotword
		want float64 // score change of "miner said"
	}{
		{"keep replaces the per-token boosts", Hotword{Phrase: "miner", Boost: 1, Keep: 2.5}, 2.5},
		// ln P(miner) = −3 ln 10 ≈ −6.9 is raised to −4: α·2.9.
		{"LM floor", Hotword{Phrase: "miner", Boost: 1, Keep: 2.5, MinLMLogProb: -4}, 2.5 + cfg.LMWeight*(-4+3*math.Ln10)},
		{"LM floor below the LM's score changes nothing", Hotword{Phrase: "miner", Boost: 1, Keep: 2.5, MinLMLogProb: -20}, 2.5},
		{"two-word phrase keeps per word", Hotword{Phrase: "miner said", Boost: 1, Keep: 2}, 4},
		{"default keep", Hotword{Phrase: "miner", Boost: 1}, DefaultHotwordKeepPerBoost},
		// icefall's context graph: 6 tokens (5 letters + separator).
		{"negative keep keeps the per-token boosts", Hotword{Phrase: "miner", Boost: 1, Keep: -1}, 6},
	}
	for _, c := range cases {
		hot, err := CompileHotwords(vocab, []Hotword{c.hw}, nil)
		if err != nil {
			t.Fatal(err)
		}
		got, _ := d.Decode(logProbs, hot)
		if got[0].Text != "miner said" || math.Abs(got[0].Score-base[0].Score-c.want) > 1e-4 {
			t.Errorf("%s: %q score change %v, want %v", c.name, got[0].Text, got[0].Score-base[0].Score, c.want)
		}
	}
	// An unknown hotword scored as a likely word wins without any boost
	// kept: "mynah" is acoustically close to "miner".
	hot, _ := CompileHotwords(vocab, []Hotword{{Phrase: "mynah", Boost: 0.5, Keep: 0.01, MinLMLogProb: -1}}, nil)
	got, _ := d.Decode(logProbs, hot)
	if got[0].Text != "mynah said" {
		t.Errorf("unknown hotword with an LM floor: %q", got[0].Text)
	} else if !got[0].Words[0].Features.InVocabulary {
		t.Error("a hotword unknown to the LM should count as in the vocabulary for its confidence")
	}
	for _, bad := range []Hotword{{Phrase: "x", Keep: 101}, {Phrase: "x", MinLMLogProb: 1}, {Phrase: "x", Keep: math.NaN()}, {Phrase: "x", MinLMLogProb: math.Inf(-1)}} {
		if _, err := CompileHotwords(vocab, []Hotword{bad}, nil); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestHotwordsKeepTheUnbiasedBeam checks that a hotword list none of whose
// phrases is completed leaves the result as it is without the list: prefix
// bonuses may bring prefixes into the beam but never push out those the
// unbiased search keeps (keepUnion), however large the boost, and the
// OOV penalty a hotword's spelling is spared is owed again once the match
// fails.
func TestHotwordsKeepTheUnbiasedBeam(t *testing.T) {
	vocab := CharVocabulary()
	rng := rand.New(rand.NewPCG(7, 8))
	model := testLM(t,
		map[string][2]float32{"the": {-1, 0}, "cat": {-2, 0}, "sat": {-2, 0}, "mat": {-2.5, 0}, lm.End: {-1, 0}, lm.Begin: {-99, 0}, lm.Unknown: {-4, 0}},
		nil)
	cfg := DefaultConfig()
	cfg.BeamSize = 8
	cfg.Spotting.Off = true // the beam's own guarantee; the spotter may add words
	d, err := New(vocab, cfg, Resources{LM: model})
	if err != nil {
		t.Fatal(err)
	}
	// Phrases that share first letters with what is said but never
	// complete: "thermal" (th-), "catalogue" (cat-), "satchel" (sat-).
	hot, err := CompileHotwords(vocab, []Hotword{{Phrase: "thermal", Boost: 6, Keep: 1}, {Phrase: "catalogue", Boost: 6, Keep: 1}, {Phrase: "satchel", Boost: 6, Keep: 1}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for trial := range 5 {
		logProbs := peaky(t, vocab, "__th_e_ _c_a_t_ _s_a_tt_ _o_n_ _th_e_ _m_a_t__", 0.5)
		for i := range logProbs {
			logProbs[i] += float32(rng.NormFloat64() * 0.5)
		}
		base, _ := d.Decode(logProbs, nil)
		got, _ := d.Decode(logProbs, hot)
		// The larger beam may keep a little more of the text's alignment
		// mass, nothing else.
		if got[0].Text != base[0].Text || math.Abs(got[0].Score-base[0].Score) > 1e-3 {
			t.Errorf("trial %d: with unfinished hotwords %q %v, without %q %v", trial, got[0].Text, got[0].Score, base[0].Text, base[0].Score)
		}
	}
}
