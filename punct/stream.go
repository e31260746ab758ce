package punct

// Stream punctuates words as they arrive, for live dictation, with the
// Streaming encoder: a word is labelled once LookAhead more words have
// come (or the stream is flushed), and its label never changes after.
// A Stream holds one dictation's state and is not safe for concurrent use;
// the Model behind it is.
type Stream struct {
	m       *Model
	words   []string // left context, then words not yet labelled
	pending int      // index in words of the first unlabelled word
	state   decodeState
	scores  []float32
}

// NewStream starts a live text.
func (m *Model) NewStream() *Stream {
	return &Stream{m: m, state: decodeState{atStart: true}}
}

// LookAhead returns how many words a Stream waits for before labelling a
// word.
func (s *Stream) LookAhead() int { return s.m.cfg.LookAhead(Streaming) }

// Accept adds spoken-form words and returns the display form (as Apply
// writes it) of every word that is now final, in order.
func (s *Stream) Accept(words ...string) []string {
	s.words = append(s.words, words...)
	return display(s.label(len(s.words) - s.LookAhead()))
}

// Flush labels every word still waiting and ends the text with a sentence
// mark; the next word accepted starts a new sentence. Use it at the end of
// an utterance.
func (s *Stream) Flush() []string {
	toks := s.label(len(s.words))
	if n := len(toks); n > 0 {
		endText(toks)
	}
	s.words, s.pending = s.words[:0], 0
	s.state = decodeState{atStart: true}
	return display(toks)
}

func display(toks []Token) []string {
	if len(toks) == 0 {
		return nil
	}
	out := make([]string, len(toks))
	for i, t := range toks {
		out[i] = t.Display()
	}
	return out
}

// label decides words [pending, upto) and drops context no longer needed.
func (s *Stream) label(upto int) []Token {
	if upto <= s.pending {
		return nil
	}
	s.scores = s.m.scores(s.scores, Streaming, s.words)
	toks := s.state.decode(s.words[s.pending:upto], s.scores[s.pending*numOutputs:], s.m.cfg.StreamDecision)
	s.pending = upto
	if keep := s.m.cfg.Context(Streaming); s.pending > keep {
		drop := s.pending - keep
		s.words = append(s.words[:0], s.words[drop:]...)
		s.pending -= drop
	}
	return toks
}
