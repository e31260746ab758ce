package mynah

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/mynah-speech/mynah/decoder"
)

// DefaultHotwordWeight is the boost, in nats per matched character, of a
// hotword given without an explicit weight (decoder.DefaultHotwordBoost).
const DefaultHotwordWeight = decoder.DefaultHotwordBoost

// Hotword is a phrase the decoder should favour. Weight is the boost in
// nats for each matched character (token) of the phrase, which keeps the
// phrase's beginnings in the search; it is taken back when the phrase is
// not completed, and each completed word keeps
// decoder.DefaultHotwordKeepPerBoost × Weight instead. The LM scores each
// of the phrase's words at least as likely as
// decoder.DefaultHotwordMinLMLogProb, so words it has never seen can win.
type Hotword struct {
	Phrase string  `json:"phrase"`
	Weight float64 `json:"weight"`
}

// ParseHotword parses "phrase[:weight]", for example "mynah:3.5".
func ParseHotword(s string) (Hotword, error) {
	phrase, weight := strings.TrimSpace(s), DefaultHotwordWeight
	if i := strings.LastIndexByte(phrase, ':'); i >= 0 {
		w, err := strconv.ParseFloat(strings.TrimSpace(phrase[i+1:]), 64)
		if err != nil {
			return Hotword{}, fmt.Errorf("hotword %q: weight %q is not a number", s, phrase[i+1:])
		}
		phrase, weight = strings.TrimSpace(phrase[:i]), w
	}
	if phrase == "" {
		return Hotword{}, fmt.Errorf("hotword %q: empty phrase", s)
	}
	if weight < 0 || weight > 20 {
		return Hotword{}, fmt.Errorf("hotword %q: weight %g outside 0..20", s, weight)
	}
	return Hotword{Phrase: phrase, Weight: weight}, nil
}

// ReadHotwords reads one "phrase[:weight]" per line; blank lines and lines
// starting with # are skipped.
func ReadHotwords(r io.Reader) ([]Hotword, error) {
	var out []Hotword
	sc := bufio.NewScanner(r)
	line := 0
	for sc.Scan() {
		line++
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		hw, err := ParseHotword(text)
		if err != nil {
			return nil, fmt.Errorf("line %d: %w", line, err)
		}
		out = append(out, hw)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("line %d: %w", line+1, err)
	}
	return out, nil
}

// HotwordList is a repeatable command-line flag (a flag.Value) collecting
// "phrase[:weight]" hotwords, shared by the commands.
type HotwordList []Hotword

// String lists the phrases.
func (l *HotwordList) String() string {
	if l == nil {
		return ""
	}
	phrases := make([]string, len(*l))
	for i, h := range *l {
		phrases[i] = h.Phrase
	}
	return strings.Join(phrases, ",")
}

// Set parses one "phrase[:weight]" and appends it.
func (l *HotwordList) Set(value string) error {
	hw, err := ParseHotword(value)
	if err != nil {
		return err
	}
	*l = append(*l, hw)
	return nil
}
