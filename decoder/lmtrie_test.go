package decoder

import (
	"math/rand/v2"
	"os"
	"reflect"
	"strings"
	"testing"
	"time"
	"unsafe"

	"github.com/mynah-speech/mynah/lm"
)

// reload writes m in the binary form and loads it back, so it carries the
// spelling trie (lm.Spelling) the decoder uses instead of building a
// lexicon.
func reload(t testing.TB, m *lm.Model) *lm.Model {
	t.Helper()
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	out, err := lm.Load(data)
	if err != nil {
		t.Fatal(err)
	}
	if out.Spelling() == nil {
		t.Fatal("reloaded LM has no spelling trie")
	}
	return out
}

func lmWords(m *lm.Model) []string {
	var words []string
	for id := lm.EndID + 1; int(id) < m.VocabSize(); id++ {
		words = append(words, m.Word(id))
	}
	return words
}

// The LM's trie and a lexicon built from the LM's words are the same
// lexicon: every hypothesis, score, word time and confidence agrees, with
// and without hotwords, in batch and streaming, on a vocabulary with a
// token ("-") no LM word uses. A vocabulary with a multi-byte token falls
// back to building.
func TestLMTrieMatchesBuiltLexicon(t *testing.T) {
	vocab := benchVocab()
	model, sentences, _ := synthLM(t, 1500)
	model = reload(t, model)
	built, _, err := NewLexicon(vocab, lmWords(model), nil)
	if err != nil {
		t.Fatal(err)
	}
	cfg := DefaultConfig()
	cfg.NBest = 5
	cfg.BeamSize = 32
	viaTrie, err := New(vocab, cfg, Resources{LM: model})
	if err != nil {
		t.Fatal(err)
	}
	if viaTrie.lex.spell == nil {
		t.Fatal("decoder built a lexicon although the LM carries a trie")
	}
	viaBuilt, err := New(vocab, cfg, Resources{LM: model, Lexicon: built})
	if err != nil {
		t.Fatal(err)
	}
	if viaTrie.lex.Len() != built.Len() || !reflect.DeepEqual(viaTrie.lex.Words(), built.Words()) {
		t.Fatalf("trie lexicon has %d words, built %d", viaTrie.lex.Len(), built.Len())
	}
	hot, err := CompileHotwords(vocab, []Hotword{{Phrase: "zq-xy", Boost: 3}, {Phrase: strings.Fields(sentences[3])[0], Boost: 2}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	for i := range 4 {
		text := sentences[10*i] + " zq-xy " + sentences[10*i+1]
		logProbs := peakyPosteriors(rng, vocab, text, 160)
		for _, h := range []*Hotwords{nil, hot} {
			a, err := viaTrie.Decode(logProbs, h)
			if err != nil {
				t.Fatal(err)
			}
			b, err := viaBuilt.Decode(logProbs, h)
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(a, b) {
				t.Fatalf("utterance %d (hotwords %v): trie gives %q, built lexicon %q", i, h != nil, a[0].Text, b[0].Text)
			}
			s := viaTrie.NewStream(h)
			for f := 0; f < 160; f += 7 {
				s.Push(logProbs[f*len(vocab.Tokens) : min(f+7, 160)*len(vocab.Tokens)])
			}
			if c := s.Finalize(); !reflect.DeepEqual(c, a) {
				t.Fatalf("utterance %d: streaming %q, batch %q", i, c[0].Text, a[0].Text)
			}
		}
	}
	// A vocabulary whose tokens are not single bytes cannot read the byte
	// trie; the decoder then builds its lexicon as before.
	multi := benchVocab()
	multi.Tokens = append(multi.Tokens, "ch")
	d, err := New(multi, DefaultConfig(), Resources{LM: model})
	if err != nil {
		t.Fatal(err)
	}
	if d.lex == nil || d.lex.spell != nil {
		t.Fatal("want a built lexicon for a multi-byte token")
	}
}

// BenchmarkNew times decoder.New with the shipped LM (read in place, as the
// recogniser does): with the LM's spelling trie, and, as the peer, building
// the lexicon trie from the LM's words (the path before the trie was
// stored, and still the path for ARPA files).
func BenchmarkNew(b *testing.B) {
	shipped, err := os.ReadFile("../models/lm-en.bin")
	if err != nil {
		b.Skip("no shipped LM:", err)
	}
	aligned := make([]uint64, (len(shipped)+7)/8)
	buf := unsafe.Slice((*byte)(unsafe.Pointer(unsafe.SliceData(aligned))), len(shipped))
	copy(buf, shipped)
	model, err := lm.Load(buf)
	if err != nil {
		b.Fatal(err)
	}
	vocab := CharVocabulary()
	words := lmWords(model)
	report := func(b *testing.B, cpuStart time.Duration) {
		b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/float64(b.N), "ms/new")
		b.ReportMetric(float64((cpuTime()-cpuStart).Microseconds())/1000/float64(b.N), "cpu-ms/new")
	}
	b.Run("impl=lm-trie", func(b *testing.B) {
		cpuStart := cpuTime()
		for b.Loop() {
			if _, err := New(vocab, DefaultConfig(), Resources{LM: model}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, cpuStart)
	})
	b.Run("impl=build", func(b *testing.B) {
		cpuStart := cpuTime()
		for b.Loop() {
			lex, _, err := NewLexicon(vocab, words, nil)
			if err != nil {
				b.Fatal(err)
			}
			if _, err := New(vocab, DefaultConfig(), Resources{LM: model, Lexicon: lex}); err != nil {
				b.Fatal(err)
			}
		}
		report(b, cpuStart)
	})
}
