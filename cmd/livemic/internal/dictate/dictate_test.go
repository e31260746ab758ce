package dictate

import "testing"

func TestFormat(t *testing.T) {
	tests := []struct {
		name       string
		utterances []string
		want       []string
	}{
		{"capital at the start", []string{"hello world"}, []string{"Hello world"}},
		{"empty", []string{"", "hello"}, []string{"", "Hello"}},
		{"comma and period", []string{"hello comma world period"}, []string{"Hello, world."}},
		{"full stop", []string{"it works full stop then"}, []string{"It works. Then"}},
		{"question mark", []string{"are you there question mark yes"}, []string{"Are you there? Yes"}},
		{"exclamation", []string{"wow exclamation mark"}, []string{"Wow!"}},
		{"new line keeps the case", []string{"dear sir new line thanks"}, []string{"Dear sir\nthanks"}},
		{"new paragraph starts a sentence", []string{"one new paragraph two"}, []string{"One\n\nTwo"}},
		{"period then new line", []string{"done period new line next"}, []string{"Done.\nNext"}},
		{"sentence spans utterances", []string{"hello comma", "how are you question mark", "fine"}, []string{"Hello,", "how are you?", "Fine"}},
		{"command alone at the start", []string{"one", "period", "two"}, []string{"One", ".", "Two"}},
		{"pronoun I", []string{"yes i think i'm right"}, []string{"Yes I think I'm right"}},
		{"lone new is a word", []string{"a new car"}, []string{"A new car"}},
		{"question without mark is a word", []string{"a question"}, []string{"A question"}},
		{"extra spaces", []string{"  two   words  "}, []string{"Two words"}},
		{"apostrophe word", []string{"don't stop"}, []string{"Don't stop"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var f Formatter
			for i, u := range tc.utterances {
				if got := f.Format(u); got != tc.want[i] {
					t.Errorf("utterance %d %q: got %q, want %q", i, u, got, tc.want[i])
				}
			}
		})
	}
}

func TestPeekKeepsState(t *testing.T) {
	var f Formatter
	if got := f.Peek("hello period"); got != "Hello." {
		t.Fatalf("Peek = %q", got)
	}
	// Peek did not start the dictation nor end a sentence.
	if got := f.Format("hello comma"); got != "Hello," {
		t.Fatalf("Format after Peek = %q", got)
	}
	if got := f.Peek("there period"); got != "there." {
		t.Fatalf("Peek mid-sentence = %q", got)
	}
	if got := f.Format("there"); got != "there" {
		t.Fatalf("Format = %q", got)
	}
}

func FuzzFormat(f *testing.F) {
	for _, s := range []string{"hello comma world period", "new paragraph new line", "i'm here question mark", "\xff\xfe", ""} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		var fm Formatter
		_ = fm.Peek(s)
		_ = fm.Format(s)
	})
}
