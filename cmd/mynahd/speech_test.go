package main

import (
	"context"
	"testing"

	"github.com/mynah-speech/mynah/server"
)

func TestVoiceSynthesizerSpeaks(t *testing.T) {
	s, err := newVoiceSynthesizer()
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		speed float64
	}{{"default speed", 0}, {"fast", 2}, {"clamped", 10}} {
		t.Run(tc.name, func(t *testing.T) {
			var got int
			err := s.Synthesize(context.Background(), server.SpeechRequest{Input: "Hello there. How are you?", Speed: tc.speed}, func(p []float32) error {
				got += len(p)
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if secs := float64(got) / float64(s.SampleRate()); secs < 0.3 || secs > 10 {
				t.Errorf("%.2f s of speech for two short sentences", secs)
			}
		})
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := s.Synthesize(ctx, server.SpeechRequest{Input: "Hello there."}, func([]float32) error { return nil }); err == nil {
		t.Error("a cancelled request gave no error")
	}
}
