package text

// normalizer holds the buffers one normalisation reuses; it is not safe
// for concurrent use, so the package functions make a fresh one per call
// and the streaming writers keep one per stream.
type normalizer struct {
	toks []token
	sink sink
	w    []string
}

func (n *normalizer) run(s string, tts bool, rep *Report) {
	folded := fold(s, rep)
	n.toks = tokenize(n.toks[:0], folded)
	n.sink.buf = n.sink.buf[:0]
	n.sink.toks = n.sink.toks[:0]
	n.sink.tts = tts
	v := verbalizer{t: n.toks, k: &n.sink, allCaps: !hasLower(folded), w: n.w[:0]}
	v.run()
	n.w = v.w
}

func hasLower(s string) bool {
	for i := 0; i < len(s); i++ {
		if isLower(s[i]) {
			return true
		}
	}
	return false
}

// Normalize returns the spoken form of s: lower-case words over the
// alphabet a–z and apostrophe, separated by single spaces, with numbers,
// symbols and abbreviations written out as they are said. It is the form
// of ASR transcripts, LM text and scoring. s may hold several sentences;
// the result is one line.
func Normalize(s string) string {
	out, _ := NormalizeReport(s)
	return out
}

// NormalizeReport is Normalize that also reports what Unicode folding
// transliterated and dropped.
func NormalizeReport(s string) (string, Report) {
	var n normalizer
	var rep Report
	n.run(s, false, &rep)
	return string(n.sink.buf), rep
}

// NormalizeTTS returns the TTS form of s: the words of the spoken form
// with phrase-break punctuation (, . ? ! ; :) kept as Break tokens between
// them. Dashes and brackets become commas, an ellipsis a full stop;
// consecutive breaks merge into the strongest, and there is never a break
// before the first word.
func NormalizeTTS(s string) []Token {
	var n normalizer
	var rep Report
	n.run(s, true, &rep)
	return n.sink.toks
}
