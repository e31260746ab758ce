package text

import (
	"bytes"
	"strings"
	"testing"
)

// ttsString renders tokens as words and breaks separated by spaces.
func ttsString(toks []Token) string {
	var b strings.Builder
	for i, tk := range toks {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(tk.Text)
	}
	return b.String()
}

func TestNormalizeTTS(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Hello, world!", "hello , world !"},
		{"Wait; what: now?", "wait ; what : now ?"},
		{"He came -- and went.", "he came , and went ."},
		{"She (quietly) left.", "she , quietly , left ."},
		{"Well... maybe.", "well . maybe ."},
		{"Really?!", "really ?"},
		{", . leading breaks", "leading breaks"},
		{"It's 3:00 p.m. Really?", "it's three p m . really ?"},
		{"Apples, etc.", "apples , et cetera ."},
		{"Acme Inc. Then", "acme incorporated . then"},
		{"Mr. Smith.", "mister smith ."},
		{"in the U.S.", "in the u s ."},
		{"Call 555-123-4567.", "call five five five , one two three , four five six seven ."},
		{"$3.50, please.", "three dollars and fifty cents , please ."},
		{"10:30", "ten thirty"},
	}
	for _, tt := range tests {
		toks := NormalizeTTS(tt.in)
		if got := ttsString(toks); got != tt.want {
			t.Errorf("NormalizeTTS(%q)\n got %q\nwant %q", tt.in, got, tt.want)
		}
		// The words alone are the spoken form.
		var words []string
		for _, tk := range toks {
			if tk.Kind == Word {
				words = append(words, tk.Text)
			} else if !strings.Contains(",.?!;:", tk.Text) || len(tk.Text) != 1 {
				t.Errorf("NormalizeTTS(%q): bad break %q", tt.in, tk.Text)
			}
		}
		if got, want := strings.Join(words, " "), Normalize(tt.in); got != want {
			t.Errorf("NormalizeTTS(%q) words %q, Normalize %q", tt.in, got, want)
		}
	}
}

func TestNormalizeReport(t *testing.T) {
	got, rep := NormalizeReport("Café in Москва, 東京 and Zürich")
	if got != "cafe in and zurich" {
		t.Errorf("got %q", got)
	}
	if rep.Transliterated != 2 || rep.Dropped != 8 {
		t.Errorf("report %+v, want 2 transliterated, 8 dropped", rep)
	}
}

func TestWriteLM(t *testing.T) {
	in := "CHAPTER IV.\n\nMr. Smith paid $3.50 on Jan. 5, 1984. The U.S. Army\nmarched on! “Why?” asked\nhe.\n\n* * *\n\nΑλφα. Done."
	var out bytes.Buffer
	st, err := WriteLM(&out, strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	want := "chapter four\n" +
		"mister smith paid three dollars and fifty cents on january fifth nineteen eighty four\n" +
		"the u s army marched on\n" +
		"why asked he\n" +
		"done\n"
	if out.String() != want {
		t.Errorf("WriteLM:\n%s\nwant:\n%s", out.String(), want)
	}
	if st.Lines != 5 || st.Sentences != 7 || st.Dropped != 4 || st.Words != 26 {
		t.Errorf("stats %+v", st)
	}
}
