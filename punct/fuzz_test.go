package punct

import (
	"bytes"
	"testing"
	"unicode/utf8"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// FuzzParse: any text parses without panicking into well-formed tokens:
// spoken-form words (lower case, no spaces), valid labels.
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"“Where?” said Mr. Holmes. It's 5 o'clock—isn't it?!",
		"CHAPTER IV\n\n_You_ want... what; no: yes -- fine!",
		"$3.50, 1842, 3/4, e.g. U.S.A. etc. J. R. R. Tolkien",
		"\xff\xfe bad bytes \x00 ",
		"— … ? ! , .",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for i, tk := range Parse(s) {
			if tk.Word == "" || !utf8.ValidString(tk.Word) || bytes.ContainsAny([]byte(tk.Word), " \t\n") {
				t.Fatalf("token %d word %q", i, tk.Word)
			}
			for _, r := range tk.Word {
				if !(r >= 'a' && r <= 'z' || r == '\'') {
					t.Fatalf("token %d word %q is not spoken form", i, tk.Word)
				}
			}
			if tk.Mark >= numMarks || tk.Case >= numCases {
				t.Fatalf("token %d labels %+v", i, tk)
			}
		}
	})
}

// FuzzLoad: a model file from outside never panics the loader.
func FuzzLoad(f *testing.F) {
	m := tinyModel(f)
	var buf bytes.Buffer
	if err := m.Write(&buf, safetensors.F16); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add([]byte("garbage"))
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data)
		if err != nil {
			return
		}
		m.Apply([]string{"a", "b"})
		s := m.NewStream()
		for _, w := range []string{"a", "b", "c", "d", "e"} {
			s.Accept(w)
		}
		s.Flush()
	})
}
