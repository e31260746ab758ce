package ssml

import (
	"errors"
	"math"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/tts"
)

func texts(ps []tts.Phrase) []string {
	var out []string
	for _, p := range ps {
		out = append(out, p.Text)
	}
	return out
}

// A plain document phrases exactly as tts.Phonemize phrases its text.
func TestPlainMatchesPhonemize(t *testing.T) {
	for _, in := range []string{
		"Hello, world!",
		"Dr. Smith paid $3.50 on Jan. 5, 2024. Then he left; quickly: yes?",
		"A heading\n\nAnd a paragraph. Acme Inc. Then more",
		"Well... maybe. (quietly) -- yes!",
	} {
		want, err := tts.Phonemize(in)
		if err != nil {
			t.Fatal(err)
		}
		doc := `<?xml version="1.0"?>` + "\n" + `<speak version="1.1" xmlns="http://www.w3.org/2001/10/synthesis" xml:lang="en-US">` +
			strings.NewReplacer("&", "&amp;", "<", "&lt;").Replace(in) + "</speak>"
		got, err := Parse([]byte(doc))
		if err != nil {
			t.Fatalf("Parse(%q): %v", doc, err)
		}
		if !slices.EqualFunc(got, want, func(a, b tts.Phrase) bool {
			return slices.Equal(a.Symbols, b.Symbols) && a.Pause == b.Pause && a.Text == b.Text && a.Prosody == b.Prosody
		}) {
			t.Errorf("%q:\n ssml %+v\nplain %+v", in, got, want)
		}
	}
}

func TestElements(t *testing.T) {
	tests := []struct {
		doc  string
		want []string // phrase texts
	}{
		{`<speak><say-as interpret-as="characters">IBM 42</say-as></speak>`, []string{"i b m four two"}},
		{`<speak>I have <say-as interpret-as="cardinal">1,999</say-as> cats</speak>`,
			[]string{"i have one thousand nine hundred ninety nine cats"}},
		{`<speak><say-as interpret-as="cardinal">-3.25</say-as></speak>`, []string{"minus three point two five"}},
		{`<speak>the <say-as interpret-as="ordinal">21st</say-as> time</speak>`, []string{"the twenty first time"}},
		{`<speak><say-as interpret-as="ordinal">112</say-as></speak>`, []string{"one hundred twelfth"}},
		{`<speak><say-as interpret-as="date">2024-01-05</say-as></speak>`, []string{"january fifth twenty twenty four"}},
		{`<speak><say-as interpret-as="date" format="dmy">5/1/1984</say-as></speak>`, []string{"january fifth nineteen eighty four"}},
		{`<speak><say-as interpret-as="date" format="md">Sept 3</say-as></speak>`, []string{"september third"}},
		{`<speak><say-as interpret-as="date" format="y">2005</say-as></speak>`, []string{"two thousand five"}},
		{`<speak><say-as interpret-as="date" format="my">12/1905</say-as></speak>`, []string{"december nineteen oh five"}},
		{`<speak><say-as interpret-as="telephone">+1 (555) 123-4567</say-as></speak>`,
			[]string{"plus one , five five five , one two three , four five six seven"}},
		{`<speak>say <phoneme alphabet="arpabet" ph="T AH0 M EY1 T OW2">tomato</phoneme></speak>`, []string{"say tomato"}},
		{`<speak><sub alias="World Wide Web Consortium">W3C</sub> rules</speak>`, []string{"world wide web consortium rules"}},
		{`<speak><p><s>One</s><s>two</s></p>three</speak>`, []string{"one", "two", "three"}},
		{`<speak>Hi <!-- a comment --> there</speak>`, []string{"hi there"}},
	}
	for _, tt := range tests {
		got, err := Parse([]byte(tt.doc))
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.doc, err)
			continue
		}
		if !slices.Equal(texts(got), tt.want) {
			t.Errorf("Parse(%s)\n got %q\nwant %q", tt.doc, texts(got), tt.want)
		}
	}
}

func TestPhonemeAndCharactersSymbols(t *testing.T) {
	got, err := Parse([]byte(`<speak><phoneme alphabet="arpabet" ph="t ah m ey t ow">x</phoneme> <say-as interpret-as="characters">aw</say-as></speak>`))
	if err != nil {
		t.Fatal(err)
	}
	// Unmarked vowels get a stress: the first primary, the rest 0.
	const want = "<sil> T AH1 M EY0 T OW0 # EY1 # D AH1 B AH0 L Y UW0 <sil>"
	if len(got) != 1 || strings.Join(got[0].Symbols, " ") != want {
		t.Errorf("got %+v\nwant %s", got, want)
	}
}

func TestBreaks(t *testing.T) {
	tests := []struct {
		doc    string
		pauses []time.Duration
	}{
		{`<speak>One <break time="500ms"/> two</speak>`, []time.Duration{500 * time.Millisecond, 0}},
		{`<speak>One. <break time="2s"/>Two.</speak>`, []time.Duration{2 * time.Second, 0}},
		{`<speak>One <break/><break strength="x-weak"/>two</speak>`, []time.Duration{500 * time.Millisecond, 0}},
		{`<speak><break time="1.5s"/>One<break strength="strong"/></speak>`, []time.Duration{1500 * time.Millisecond, 700 * time.Millisecond}},
		{`<speak>One <break strength="none"/> two</speak>`, []time.Duration{0, 0}},
	}
	for _, tt := range tests {
		got, err := Parse([]byte(tt.doc))
		if err != nil {
			t.Errorf("Parse(%s): %v", tt.doc, err)
			continue
		}
		var pauses []time.Duration
		for _, p := range got {
			pauses = append(pauses, p.Pause)
		}
		if !slices.Equal(pauses, tt.pauses) {
			t.Errorf("Parse(%s) pauses %v, want %v (%q)", tt.doc, pauses, tt.pauses, texts(got))
		}
	}
}

func TestProsody(t *testing.T) {
	doc := `<speak>plain <prosody rate="150%" pitch="+2st" volume="-6dB">changed
	<prosody rate="+20%" pitch="x-low" volume="loud">nested</prosody> back</prosody> end
	<prosody rate="x-slow" volume="silent">quiet</prosody><prosody volume="50">half</prosody></speak>`
	got, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	want := []struct {
		text string
		p    tts.Prosody
	}{
		{"plain", tts.Prosody{}},
		{"changed", tts.Prosody{Rate: 1.5, Pitch: math.Pow(2, 2.0/12), VolumeDB: -6}},
		{"nested", tts.Prosody{Rate: 1.8, Pitch: 0.8, VolumeDB: 6}},
		{"back", tts.Prosody{Rate: 1.5, Pitch: math.Pow(2, 2.0/12), VolumeDB: -6}},
		{"end", tts.Prosody{}},
		{"quiet", tts.Prosody{Rate: 0.5, VolumeDB: math.Inf(-1)}},
		{"half", tts.Prosody{VolumeDB: 20 * math.Log10(0.5)}},
	}
	if len(got) != len(want) {
		t.Fatalf("phrases %q", texts(got))
	}
	near := func(a, b float64) bool { return a == b || math.Abs(a-b) < 1e-9 }
	for i, w := range want {
		g := got[i]
		if g.Text != w.text || !near(g.Prosody.Rate, w.p.Rate) || !near(g.Prosody.Pitch, w.p.Pitch) || !near(g.Prosody.VolumeDB, w.p.VolumeDB) {
			t.Errorf("phrase %d: %q %+v, want %q %+v", i, g.Text, g.Prosody, w.text, w.p)
		}
	}
}

func TestErrors(t *testing.T) {
	tests := []struct {
		doc       string
		line, col int
		unsup     bool
		contains  string
	}{
		{"", 1, 1, false, "no <speak>"},
		{"<speak>hello", 1, 13, false, "unexpected EOF"},
		{"<speak>\n  <prosody rate='fast'>hi</speak>", 2, 34, false, "element <prosody> closed by </speak>"},
		{"<speak>\n  <emphasis>hi</emphasis></speak>", 2, 3, true, "element <emphasis>"},
		{"<p>hi</p>", 1, 1, false, "want <speak>"},
		{"<speak>a</speak><speak>b</speak>", 1, 17, false, "second root"},
		{"hi<speak/>", 1, 1, false, "outside"},
		{"<speak><break time='fast'/></speak>", 1, 8, false, "break time"},
		{"<speak><break time='-1s'/></speak>", 1, 8, false, "break time"},
		{"<speak><break time='1h'/></speak>", 1, 8, false, "break time"},
		{"<speak><break time='20s'/></speak>", 1, 8, false, "longer than"},
		{"<speak><break>text</break></speak>", 1, 8, false, "must be empty"},
		{"<speak>\n<prosody rate='warp'>x</prosody></speak>", 2, 1, false, "prosody rate"},
		{"<speak><prosody pitch='200Hz'>x</prosody></speak>", 1, 8, true, "Hz"},
		{"<speak><prosody rate='1000%'>x</prosody></speak>", 1, 8, false, "outside"},
		{"<speak><prosody volume='+40dB'>x</prosody></speak>", 1, 8, false, "louder"},
		{"<speak><say-as interpret-as='currency'>5</say-as></speak>", 1, 8, true, "currency"},
		{"<speak><say-as>5</say-as></speak>", 1, 8, false, "without interpret-as"},
		{"<speak><say-as interpret-as='cardinal'>five</say-as></speak>", 1, 8, false, "not a number"},
		{"<speak><say-as interpret-as='date'>2024-13-01</say-as></speak>", 1, 8, false, "bad field"},
		{"<speak><say-as interpret-as='cardinal'><break/></say-as></speak>", 1, 40, false, "holds only text"},
		{"<speak><phoneme alphabet='ipa' ph='h'>x</phoneme></speak>", 1, 8, true, "ipa"},
		{"<speak><phoneme alphabet='arpabet' ph='QQ'>x</phoneme></speak>", 1, 8, false, "QQ"},
		{"<speak><phoneme alphabet='arpabet'>x</phoneme></speak>", 1, 8, false, "without ph"},
		{"<speak>&nbsp;</speak>", 1, 14, false, "entity"},
		{"<!DOCTYPE speak><speak/>", 1, 1, true, "directive"},
		{"<speak>   </speak>", 0, 0, false, ""}, // ErrNoWords
		{"<speak>" + strings.Repeat("<s>", MaxDepth) + "x</speak>", 1, 8 + 3*(MaxDepth-1), false, "deeper"},
	}
	for _, tt := range tests {
		_, err := Parse([]byte(tt.doc))
		if tt.line == 0 {
			if !errors.Is(err, tts.ErrNoWords) {
				t.Errorf("Parse(%q) error %v, want ErrNoWords", tt.doc, err)
			}
			continue
		}
		var e *Error
		if !errors.As(err, &e) {
			t.Errorf("Parse(%q) error %v, want *Error", tt.doc, err)
			continue
		}
		if e.Line != tt.line || e.Column != tt.col || errors.Is(err, ErrUnsupported) != tt.unsup || !strings.Contains(err.Error(), tt.contains) {
			t.Errorf("Parse(%q) error %q at %d:%d unsupported=%v; want %d:%d %v containing %q",
				tt.doc, err, e.Line, e.Column, errors.Is(err, ErrUnsupported), tt.line, tt.col, tt.unsup, tt.contains)
		}
	}
}

func TestNumberWords(t *testing.T) {
	tests := []struct {
		n             uint64
		card, ordinal string
	}{
		{0, "zero", "zeroth"},
		{1, "one", "first"},
		{12, "twelve", "twelfth"},
		{20, "twenty", "twentieth"},
		{21, "twenty one", "twenty first"},
		{100, "one hundred", "one hundredth"},
		{1999, "one thousand nine hundred ninety nine", "one thousand nine hundred ninety ninth"},
		{1000001, "one million one", "one million first"},
		{18446744073709551615, "eighteen quintillion four hundred forty six quadrillion seven hundred forty four trillion seventy three billion seven hundred nine million five hundred fifty one thousand six hundred fifteen", ""},
	}
	for _, tt := range tests {
		if got := strings.Join(cardinalWords(nil, tt.n), " "); got != tt.card {
			t.Errorf("cardinal %d = %q, want %q", tt.n, got, tt.card)
		}
		if got := strings.Join(ordinalWords(nil, tt.n), " "); tt.ordinal != "" && got != tt.ordinal {
			t.Errorf("ordinal %d = %q, want %q", tt.n, got, tt.ordinal)
		}
	}
	years := map[int]string{1984: "nineteen eighty four", 2024: "twenty twenty four", 2000: "two thousand",
		2005: "two thousand five", 1900: "nineteen hundred", 1905: "nineteen oh five", 1066: "ten sixty six", 2010: "twenty ten", 999: "nine hundred ninety nine"}
	for y, want := range years {
		if got := strings.Join(yearWords(nil, y), " "); got != want {
			t.Errorf("year %d = %q, want %q", y, got, want)
		}
	}
}
