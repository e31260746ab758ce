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
}

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
	return &Stream{r: r, cfg: cfg, ac: ac, dec: r.dec.NewStream(r.hot), det: det, hop: hop}, nil
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
		case vad.SpeechEnd:
			if s.speech {
				s.endpoint = true
			}
		}
	}
	return s.endpoint, nil
}

// Partial returns the current best hypothesis of the utterance in progress.
func (s *Stream) Partial() string {
	return s.dec.Partial().Text()
}

// PartialStable returns the partial split into words that will not change
// and the words still being decided.
func (s *Stream) PartialStable() (stable, pending string) {
	p := s.dec.Partial()
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
	lp, _, err := s.ac.Flush()
	if err != nil {
		return Transcript{}, err
	}
	if err := s.dec.Push(lp); err != nil {
		return Transcript{}, fmt.Errorf("decode: %w", err)
	}
	hyps := s.dec.Finalize()
	offset := float64(s.uttStart) / sampleRate
	tr := Transcript{Model: s.r.model.ID(), Duration: float64(s.pushed-s.uttStart) / sampleRate, Words: []Word{}, Segments: []Segment{}}
	if len(hyps) > 0 && hyps[0].Text != "" {
		best := hyps[0]
		tr.Text = best.Text
		tr.DisplayText = s.r.display(best.Text)
		for _, w := range best.Words {
			tr.Words = append(tr.Words, Word{Word: w.Text, Start: round3(offset + w.Start.Seconds()), End: round3(offset + w.End.Seconds()), Confidence: round3(w.Confidence)})
		}
		tr.Segments = append(tr.Segments, Segment{Start: round3(offset), End: round3(float64(s.pushed) / sampleRate), Text: best.Text})
	} else {
		tr.Warning = "no speech detected"
	}
	s.ac.Reset()
	s.dec.Reset()
	s.uttStart = s.pushed
	s.speech, s.endpoint = false, false
	return tr, nil
}
