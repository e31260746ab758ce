package lm

import (
	"bytes"
	"errors"
	"math"
	"math/rand/v2"
	"strings"
	"testing"
)

// smallARPA is a hand-written trigram model; the expected scores below are
// computed by hand from it with the ARPA backoff rule.
const smallARPA = `
\data\
ngram 1=6
ngram 2=5
ngram 3=2

\1-grams:
-1.0	<unk>
-99	<s>	-0.5
-0.7	</s>
-0.6	the	-0.3
-0.9	cat	-0.2
-1.2	sat	-0.1

\2-grams:
-0.2	<s> the	-0.4
-0.5	the cat	-0.25
-0.4	cat sat
-0.3	sat </s>
-0.8	cat </s>

\3-grams:
-0.1	<s> the cat
-0.05	the cat sat

\end\
`

func readSmall(t testing.TB) *Model {
	t.Helper()
	g, err := ReadARPA(strings.NewReader(smallARPA))
	if err != nil {
		t.Fatal(err)
	}
	m, err := g.Compile()
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestScoreByHand(t *testing.T) {
	m := readSmall(t)
	ln := func(x float64) float32 { return float32(x * math.Ln10) }
	cases := []struct {
		history []string // after <s>
		word    string
		want    float32
	}{
		{nil, "the", ln(-0.2)},                     // bigram <s> the
		{[]string{"the"}, "cat", ln(-0.1)},         // trigram <s> the cat
		{[]string{"the", "cat"}, "sat", ln(-0.05)}, // trigram the cat sat
		{[]string{"the", "cat", "sat"}, "</s>", ln(-0.3)},
		// "cat cat": no trigram "the cat cat", no bigram "cat cat": backoff
		// of "the cat" (-0.25) + backoff of "cat" (-0.2) + unigram (-0.9).
		{[]string{"the", "cat"}, "cat", ln(-0.25 - 0.2 - 0.9)},
		// "<s> sat": bigram missing: backoff(<s>) + p(sat).
		{nil, "sat", ln(-0.5 - 1.2)},
		// Unknown word: backoff(<s>) + p(<unk>).
		{nil, "dog", ln(-0.5 - 1.0)},
		// After an unknown word the context is <unk>, which has no
		// backoff: just the unigram.
		{[]string{"dog"}, "the", ln(-0.6)},
		// "sat the": bigram missing, trigram context "cat sat" has no
		// entry (so no backoff), backoff(sat) = -0.1.
		{[]string{"the", "cat", "sat"}, "the", ln(-0.1 - 0.6)},
	}
	for _, tc := range cases {
		state := m.BeginState()
		for _, w := range tc.history {
			_, state = m.ScoreWord(state, w)
		}
		got, _ := m.ScoreWord(state, tc.word)
		if math.Abs(float64(got-tc.want)) > 1e-5 {
			t.Errorf("P(%s | <s> %s) = %v, want %v", tc.word, strings.Join(tc.history, " "), got, tc.want)
		}
	}
	// State minimisation: after "sat" the only context that matters is
	// the bigram "cat sat" (it has no trigram extensions, but is an entry).
	_, s1 := m.ScoreWord(m.BeginState(), "dog")
	_, s2 := m.ScoreWord(m.NullState(), "dog")
	if s1 != s2 {
		t.Errorf("history before an unknown word leaks into the state: %+v vs %+v", s1, s2)
	}
	if id, ok := m.Lookup("cat"); !ok || m.Word(id) != "cat" {
		t.Errorf("lookup cat = %d %v", id, ok)
	}
	if _, ok := m.Lookup("dog"); ok {
		t.Error("dog found")
	}
}

func TestARPARoundTrip(t *testing.T) {
	g, err := ReadARPA(strings.NewReader(smallARPA))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := g.WriteARPA(&buf); err != nil {
		t.Fatal(err)
	}
	first := buf.String()
	g2, err := ReadARPA(&buf)
	if err != nil {
		t.Fatalf("re-read: %v\n%s", err, buf.String())
	}
	var buf2 bytes.Buffer
	g2.WriteARPA(&buf2)
	if first != buf2.String() {
		t.Fatalf("round trip differs:\n%s\n---\n%s", first, buf2.String())
	}
}

func TestBadARPA(t *testing.T) {
	valid := smallARPA
	cases := []struct {
		name, text, want string
	}{
		{"empty", "", "no \\data\\"},
		{"no end", strings.Replace(valid, `\end\`, "", 1), "no \\end\\"},
		{"wrong count", strings.Replace(valid, "ngram 2=5", "ngram 2=6", 1), "announced 6"},
		{"too many", strings.Replace(valid, "ngram 3=2", "ngram 3=1", 1), "more 3-grams"},
		{"bad float", strings.Replace(valid, "-0.9\tcat", "-0.x9\tcat", 1), "line 12"},
		{"positive prob", strings.Replace(valid, "-0.9\tcat", "0.5\tcat", 1), "above 0"},
		{"nan", strings.Replace(valid, "-0.9\tcat", "NaN\tcat", 1), "finite"},
		{"unknown word", strings.Replace(valid, "-0.4\tcat sat", "-0.4\tcat mat", 1), "not among the unigrams"},
		{"absurd order", strings.Replace(valid, "ngram 3=2", "ngram 3=2\nngram 4=0\nngram 5=0\nngram 6=0", 1), "exceeds the maximum"},
		{"skipped order", strings.Replace(valid, "ngram 2=5", "ngram 7=5", 1), "order 2 was expected"},
		{"missing section", strings.Replace(valid, `\2-grams:`, `\4-grams:`, 1), "where \\2-grams: was expected"},
		{"field count", strings.Replace(valid, "-0.4\tcat sat", "-0.4\tcat", 1), "fields"},
		{"no </s>", strings.Replace(strings.Replace(valid, "-0.7\t</s>\n", "", 1), "ngram 1=6", "ngram 1=5", 1), "lack"},
		{"backoff on top order", strings.Replace(valid, "-0.1\t<s> the cat", "-0.1\t<s> the cat\t-0.2", 1), "highest-order"},
		{"duplicate unigram", strings.Replace(valid, "-1.2\tsat\t-0.1", "-1.2\tcat\t-0.1", 1), "twice"},
	}
	for _, tc := range cases {
		_, err := ReadARPA(strings.NewReader(tc.text))
		if err == nil {
			t.Errorf("%s: accepted", tc.name)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) || !errors.Is(err, ErrInvalid) {
			t.Errorf("%s: error %q, want it to mention %q and wrap ErrInvalid", tc.name, err, tc.want)
		}
	}
}

func TestBinaryRoundTrip(t *testing.T) {
	m := testModel(t, BuildConfig{Order: 3})
	data, err := m.MarshalBinary()
	if err != nil {
		t.Fatal(err)
	}
	if want := m.binarySize(m.buildSpelling()); uint64(len(data)) != want {
		t.Fatalf("size %d, predicted %d", len(data), want)
	}
	// Aliased (aligned) and copied (misaligned) loads must agree.
	aligned := make([]uint64, len(data)/8)
	alignedBytes := unsafeBytes(aligned)
	copy(alignedBytes, data)
	shifted := make([]byte, len(data)+1)
	copy(shifted[1:], data)
	for name, buf := range map[string][]byte{"aligned": alignedBytes, "misaligned": shifted[1:]} {
		back, err := Load(buf)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		compareModels(t, m, back)
	}
	// Every truncation and a sample of corruptions fail cleanly.
	for n := 0; n < len(data); n += max(1, len(data)/97) {
		if _, err := Load(data[:n]); err == nil {
			t.Fatalf("truncated to %d bytes: accepted", n)
		}
	}
	rng := rand.New(rand.NewPCG(1, 1))
	for range 500 {
		bad := bytes.Clone(data)
		bad[rng.IntN(len(bad))] ^= byte(1 + rng.IntN(255))
		if m2, err := Load(bad); err == nil {
			s := m2.BeginState()
			for id := range WordID(m2.VocabSize() + 1) {
				_, s = m2.Score(s, id)
			}
		}
	}
}

func compareModels(t *testing.T, a, b *Model) {
	t.Helper()
	if a.Order() != b.Order() || a.VocabSize() != b.VocabSize() {
		t.Fatalf("order/vocab %d/%d vs %d/%d", a.Order(), a.VocabSize(), b.Order(), b.VocabSize())
	}
	rng := rand.New(rand.NewPCG(2, 2))
	sa, sb := a.BeginState(), b.BeginState()
	for range 2000 {
		w := WordID(rng.IntN(a.VocabSize()))
		if w == BeginID {
			continue
		}
		if a.Word(w) != b.Word(w) || b.ID(a.Word(w)) != w {
			t.Fatalf("word %d: %q vs %q", w, a.Word(w), b.Word(w))
		}
		pa, na := a.Score(sa, w)
		pb, nb := b.Score(sb, w)
		if pa != pb || na != nb {
			t.Fatalf("score of %q: %v vs %v", a.Word(w), pa, pb)
		}
		sa, sb = na, nb
		if w == EndID {
			sa, sb = a.BeginState(), b.BeginState()
		}
	}
}
