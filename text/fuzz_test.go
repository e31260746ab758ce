package text

import (
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"
)

// FuzzNormalize checks that any input, valid UTF-8 or not, normalises
// without panicking to the spoken alphabet, that the TTS form carries the
// same words, and that the spoken form is a fixed point.
func FuzzNormalize(f *testing.F) {
	for _, s := range []string{
		"St. John St.", "$1.5 million", "the 1990s", "3:00", "No. 5", "Jan. 5, 2024 at 10:30 a.m.",
		"call (555) 123-4567 or +44 20 7946 0958", "john.doe@example.com https://x.org/a?b=1#c",
		"Henry VIII, Chapter IV, World War II", "½ 1½ 2 3/4 24/7 -5°C 5km 100 km/h", "Café Straße 東京 ﬁ",
		"FBI NASA U.S.A. e.g. i.e. CDs FBI's", "'90s 1920's 21st 007 .5 1,000,000.25", "\x00\x01\xff\xfe",
		"£€¥¢₹ % & @ # + = ×", "2024-01-05 12/25/2024 1.2.2024", "---...!!!???",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, _ := NormalizeReport(s)
		if !spokenOK(got) {
			t.Fatalf("Normalize(%q) = %q: outside the spoken alphabet", s, got)
		}
		var words []string
		for _, tk := range NormalizeTTS(s) {
			switch tk.Kind {
			case Word:
				words = append(words, tk.Text)
			case Break:
				if len(tk.Text) != 1 || !strings.Contains(",.?!;:", tk.Text) {
					t.Fatalf("NormalizeTTS(%q): break %q", s, tk.Text)
				}
			}
		}
		if tw := strings.Join(words, " "); tw != got {
			t.Fatalf("NormalizeTTS(%q) words %q != Normalize %q", s, tw, got)
		}
		if again := Normalize(got); again != got {
			t.Fatalf("Normalize not idempotent on %q: %q then %q", s, got, again)
		}
	})
}

// FuzzSentences checks that splitting never panics and loses or invents no
// text: the sentences hold exactly the input's non-space characters.
func FuzzSentences(f *testing.F) {
	for _, s := range []string{
		"Mr. Smith went. He came back!", "3.14 is pi. U.S. Army.", "\"Why?\" he asked.\n\nNew para",
		"a.b.c. d", "…?!.", "", "x\x00y",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if !utf8.ValidString(s) {
			return // the scanner decodes invalid bytes to U+FFFD, so contents differ
		}
		var b strings.Builder
		for _, sent := range SplitSentences(s) {
			if sent == "" || strings.TrimSpace(sent) != sent {
				t.Fatalf("sentence %q of %q: empty or untrimmed", sent, s)
			}
			b.WriteString(sent)
		}
		strip := func(x string) string {
			return strings.Map(func(r rune) rune {
				if r == 0 || unicode.IsSpace(r) {
					return -1
				}
				return r
			}, x)
		}
		if strip(b.String()) != strip(s) {
			t.Fatalf("sentences of %q lose or add text: %q", s, b.String())
		}
	})
}
