package lm

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"strings"
	"testing"
)

// randomVocabModel estimates a bigram model over words random in length and
// letters (some prefixes of others), so the trie has deep, shared and
// word-ending inner nodes.
func randomVocabModel(t testing.TB, words int, letters string) *Model {
	t.Helper()
	rng := rand.New(rand.NewPCG(5, 9))
	vocab := make([]string, 0, words)
	for len(vocab) < words {
		var w string
		if len(vocab) > 0 && rng.IntN(4) == 0 {
			// a prefix or an extension of an earlier word
			prev := vocab[rng.IntN(len(vocab))]
			w = prev[:1+rng.IntN(len(prev))] + string(letters[rng.IntN(len(letters))])
		} else {
			n := 1 + rng.IntN(12)
			var sb strings.Builder
			for range n {
				sb.WriteByte(letters[rng.IntN(len(letters))])
			}
			w = sb.String()
		}
		vocab = append(vocab, w)
	}
	b, err := NewBuilder(BuildConfig{Order: 2})
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(vocab); i += 5 {
		b.AddSentence(vocab[i:min(i+7, len(vocab))])
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

func loadBytes(t testing.TB, data []byte) *Model {
	t.Helper()
	aligned := make([]uint64, (len(data)+7)/8)
	buf := unsafeBytes(aligned)[:len(data)]
	copy(buf, data)
	m, err := Load(buf)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// walk follows word through the trie; -1 when it leaves it.
func walk(s *Spelling, word string) int32 {
	node := SpellingRoot
	for i := 0; i < len(word) && node >= 0; i++ {
		node = s.Next(node, s.Label(word[i]))
	}
	return node
}

func TestSpellingFindsEveryWordAndNothingElse(t *testing.T) {
	for _, tc := range []struct {
		name    string
		model   *Model
		letters string
	}{
		{"small ARPA", readSmall(t), "abcdefghijklmnopqrstuvwxyz"},
		{"random 3000 words", randomVocabModel(t, 3000, "abcdefghijklmnopqrstuvwxyz'"), "abcdefghijklmnopqrstuvwxyz'"},
		{"two letters", randomVocabModel(t, 500, "ab"), "abc"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, err := tc.model.MarshalBinary()
			if err != nil {
				t.Fatal(err)
			}
			if string(data[:8]) != spellingMagic {
				t.Fatalf("magic %q, want %q", data[:8], spellingMagic)
			}
			m := loadBytes(t, data)
			s := m.Spelling()
			if s == nil {
				t.Fatal("loaded model has no spelling trie")
			}
			prefixes := map[string]bool{"": true}
			for id := EndID + 1; int(id) < m.VocabSize(); id++ {
				w := m.Word(id)
				for i := 1; i <= len(w); i++ {
					prefixes[w[:i]] = true
				}
				node := walk(s, w)
				if node < 0 {
					t.Fatalf("word %q (ID %d) not in the trie", w, id)
				}
				if got, ok := s.Word(node); !ok || got != id {
					t.Fatalf("word %q: trie says ID %d, %v; want %d", w, got, ok, id)
				}
			}
			if s.Nodes() != len(prefixes) || s.Words() != m.VocabSize()-3 {
				t.Fatalf("trie has %d nodes and %d words; vocabulary has %d prefixes and %d words", s.Nodes(), s.Words(), len(prefixes), m.VocabSize()-3)
			}
			// Random strings: the trie holds exactly the prefixes, and a
			// word ends exactly where the vocabulary has one.
			rng := rand.New(rand.NewPCG(1, 2))
			for range 20000 {
				n := 1 + rng.IntN(6)
				var sb strings.Builder
				for range n {
					sb.WriteByte(tc.letters[rng.IntN(len(tc.letters))])
				}
				str := sb.String()
				node := walk(s, str)
				if (node >= 0) != prefixes[str] {
					t.Fatalf("%q: node %d, but prefix %v", str, node, prefixes[str])
				}
				if node >= 0 {
					id, ok := s.Word(node)
					want, known := m.Lookup(str)
					if ok != known || (ok && id != want) {
						t.Fatalf("%q: trie word %d %v, vocabulary %d %v", str, id, ok, want, known)
					}
				}
			}
		})
	}
}

// The two binary forms of one model hold the same n-gram sections, so they
// score identically; only MYNAHLM2 carries the trie.
func TestSpellingFormsAgree(t *testing.T) {
	m := testModel(t, BuildConfig{Order: 3})
	v2, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	v1 := m.marshal(nil)
	if string(v1[:8]) != binaryMagic {
		t.Fatalf("magic %q", v1[:8])
	}
	if !bytes.Equal(v1[8:headerSize], v2[8:headerSize]) {
		t.Fatal("headers differ")
	}
	start := align8(headerSize + spellingHeaderSize)
	if !bytes.Equal(v1[align8(headerSize):], v2[start:start+uint64(len(v1))-align8(headerSize)]) {
		t.Fatal("n-gram sections differ")
	}
	a, b := loadBytes(t, v1), loadBytes(t, v2)
	if a.Spelling() != nil || b.Spelling() == nil {
		t.Fatalf("spelling: MYNAHLM1 %v, MYNAHLM2 %v", a.Spelling() != nil, b.Spelling() != nil)
	}
	for _, s := range corpus(9, 50) {
		la, _ := a.SentenceLogProb(s)
		lb, _ := b.SentenceLogProb(s)
		if la != lb {
			t.Fatalf("%q: %v vs %v", s, la, lb)
		}
	}
	// Writing a loaded model again keeps its trie byte for byte.
	again, _ := b.MarshalBinary()
	if !bytes.Equal(again, v2) {
		t.Fatal("re-marshalled MYNAHLM2 differs")
	}
}

func TestSpellingNeedsSmallAlphabet(t *testing.T) {
	letters := "abcdefghijklmnopqrstuvwxyzABCDEFGHIJ" // 36 distinct bytes
	m := randomVocabModel(t, 400, letters)
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if string(data[:8]) != binaryMagic {
		t.Fatalf("magic %q: a %d-letter vocabulary should get no trie", data[:8], len(letters))
	}
	if loadBytes(t, data).Spelling() != nil {
		t.Fatal("trie without room for its alphabet")
	}
}

// Every corruption of the trie's sections is an error, never a panic.
func TestSpellingCorruptIsAnError(t *testing.T) {
	data, err := randomVocabModel(t, 300, "abcdef'").MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	nodes := uint64(le.Uint32(data[headerSize:]))
	words := uint64(le.Uint32(data[headerSize+4:]))
	blocks := (nodes + 7) / 8
	// The trie is the file's tail: mask, childBase, wordBase, words.
	tail := align8(4*nodes) + align8(4*blocks)*2 + align8(4*words)
	trie := uint64(len(data)) - tail
	cases := map[string]func(d []byte){
		"alphabet unsorted":  func(d []byte) { d[headerSize+16], d[headerSize+17] = d[headerSize+17], d[headerSize+16] },
		"alphabet too large": func(d []byte) { le.PutUint32(d[headerSize+8:], 40) },
		"no nodes":           func(d []byte) { le.PutUint32(d[headerSize:], 0) },
		"more nodes":         func(d []byte) { le.PutUint32(d[headerSize:], uint32(nodes+9)) },
		"root is a word":     func(d []byte) { d[trie+3] |= 0x80 },
		"label outside":      func(d []byte) { d[trie+4*5+2] |= 0x40 },
		"extra edge":         func(d []byte) { d[trie+4*9] ^= 0x01 },
		"block count":        func(d []byte) { d[trie+align8(4*nodes)+4] ^= 0x01 },
		"word count":         func(d []byte) { d[trie+align8(4*nodes)+align8(4*blocks)+4] ^= 0x01 },
		"word ID":            func(d []byte) { le.PutUint32(d[uint64(len(d))-align8(4*words):], 1<<30) },
		"reserved word":      func(d []byte) { le.PutUint32(d[uint64(len(d))-align8(4*words):], uint32(BeginID)) },
	}
	for name, corrupt := range cases {
		d := bytes.Clone(data)
		corrupt(d)
		if _, err := Load(d); err == nil {
			t.Errorf("%s: accepted", name)
		}
	}
	if _, err := Load(data); err != nil {
		t.Fatalf("uncorrupted: %v", err)
	}
}

// BenchmarkSpelling times a lookup of every word of a 3,000-word
// vocabulary: through the trie and, as the peer, through the vocabulary's
// hash (Lookup), which needs the whole word first.
func BenchmarkSpelling(b *testing.B) {
	m := randomVocabModel(b, 3000, "abcdefghijklmnopqrstuvwxyz'")
	data, _ := m.MarshalBinary()
	m = loadBytes(b, data)
	s := m.Spelling()
	words := make([]string, 0, m.VocabSize())
	letters := 0
	for id := EndID + 1; int(id) < m.VocabSize(); id++ {
		words = append(words, m.Word(id))
		letters += len(m.Word(id))
	}
	b.Run("impl=trie", func(b *testing.B) {
		for b.Loop() {
			for _, w := range words {
				if _, ok := s.Word(walk(s, w)); !ok {
					b.Fatal(w)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(letters), "ns/letter")
	})
	b.Run("impl=hash", func(b *testing.B) {
		for b.Loop() {
			for _, w := range words {
				if _, ok := m.Lookup(w); !ok {
					b.Fatal(w)
				}
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(letters), "ns/letter")
	})
}

// Every single-byte corruption of the trie's header and sections either is
// refused or gives a model whose trie walks stay in bounds (the fuzz target
// does the same at random; this covers every byte deterministically).
func TestSpellingEveryByteFlip(t *testing.T) {
	m := randomVocabModel(t, 120, "abcd'")
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	le := binary.LittleEndian
	nodes := uint64(le.Uint32(data[headerSize:]))
	words := uint64(le.Uint32(data[headerSize+4:]))
	blocks := (nodes + 7) / 8
	trie := uint64(len(data)) - (align8(4*nodes) + 2*align8(4*blocks) + align8(4*words))
	offsets := []uint64{}
	for i := uint64(headerSize); i < headerSize+spellingHeaderSize; i++ {
		offsets = append(offsets, i)
	}
	for i := trie; i < uint64(len(data)); i++ {
		offsets = append(offsets, i)
	}
	d := make([]byte, len(data))
	for _, at := range offsets {
		for _, flip := range []byte{0x01, 0x80, 0xff} {
			copy(d, data)
			d[at] ^= flip
			got, err := Load(d)
			if err != nil {
				continue
			}
			s := got.Spelling()
			if s == nil {
				t.Fatalf("byte %d ^ %#x: accepted without a trie", at, flip)
			}
			for id := EndID + 1; int(id) < got.VocabSize(); id++ {
				if node := walk(s, got.Word(id)); node >= 0 {
					s.Word(node)
				}
			}
			for node := SpellingRoot; int(node) < s.Nodes(); node++ {
				for label := -1; label <= len(s.Alphabet()); label++ {
					if next := s.Next(node, label); next >= 0 {
						if next <= node || int(next) >= s.Nodes() {
							t.Fatalf("byte %d ^ %#x: edge %d -> %d", at, flip, node, next)
						}
						s.Word(next)
					}
				}
			}
		}
	}
}
