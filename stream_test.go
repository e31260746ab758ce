package mynah

import (
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

func TestStreamEndpointsAndFinals(t *testing.T) {
	rec, err := NewRecognizer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	speech, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		t.Fatal(err)
	}
	silence := make([]float32, sampleRate) // 1 s
	st, err := rec.NewStream(StreamConfig{EndpointSilence: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var finals []Transcript
	for round := 0; round < 2; round++ {
		for _, part := range [][]float32{speech, silence} {
			for i := 0; i < len(part); i += 800 {
				end, err := st.Accept(part[i:min(i+800, len(part))])
				if err != nil {
					t.Fatal(err)
				}
				if end {
					tr, err := st.Final()
					if err != nil {
						t.Fatal(err)
					}
					finals = append(finals, tr)
				}
			}
		}
	}
	if len(finals) != 2 {
		t.Fatalf("%d utterances ended, want 2", len(finals))
	}
	if finals[1].Segments != nil && len(finals[1].Segments) > 0 && finals[1].Segments[0].Start < 3 {
		t.Errorf("second utterance starts at %v s, before the first ended", finals[1].Segments[0].Start)
	}
	// Final with nothing pushed since the last is empty, not an error.
	if _, err := st.Final(); err != nil {
		t.Fatal(err)
	}
	tr, err := st.Final()
	if err != nil || tr.Text != "" || tr.Duration != 0 {
		t.Errorf("empty final: %+v, %v", tr, err)
	}
}
