package decode

import (
	"bytes"
	"context"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/decoder"
	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/g2p"
	"github.com/mynah-speech/mynah/lm"
)

// toyLM is a trigram LM over a dozen words; "zebra" is not among them.
func toyLM(t testing.TB) *lm.Model {
	t.Helper()
	b, err := lm.NewBuilder(lm.BuildConfig{Order: 3})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []string{
		"the cat sat on the mat", "the dog sat on a mat", "a big red dog ran", "the cat ran",
		"the garden is big", "a rabbit sat in the garden", "the red cat sat", "the dog ran in the garden",
		"the purple window had an orange ladder", "the window is purple",
	} {
		for range 3 {
			b.AddSentence(strings.Fields(s))
		}
	}
	g, err := b.Estimate()
	if err != nil {
		t.Fatal(err)
	}
	m, err := g.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// charFrames spells an acoustic script as peaky CTC frames over the
// character vocabulary: each symbol one frame (probability 0.9) then a
// blank frame; a symbol written "o|a" is a frame where o gets 0.5 and a
// 0.4, so greedy reads o and an LM may prefer a.
func charFrames(t testing.TB, script []string) ([]float32, int) {
	t.Helper()
	vocab := decoder.CharVocabulary()
	index := map[string]int{}
	for i, s := range vocab.Tokens {
		index[s] = i
	}
	V := len(vocab.Tokens)
	var out []float32
	frame := func(probs map[int]float64) {
		rest := 1.0
		for _, p := range probs {
			rest -= p
		}
		for c := range V {
			p, ok := probs[c]
			if !ok {
				p = rest / float64(V-len(probs))
			}
			out = append(out, float32(math.Log(p)))
		}
	}
	for _, sym := range script {
		if a, b, ok := strings.Cut(sym, "|"); ok {
			frame(map[int]float64{index[a]: 0.5, index[b]: 0.4})
		} else {
			frame(map[int]float64{index[sym]: 0.9})
		}
		frame(map[int]float64{0: 0.9})
	}
	return out, len(out) / V
}

// phoneFrames spells text's pronunciations as peaky frames of the
// 40-label phone head, a blank between phones and two between words.
func phoneFrames(text string) []float32 {
	labels := g2p.PhoneSet(false).Labels()
	P := len(labels)
	index := map[string]int{}
	for i, s := range labels {
		index[s] = i
	}
	var out []float32
	frame := func(tok int) {
		for c := range P {
			p := 0.1 / float64(P-1)
			if c == tok {
				p = 0.9
			}
			out = append(out, float32(math.Log(p)))
		}
	}
	for _, w := range strings.Fields(text) {
		for _, p := range g2p.StripStress(g2p.Phones(w)) {
			frame(index[p.String()])
			frame(0)
		}
		frame(0)
	}
	return out
}

// script turns "the c a|o t" style text into symbols: words separated by
// " / ", symbols by spaces.
func script(s string) []string {
	var out []string
	for i, w := range strings.Split(s, " / ") {
		if i > 0 {
			out = append(out, " ")
		}
		out = append(out, strings.Fields(w)...)
	}
	return out
}

// toyPosteriors is a two-family dev set whose acoustics misspell some
// words (greedy errs) in ways the toy LM or a hotword can repair.
func toyPosteriors(t testing.TB) *Posteriors {
	t.Helper()
	cases := []struct{ corpus, text, acoustics string }{
		{"alpha-a", "the cat sat on the mat", "t h e / c o|a t / s a t / o n / t h e / m a t"},
		{"alpha-a", "the dog ran", "t h e / d o g / r o|a n"},
		{"alpha-a", "a big red dog ran", "a / b i g / r e d / d o g / r a n"},
		{"alpha-a", "the zebra sat", "t h e / z e b r o|a / s a t"},
		{"beta-b", "the red cat sat", "t h e / r e d / c a t / s o|a t"},
		{"beta-b", "a rabbit sat in the garden", "a / r a b b|_ i t / s a t / i n / t h e / g a r d e n"},
		{"beta-b", "the garden is big", "t h e / g a r d e n / i s / b i|a g"},
		{"beta-b", "a zebra ran", "a / z e|a b r a / r a n"},
	}
	labels := g2p.PhoneSet(false).Labels()
	post := &Posteriors{ModelID: "toy@0", Vocab: decoder.CharVocabulary().Tokens, PhoneVocab: labels, FrameMs: 30}
	for i, c := range cases {
		lp, frames := charFrames(t, script(c.acoustics))
		// The phone frames are shorter; pad with blank-heavy frames so
		// both heads share the frame count, as a real model's do.
		ph := phoneFrames(c.text)
		for len(ph) < frames*len(labels) {
			for k := range len(labels) {
				p := 0.1 / float64(len(labels)-1)
				if k == 0 {
					p = 0.9
				}
				ph = append(ph, float32(math.Log(p)))
			}
		}
		if len(ph) > frames*len(labels) {
			t.Fatalf("case %d: phone frames outnumber character frames", i)
		}
		post.Utterances = append(post.Utterances, Utterance{
			ID: string(rune('a' + i)), Corpus: c.corpus, Family: corpora.Family(c.corpus), Text: c.text,
			Seconds: float64(frames) * 0.03, Frames: frames, LogProbs: lp, PhoneLogProbs: ph,
		})
	}
	return post
}

func toyOptions() Options {
	opts := DefaultOptions()
	opts.Alphas = []float64{0, 0.5, 1}
	opts.Betas = []float64{0, 1}
	opts.Beam = 16
	opts.Hotwords, opts.HotwordsInDev = 4, 1
	opts.HotwordBoosts = []float64{3}
	return opts
}

func TestEvaluateToy(t *testing.T) {
	m := toyLM(t)
	post := toyPosteriors(t)
	rep, err := Evaluate(context.Background(), post, m, "toy", toyOptions())
	if err != nil {
		t.Fatal(err)
	}
	if rep.Greedy.All.WER <= 0 {
		t.Errorf("greedy WER %.2f; the toy acoustics should mislead greedy", rep.Greedy.All.WER)
	}
	if rep.Best.Scores.All.WER >= rep.Greedy.All.WER {
		t.Errorf("best α %g β %g WER %.2f, greedy %.2f: the LM should repair misspellings", rep.Best.Alpha, rep.Best.Beta, rep.Best.Scores.All.WER, rep.Greedy.All.WER)
	}
	if len(rep.Grid) != 6 || rep.Families[0] != "alpha" || rep.Families[1] != "beta" {
		t.Errorf("grid %d points, families %v", len(rep.Grid), rep.Families)
	}
	if got := rep.Greedy.Families["alpha"].Utterances + rep.Greedy.Families["beta"].Utterances; got != len(post.Utterances) {
		t.Errorf("families hold %d utterances, want %d", got, len(post.Utterances))
	}
	h := rep.Hotwords
	if h == nil || len(h.InDev) != 1 || h.InDev[0] != "zebra" || len(h.Distractors) != 3 {
		t.Fatalf("hotwords %+v: want zebra (the dev word the LM lacks) and 3 distractors", h)
	}
	if h.Occurrences != 2 || h.Runs[0].Recall <= h.Without.Recall || h.Runs[0].Recall != 100 {
		t.Errorf("zebra recall %.1f%% with the list, %.1f%% without, over %d occurrences", h.Runs[0].Recall, h.Without.Recall, h.Occurrences)
	}
	for _, w := range h.Distractors {
		for _, u := range post.Utterances {
			if strings.Contains(" "+u.Text+" ", " "+w+" ") {
				t.Errorf("distractor %q occurs in dev", w)
			}
		}
	}
	if rep.Confidence.Words == 0 || rep.Confidence.AUROC < 0 {
		t.Errorf("confidence %+v", rep.Confidence)
	}
	if c := rep.Confidence; len(c.Features) != decoder.NumConfidenceFeatures || c.Halves[0].Words+c.Halves[1].Words != c.Words {
		t.Errorf("confidence features %+v, halves %+v of %d words", c.Features, c.Halves, c.Words)
	}
	if rep.Timing.Words == 0 || rep.Timing.MedianStartErrorMs != 0 {
		t.Errorf("timing %+v: correct words of a peaky model should sit on the forced alignment", rep.Timing)
	}
	p := rep.Phone
	if p == nil || len(p.Grid) != 2 {
		t.Fatalf("phone report %+v", p)
	}
	if p.GreedyPER != 0 {
		t.Errorf("greedy PER %.2f on clean phone frames", p.GreedyPER)
	}
	// The phone frames are clean, so the phone lexicon recognises every
	// word the LM's vocabulary holds; only zebra (twice) is outside it,
	// and each costs a substitution and at most an insertion (spelled as
	// two shorter words).
	if e := p.Best.Scores.All; p.DevOOV != 2 || e.Sub != 2 || e.Del != 0 || e.Ins > 2 {
		t.Errorf("phone mode: dev OOV %d, best %+v", p.DevOOV, p.Best.Scores.All)
	}
	var md bytes.Buffer
	if err := rep.WriteMarkdown(&md); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"| **all** |", "α × β grid", "Hotwords", "AUROC", "Phone-lexicon"} {
		if !strings.Contains(md.String(), want) {
			t.Errorf("markdown lacks %q", want)
		}
	}
	if _, err := json.Marshal(rep); err != nil {
		t.Errorf("JSON: %v", err)
	}
}

// TestEvaluateDeterministic checks that the report does not depend on the
// number of workers.
func TestEvaluateDeterministic(t *testing.T) {
	m := toyLM(t)
	post := toyPosteriors(t)
	var outs [][]byte
	for _, workers := range []int{1, 3} {
		opts := toyOptions()
		opts.Workers = workers
		opts.Phone = false
		rep, err := Evaluate(context.Background(), post, m, "toy", opts)
		if err != nil {
			t.Fatal(err)
		}
		rep.Options.Workers = 0
		data, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		outs = append(outs, data)
	}
	if !bytes.Equal(outs[0], outs[1]) {
		t.Errorf("reports differ between 1 and 3 workers:\n%s\n%s", outs[0], outs[1])
	}
}

func TestAlignWords(t *testing.T) {
	for _, c := range []struct {
		ref, hyp string
		want     []int
	}{
		{"a b c", "a b c", []int{0, 1, 2}},
		{"a b c", "a x c", []int{0, -1, 2}},
		{"a b c", "a c", []int{0, 2}},
		{"a b", "a x b", []int{0, -1, 1}},
		{"", "a", []int{-1}},
		{"a", "", []int{}},
		{"the cat sat", "cat the sat", []int{-1, -1, 2}},
	} {
		got := alignWords(strings.Fields(c.ref), strings.Fields(c.hyp))
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("alignWords(%q, %q) = %v, want %v", c.ref, c.hyp, got, c.want)
		}
	}
}

func TestAUROC(t *testing.T) {
	for _, c := range []struct {
		scores []float64
		pos    []bool
		want   float64
	}{
		{[]float64{0.9, 0.8, 0.2, 0.1}, []bool{true, true, false, false}, 1},
		{[]float64{0.1, 0.2, 0.8, 0.9}, []bool{true, true, false, false}, 0},
		{[]float64{0.5, 0.5, 0.5, 0.5}, []bool{true, false, true, false}, 0.5},
		// One of four positive-negative pairs misordered: 3/4.
		{[]float64{0.9, 0.3, 0.4, 0.1}, []bool{true, true, false, false}, 0.75},
	} {
		if got := auroc(c.scores, c.pos); math.Abs(got-c.want) > 1e-12 {
			t.Errorf("auroc(%v, %v) = %v, want %v", c.scores, c.pos, got, c.want)
		}
	}
	if !math.IsNaN(auroc([]float64{1, 2}, []bool{true, true})) {
		t.Error("auroc with one class is not NaN")
	}
}

func TestForcedWordSpans(t *testing.T) {
	// "ab c": frames a a _ b _ ␣ c c, so word "ab" is frames 0..4 (up to
	// and including b's frame) and "c" frames 6..8.
	lp, frames := charFrames(t, []string{"a", "b", " ", "c"})
	// charFrames puts a blank after each symbol: a _ b _ ␣ _ c _.
	spans, ok := forcedWordSpans(lp, frames, 29, []int{3, 4, 1, 5}, 0, 1)
	if !ok || !reflect.DeepEqual(spans, []span{{0, 3}, {6, 7}}) {
		t.Errorf("spans %v ok %v, want [{0 3} {6 7}]", spans, ok)
	}
	if _, ok := forcedWordSpans(lp[:2*29], 2, 29, []int{3, 4, 1, 5}, 0, 1); ok {
		t.Error("four labels aligned to two frames")
	}
}

func TestSelectEntries(t *testing.T) {
	var es []corpora.Entry
	for i := range 10 {
		es = append(es, corpora.Entry{ID: string(rune('a' + i)), Corpus: "big-x", Text: "word"})
	}
	es = append(es, corpora.Entry{ID: "s1", Corpus: "small", Text: "word"}, corpora.Entry{ID: "e", Corpus: "small", Text: " "})
	if got := SelectEntries(es, 0); len(got) != 11 {
		t.Errorf("limit 0 kept %d, want 11 (the empty text dropped)", len(got))
	}
	got := SelectEntries(es, 4)
	var ids []string
	for _, e := range got {
		ids = append(ids, e.ID)
	}
	if want := []string{"s1", "a", "d", "g"}; !reflect.DeepEqual(ids, want) {
		t.Errorf("limit 4 kept %v, want %v", ids, want)
	}
}

func TestCacheRoundTrip(t *testing.T) {
	dir := t.TempDir()
	post := toyPosteriors(t)
	var entries []corpora.Entry
	for _, u := range post.Utterances {
		entries = append(entries, corpora.Entry{ID: u.ID, Corpus: u.Corpus, Text: u.Text})
	}
	key := CacheKey(post.ModelID, entries)
	if strings.ContainsAny(key, "/@ ") {
		t.Errorf("key %q is not a plain file name", key)
	}
	if err := SaveCached(dir, key, post); err != nil {
		t.Fatal(err)
	}
	got, err := LoadCached(dir, key, post.ModelID, entries)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, post) {
		t.Error("cached posteriors differ from the saved ones")
	}
	if _, err := LoadCached(dir, key, "other@1", entries); err == nil {
		t.Error("posteriors of another model accepted")
	}
	entries[0].Text = "changed"
	if _, err := LoadCached(dir, key, post.ModelID, entries); err == nil {
		t.Error("posteriors of another dev text accepted")
	}
	if err := os.WriteFile(filepath.Join(dir, key+".gob"), []byte("garbage"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadCached(dir, key, post.ModelID, entries); err == nil {
		t.Error("garbage accepted")
	}
}

// TestComputePosteriors runs a tiny untrained model with a phone head over
// two synthetic utterances: shapes and the per-family labels, not figures.
func TestComputePosteriors(t *testing.T) {
	cfg := acoustic.DefaultConfig()
	cfg.Name, cfg.Mels, cfg.ConvChannels, cfg.Dim, cfg.Heads, cfg.FFMult, cfg.Blocks, cfg.ConvKernel, cfg.Dropout =
		"tiny", 16, [2]int{4, 8}, 16, 2, 2, 2, 3, 0
	cfg.PhoneVocab, cfg.PhoneHeadBlock = g2p.PhoneSet(false).Labels(), 1
	fc := feature.DefaultASR()
	fc.NumMels = 16
	norm := feature.Norm{Mean: make([]float32, 16), Std: make([]float32, 16)}
	for i := range norm.Std {
		norm.Std[i] = 1
	}
	m, err := acoustic.New(cfg, acoustic.FrontEnd{Features: fc, Norm: norm}, 1)
	if err != nil {
		t.Fatal(err)
	}
	entries := []corpora.Entry{{ID: "1", Corpus: "fsdd", Text: "one"}, {ID: "2", Corpus: "kathleen-x", Text: "the cat"}}
	samples := func(e corpora.Entry, dst []float32) ([]float32, error) {
		n := 8000
		if e.ID == "2" {
			n = 24000
		}
		dst = dst[:0]
		for i := range n {
			dst = append(dst, float32(0.1*math.Sin(float64(i)*0.05)))
		}
		return dst, nil
	}
	post, err := ComputePosteriors(context.Background(), m, entries, samples, 2, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i, u := range post.Utterances {
		if u.Frames == 0 || len(u.LogProbs) != u.Frames*len(cfg.Vocab) || len(u.PhoneLogProbs) != u.Frames*len(cfg.PhoneVocab) {
			t.Errorf("utterance %d: %d frames, %d char and %d phone values", i, u.Frames, len(u.LogProbs), len(u.PhoneLogProbs))
		}
	}
	if post.Utterances[1].Family != "kathleen" || post.Utterances[1].Frames <= post.Utterances[0].Frames {
		t.Errorf("utterance 2: family %q, %d frames (utterance 1: %d)", post.Utterances[1].Family, post.Utterances[1].Frames, post.Utterances[0].Frames)
	}
	if _, err := Evaluate(context.Background(), post, toyLM(t), "toy", toyOptions()); err != nil {
		t.Errorf("evaluate on an untrained model: %v", err)
	}
}

func TestSubset(t *testing.T) {
	post := toyPosteriors(t)
	entries := []corpora.Entry{{ID: "c", Corpus: "alpha-a"}, {ID: "a", Corpus: "alpha-a"}, {ID: "a", Corpus: "other"}}
	got := subset(post, entries)
	if len(got.Utterances) != 2 || got.Utterances[0].ID != "c" || got.Utterances[1].ID != "a" || len(post.Utterances) != 8 {
		t.Errorf("subset kept %d utterances (%v), whole now %d", len(got.Utterances), got.Utterances, len(post.Utterances))
	}
}
