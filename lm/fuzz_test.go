package lm

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// fuzzSeeds are the committed seed corpora's contents; running
// MYNAH_WRITE_FUZZ_SEEDS=1 go test -run TestWriteFuzzSeeds ./lm rewrites
// testdata/fuzz from them.
func fuzzSeeds(t testing.TB) map[string][][]byte {
	m := testModel(t, BuildConfig{Order: 3, MinCounts: []int{0, 2, 3}})
	bin, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	small := readSmall(t)
	smallBin, _ := small.MarshalBinary()
	mixed, err := Interpolate([]*Model{small, m}, []float64{0.25, 0.75})
	if err != nil {
		t.Fatal(err)
	}
	mixBin, _ := mixed.MarshalBinary()
	return map[string][][]byte{
		"FuzzReadARPA": {
			[]byte(smallARPA),
			[]byte(strings.Replace(smallARPA, "ngram 2=5", "ngram 2=50000000000", 1)),
			[]byte("\\data\\\nngram 1=3\n\n\\1-grams:\n-1\t<s>\n-1\t</s>\n-1\t<unk>\n\n\\end\\\n"),
			[]byte("\\data\\\nngram 1=1\n"),
		},
		"FuzzLoad": {bin, smallBin, bin[:headerSize], []byte(binaryMagic), m.marshal(nil),
			bin[:headerSize+spellingHeaderSize], []byte(spellingMagic)},
		"FuzzParse": {mixBin, smallBin, []byte(smallARPA), mixBin[:40], []byte(mixMagic)},
	}
}

func TestWriteFuzzSeeds(t *testing.T) {
	if os.Getenv("MYNAH_WRITE_FUZZ_SEEDS") == "" {
		t.Skip("set MYNAH_WRITE_FUZZ_SEEDS=1 to rewrite testdata/fuzz")
	}
	for target, seeds := range fuzzSeeds(t) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		for i, s := range seeds {
			body := "go test fuzz v1\n[]byte(" + strconv.Quote(string(s)) + ")\n"
			if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// FuzzReadARPA checks that no input makes the ARPA reader panic, and that
// whatever it accepts compiles, writes and reads back the same.
func FuzzReadARPA(f *testing.F) {
	for _, s := range fuzzSeeds(f)["FuzzReadARPA"] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		g, err := ReadARPA(bytes.NewReader(data))
		if err != nil {
			return
		}
		m, err := g.Compile()
		if err != nil {
			return // e.g. a duplicate n-gram
		}
		var buf bytes.Buffer
		if err := g.WriteARPA(&buf); err != nil {
			t.Fatalf("write accepted model: %v", err)
		}
		g2, err := ReadARPA(&buf)
		if err != nil {
			t.Fatalf("re-read written model: %v", err)
		}
		if fmt.Sprint(g2.Counts()) != fmt.Sprint(g.Counts()) {
			t.Fatalf("counts %v became %v", g.Counts(), g2.Counts())
		}
		s := m.BeginState()
		for id := range WordID(min(m.VocabSize()+1, 64)) {
			_, s = m.Score(s, id)
		}
	})
}

// FuzzLoad checks that no byte string makes Load panic or return a model
// that panics or loops when queried.
func FuzzLoad(f *testing.F) {
	for _, s := range fuzzSeeds(f)["FuzzLoad"] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data)
		if err != nil {
			return
		}
		s := m.BeginState()
		for id := range WordID(min(m.VocabSize()+1, 64)) {
			_, s = m.Score(s, id)
			m.Lookup(m.Word(id))
		}
		m.Lookup("zebra")
		// Walk the spelling trie as a decoder would: every word, and every
		// label from every node reached, must stay inside the trie.
		if sp := m.Spelling(); sp != nil {
			for id := EndID + 1; int(id) < min(m.VocabSize(), 64); id++ {
				node := SpellingRoot
				for _, b := range []byte(m.Word(id)) {
					if node = sp.Next(node, sp.Label(b)); node < 0 {
						break
					}
					sp.Word(node)
				}
			}
			for node := SpellingRoot; int(node) < min(sp.Nodes(), 64); node++ {
				for label := -1; label <= len(sp.Alphabet()); label++ {
					if next := sp.Next(node, label); next >= 0 {
						sp.Word(next)
					}
				}
			}
		}
	})
}

// FuzzParse checks the format sniffing and the mixture container: no input
// may panic, and an accepted model must answer queries.
func FuzzParse(f *testing.F) {
	for _, s := range fuzzSeeds(f)["FuzzParse"] {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Parse(data)
		if err != nil {
			return
		}
		s := m.BeginState()
		for id := range WordID(min(m.VocabSize()+1, 64)) {
			var lp float32
			lp, s = m.Score(s, id)
			if lp != lp {
				t.Fatalf("NaN score for word %d", id)
			}
			m.Lookup(m.Word(id))
		}
		if _, err := m.MarshalBinary(); err != nil {
			t.Fatalf("marshal accepted model: %v", err)
		}
	})
}
