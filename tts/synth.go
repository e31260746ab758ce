package tts

import (
	"context"
	"errors"
	"fmt"
	"io"
	"iter"
	"math"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/audio"
)

// The contract's audio and frames: the acoustic model's mels and the
// vocoder's input are TTS mels (package comment of tts/acoustic).
const (
	// SampleRate is the rate voices speak at.
	SampleRate audio.Rate = 22050
	// HopSamples is the samples per frame (11.61 ms).
	HopSamples = 256
	// MelBins is the mel bins per frame.
	MelBins = 80
)

// Controls adjust one call of an AcousticModel. The zero value is the
// voice's own manner (each 0 reads as 1).
type Controls struct {
	// Speed divides every duration: 2 speaks twice as fast.
	Speed float64
	// Pitch multiplies F0.
	Pitch float64
	// Energy multiplies the amplitude the model predicts.
	Energy float64
}

// Frames is an AcousticModel's output for one phrase.
type Frames struct {
	// Mels is T×MelBins TTS log-mels, frame-major.
	Mels []float32
	// F0 is T values in Hz, 0 where unvoiced.
	F0 []float32
	// Durations are the frames of each input symbol (they sum to T).
	Durations []int
}

// AcousticModel turns one phrase's symbols into TTS mels and F0. It must
// be safe for concurrent use. Voice files hold tts/acoustic's model; tests
// use fakes (package tts/ttstest).
type AcousticModel interface {
	Synthesize(symbols []string, c Controls) (Frames, error)
}

// Vocoder turns T frames of TTS log-mels (T×MelBins) and F0 into exactly
// T·HopSamples samples at SampleRate. It must be safe for concurrent use.
type Vocoder interface {
	Vocode(mels, f0 []float32) ([]float32, error)
}

// Voice is a speaker: an acoustic model, a vocoder and the card that
// describes them. LoadVoice reads one from a voice file.
type Voice struct {
	Card     VoiceCard
	Acoustic AcousticModel
	Vocoder  Vocoder
}

// Options set a Synthesizer's manner and output. The zero value speaks as
// the voice does, at SampleRate.
type Options struct {
	// Speed is the speaking-rate multiplier: 2 is twice as fast. 0 means 1.
	Speed float64
	// Pitch multiplies F0: 2 is an octave up. 0 means 1.
	Pitch float64
	// Volume multiplies the amplitude. 0 means 1 (use an SSML volume of
	// "silent" for silence).
	Volume float64
	// SampleRate is the output rate; the voice's audio is resampled to it
	// (audio.Resample). 0 means SampleRate.
	SampleRate audio.Rate
	// Lookahead is how many phrases are synthesised ahead of the reader,
	// on another goroutine, so that playback never waits for the next
	// sentence. 0 means 1; negative synthesises only when read.
	Lookahead int
}

// Limits of the speed and pitch a phrase may ask of the acoustic model
// (options times SSML prosody), and of the volume.
const (
	MinScale  = 0.25
	MaxScale  = 4.0
	MaxVolume = 16.0
)

func orOne(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

// Validate reports options out of range: speed and pitch from MinScale to
// MaxScale, volume above 0 and at most MaxVolume, an output rate from 4 to
// 384 kHz.
func (o Options) Validate() error {
	if v := orOne(o.Speed); !(v >= MinScale && v <= MaxScale) {
		return fmt.Errorf("tts: speed %g outside %g to %g", v, MinScale, MaxScale)
	}
	if v := orOne(o.Pitch); !(v >= MinScale && v <= MaxScale) {
		return fmt.Errorf("tts: pitch %g outside %g to %g", v, MinScale, MaxScale)
	}
	if v := orOne(o.Volume); !(v > 0 && v <= MaxVolume) {
		return fmt.Errorf("tts: volume %g outside 0 (excluded) to %g", v, MaxVolume)
	}
	if o.SampleRate < 0 || o.SampleRate > 384000 || (o.SampleRate > 0 && o.SampleRate < 4000) {
		return fmt.Errorf("tts: output sample rate %d outside 4000 to 384000 Hz", o.SampleRate)
	}
	return nil
}

// Synthesizer speaks phrases with one voice and one set of options. It is
// immutable and safe for concurrent use; each Stream is one utterance.
type Synthesizer struct {
	voice *Voice
	opt   Options
}

// NewSynthesizer returns a Synthesizer of voice with opt.
func NewSynthesizer(voice *Voice, opt Options) (*Synthesizer, error) {
	if voice == nil || voice.Acoustic == nil || voice.Vocoder == nil {
		return nil, errors.New("tts: voice without an acoustic model or a vocoder")
	}
	if err := opt.Validate(); err != nil {
		return nil, err
	}
	if opt.SampleRate == 0 {
		opt.SampleRate = SampleRate
	}
	if opt.Lookahead == 0 {
		opt.Lookahead = 1
	}
	return &Synthesizer{voice: voice, opt: opt}, nil
}

// SampleRate returns the rate of the audio the Synthesizer's streams give.
func (s *Synthesizer) SampleRate() audio.Rate { return s.opt.SampleRate }

// Render synthesises one phrase at SampleRate (not resampled, without the
// pause after it): the acoustic model with the options' and the phrase's
// speed and pitch, the vocoder, then the volume. A phrase without symbols
// gives no samples.
func (s *Synthesizer) Render(p Phrase) ([]float32, error) {
	if len(p.Symbols) == 0 {
		return nil, nil
	}
	clamp := func(v float64) float64 { return min(max(v, MinScale), MaxScale) }
	c := Controls{
		Speed: clamp(orOne(s.opt.Speed) * p.Prosody.RateScale()),
		Pitch: clamp(orOne(s.opt.Pitch) * p.Prosody.PitchScale()),
	}
	fr, err := s.voice.Acoustic.Synthesize(p.Symbols, c)
	if err != nil {
		return nil, fmt.Errorf("tts: acoustic model: %w", err)
	}
	T := len(fr.F0)
	if len(fr.Mels) != T*MelBins {
		return nil, fmt.Errorf("tts: acoustic model gave %d mel values for %d frames", len(fr.Mels), T)
	}
	samples, err := s.voice.Vocoder.Vocode(fr.Mels, fr.F0)
	if err != nil {
		return nil, fmt.Errorf("tts: vocoder: %w", err)
	}
	if len(samples) != T*HopSamples {
		return nil, fmt.Errorf("tts: vocoder gave %d samples for %d frames", len(samples), T)
	}
	if g := float32(orOne(s.opt.Volume) * p.Prosody.Gain()); g != 1 {
		for i := range samples {
			samples[i] *= g
		}
	}
	return samples, nil
}

// Synthesize speaks text whole and returns its samples at the output rate:
// Stream over PhraseStream, read to the end. For long text, read a Stream
// instead.
func (s *Synthesizer) Synthesize(ctx context.Context, text string) ([]float32, error) {
	st := s.Stream(ctx, PhraseStream(strings.NewReader(text)))
	defer st.Close()
	return audio.ReadAll(st)
}

// Stream returns the speech of phrases as an audio source at the
// Synthesizer's SampleRate. It streams: the first phrase's audio can be
// read as soon as that phrase is synthesised, while later phrases are
// still being read and synthesised (Options.Lookahead phrases ahead, on
// another goroutine), so memory is bounded by a few phrases whatever the
// length of the input. Read returns the audio before any error (from the
// phrases, the models or ctx) and then the error; io.EOF at the end.
// Close the stream when done with it, also after an error or to stop
// early.
func (s *Synthesizer) Stream(ctx context.Context, phrases iter.Seq2[Phrase, error]) *Stream {
	ctx, cancel := context.WithCancel(ctx)
	st := &Stream{s: s, ctx: ctx, cancel: cancel}
	if s.opt.Lookahead > 0 {
		ch := make(chan chunk, s.opt.Lookahead)
		st.chunks = ch
		st.wg.Add(1)
		go func() {
			defer st.wg.Done()
			defer close(ch)
			st.complete = s.produce(ctx, phrases, func(c chunk) bool {
				select {
				case ch <- c:
					return true
				case <-ctx.Done():
					return false
				}
			})
		}()
	} else {
		next, stop := iter.Pull(func(yield func(chunk) bool) { st.complete = s.produce(ctx, phrases, yield) })
		st.pull, st.stop = next, stop
	}
	st.src = st
	if s.opt.SampleRate != SampleRate {
		st.src = audio.Resample(rawSource{st}, s.opt.SampleRate)
	}
	return st
}

// chunk is one synthesised phrase: its samples, then silence, or an error.
type chunk struct {
	samples []float32
	silence int
	err     error
}

// produce synthesises phrases in order and hands each to emit, stopping at
// the first error (which it emits) or when emit returns false. It reports
// whether it got through all the phrases.
func (s *Synthesizer) produce(ctx context.Context, phrases iter.Seq2[Phrase, error], emit func(chunk) bool) bool {
	n := 0
	for p, err := range phrases {
		if err == nil {
			err = ctx.Err()
		}
		if err != nil {
			emit(chunk{err: err})
			return false
		}
		n++
		samples, err := s.Render(p)
		if err != nil {
			emit(chunk{err: fmt.Errorf("phrase %d %q: %w", n, p.Text, err)})
			return false
		}
		silence := int(math.Round(p.Pause.Seconds() * float64(SampleRate)))
		if !emit(chunk{samples: samples, silence: silence}) {
			return false
		}
	}
	return true
}

// Stream is the audio of one utterance; see Synthesizer.Stream. It is an
// audio.Source and is not safe for concurrent use.
type Stream struct {
	s      *Synthesizer
	ctx    context.Context
	cancel context.CancelFunc
	src    audio.Source // st itself, or a resampler reading it

	chunks <-chan chunk
	wg     sync.WaitGroup
	pull   func() (chunk, bool)
	stop   func()
	// complete is set by the producer before it closes chunks (or returns
	// to pull): whether it synthesised every phrase.
	complete bool

	cur    chunk
	pos    int
	err    error
	closed bool
}

// SampleRate implements audio.Source.
func (st *Stream) SampleRate() audio.Rate { return st.s.opt.SampleRate }

// Read implements audio.Source.
func (st *Stream) Read(p []float32) (int, error) {
	if st.src == audio.Source(st) {
		return st.readRaw(p)
	}
	return st.src.Read(p)
}

// rawSource reads a Stream at the voice's rate, under a resampler.
type rawSource struct{ st *Stream }

func (r rawSource) SampleRate() audio.Rate        { return SampleRate }
func (r rawSource) Read(p []float32) (int, error) { return r.st.readRaw(p) }

func (st *Stream) readRaw(p []float32) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if st.closed {
			return 0, errors.New("tts: read from a closed stream")
		}
		if avail := len(st.cur.samples) + st.cur.silence - st.pos; avail > 0 {
			n := min(avail, len(p))
			for i := range n {
				if j := st.pos + i; j < len(st.cur.samples) {
					p[i] = st.cur.samples[j]
				} else {
					p[i] = 0
				}
			}
			st.pos += n
			return n, nil
		}
		if st.err != nil {
			return 0, st.err
		}
		var c chunk
		var ok bool
		if st.chunks != nil {
			c, ok = <-st.chunks
		} else {
			c, ok = st.pull()
		}
		if !ok {
			st.err = io.EOF
			if !st.complete { // stopped by ctx before the error got through
				st.err = fmt.Errorf("tts: synthesis stopped: %w", context.Cause(st.ctx))
			}
			continue
		}
		if c.err != nil {
			st.err = c.err
			continue
		}
		st.cur, st.pos = c, 0
	}
}

// Close stops the synthesis and releases the stream; it waits for the
// producing goroutine to finish its current phrase.
func (st *Stream) Close() error {
	if st.closed {
		return nil
	}
	st.closed = true
	st.cancel()
	if st.stop != nil {
		st.stop()
	}
	if st.chunks != nil {
		for range st.chunks { // unblock and drain the producer
		}
		st.wg.Wait()
	}
	st.cur = chunk{}
	return nil
}
