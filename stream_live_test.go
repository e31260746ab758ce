package mynah

import (
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

func TestStreamLiveAccessors(t *testing.T) {
	rec, err := NewRecognizer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	speech, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		t.Fatal(err)
	}
	st, err := rec.NewStream(StreamConfig{})
	if err != nil {
		t.Fatal(err)
	}
	input := append(append(make([]float32, sampleRate/2), speech...), make([]float32, sampleRate)...)
	heardSpeech, ended := false, false
	for i := 0; i < len(input) && !ended; i += 320 {
		end, err := st.Accept(input[i:min(i+320, len(input))])
		if err != nil {
			t.Fatal(err)
		}
		accepted := time.Duration(min(i+320, len(input))) * time.Second / sampleRate
		if st.Accepted() != accepted || st.UtteranceLength() != accepted {
			t.Fatalf("after %v: Accepted %v, UtteranceLength %v", accepted, st.Accepted(), st.UtteranceLength())
		}
		heardSpeech = heardSpeech || st.InSpeech()
		words, stable := st.PartialWords()
		if stable < 0 || stable > len(words) {
			t.Fatalf("stable %d of %d words", stable, len(words))
		}
		for _, w := range words {
			if w.Start < 0 || w.End < w.Start || w.End > accepted.Seconds()+0.1 {
				t.Fatalf("partial word %+v at %v", w, accepted)
			}
		}
		ended = end
	}
	if !heardSpeech || !ended {
		t.Fatalf("in speech %v, endpoint %v", heardSpeech, ended)
	}
	if st.InSpeech() {
		t.Error("still in speech after the endpoint")
	}
	before := st.Accepted()
	if _, err := st.Final(); err != nil {
		t.Fatal(err)
	}
	if st.UtteranceLength() != 0 || st.Accepted() != before {
		t.Errorf("after Final: UtteranceLength %v, Accepted %v (was %v)", st.UtteranceLength(), st.Accepted(), before)
	}
	if words, _ := st.PartialWords(); len(words) != 0 {
		t.Errorf("partial after Final: %+v", words)
	}
}
