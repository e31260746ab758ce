package emotion_test

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/mynah-speech/mynah/emotion"
)

// A second of silence at 44.1 kHz is tagged neutral with zero confidence:
// silence is never reported as a finding. (A real caller loads the
// shipped model, emotion.Load(models.Emotion(), nil); the untrained one
// here behaves the same on silence.)
func ExampleTagger_Tag() {
	m, err := emotion.New(emotion.DefaultCNN(), nil, 1)
	if err != nil {
		panic(err)
	}
	tagger, err := emotion.NewTagger(m, emotion.Options{})
	if err != nil {
		panic(err)
	}
	r, err := tagger.Tag(context.Background(), make([]float32, 44100), 44100)
	if err != nil {
		panic(err)
	}
	fmt.Println(r.Label, r.Confidence, r.Arousal)
	// Output: neutral 0 low
}

// Scores marshal to an object keyed by label, in label order: the
// "scores" field of `transcribe --emotion`.
func ExampleScores_MarshalJSON() {
	s := emotion.Scores{0.02, 0.03, 0.7, 0.05, 0.1, 0.04, 0.03, 0.03}
	b, _ := json.Marshal(s)
	fmt.Println(string(b))
	top, p := s.Top()
	fmt.Println(top, p, s.HighArousal() >= 0.5)
	// Output:
	// {"neutral":0.02,"calm":0.03,"happy":0.7,"sad":0.05,"angry":0.1,"fearful":0.04,"disgust":0.03,"surprised":0.03}
	// happy 0.7 true
}
