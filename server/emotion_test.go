package server

import (
	"encoding/json"
	"testing"

	"github.com/mynah-speech/mynah"
)

// TestTranscriptionEmotion checks issue 15's extra field: emotion=true adds
// the emotion object of `transcribe --emotion` to json and verbose_json
// (the file's and each segment's), and nothing to the other answers.
func TestTranscriptionEmotion(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the recogniser")
	}
	s, ts := newTestServer(t, Config{})
	clip := readFile(t, samples[0])
	ask := func(format string, emotion string) []byte {
		t.Helper()
		fields := []string{"response_format", format}
		if emotion != "" {
			fields = append(fields, "emotion", emotion)
		}
		body, ct := form(t, clip, fields...)
		status, _, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct)
		if status != 200 {
			t.Fatalf("%s emotion=%s: status %d: %s", format, emotion, status, out)
		}
		return out
	}
	var verbose struct {
		Text     string
		Emotion  *mynah.Emotion
		Segments []mynah.Segment
	}
	if err := json.Unmarshal(ask("verbose_json", "true"), &verbose); err != nil {
		t.Fatal(err)
	}
	if verbose.Emotion == nil || verbose.Emotion.Confidence <= 0 {
		t.Fatalf("verbose_json emotion %+v", verbose.Emotion)
	}
	for i, seg := range verbose.Segments {
		if seg.Emotion == nil {
			t.Errorf("segment %d has no emotion", i)
		}
	}
	var plain struct {
		Text    string
		Emotion *mynah.Emotion
	}
	if err := json.Unmarshal(ask("json", "true"), &plain); err != nil {
		t.Fatal(err)
	}
	if plain.Emotion == nil || *plain.Emotion != *verbose.Emotion {
		t.Errorf("json emotion %+v, verbose_json's %+v", plain.Emotion, verbose.Emotion)
	}
	// The same words with and without the emotion, and text unchanged.
	if text := ask("text", "true"); string(text) != transcriptText(mynah.Transcript{Text: plain.Text})+"\n" {
		t.Errorf("text with emotion=true: %q, json text %q", text, plain.Text)
	}
	for _, e := range []string{"", "false"} {
		var none map[string]any
		if err := json.Unmarshal(ask("verbose_json", e), &none); err != nil {
			t.Fatal(err)
		}
		if _, ok := none["emotion"]; ok {
			t.Errorf("emotion=%q: verbose_json carries emotion", e)
		}
	}
	// One recognizer with emotion on is built and kept.
	if n := s.recs.order.Len(); n != 1 {
		t.Errorf("%d cached recognizers, want 1", n)
	}
}

func TestWithoutEmotion(t *testing.T) {
	e := &mynah.Emotion{Confidence: 0.5}
	tr := mynah.Transcript{Emotion: e, Segments: []mynah.Segment{{Text: "a", Emotion: e}}}
	got := withoutEmotion(tr)
	if got.Emotion != nil || got.Segments[0].Emotion != nil || got.Segments[0].Text != "a" {
		t.Errorf("withoutEmotion: %+v", got)
	}
	if tr.Segments[0].Emotion == nil {
		t.Error("withoutEmotion changed its argument's segments")
	}
}
