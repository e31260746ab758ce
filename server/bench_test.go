package server

import (
	"bytes"
	"context"
	"net/http"
	"testing"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// BenchmarkTranscription measures a whole /v1/audio/transcriptions round
// trip on loopback (impl=http) beside the same Recognizer.Transcribe call
// made directly (impl=direct), so the ratio is the server's overhead:
// multipart parsing, queueing, rendering and HTTP.
func BenchmarkTranscription(b *testing.B) {
	clip := readFile(b, samples[0])
	s, ts := newTestServer(b, Config{Recognizer: mynah.Config{VAD: true}})
	src, _ := audio.Decode(bytes.NewReader(clip), audio.DecodeOptions{})
	pcm, _ := audio.ReadAll(src)
	seconds := float64(len(pcm)) / float64(src.SampleRate())
	b.Run("impl=direct", func(b *testing.B) {
		rec := s.recs.base
		for b.Loop() {
			src, _ := audio.Decode(bytes.NewReader(clip), audio.DecodeOptions{})
			if _, err := rec.Transcribe(context.Background(), src); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(seconds*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	})
	b.Run("impl=http", func(b *testing.B) {
		for b.Loop() {
			body, ct := form(b, clip, "response_format", "text")
			if status, _, out := post(b, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct); status != http.StatusOK {
				b.Fatalf("%d %s", status, out)
			}
		}
		b.ReportMetric(seconds*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
	})
}
