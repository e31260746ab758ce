package dictate

import (
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/mynah-speech/mynah/models"
	"github.com/mynah-speech/mynah/punct"
)

var (
	modelOnce sync.Once
	model     *punct.Model
	modelErr  error
)

// loadModel returns the embedded punctuation model.
func loadModel(t testing.TB) *punct.Model {
	t.Helper()
	modelOnce.Do(func() { model, modelErr = punct.Load(models.Punctuation()) })
	if modelErr != nil {
		t.Fatal(modelErr)
	}
	return model
}

// TestFinalIsStreamingTagger checks that without spoken commands a final is
// the streaming tagger's output (punct.Stream: Accept, then Flush), except
// that every sentence mark starts a sentence (the tagger, trained on books,
// leaves "said" small after a question; dictation does not).
func TestFinalIsStreamingTagger(t *testing.T) {
	m := loadModel(t)
	f := New(m)
	for _, u := range []string{
		"where are you going said the man",
		"hello how are you today i am fine thank you",
		"it was the best of times it was the worst of times",
		"one",
	} {
		words := strings.Fields(u)
		st := m.NewStream()
		want := strings.Join(append(st.Accept(words...), st.Flush()...), " ")
		want = regexp.MustCompile(`[.?!] [a-z]`).ReplaceAllStringFunc(want, strings.ToUpper)
		if got := f.Final(words); got != want {
			t.Errorf("Final(%q) = %q, want the stream's %q", u, got, want)
		}
	}
}

// TestPartialsAgreeWithFinal feeds utterances word by word as partials
// whose stable words grow, and checks that what a partial shows tagged is
// what the final shows: labels never change, so the text does not jump
// when the final comes.
func TestPartialsAgreeWithFinal(t *testing.T) {
	m := loadModel(t)
	for _, u := range []string{
		"hello how are you today i am fine thank you and you",
		"so i said comma well that is the question mark is it not new line yes period",
		"new paragraph we will go to the market tomorrow full stop then home",
	} {
		words := strings.Fields(u)
		// The final's labels, from a fresh Formatter.
		ref := New(m)
		ref.catchUp(words, len(words), true)
		ref.label(ref.utt.tagger.Flush())
		finalItems := ref.utt.items

		f := New(m)
		tagged := 0
		var partials []string
		var taggedAt []int
		for k := 0; k <= len(words); k++ {
			// The hypothesis so far: k stable words and one more pending.
			p := f.Partial(words[:min(k+1, len(words))], k)
			if k > 0 && p == "" {
				t.Errorf("%q: empty partial %d", u, k)
			}
			n := 0
			for i, it := range f.utt.items {
				if it.word != finalItems[i].word || it.cmd.mark != finalItems[i].cmd.mark {
					t.Fatalf("%q partial %d: item %d %+v, final has %+v", u, k, i, it, finalItems[i])
				}
				if it.labeled {
					n++
					if it.label != finalItems[i].label {
						t.Errorf("%q partial %d: word %q labelled %q, the final %q", u, k, it.word, it.label, finalItems[i].label)
					}
				}
			}
			if n < tagged {
				t.Errorf("%q partial %d: %d words tagged, fewer than before (%d)", u, k, n, tagged)
			}
			tagged = n
			partials, taggedAt = append(partials, p), append(taggedAt, n)
		}
		if tagged == 0 {
			t.Errorf("%q: no partial showed a tagged word", u)
		}
		final := f.Final(words)
		if regexp.MustCompile(`[,.?!][,.?!]`).MatchString(final) {
			t.Errorf("%q: doubled marks in %q", u, final)
		}
		// An utterance of plain words: a partial's tagged words are the
		// final's text to the letter.
		if strings.Contains(u, "comma") || strings.Contains(u, "period") || strings.Contains(u, "new") {
			continue
		}
		fw := strings.Split(final, " ")
		for k, p := range partials {
			pw := strings.Split(p, " ")
			if n := taggedAt[k]; strings.Join(pw[:n], " ") != strings.Join(fw[:n], " ") {
				t.Errorf("%q: partial %q, %d words tagged, differs from the final %q", u, p, n, final)
			}
		}
	}
}

// TestCommandsOverrideTagger checks that a dictated mark replaces the
// tagger's and that the sentence state follows what is written.
func TestCommandsOverrideTagger(t *testing.T) {
	m := loadModel(t)
	tests := []struct {
		utterances []string
		want       []*regexp.Regexp
	}{
		{[]string{"hello comma how are you question mark"}, []*regexp.Regexp{regexp.MustCompile(`^Hello, how are you\?$`)}},
		{[]string{"yes period no period"}, []*regexp.Regexp{regexp.MustCompile(`^Yes\. No\.$`)}},
		// A comma at the end of an utterance carries the sentence on: the
		// next utterance starts in lower case.
		{[]string{"hello comma", "how are you question mark"}, []*regexp.Regexp{regexp.MustCompile(`^Hello,$`), regexp.MustCompile(`^how are you\?$`)}},
		{[]string{"first new paragraph second"}, []*regexp.Regexp{regexp.MustCompile(`^First\n\nSecond[.?!]$`)}},
		{[]string{"one", "period", "two"}, []*regexp.Regexp{regexp.MustCompile(`^One[.?!]$`), regexp.MustCompile(`^\.$`), regexp.MustCompile(`^Two[.?!]$`)}},
	}
	for _, tc := range tests {
		f := New(m)
		for i, u := range tc.utterances {
			if got := f.Format(u); !tc.want[i].MatchString(got) {
				t.Errorf("%q utterance %d %q: got %q, want %v", tc.utterances, i, u, got, tc.want[i])
			}
		}
	}
}

// TestPartialPrefixChanged checks that a hypothesis that drops words the
// tagger already read (they were reported stable) is still formatted from
// its own words, and the final is what a fresh Formatter makes of it.
func TestPartialPrefixChanged(t *testing.T) {
	m := loadModel(t)
	f := New(m)
	f.Partial(strings.Fields("the cat sat on the mat today"), 6)
	got := f.Partial(strings.Fields("a dog ran"), 1)
	if !strings.HasPrefix(got, "A dog ran") {
		t.Errorf("changed partial = %q", got)
	}
	final := f.Final(strings.Fields("a dog ran home"))
	if want := New(m).Final(strings.Fields("a dog ran home")); final != want {
		t.Errorf("final after a changed prefix = %q, want %q", final, want)
	}
}

// TestPartialKeepsSentenceState checks that partials do not advance the
// sentence state with a model either.
func TestPartialKeepsSentenceState(t *testing.T) {
	m := loadModel(t)
	f := New(m)
	f.Partial(strings.Fields("hello period there"), 3)
	if got := f.Format("hello comma"); got != "Hello," {
		t.Fatalf("Format after Partial = %q", got)
	}
	if got := f.Peek("there"); strings.HasPrefix(got, "T") {
		t.Fatalf("Peek mid-sentence = %q", got)
	}
}

func FuzzPartialFinal(f *testing.F) {
	for _, s := range []string{"hello comma world period", "new paragraph new line", "i'm here question mark", "\xff\xfe", ""} {
		f.Add(s, uint8(1))
	}
	m := loadModel(f)
	f.Fuzz(func(t *testing.T, s string, stable uint8) {
		fm := New(m)
		words := strings.Fields(s)
		_ = fm.Partial(words, int(stable))
		_ = fm.Partial(words[:len(words)/2], int(stable)/2)
		_ = fm.Final(words)
	})
}
