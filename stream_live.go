package mynah

import "time"

// What live front-ends (cmd/livemic, a server's listen endpoint) need from a
// Stream beyond Accept/Partial/Final: the partial as timed words, the
// endpointer's state and the stream's own audio clock.

// PartialWords returns the current best hypothesis of the utterance in
// progress as timed words (seconds from the start of the stream, like
// Final's) and how many leading words are stable: every surviving
// hypothesis shares them, so they will not change. Confidences of partial
// words are not yet known and are 0.
func (s *Stream) PartialWords() (words []Word, stable int) {
	p, off := s.current()
	offset := off.Seconds()
	words = make([]Word, len(p.Words))
	for i, w := range p.Words {
		words[i] = Word{Word: w.Text, Start: round3(offset + w.Start.Seconds()), End: round3(offset + w.End.Seconds())}
	}
	return words, p.Stable
}

// InSpeech reports whether the endpointer is inside speech now (it has seen
// speech start and not yet EndpointSilence of silence after it).
func (s *Stream) InSpeech() bool { return s.det.InSpeech() }

// Accepted returns how much audio the stream has accepted since it began:
// the stream's audio clock, on which word times are counted.
func (s *Stream) Accepted() time.Duration {
	return time.Duration(s.pushed) * time.Second / sampleRate
}

// UtteranceLength returns how much audio the utterance in progress holds:
// what the next Final will flush. A caller bounds utterances with it (cut
// with Final when it grows past a limit).
func (s *Stream) UtteranceLength() time.Duration {
	return time.Duration(s.pushed-s.uttStart) * time.Second / sampleRate
}
