// Package ttstest provides a fake voice for testing code that uses package
// tts (cmd/speak, servers) without a trained model: its "speech" is a
// tone per vowel and silence elsewhere, with the timing, controls and
// shapes of the real models. It is not speech and must never be shipped
// as a voice.
package ttstest

import (
	"fmt"
	"math"
	"sync/atomic"

	"github.com/mynah-speech/mynah/tts"
)

// Frames per symbol of the fake acoustic model at speed 1.
const (
	PhoneFrames   = 6
	SilenceFrames = 10
	BreakFrames   = 8
)

// Fake tone and levels.
const (
	// ToneHz is the F0 of a vowel at pitch 1.
	ToneHz = 200
	// Amplitude is the peak of the tone at volume 1.
	Amplitude = 0.25
	// voicedMel and silentMel are the fake log-mels.
	voicedMel = -2
	silentMel = -11.5
)

// Acoustic is a fake tts.AcousticModel. The zero value is ready; it is
// safe for concurrent use.
type Acoustic struct {
	// Hook, if set, is called with each phrase's symbols before it is
	// rendered; an error it returns is the model's error (to test error
	// paths and streaming order).
	Hook func(symbols []string) error
	// Calls counts Synthesize calls.
	Calls atomic.Int64
}

// Synthesize implements tts.AcousticModel: PhoneFrames per phone,
// SilenceFrames per <sil>, BreakFrames per break, none for "#", divided by
// the speed; F0 ToneHz×pitch on vowels. It rejects symbols outside
// tts.Symbols, as the real model does.
func (a *Acoustic) Synthesize(symbols []string, c tts.Controls) (tts.Frames, error) {
	a.Calls.Add(1)
	if a.Hook != nil {
		if err := a.Hook(symbols); err != nil {
			return tts.Frames{}, err
		}
	}
	speed, pitch := orOne(c.Speed), orOne(c.Pitch)
	var fr tts.Frames
	for _, s := range symbols {
		base, voiced, silent := PhoneFrames, false, false
		switch {
		case s == tts.WordBoundary:
			base = 0
		case s == tts.Silence:
			base, silent = SilenceFrames, true
		case len(s) == 1:
			base, silent = BreakFrames, true
		case !known[s]:
			return tts.Frames{}, fmt.Errorf("ttstest: unknown symbol %q", s)
		default:
			last := s[len(s)-1]
			voiced = last >= '0' && last <= '2'
		}
		n := int(math.Round(float64(base) / speed))
		if base > 0 {
			n = max(n, 1)
		}
		fr.Durations = append(fr.Durations, n)
		for range n {
			mel, f0 := float32(voicedMel), float32(0)
			if silent {
				mel = silentMel
			}
			if voiced {
				f0 = float32(ToneHz * pitch)
			}
			for range tts.MelBins {
				fr.Mels = append(fr.Mels, mel)
			}
			fr.F0 = append(fr.F0, f0)
		}
	}
	return fr, nil
}

var known = func() map[string]bool {
	m := map[string]bool{}
	for _, s := range tts.Symbols() {
		m[s] = true
	}
	return m
}()

func orOne(v float64) float64 {
	if v == 0 {
		return 1
	}
	return v
}

// Vocoder is a fake tts.Vocoder: a sine at each frame's F0 with amplitude
// Amplitude, silence in unvoiced frames. It is stateless, so safe for
// concurrent use.
type Vocoder struct{}

// Vocode implements tts.Vocoder.
func (Vocoder) Vocode(mels, f0 []float32) ([]float32, error) {
	if len(mels) != len(f0)*tts.MelBins {
		return nil, fmt.Errorf("ttstest: %d mel values for %d frames", len(mels), len(f0))
	}
	out := make([]float32, len(f0)*tts.HopSamples)
	phase := 0.0
	for t, hz := range f0 {
		if hz <= 0 {
			continue
		}
		step := 2 * math.Pi * float64(hz) / float64(tts.SampleRate)
		for i := range tts.HopSamples {
			out[t*tts.HopSamples+i] = float32(Amplitude * math.Sin(phase))
			if phase += step; phase > 2*math.Pi {
				phase -= 2 * math.Pi
			}
		}
	}
	return out, nil
}

// Voice returns a fresh fake voice.
func Voice() *tts.Voice {
	return &tts.Voice{
		Card:     tts.VoiceCard{Name: "ttstest-fake", Language: "en-US", SampleRate: int(tts.SampleRate), Description: "fake tones for tests; not speech"},
		Acoustic: &Acoustic{},
		Vocoder:  Vocoder{},
	}
}
