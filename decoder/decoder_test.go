package decoder

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/lm"
)

func smallVocab() Vocabulary {
	return Vocabulary{Tokens: []string{"_", " ", "a", "b"}, Blank: 0, Separator: 1}
}

// exhaustive scores every word sequence by summing the probability of every
// frame-level path that collapses to it, then adds fusion(words).
func exhaustive(logProbs []float32, vocab Vocabulary, fusion func(words []string) float64) map[string]float64 {
	v := len(vocab.Tokens)
	frames := len(logProbs) / v
	acoustic := map[string]float64{}
	path := make([]int, frames)
	var walk func(t int, lp float64)
	walk = func(t int, lp float64) {
		if t == frames {
			var b strings.Builder
			prev := -1
			for _, c := range path {
				if c != prev && c != vocab.Blank {
					b.WriteString(vocab.Tokens[c])
				}
				prev = c
			}
			key := strings.Join(strings.Fields(b.String()), " ")
			if old, ok := acoustic[key]; ok {
				acoustic[key] = logAdd(old, lp)
			} else {
				acoustic[key] = lp
			}
			return
		}
		for c := range v {
			path[t] = c
			walk(t+1, lp+float64(logProbs[t*v+c]))
		}
	}
	walk(0, 0)
	out := map[string]float64{}
	for text, a := range acoustic {
		f := fusion(strings.Fields(text))
		if !math.IsInf(f, -1) {
			out[text] = a + f
		}
	}
	return out
}

func ranked(scores map[string]float64) []string {
	keys := make([]string, 0, len(scores))
	for k := range scores {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b string) int {
		if scores[a] > scores[b] {
			return -1
		}
		if scores[a] < scores[b] {
			return 1
		}
		return strings.Compare(a, b)
	})
	return keys
}

func wideConfig() Config {
	cfg := DefaultConfig()
	cfg.BeamSize = 1 << 16
	cfg.BeamPrune = 1e6
	cfg.TokenMinLogProb = -1e6
	cfg.NBest = 5
	cfg.SettleAfter = 0
	return cfg
}

// TestExhaustive checks that a beam wide enough to keep every prefix finds
// exactly the scores of brute-force enumeration over all alignments, with
// and without an LM, in lexicon-free and constrained modes.
func TestExhaustive(t *testing.T) {
	vocab := smallVocab()
	model := testLM(t,
		map[string][2]float32{"a": {-0.5, -0.2}, "b": {-0.9, -0.1}, "ab": {-1.2, -0.3}, lm.End: {-0.7, 0}, lm.Begin: {-99, -0.25}, lm.Unknown: {-2, 0}},
		map[[2]string]float32{{lm.Begin, "a"}: -0.3, {"a", "b"}: -0.2, {"b", lm.End}: -0.1, {"ab", "a"}: -0.4})
	lexicon, _, err := NewLexicon(vocab, []string{"a", "ab", "ba"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := wideConfig()
	cfg.OOVCharPenalty = 0.7
	lmFusion := func(words []string) float64 {
		state := model.BeginState()
		total := 0.0
		for _, w := range words {
			id, ok := model.Lookup(w)
			if !ok {
				total -= cfg.OOVPenalty + cfg.OOVCharPenalty*float64(lettersAfterLeaving(w, []string{"a", "b", "ab"}))
			}
			lp, next := model.Score(state, id)
			state = next
			total += cfg.LMWeight*float64(lp) + cfg.WordBonus
		}
		lp, _ := model.Score(state, lm.EndID)
		return total + cfg.LMWeight*float64(lp)
	}
	constrained := func(words []string) float64 {
		for _, w := range words {
			if !slices.Contains([]string{"a", "ab", "ba"}, w) {
				return math.Inf(-1)
			}
		}
		return 0
	}
	cases := []struct {
		name   string
		res    Resources
		cfg    func(Config) Config
		fusion func([]string) float64
	}{
		{"acoustic only", Resources{}, func(c Config) Config { return c }, func([]string) float64 { return 0 }},
		{"with LM", Resources{LM: model}, func(c Config) Config { return c }, lmFusion},
		{"constrained", Resources{Lexicon: lexicon}, func(c Config) Config { c.Constrained = true; return c }, constrained},
	}
	for _, tc := range cases {
		for seed := range 4 {
			rng := rand.New(rand.NewPCG(uint64(seed), 8))
			logProbs := randomLogProbs(rng, 6, len(vocab.Tokens), 1.5)
			want := exhaustive(logProbs, vocab, tc.fusion)
			d, err := New(vocab, tc.cfg(cfg), tc.res)
			if err != nil {
				t.Fatal(err)
			}
			got, err := d.Decode(logProbs, nil)
			if err != nil {
				t.Fatal(err)
			}
			order := ranked(want)
			for i, h := range got {
				if i >= len(order) {
					t.Fatalf("%s seed %d: %d hypotheses, exhaustive search has %d", tc.name, seed, len(got), len(order))
				}
				if h.Text != order[i] || math.Abs(h.Score-want[order[i]]) > 1e-6 {
					t.Errorf("%s seed %d: rank %d = %q %.6f, exhaustive %q %.6f", tc.name, seed, i, h.Text, h.Score, order[i], want[order[i]])
				}
			}
		}
	}
}

func TestGreedyAndBeamOnPeakyInput(t *testing.T) {
	vocab := CharVocabulary()
	cases := []struct{ script, want string }{
		{"__hh_e_ll_l_oo__  _wo_rr_l_d__", "hello world"},
		{"  __a_ _ b__", "a b"},
		{"", ""},
		{"______", ""},
		{"i'm___ _ok", "i'm ok"},
	}
	d, err := New(vocab, DefaultConfig(), Resources{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range cases {
		logProbs := peaky(t, vocab, tc.script, 0.9)
		g, err := Greedy(logProbs, vocab, 30*time.Millisecond)
		if err != nil {
			t.Fatal(err)
		}
		if g.Text != tc.want {
			t.Errorf("greedy %q = %q, want %q", tc.script, g.Text, tc.want)
		}
		hyps, err := d.Decode(logProbs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if hyps[0].Text != tc.want || words(hyps[0]) != tc.want {
			t.Errorf("beam %q = %q, want %q", tc.script, hyps[0].Text, tc.want)
		}
		for i := 1; i < len(hyps); i++ {
			if hyps[i].Score > hyps[i-1].Score {
				t.Errorf("%q: n-best not sorted at %d", tc.script, i)
			}
		}
	}
}

// TestBeamBeatsGreedy is the classic case where the best path is not the
// best labelling: blank wins each frame, but "a" summed over its
// alignments is more likely than the empty string.
func TestBeamBeatsGreedy(t *testing.T) {
	vocab := smallVocab()
	frames := []map[string]float64{{"_": 0.4, "a": 0.35}, {"_": 0.4, "a": 0.35}, {"_": 0.4, "a": 0.35}}
	logProbs := mixFrames(t, vocab, frames)
	g, _ := Greedy(logProbs, vocab, time.Millisecond)
	if g.Text != "" {
		t.Fatalf("greedy = %q, want empty", g.Text)
	}
	d, _ := New(vocab, DefaultConfig(), Resources{})
	hyps, _ := d.Decode(logProbs, nil)
	if hyps[0].Text != "a" {
		t.Fatalf("beam = %q, want a", hyps[0].Text)
	}
}

func TestWordTimes(t *testing.T) {
	vocab := CharVocabulary()
	// frame:    0         1         2
	//           0123456789012345678901234567
	script := "____cc_a_tt____ __d_o_g______"
	d, _ := New(vocab, DefaultConfig(), Resources{})
	hyps, err := d.Decode(peaky(t, vocab, script, 0.95), nil)
	if err != nil {
		t.Fatal(err)
	}
	want := []Word{{Text: "cat", StartFrame: 4, EndFrame: 11}, {Text: "dog", StartFrame: 18, EndFrame: 23}}
	got := hyps[0].Words
	if len(got) != len(want) {
		t.Fatalf("words = %+v", got)
	}
	for i := range want {
		if got[i].Text != want[i].Text || got[i].StartFrame != want[i].StartFrame || got[i].EndFrame != want[i].EndFrame {
			t.Errorf("word %d = %s [%d,%d), want %s [%d,%d)", i, got[i].Text, got[i].StartFrame, got[i].EndFrame, want[i].Text, want[i].StartFrame, want[i].EndFrame)
		}
		if got[i].Start != time.Duration(want[i].StartFrame)*30*time.Millisecond {
			t.Errorf("word %d start %v", i, got[i].Start)
		}
		// With 5% of each frame spread over other tokens, about a third of
		// the probability mass spells something else near "cat".
		if got[i].Confidence < 0.6 || got[i].Confidence > 1 {
			t.Errorf("word %d confidence %v, want ≥ 0.6 on clean input", i, got[i].Confidence)
		}
	}
	g, _ := Greedy(peaky(t, vocab, script, 0.95), vocab, 30*time.Millisecond)
	for i := range want {
		if g.Words[i].StartFrame != want[i].StartFrame || g.Words[i].EndFrame != want[i].EndFrame {
			t.Errorf("greedy word %d = [%d,%d)", i, g.Words[i].StartFrame, g.Words[i].EndFrame)
		}
	}
}

func TestConfidenceFallsWhenAmbiguous(t *testing.T) {
	vocab := smallVocab()
	frames := []map[string]float64{{"a": 0.9}, {"_": 0.9}, {" ": 0.9}, {"a": 0.5, "b": 0.45}, {"_": 0.9}}
	d, _ := New(vocab, DefaultConfig(), Resources{})
	hyps, _ := d.Decode(mixFrames(t, vocab, frames), nil)
	w := hyps[0].Words
	if len(w) != 2 || w[0].Confidence < w[1].Confidence+0.2 || w[1].Confidence > 0.6 {
		t.Fatalf("words %+v: want the first confident, the second not", w)
	}
}

func TestStreamingMatchesBatchAndDoesNotFlicker(t *testing.T) {
	vocab := CharVocabulary()
	rng := rand.New(rand.NewPCG(1, 2))
	script := strings.Repeat("__th_e_ _c_a_t_ _s_a_tt_ ", 8)
	logProbs := peaky(t, vocab, script, 0.6)
	// Roughen it so hypotheses compete.
	for i := range logProbs {
		logProbs[i] += float32(rng.NormFloat64() * 0.3)
	}
	d, _ := New(vocab, DefaultConfig(), Resources{})
	batch, _ := d.Decode(logProbs, nil)
	s := d.NewStream(nil)
	v := len(vocab.Tokens)
	var settled []string
	for off := 0; off < len(logProbs); off += 7 * v {
		end := min(len(logProbs), off+7*v)
		if err := s.Push(logProbs[off:end]); err != nil {
			t.Fatal(err)
		}
		p := s.Partial()
		for i := 0; i < p.Stable; i++ {
			if i < len(settled) && settled[i] != p.Words[i].Text {
				t.Fatalf("settled word %d changed from %q to %q", i, settled[i], p.Words[i].Text)
			}
			if i >= len(settled) {
				settled = append(settled, p.Words[i].Text)
			}
		}
		if p.Stable < len(settled) {
			t.Fatalf("stable count fell from %d to %d", len(settled), p.Stable)
		}
	}
	final := s.Finalize()
	if final[0].Text != batch[0].Text || math.Abs(final[0].Score-batch[0].Score) > 1e-9 {
		t.Fatalf("stream %q %v, batch %q %v", final[0].Text, final[0].Score, batch[0].Text, batch[0].Score)
	}
	for i, w := range settled {
		if final[0].Words[i].Text != w {
			t.Fatalf("final word %d %q differs from settled %q", i, final[0].Words[i].Text, w)
		}
	}
	if len(settled) < 10 {
		t.Errorf("only %d words settled during the stream", len(settled))
	}
	if err := s.Push(logProbs[:v]); err == nil {
		t.Error("push after Finalize succeeded")
	}
}

// TestLongStreamBoundedMemory checks that arena collection keeps memory
// bounded and changes nothing.
func TestLongStreamBoundedMemory(t *testing.T) {
	vocab := CharVocabulary()
	rng := rand.New(rand.NewPCG(3, 4))
	logProbs := randomLogProbs(rng, 800, len(vocab.Tokens), 2)
	d, _ := New(vocab, DefaultConfig(), Resources{})
	s := d.NewStream(nil)
	s.Push(logProbs)
	if len(s.nodes) > 4*s.gcAt {
		t.Errorf("arena holds %d nodes", len(s.nodes))
	}
	got := s.Finalize()
	s2 := d.NewStream(nil)
	s2.gcAt = math.MaxInt
	s2.Push(logProbs)
	want := s2.Finalize()
	if got[0].Text != want[0].Text || got[0].Score != want[0].Score {
		t.Fatalf("with collection %q %v, without %q %v", got[0].Text, got[0].Score, want[0].Text, want[0].Score)
	}
	for i := range got[0].Words {
		if got[0].Words[i] != want[0].Words[i] {
			t.Fatalf("word %d: %+v vs %+v", i, got[0].Words[i], want[0].Words[i])
		}
	}
}

func TestLMFusionPicksTheLikelySpelling(t *testing.T) {
	vocab := CharVocabulary()
	model := testLM(t,
		map[string][2]float32{"the": {-1, -0.5}, "cat": {-2, 0}, "kat": {-5, 0}, lm.End: {-1, 0}, lm.Begin: {-99, 0}, lm.Unknown: {-6, 0}},
		map[[2]string]float32{{"the", "cat"}: -0.3})
	// "c" and "k" nearly tied, "k" ahead.
	frames := []map[string]float64{{"t": 0.9}, {"h": 0.9}, {"e": 0.9}, {" ": 0.9}, {"k": 0.5, "c": 0.45}, {"a": 0.9}, {"t": 0.9}}
	logProbs := mixFrames(t, vocab, frames)
	plain, _ := New(vocab, DefaultConfig(), Resources{})
	fused, err := New(vocab, DefaultConfig(), Resources{LM: model})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := plain.Decode(logProbs, nil)
	b, _ := fused.Decode(logProbs, nil)
	if a[0].Text != "the kat" || b[0].Text != "the cat" {
		t.Fatalf("without LM %q, with LM %q", a[0].Text, b[0].Text)
	}
	if b[0].LMScore >= 0 || b[0].AcousticScore >= 0 {
		t.Errorf("scores %+v", b[0])
	}
}

func TestConstrained(t *testing.T) {
	vocab := CharVocabulary()
	lex, _, err := NewLexicon(vocab, []string{"yes", "no", "stop"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.Constrained = true
	d, err := New(vocab, cfg, Resources{Lexicon: lex})
	if err != nil {
		t.Fatal(err)
	}
	frames := []map[string]float64{{"y": 0.9}, {"e": 0.9}, {"p": 0.6, "s": 0.3}, {"_": 0.9}, {" ": 0.9}, {"n": 0.9}, {"o": 0.5, "a": 0.4}}
	hyps, _ := d.Decode(mixFrames(t, vocab, frames), nil)
	if hyps[0].Text != "yes no" {
		t.Fatalf("constrained = %q", hyps[0].Text)
	}
	for _, h := range hyps {
		for _, w := range h.Words {
			if !slices.Contains([]string{"yes", "no", "stop"}, w.Text) {
				t.Fatalf("n-best holds %q", h.Text)
			}
		}
	}
	if _, err := New(vocab, cfg, Resources{}); err == nil {
		t.Error("constrained mode without a lexicon accepted")
	}
}

func TestHotwords(t *testing.T) {
	vocab := CharVocabulary()
	model := testLM(t,
		map[string][2]float32{"the": {-1, 0}, "miner": {-3, 0}, "said": {-2, 0}, lm.End: {-1, 0}, lm.Begin: {-99, 0}, lm.Unknown: {-5, 0}},
		nil)
	// Acoustics favour "miner", but "mynah" is close.
	frames := []map[string]float64{
		{"m": 0.9}, {"i": 0.5, "y": 0.4}, {"n": 0.9}, {"e": 0.5, "a": 0.4}, {"r": 0.5, "h": 0.4}, {" ": 0.9},
		{"s": 0.9}, {"a": 0.9}, {"i": 0.9}, {"d": 0.9},
	}
	logProbs := mixFrames(t, vocab, frames)
	d, err := New(vocab, DefaultConfig(), Resources{LM: model})
	if err != nil {
		t.Fatal(err)
	}
	base, _ := d.Decode(logProbs, nil)
	if base[0].Text != "miner said" {
		t.Fatalf("without hotwords %q", base[0].Text)
	}
	hot, err := CompileHotwords(vocab, []Hotword{{Phrase: "mynah", Boost: 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	boosted, _ := d.Decode(logProbs, hot)
	if boosted[0].Text != "mynah said" {
		t.Fatalf("with hotword mynah (unknown to the LM): %q", boosted[0].Text)
	}
	// A phrase that is begun but not completed earns nothing in the beam:
	// "miners" shares "miner" but the hypothesis ends the word early. (The
	// spotter, off here, would find "miners" in these flat posteriors:
	// TestSpotter covers it.)
	beamOnly := DefaultConfig()
	beamOnly.Spotting.Off = true
	dBeam, err := New(vocab, beamOnly, Resources{LM: model})
	if err != nil {
		t.Fatal(err)
	}
	partial, _ := CompileHotwords(vocab, []Hotword{{Phrase: "miners", Boost: 2}, {Phrase: "said nothing", Boost: 2}}, nil)
	got, _ := dBeam.Decode(logProbs, partial)
	if got[0].Text != base[0].Text || math.Abs(got[0].Score-base[0].Score) > 1e-9 {
		t.Fatalf("incomplete hotwords changed the result: %q %v vs %q %v", got[0].Text, got[0].Score, base[0].Text, base[0].Score)
	}
	// A completed phrase keeps its bonus: by default 4 per unit of boost.
	whole, _ := CompileHotwords(vocab, []Hotword{{Phrase: "miner", Boost: 1}}, nil)
	got, _ = dBeam.Decode(logProbs, whole)
	if math.Abs(got[0].Score-base[0].Score-DefaultHotwordKeepPerBoost) > 1e-9 {
		t.Fatalf("completed hotword bonus %v, want %v", got[0].Score-base[0].Score, DefaultHotwordKeepPerBoost)
	}
	// Whole words only: "said" inside "unsaid" is not a match.
	inner, _ := CompileHotwords(vocab, []Hotword{{Phrase: "aid", Boost: 1}}, nil)
	got, _ = d.Decode(logProbs, inner)
	if got[0].Text != base[0].Text || math.Abs(got[0].Score-base[0].Score) > 1e-9 {
		t.Fatalf("hotword matched inside a word: %q %v vs %v", got[0].Text, got[0].Score, base[0].Score)
	}
}

func TestBadInput(t *testing.T) {
	vocab := CharVocabulary()
	d, _ := New(vocab, DefaultConfig(), Resources{})
	if _, err := d.Decode(make([]float32, 30), nil); err == nil {
		t.Error("partial frame accepted")
	}
	nan := make([]float32, 29*5)
	for i := range nan {
		nan[i] = float32(math.NaN())
	}
	if _, err := d.Decode(nan, nil); err != nil {
		t.Errorf("NaN frames: %v", err)
	}
	inf := make([]float32, 29*5)
	for i := range inf {
		inf[i] = float32(math.Inf(-1))
	}
	if hyps, err := d.Decode(inf, nil); err != nil || len(hyps) == 0 {
		t.Errorf("-Inf frames: %v %v", hyps, err)
	}
	if _, err := Greedy(make([]float32, 30), vocab, time.Millisecond); err == nil {
		t.Error("greedy accepted a partial frame")
	}
	bad := []Vocabulary{
		{Tokens: []string{"_", " "}, Blank: 0, Separator: 1},
		{Tokens: []string{"_", " ", "a"}, Blank: 0, Separator: 0},
		{Tokens: []string{"_", " ", "a", "a"}, Blank: 0, Separator: 1},
		{Tokens: []string{"_", " ", ""}, Blank: 0, Separator: 1},
		{Tokens: []string{"_", " ", "a"}, Blank: 5, Separator: 1},
	}
	for _, v := range bad {
		if _, err := New(v, DefaultConfig(), Resources{}); err == nil {
			t.Errorf("vocabulary %+v accepted", v)
		}
	}
	cfg := DefaultConfig()
	cfg.BeamSize = 0
	if _, err := New(vocab, cfg, Resources{}); err == nil {
		t.Error("beam size 0 accepted")
	}
	if _, err := CompileHotwords(vocab, []Hotword{{Phrase: "héllo"}}, nil); err == nil {
		t.Error("unspellable hotword accepted")
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Constrained = true
	data, err := json.Marshal(cfg)
	if err != nil {
		t.Fatal(err)
	}
	var back Config
	if err := json.Unmarshal(data, &back); err != nil {
		t.Fatal(err)
	}
	if back != cfg {
		t.Fatalf("round trip %+v != %+v", back, cfg)
	}
}

// lettersAfterLeaving is how many letters of w follow the first one whose
// prefix no word of vocab starts with (0 when w never leaves the trie).
func lettersAfterLeaving(w string, vocab []string) int {
	for i := 1; i <= len(w); i++ {
		if !slices.ContainsFunc(vocab, func(v string) bool { return strings.HasPrefix(v, w[:i]) }) {
			return len(w) - i
		}
	}
	return 0
}

// TestOOVCharPenaltyKeepsWordsApart checks the failure it exists for: a
// beam that would rather spell one long unknown word than pay the LM for
// each real word (the space between them is acoustically uncertain).
func TestOOVCharPenaltyKeepsWordsApart(t *testing.T) {
	vocab := smallVocab()
	model := testLM(t,
		map[string][2]float32{"ab": {-1, 0}, "ba": {-1, 0}, lm.End: {-1, 0}, lm.Begin: {-99, 0}, lm.Unknown: {-3, 0}},
		nil)
	frames := []map[string]float64{{"a": 0.99}, {"b": 0.99}, {" ": 0.3, "_": 0.7}, {"b": 0.99}, {"a": 0.99}, {" ": 0.3, "_": 0.7}, {"a": 0.99}, {"b": 0.99}}
	logProbs := mixFrames(t, vocab, frames)
	for _, tc := range []struct {
		penalty float64
		want    string
	}{{0, "abbaab"}, {1, "ab ba ab"}} {
		cfg := wideConfig()
		cfg.LMWeight, cfg.WordBonus, cfg.OOVPenalty, cfg.OOVCharPenalty = 1, 0, 1, tc.penalty
		d, err := New(vocab, cfg, Resources{LM: model})
		if err != nil {
			t.Fatal(err)
		}
		hyps, err := d.Decode(logProbs, nil)
		if err != nil {
			t.Fatal(err)
		}
		if got := words(hyps[0]); got != tc.want {
			t.Errorf("OOV character penalty %g: best %q, want %q", tc.penalty, got, tc.want)
		}
	}
}
