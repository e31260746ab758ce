package punct

import (
	"bytes"
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

func tinyConfig() Config {
	c := DefaultConfig([]string{"the", "a", "is", "what", "where", "said"})
	c.HashBuckets, c.SuffixBuckets, c.Dim, c.Channels = 16, 16, 8, 12
	return c
}

func tinyModel(t testing.TB) *Model {
	t.Helper()
	m, err := NewModel(tinyConfig(), 7)
	if err != nil {
		t.Fatal(err)
	}
	// Biases too, so that every parameter matters in the tests.
	rng := nn.NewRand(3)
	for _, p := range m.Params() {
		if len(p.Shape) == 1 {
			nn.InitNormal(p, rng, 0, 0.1)
		}
	}
	return m
}

func someWords(n int) []string {
	pool := strings.Fields("the man said what is it where is the cat a dog ran home zebra quietly whom")
	out := make([]string, n)
	for i := range out {
		out[i] = pool[(i*7+i/3)%len(pool)]
	}
	return out
}

func TestConfigValidate(t *testing.T) {
	good := tinyConfig()
	if err := good.Validate(); err != nil {
		t.Fatal(err)
	}
	bad := []func(*Config){
		func(c *Config) { c.Dim = 0 },
		func(c *Config) { c.Channels = -1 },
		func(c *Config) { c.HashBuckets = 0 },
		func(c *Config) { c.SuffixLen = 0 },
		func(c *Config) { c.Dropout = 1 },
		func(c *Config) { c.FullLayers = nil },
		func(c *Config) { c.StreamLayers = []Layer{{3, 1, 3}} }, // look-ahead beyond the span
		func(c *Config) { c.Vocab = []string{"a", "a"} },
		func(c *Config) { c.Vocab = []string{""} },
	}
	for i, f := range bad {
		c := tinyConfig()
		c.Vocab = append([]string(nil), c.Vocab...)
		f(&c)
		if err := c.Validate(); err == nil {
			t.Errorf("case %d: %+v validated", i, c)
		}
	}
}

func TestDefaultLookAhead(t *testing.T) {
	c := DefaultConfig(nil)
	if got := c.LookAhead(Streaming); got != 3 {
		t.Errorf("streaming look-ahead %d, want 3", got)
	}
	if got := c.LookAhead(Full); got != 15 {
		t.Errorf("full look-ahead %d, want 15", got)
	}
	if got := c.Context(Streaming); got != 27 {
		t.Errorf("streaming context %d, want 27", got)
	}
}

// The streaming encoder's scores for a word do not depend on words more
// than LookAhead after it, nor on words more than Context before it.
func TestStreamingReceptiveField(t *testing.T) {
	m := tinyModel(t)
	words := someWords(80)
	base := m.Scores(Streaming, words)
	la, ctx := m.cfg.LookAhead(Streaming), m.cfg.Context(Streaming)
	const i = 40
	changed := append([]string(nil), words...)
	for j := i + la + 1; j < len(changed); j++ {
		changed[j] = "zzz"
	}
	for j := 0; j < i-ctx; j++ {
		changed[j] = "qqq"
	}
	got := m.Scores(Streaming, changed)
	for k := range numOutputs {
		if a, b := base[i*numOutputs+k], got[i*numOutputs+k]; a != b {
			t.Fatalf("score %d of word %d changed from %v to %v", k, i, a, b)
		}
	}
	// And the word LookAhead after does matter (the field is not smaller).
	changed = append([]string(nil), words...)
	changed[i+la] = "zzz"
	got = m.Scores(Streaming, changed)
	same := true
	for k := range numOutputs {
		same = same && base[i*numOutputs+k] == got[i*numOutputs+k]
	}
	if same {
		t.Error("word at the look-ahead limit has no effect")
	}
}

// Long inputs are cut into overlapping chunks; the scores must equal one
// pass over the whole input.
func TestChunkedScoresMatchOnePass(t *testing.T) {
	m := tinyModel(t)
	words := someWords(chunkWords*2 + 37)
	for _, v := range []Variant{Full, Streaming} {
		got := m.Scores(v, words)
		tape := nn.NewTape(0)
		tape.SetTraining(false)
		out, err := m.Forward(tape, v, m.Features(nil, words...), 1, len(words))
		if err != nil {
			t.Fatal(err)
		}
		for i, want := range out.Data {
			if d := math.Abs(float64(got[i] - want)); d > 1e-4 {
				t.Fatalf("%s: score %d (word %d) = %v, one pass %v", v, i, i/numOutputs, got[i], want)
			}
		}
	}
}

func TestWriteLoadRoundTrip(t *testing.T) {
	m := tinyModel(t).WithDecision(Full, Decision{MarkBias: [NumMarks]float32{0, 0.5, 1, 1.5, 2}})
	words := someWords(50)
	for _, dt := range []safetensors.DType{safetensors.F32, safetensors.I8} {
		var buf bytes.Buffer
		if err := m.Write(&buf, dt); err != nil {
			t.Fatal(err)
		}
		l, err := Load(buf.Bytes())
		if err != nil {
			t.Fatalf("%s: %v", dt, err)
		}
		if l.Config().FullDecision != m.Config().FullDecision || len(l.Config().Vocab) != len(m.Config().Vocab) {
			t.Errorf("%s: config changed: %+v", dt, l.Config())
		}
		a, b := m.Scores(Full, words), l.Scores(Full, words)
		tol := 1e-6
		if dt == safetensors.I8 {
			tol = 0.1
		}
		for i := range a {
			if math.Abs(float64(a[i]-b[i])) > tol {
				t.Fatalf("%s: score %d %v after loading, %v before", dt, i, b[i], a[i])
			}
		}
	}
}

func TestLoadRejectsGarbage(t *testing.T) {
	for _, data := range [][]byte{nil, []byte("not a model"), make([]byte, 64)} {
		if _, err := Load(data); err == nil {
			t.Errorf("Load(%q) succeeded", data)
		}
	}
}

func TestDecode(t *testing.T) {
	words := []string{"hello", "there", "how", "are", "you"}
	scores := make([]float32, len(words)*numOutputs)
	set := func(i int, m Mark, c Case) {
		scores[i*numOutputs+int(m)] = 5
		scores[i*numOutputs+NumMarks+int(c)] = 5
	}
	set(0, Comma, Lower) // first word: capitalised by rule
	set(1, Period, Lower)
	set(2, None, Lower) // after a period: capitalised by rule
	set(3, None, Lower)
	set(4, Question, Upper)
	got := Render(Decode(words, scores, Decision{}, None, true))
	if want := "Hello, there. How are YOU?"; got != want {
		t.Errorf("Decode = %q, want %q", got, want)
	}
	// A bias can overturn a score.
	d := Decision{}
	d.MarkBias[Question] = -10
	got = Render(Decode(words[4:], scores[4*numOutputs:], d, None, false))
	if got != "YOU" {
		t.Errorf("with a question bias of -10: %q", got)
	}
}

// OpenerBias turns a sentence's period into a question mark when the
// sentence opened with a question word, and only then.
func TestDecodeOpenerBias(t *testing.T) {
	d := Decision{OpenerBias: 2}
	for _, tc := range []struct{ text, want string }{
		// No rule capitalises after a question mark ("Why? said he."):
		// the case head decides, here lower.
		{"where is it it is here", "Where is it? it is here."},
		{"and why not it is here", "And why not? it is here."},
		{"it is there is it here", "It is there. Is it here?"},
	} {
		words := strings.Fields(tc.text)
		scores := make([]float32, len(words)*numOutputs)
		for i := range words {
			scores[i*numOutputs+int(None)] = 5
		}
		// Sentence ends after words 3 and 6, a period by 1 over a question.
		for _, i := range []int{2, 5} {
			if i < len(words) {
				scores[i*numOutputs+int(Period)] = 6
				scores[i*numOutputs+int(Question)] = 5
			}
		}
		toks := Decode(words, scores, d, None, true)
		endText(toks)
		if got := Render(toks); got != tc.want {
			t.Errorf("%q: got %q, want %q", tc.text, got, tc.want)
		}
		if got := Render(Decode(words, scores, Decision{}, None, true)); strings.Contains(got, "?") {
			t.Errorf("%q without the bias: %q", tc.text, got)
		}
	}
}

func TestApplyKeepsWords(t *testing.T) {
	m := tinyModel(t)
	words := someWords(33)
	out := m.Apply(words)
	if len(out) != len(words) {
		t.Fatalf("Apply gave %d words for %d", len(out), len(words))
	}
	for i, w := range out {
		if got := strings.ToLower(strings.TrimRight(w, ",.?!")); got != words[i] {
			t.Errorf("word %d: %q from %q", i, w, words[i])
		}
	}
	if last := out[len(out)-1]; !strings.ContainsAny(last[len(last)-1:], ".?!") {
		t.Errorf("Apply does not end the text: %q", last)
	}
	if first := out[0]; first[0] < 'A' || first[0] > 'Z' {
		t.Errorf("Apply does not capitalise the first word: %q", first)
	}
	if got := m.Punctuate(strings.Join(words, " ")); got != strings.Join(out, " ") {
		t.Errorf("Punctuate = %q, Apply = %q", got, strings.Join(out, " "))
	}
	if len(m.Apply(nil)) != 0 || m.Punctuate("  ") != "" {
		t.Error("empty input")
	}
}

// A Stream fed word by word labels every word as Predict(Streaming) does
// on the whole text, except that Flush ends the text with a mark.
func TestStreamMatchesPredict(t *testing.T) {
	m := tinyModel(t).WithDecision(Streaming, Decision{MarkBias: [NumMarks]float32{0, 0.3, 0.3, 0.3, 0.3}, OpenerBias: 1})
	words := someWords(70)
	want := m.Predict(Streaming, words)
	endText(want)
	for _, step := range []int{1, 2, 5, 70} {
		s := m.NewStream()
		var got []string
		for i := 0; i < len(words); i += step {
			out := s.Accept(words[i:min(i+step, len(words))]...)
			got = append(got, out...)
			if pending := min(i+step, len(words)) - len(got); pending != min(s.LookAhead(), min(i+step, len(words))) {
				t.Fatalf("step %d: %d words waiting after %d accepted", step, pending, min(i+step, len(words)))
			}
		}
		got = append(got, s.Flush()...)
		if g, w := strings.Join(got, " "), Render(want); g != w {
			t.Errorf("step %d:\nstream  %s\npredict %s", step, g, w)
		}
		// After Flush a new text starts.
		if again := s.Accept(words[:5]...); len(again) != 5-s.LookAhead() || !strings.HasPrefix(again[0], "T") {
			t.Errorf("after Flush: %q", again)
		}
	}
}

// The Stream's encoder computes each row once, layer by layer, and its
// scores are those of the whole text's Forward up to the order of sums.
func TestStreamScoresMatchForward(t *testing.T) {
	m := tinyModel(t)
	words := someWords(150)
	want := m.Scores(Streaming, words)
	s := m.NewStream()
	for _, step := range []int{1, 2, 3, 7, 40, 150} {
		s.Flush() // the same Stream again: Flush starts a new text
		accepted := 0
		for accepted < len(words) {
			next := min(accepted+step, len(words))
			s.Accept(words[accepted:next]...)
			accepted = next
			base := accepted - len(s.words) // text index of s.words[0]
			rows := len(s.enc.scores) / numOutputs
			if rows < s.pending {
				t.Fatalf("step %d: %d score rows for %d labelled words", step, rows, s.pending)
			}
			for i, got := range s.enc.scores {
				w := want[base*numOutputs+i]
				if d := got - w; d > 1e-4 || d < -1e-4 {
					t.Fatalf("step %d, after %d words: score %d of word %d = %v, Forward %v", step, accepted, i%numOutputs, base+i/numOutputs, got, w)
				}
			}
		}
	}
}

func TestModelConcurrentUse(t *testing.T) {
	m := tinyModel(t)
	words := someWords(200)
	want := fmt.Sprint(m.Apply(words))
	done := make(chan string)
	for range 4 {
		go func() { done <- fmt.Sprint(m.Apply(words)) }()
	}
	for range 4 {
		if got := <-done; got != want {
			t.Error("concurrent Apply differs")
		}
	}
}

func tinyLinear(t testing.TB) *Model {
	t.Helper()
	c := DefaultLinearConfig()
	c.Buckets = 1 << 10
	m, err := NewModel(c, 1)
	if err != nil {
		t.Fatal(err)
	}
	nn.InitNormal(m.Params()[0], nn.NewRand(5), 0, 0.3)
	return m
}

func TestLinearConfig(t *testing.T) {
	c := DefaultLinearConfig()
	if err := c.Validate(); err != nil {
		t.Fatal(err)
	}
	if c.LookAhead(Streaming) > 3 || c.LookAhead(Full) != c.LookAhead(Streaming) {
		t.Errorf("linear look-ahead %d/%d", c.LookAhead(Full), c.LookAhead(Streaming))
	}
	for _, f := range []func(*Config){
		func(c *Config) { c.Buckets = 1000 }, // not a power of two
		func(c *Config) { c.Buckets = 0 },
		func(c *Config) { c.BagWords = -1 },
		func(c *Config) { c.Arch = "rnn" },
	} {
		c := DefaultLinearConfig()
		f(&c)
		if c.Validate() == nil {
			t.Errorf("%+v validated", c)
		}
	}
	if _, err := NewModel(DefaultLinearConfig(), 0); err != nil {
		t.Fatal(err)
	}
	m := tinyLinear(t)
	if _, err := m.Forward(nn.NewTape(0), Full, nil, 0, 0); err == nil {
		t.Error("Forward on a linear model")
	}
}

// The linear tagger's scores are the sums of its feature rows, and reach
// no further ahead than its look-ahead nor further back than its context.
func TestLinearScores(t *testing.T) {
	m := tinyLinear(t)
	words := someWords(40)
	got := m.Scores(Full, words)
	feats, offsets := m.LinearFeatures(words)
	w := m.Params()[0].Value
	for i := range words {
		for k := range numOutputs {
			var want float32
			for _, f := range feats[offsets[i]:offsets[i+1]] {
				want += w[int(f)*numOutputs+k]
			}
			if d := got[i*numOutputs+k] - want; d > 1e-5 || d < -1e-5 {
				t.Fatalf("word %d score %d: %v, rows sum to %v", i, k, got[i*numOutputs+k], want)
			}
		}
	}
	la, ctx := m.cfg.LookAhead(Streaming), m.cfg.Context(Streaming)
	const i = 20
	changed := append([]string(nil), words...)
	for j := range changed {
		if j > i+la || j < i-ctx {
			changed[j] = "zzz"
		}
	}
	again := m.Scores(Streaming, changed)
	for k := range numOutputs {
		if got[i*numOutputs+k] != again[i*numOutputs+k] {
			t.Fatalf("score %d of word %d depends on words outside [-%d, +%d]", k, i, ctx, la)
		}
	}
}

func TestLinearStreamAndFile(t *testing.T) {
	m := tinyLinear(t)
	words := someWords(50)
	want := m.Predict(Streaming, words)
	endText(want)
	s := m.NewStream()
	var got []string
	for _, w := range words {
		got = append(got, s.Accept(w)...)
	}
	got = append(got, s.Flush()...)
	if g, w := strings.Join(got, " "), Render(want); g != w {
		t.Errorf("stream  %s\npredict %s", g, w)
	}
	var buf bytes.Buffer
	if err := m.Write(&buf, safetensors.I8); err != nil {
		t.Fatal(err)
	}
	l, err := Load(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	a, b := m.Scores(Full, words), l.Scores(Full, words)
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > 0.1 {
			t.Fatalf("int8 file: score %d %v, was %v", i, b[i], a[i])
		}
	}
}
