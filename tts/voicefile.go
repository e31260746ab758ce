package tts

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/tts/acoustic"
	"github.com/mynah-speech/mynah/tts/vocoder"
)

// A voice file is one safetensors file holding both networks, with the
// tensors of the acoustic model under AcousticPrefix and the vocoder's
// under VocoderPrefix, and the metadata
//
//	format          VoiceFormat
//	format_version  VoiceFormatVersion
//	card            the VoiceCard as JSON
//	acoustic.config the acoustic model's config (tts/acoustic)
//	vocoder.config  the vocoder's config (tts/vocoder)
const (
	VoiceFormat        = "mynah-voice"
	VoiceFormatVersion = "1"
	AcousticPrefix     = "acoustic."
	VocoderPrefix      = "vocoder."
	// MaxVoiceBytes is the size a voice file may have (the 10 MB).
	MaxVoiceBytes = 10_000_000
)

// ErrVoiceFormat reports a file that is not a voice this package can read.
var ErrVoiceFormat = errors.New("tts: not a voice file")

// WriteVoice writes a voice file of the two models with their weights as
// dtype (F16 halves the size and costs nothing audible). It refuses to
// write more than MaxVoiceBytes.
func WriteVoice(w io.Writer, card VoiceCard, a *acoustic.Model, v *vocoder.Model, dtype safetensors.DType) error {
	if card.SampleRate == 0 {
		card.SampleRate = int(SampleRate)
	}
	at, err := a.Tensors(AcousticPrefix, dtype)
	if err != nil {
		return fmt.Errorf("write voice: %w", err)
	}
	vt, err := v.Tensors(VocoderPrefix, dtype)
	if err != nil {
		return fmt.Errorf("write voice: %w", err)
	}
	meta, err := v.Metadata(VocoderPrefix)
	if err != nil {
		return fmt.Errorf("write voice: %w", err)
	}
	cardJSON, err := json.Marshal(card)
	if err != nil {
		return fmt.Errorf("write voice: card: %w", err)
	}
	meta["format"] = VoiceFormat
	meta["format_version"] = VoiceFormatVersion
	meta["card"] = string(cardJSON)
	for k, val := range a.Metadata(AcousticPrefix) {
		meta[k] = val
	}
	size := 0
	for _, t := range append(at, vt...) {
		size += len(t.Data)
	}
	if size > MaxVoiceBytes {
		return fmt.Errorf("write voice: %d bytes of weights, more than %d", size, MaxVoiceBytes)
	}
	if err := safetensors.Write(w, append(at, vt...), meta); err != nil {
		return fmt.Errorf("write voice: %w", err)
	}
	return nil
}

// LoadVoice reads a voice file held in memory (read from disk, or
// embedded). data must not change while the voice is in use.
func LoadVoice(data []byte) (*Voice, error) {
	if len(data) > 2*MaxVoiceBytes {
		return nil, fmt.Errorf("%w: %d bytes, more than a voice's %d", ErrVoiceFormat, len(data), MaxVoiceBytes)
	}
	f, err := safetensors.Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrVoiceFormat, err)
	}
	if f.Metadata["format"] != VoiceFormat || f.Metadata["format_version"] != VoiceFormatVersion {
		return nil, fmt.Errorf("%w: format %q version %q, want %q %q", ErrVoiceFormat,
			f.Metadata["format"], f.Metadata["format_version"], VoiceFormat, VoiceFormatVersion)
	}
	var card VoiceCard
	dec := json.NewDecoder(strings.NewReader(f.Metadata["card"]))
	if err := dec.Decode(&card); err != nil {
		return nil, fmt.Errorf("%w: card: %v", ErrVoiceFormat, err)
	}
	if card.SampleRate != int(SampleRate) {
		return nil, fmt.Errorf("%w: voice at %d Hz, want %d", ErrVoiceFormat, card.SampleRate, SampleRate)
	}
	am, err := acoustic.LoadFile(f, AcousticPrefix)
	if err != nil {
		return nil, fmt.Errorf("load voice: %w", err)
	}
	if m := am.Config().Mels; m != MelBins {
		return nil, fmt.Errorf("%w: acoustic model of %d mels, want %d", ErrVoiceFormat, m, MelBins)
	}
	vm, err := vocoder.Load(f, VocoderPrefix)
	if err != nil {
		return nil, fmt.Errorf("load voice: %w", err)
	}
	if c := vm.Config(); c.NumMels != MelBins || c.HopSamples != HopSamples || c.SampleRate != int(SampleRate) {
		return nil, fmt.Errorf("%w: vocoder of %d mels, hop %d, %d Hz; want %d, %d, %d", ErrVoiceFormat,
			c.NumMels, c.HopSamples, c.SampleRate, MelBins, HopSamples, SampleRate)
	}
	return NewVoice(card, am, vm), nil
}

// LoadVoiceFile reads the voice file at path.
func LoadVoiceFile(path string) (*Voice, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load voice: %w", err)
	}
	v, err := LoadVoice(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return v, nil
}

// NewVoice makes a Voice of the two models: what LoadVoice does after
// reading them, and what training code calls to listen to a checkpoint.
func NewVoice(card VoiceCard, a *acoustic.Model, v *vocoder.Model) *Voice {
	return &Voice{
		Card:     card,
		Acoustic: &acousticModel{m: a, tapes: freeList[*nn.Tape]{make: func() *nn.Tape { return nn.NewTape(0) }}},
		Vocoder:  &vocoderModel{sessions: freeList[*vocoder.Session]{make: v.NewSession}},
	}
}

// freeList keeps per-call state (tapes, vocoder sessions) for reuse. Unlike
// a sync.Pool it is not emptied by the garbage collector, which matters
// here: a tape's arena is tens of megabytes for a long phrase, and a
// program speaking sentence after sentence collects garbage often.
type freeList[T any] struct {
	mu   sync.Mutex
	free []T
	make func() T
}

// maxFree bounds how many idle items a freeList keeps.
const maxFree = 4

func (f *freeList[T]) get() T {
	f.mu.Lock()
	if n := len(f.free); n > 0 {
		x := f.free[n-1]
		f.free = f.free[:n-1]
		f.mu.Unlock()
		return x
	}
	f.mu.Unlock()
	return f.make()
}

func (f *freeList[T]) put(x T) {
	f.mu.Lock()
	if len(f.free) < maxFree {
		f.free = append(f.free, x)
	}
	f.mu.Unlock()
}

// acousticModel adapts tts/acoustic to AcousticModel: the model is
// read-only and each call borrows a tape (its per-call state) from a free
// list, so calls may run concurrently and steady-state calls reuse memory.
type acousticModel struct {
	m     *acoustic.Model
	tapes freeList[*nn.Tape]
}

func (a *acousticModel) Synthesize(symbols []string, c Controls) (Frames, error) {
	t := a.tapes.get()
	defer a.tapes.put(t)
	out, err := a.m.Synthesize(t, symbols, acoustic.Controls{Speed: c.Speed, Pitch: c.Pitch, Energy: c.Energy})
	if err != nil {
		return Frames{}, err
	}
	return Frames{Mels: out.Mels, F0: out.F0, Durations: out.Durations}, nil
}

// vocoderModel adapts tts/vocoder to Vocoder with a free list of sessions.
type vocoderModel struct {
	sessions freeList[*vocoder.Session]
}

func (v *vocoderModel) Vocode(mels, f0 []float32) ([]float32, error) {
	s := v.sessions.get()
	defer v.sessions.put(s)
	return s.Vocode(nil, mels, f0)
}
