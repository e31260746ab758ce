package tts_test

import (
	"bytes"
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/acoustic"
	"github.com/mynah-speech/mynah/tts/vocoder"
)

// untrainedVoice writes a voice file of an untrained acoustic model and
// the pure-DSP vocoder: the real format and code path, not speech.
func untrainedVoice(t testing.TB) []byte {
	t.Helper()
	am, err := acoustic.New(acoustic.DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	vm, err := vocoder.New(vocoder.Default(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	card := tts.VoiceCard{Name: "untrained", Language: "en-US", Figures: map[string]string{"note": "random weights"}}
	if err := tts.WriteVoice(&buf, card, am, vm, safetensors.F16); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestVoiceFileRoundTrip(t *testing.T) {
	data := untrainedVoice(t)
	if len(data) > tts.MaxVoiceBytes {
		t.Errorf("voice file of %d bytes", len(data))
	}
	v, err := tts.LoadVoice(data)
	if err != nil {
		t.Fatal(err)
	}
	if v.Card.Name != "untrained" || v.Card.SampleRate != 22050 || v.Card.Figures["note"] != "random weights" {
		t.Errorf("card %+v", v.Card)
	}
	s, err := tts.NewSynthesizer(v, tts.Options{Speed: 4})
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Synthesize(context.Background(), "Hello.")
	if err != nil {
		t.Fatal(err)
	}
	if len(a) == 0 || len(a)%tts.HopSamples != 0 {
		t.Errorf("%d samples", len(a))
	}
	// Deterministic, also through a second load.
	v2, err := tts.LoadVoice(data)
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := tts.NewSynthesizer(v2, tts.Options{Speed: 4})
	b, err := s2.Synthesize(context.Background(), "Hello.")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(a, b) {
		t.Error("two loads of one voice speak differently")
	}
}

func TestLoadVoiceErrors(t *testing.T) {
	data := untrainedVoice(t)
	var other bytes.Buffer
	if err := safetensors.Write(&other, nil, map[string]string{"format": "mynah"}); err != nil {
		t.Fatal(err)
	}
	tests := map[string][]byte{
		"empty":     nil,
		"truncated": data[:len(data)/2],
		"not voice": other.Bytes(),
		"garbage":   []byte("RIFF....WAVEfmt "),
	}
	for name, b := range tests {
		if _, err := tts.LoadVoice(b); !errors.Is(err, tts.ErrVoiceFormat) {
			t.Errorf("%s: error %v, want ErrVoiceFormat", name, err)
		}
	}
	if _, err := tts.LoadVoiceFile("/nonexistent/voice.safetensors"); err == nil {
		t.Error("missing file loaded")
	}
}
