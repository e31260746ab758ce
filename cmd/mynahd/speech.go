package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/models"
	"github.com/mynah-speech/mynah/server"
	"github.com/mynah-speech/mynah/tts"
)

// voiceSynthesizer serves /v1/audio/speech with the embedded Kathleen voice
// (server.Synthesizer over tts): OpenAI's voice names select it, speed maps
// to the voice's speaking rate, and audio reaches the client phrase by
// phrase as tts.Stream produces it.
type voiceSynthesizer struct {
	voice *tts.Voice
}

// newVoiceSynthesizer loads the embedded voice.
func newVoiceSynthesizer() (*voiceSynthesizer, error) {
	v, err := tts.LoadVoice(models.KathleenVoice())
	if err != nil {
		return nil, fmt.Errorf("embedded voice: %w", err)
	}
	return &voiceSynthesizer{voice: v}, nil
}

func (s *voiceSynthesizer) Name() string           { return "mynah-tts-kathleen" }
func (s *voiceSynthesizer) Voices() []string       { return []string{"kathleen"} }
func (s *voiceSynthesizer) SampleRate() audio.Rate { return tts.SampleRate }

// Synthesize speaks req.Input, emitting each piece the stream yields.
func (s *voiceSynthesizer) Synthesize(ctx context.Context, req server.SpeechRequest, emit func(samples []float32) error) error {
	speed := req.Speed
	if speed == 0 {
		speed = 1
	}
	speed = min(max(speed, tts.MinScale), tts.MaxScale)
	syn, err := tts.NewSynthesizer(s.voice, tts.Options{Speed: speed})
	if err != nil {
		return err
	}
	st := syn.Stream(ctx, tts.PhraseStream(strings.NewReader(req.Input)))
	defer st.Close()
	buf := make([]float32, 8192)
	for {
		n, err := st.Read(buf)
		if n > 0 {
			if e := emit(append([]float32(nil), buf[:n]...)); e != nil {
				return e
			}
		}
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return err
		}
	}
}
