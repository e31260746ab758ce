package punct

import (
	"strings"
	"testing"
)

// tok writes tokens compactly: "word/C," is Capitalized with a comma.
func tok(s string) Token {
	var t Token
	word, rest, _ := strings.Cut(s, "/")
	t.Word = word
	for _, r := range rest {
		switch r {
		case 'C':
			t.Case = Capitalized
		case 'U':
			t.Case = Upper
		case ',':
			t.Mark = Comma
		case '.':
			t.Mark = Period
		case '?':
			t.Mark = Question
		case '!':
			t.Mark = Exclamation
		}
	}
	return t
}

func toks(s string) []Token {
	var out []Token
	for _, f := range strings.Fields(s) {
		out = append(out, tok(f))
	}
	return out
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"plain", "It is a truth.", "it/C is a truth/."},
		{"question in dialogue", "“Where?” said he.", "where/C? said he/."},
		{"title keeps no period", "Mr. Bennet replied that he had not.", "mister/C bennet/C replied that he had not/."},
		{"exclamation then sentence", "“Oh! Single, my dear.”", "oh/C! single/C, my dear/."},
		{"semicolon and colon are commas", "Four; five: six", "four/C, five/, six"},
		{"dashes are commas", "Word—another word--third -- fourth", "word/C, another word/, third/, fourth"},
		{"ellipsis inside and at the end", "So... then it ended...", "so/C, then it ended/."},
		{"numbers", "In 1842 he paid $5.", "in/C eighteen forty two he paid five dollars/."},
		{"capitals", "CHAPTER IV\n\nThe FBI came.", "chapter/U iv/U the/C fbi/U came/."},
		{"hyphenated", "A well-known man", "a/C well known man"},
		{"strongest mark wins", "What?! No.", "what/C? no/C."},
		{"italics and quotes carry nothing", "_You_ want 'it'", "you/C want it"},
		{"I", "Then I said", "then/C i/C said"},
		{"empty", "", ""},
		{"only punctuation", "“ — … ?", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Parse(tt.in)
			want := toks(tt.want)
			if len(got) != len(want) {
				t.Fatalf("Parse(%q) = %v, want %v", tt.in, got, want)
			}
			for i := range got {
				if got[i] != want[i] {
					t.Errorf("Parse(%q)[%d] = %+v, want %+v", tt.in, i, got[i], want[i])
				}
			}
		})
	}
}

func TestRender(t *testing.T) {
	tests := []struct{ in, want string }{
		{"where/C? said he/.", "Where? said he."},
		{"i/C fine/, nasa/U!", "I fine, NASA!"},
		{"i'm/C here/.", "I'm here."},
		{"", ""},
	}
	for _, tt := range tests {
		if got := Render(toks(tt.in)); got != tt.want {
			t.Errorf("Render(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// Rendering what Parse read and parsing it again gives the same tokens:
// the labels survive the round trip.
func TestParseRenderRoundTrip(t *testing.T) {
	in := "“My dear Mr. Bennet,” said his lady to him one day, “have you heard that Netherfield Park is let at last?” Mr. Bennet replied that he had not. “But it is,” returned she; “for Mrs. Long has just been here!”"
	first := Parse(in)
	second := Parse(Render(first))
	if len(first) != len(second) {
		t.Fatalf("round trip changed the word count: %d then %d\n%s", len(first), len(second), Render(first))
	}
	for i := range first {
		if first[i] != second[i] {
			t.Errorf("token %d: %+v then %+v", i, first[i], second[i])
		}
	}
}

func TestMarkAndCaseStrings(t *testing.T) {
	if got := []string{None.String(), Comma.String(), Period.String(), Question.String(), Exclamation.String()}; strings.Join(got, "") != ",.?!" {
		t.Errorf("mark strings %q", got)
	}
	if Lower.String() != "lower" || Capitalized.String() != "Capitalized" || Upper.String() != "UPPER" {
		t.Error("case strings")
	}
	if None.EndsSentence() || Comma.EndsSentence() || !Period.EndsSentence() || !Question.EndsSentence() || !Exclamation.EndsSentence() {
		t.Error("EndsSentence")
	}
}
