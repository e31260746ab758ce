package mynah

import (
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/decoder"
	"github.com/mynah-speech/mynah/vad"
)

// StreamConfig tunes live recognition. Zero fields take the defaults.
type StreamConfig struct {
	// Chunk is the acoustic model's step: each frame waits for the end of
	// its chunk, so it bounds the look-ahead. Default 240 ms.
	Chunk time.Duration
	// EndpointSilence is the trailing silence after speech that ends an
	// utterance. Default 400 ms.
	EndpointSilence time.Duration
	// LeftContext bounds the attention history kept per utterance, so CPU
	// per chunk stays constant on long dictation. Default 8 s.
	LeftContext time.Duration
	// ChunkedFinals makes Final keep the chunked pass's hypothesis. By
	// default Final re-decodes the utterance once more at full context
	// (the acoustic model and beam search Transcribe runs), the "final
	// pass" of two-pass streaming recognisers (Sainath et al., "Two-Pass
	// End-to-End Speech Recognition", Interspeech 2019; whisper.cpp's and
	// Vosk's finals re-score likewise): partials stay chunked and prompt,
	// finals get the offline model's accuracy for one full forward pass
	// over the utterance.
	ChunkedFinals bool
	// FullContextPartials makes partials come from full-context passes
	// instead of the chunked pass: while the endpointer hears speech, each
	// chunk re-decodes the last partialWindow of the utterance at full
	// context (words before the window stay as they were last decoded).
	// It suits a model trained without chunk masks, which is near useless
	// chunked; the shipped model trains with them (run asr-v4c on), and
	// its chunked partials come twice as early for a third of the CPU
	// (docs/livemic.md). The cost is one offline forward pass over at most
	// partialWindow per chunk of speech: bounded, so constant per chunk
	// however long the session runs.
	FullContextPartials bool
}

// partialWindow is the audio each full-context partial re-decodes.
const partialWindow = 4 * time.Second

// maxFinalPass bounds the audio a Stream keeps for its final pass (and so
// the pass's cost): a longer utterance, which a caller that never calls
// Final lets grow, keeps its chunked hypothesis.
const maxFinalPass = 30 * time.Second

// finalPassLead is the audio before speech that a Stream keeps for its
// final pass, more than the segmentPadMs the pass decodes before the
// endpointer's speech start.
const finalPassLead = 500 * time.Millisecond

func (c StreamConfig) withDefaults() StreamConfig {
	if c.Chunk == 0 {
		c.Chunk = 240 * time.Millisecond
	}
	if c.EndpointSilence == 0 {
		c.EndpointSilence = 400 * time.Millisecond
	}
	if c.LeftContext == 0 {
		c.LeftContext = 8 * time.Second
	}
	return c
}

// Stream recognises live 16 kHz audio: push samples with Accept, read the
// current hypothesis with Partial, and take each finished utterance with
// Final. It is not safe for concurrent use; make one per audio stream.
type Stream struct {
	r        *Recognizer
	cfg      StreamConfig
	ac       *acoustic.Stream
	dec      *decoder.Stream
	det      vad.Detector
	hop      time.Duration
	events   []vad.Event
	pushed   int64 // samples since the stream began
	uttStart int64 // sample where the current utterance began
	speech   bool  // speech seen in the current utterance
	endpoint bool
	// The final pass's audio: the utterance's samples from utt0 on (the
	// silence before speech trimmed to finalPassLead); overflow when the
	// utterance outgrew maxFinalPass.
	utt      []float32
	utt0     int64
	overflow bool
	// The endpointer's first speech start and last speech end in the
	// utterance (samples since the stream began; -1: none yet).
	speechFrom, speechTo int64
	// Full-context partials: the words (times from the start of the
	// stream) and the sample count at which they were last decoded.
	part   []decoder.Word
	partAt int64
}

// NewStream starts live recognition.
func (r *Recognizer) NewStream(cfg StreamConfig) (*Stream, error) {
	cfg = cfg.withDefaults()
	if cfg.Chunk < 0 || cfg.EndpointSilence < 0 || cfg.LeftContext < 0 {
		return nil, errors.New("mynah: negative stream durations")
	}
	hop := time.Duration(r.model.Config().OutputHopMs()) * time.Millisecond
	chunk := max(1, int(cfg.Chunk/hop))
	ac, err := r.model.NewStream(chunk, max(1, int(cfg.LeftContext/hop)/chunk))
	if err != nil {
		return nil, err
	}
	// The endpointer is the recognizer's detector (Config.VADKind) with
	// EndpointSilence as its hangover.
	det, err := r.newDetector(minSpeechRun, cfg.EndpointSilence)
	if err != nil {
		return nil, err
	}
	return &Stream{r: r, cfg: cfg, ac: ac, dec: r.dec.NewStream(r.hot), det: det, hop: hop, speechFrom: -1, speechTo: -1}, nil
}

// Accept feeds 16 kHz mono samples. It reports true when an utterance has
// ended (speech followed by EndpointSilence of silence): call Final to take
// it.
func (s *Stream) Accept(samples []float32) (bool, error) {
	lp, _, err := s.ac.Accept(samples)
	if err != nil {
		return false, err
	}
	if err := s.dec.Push(lp); err != nil {
		return false, fmt.Errorf("decode: %w", err)
	}
	s.pushed += int64(len(samples))
	s.events = s.det.Push(samples, s.events[:0])
	for _, ev := range s.events {
		switch ev.Kind {
		case vad.SpeechStart:
			s.speech = true
			if s.speechFrom < 0 {
				s.speechFrom = ev.Sample
			}
			s.speechTo = -1
		case vad.SpeechEnd:
			if s.speech {
				s.endpoint = true
				s.speechTo = ev.Sample
			}
		}
	}
	if !s.cfg.ChunkedFinals || s.cfg.FullContextPartials {
		s.keep(samples)
	}
	if s.cfg.FullContextPartials && s.speech && !s.overflow && s.pushed-s.partAt >= int64(s.cfg.Chunk.Seconds()*sampleRate) {
		if err := s.redecodePartial(); err != nil {
			return false, err
		}
	}
	return s.endpoint, nil
}

// redecodePartial decodes the last partialWindow of the utterance's speech
// at full context and makes it the partial's tail, after the words of the
// previous partial that ended before the window.
func (s *Stream) redecodePartial() error {
	pad := int64(segmentPadMs * sampleRate / 1000)
	from := max(s.utt0, s.speechFrom-pad, s.pushed-int64(partialWindow.Seconds()*sampleRate))
	hyps, err := s.r.recognise(s.utt[from-s.utt0:])
	if err != nil {
		return fmt.Errorf("partial: %w", err)
	}
	s.partAt = s.pushed
	offset := time.Duration(from) * time.Second / sampleRate
	keep := 0
	for keep < len(s.part) && s.part[keep].End <= offset {
		keep++
	}
	s.part = s.part[:keep]
	if len(hyps) == 0 {
		return nil
	}
	for _, w := range hyps[0].Words {
		w.Start += offset
		w.End += offset
		if keep > 0 && w.Start < s.part[keep-1].End {
			continue // the window's edge cut a word the kept ones hold
		}
		s.part = append(s.part, w)
	}
	return nil
}

// current returns the partial hypothesis with its words' time offset from
// the start of the stream.
func (s *Stream) current() (decoder.Partial, time.Duration) {
	if s.cfg.FullContextPartials {
		// Re-decoded words are never certain: none is stable.
		return decoder.Partial{Words: s.part}, 0
	}
	return s.dec.Partial(), time.Duration(s.uttStart) * time.Second / sampleRate
}

// keep appends samples to the final pass's audio. Before speech it holds
// only the last finalPassLead (plus what one push brought), so silence
// costs the final pass nothing and the buffer stays small.
func (s *Stream) keep(samples []float32) {
	if s.overflow {
		return
	}
	if len(s.utt)+len(samples) > int(maxFinalPass.Seconds()*sampleRate) {
		s.overflow = true
		s.utt = s.utt[:0]
		return
	}
	s.utt = append(s.utt, samples...)
	if lead := int(finalPassLead.Seconds()*sampleRate) + len(samples); !s.speech && len(s.utt) > lead {
		drop := len(s.utt) - lead
		s.utt = s.utt[:copy(s.utt, s.utt[drop:])]
		s.utt0 += int64(drop)
	}
}

// Partial returns the current best hypothesis of the utterance in progress.
func (s *Stream) Partial() string {
	p, _ := s.current()
	return p.Text()
}

// PartialStable returns the partial split into words that will not change
// and the words still being decided.
func (s *Stream) PartialStable() (stable, pending string) {
	p, _ := s.current()
	var a, b []string
	for i, w := range p.Words {
		if i < p.Stable {
			a = append(a, w.Text)
		} else {
			b = append(b, w.Text)
		}
	}
	return strings.Join(a, " "), strings.Join(b, " ")
}

// Final flushes the utterance in progress and returns its transcript, with
// times counted from the start of the stream; the stream then continues
// with the next utterance.
func (s *Stream) Final() (Transcript, error) {
	var hyps []decoder.Hypothesis
	start := float64(s.uttStart) / sampleRate
	offset := start // of the decoded audio, for word times
	switch {
	case !s.cfg.ChunkedFinals && !s.speech:
		// No speech heard (silence cut by a length limit or ended by the
		// input's end): no words, as Transcribe finds none in what its
		// detector calls silence. The chunked model, trained at full
		// context, may hear words in long silence.
	case !s.cfg.ChunkedFinals && !s.overflow:
		// The final pass: the utterance once more at full context, over
		// what Transcribe would cut out of the recording: the speech the
		// endpointer heard, widened by segmentPadMs.
		pad := int64(segmentPadMs * sampleRate / 1000)
		from, to := max(s.utt0, s.speechFrom-pad), s.pushed
		if s.speechTo >= 0 {
			to = min(to, s.speechTo+pad)
		}
		from = min(from, to)
		var err error
		if hyps, err = s.r.recognise(s.utt[from-s.utt0 : to-s.utt0]); err != nil {
			return Transcript{}, fmt.Errorf("final pass: %w", err)
		}
		offset = float64(from) / sampleRate
	default:
		// Chunked finals, or an utterance too long for the final pass.
		lp, _, err := s.ac.Flush()
		if err != nil {
			return Transcript{}, err
		}
		if err := s.dec.Push(lp); err != nil {
			return Transcript{}, fmt.Errorf("decode: %w", err)
		}
		hyps = s.dec.Finalize()
	}
	tr := Transcript{Model: s.r.model.ID(), Duration: float64(s.pushed-s.uttStart) / sampleRate, Words: []Word{}, Segments: []Segment{}}
	if len(hyps) > 0 && hyps[0].Text != "" {
		best := hyps[0]
		tr.Text = best.Text
		tr.DisplayText = s.r.display(best.Text)
		for _, w := range best.Words {
			tr.Words = append(tr.Words, Word{Word: w.Text, Start: round3(offset + w.Start.Seconds()), End: round3(offset + w.End.Seconds()), Confidence: round3(w.Confidence)})
		}
		tr.Segments = append(tr.Segments, Segment{Start: round3(start), End: round3(float64(s.pushed) / sampleRate), Text: best.Text})
	} else {
		tr.Warning = "no speech detected"
	}
	s.ac.Reset()
	s.dec.Reset()
	s.uttStart = s.pushed
	s.utt, s.utt0, s.overflow = s.utt[:0], s.pushed, false
	// An utterance cut inside speech (a length limit) leaves the
	// endpointer in speech: the next one starts in it, so that its end
	// still ends the next utterance.
	s.speech, s.endpoint = s.det.InSpeech(), false
	s.speechFrom, s.speechTo = -1, -1
	s.part, s.partAt = s.part[:0], s.pushed
	if s.speech {
		s.speechFrom = s.pushed
	}
	return tr, nil
}
