package models_test

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/emotion"
	"github.com/mynah-speech/mynah/models"
)

// TestEmotionModel checks the shipped emotion model: at most 5 MB, it
// loads, its card carries the licence and the cross-validation, and it
// tags speech-like sound with eight probabilities and silence as a
// zero-confidence neutral.
func TestEmotionModel(t *testing.T) {
	data := models.Emotion()
	if len(data) > 5<<20 {
		t.Errorf("emotion model is %d bytes, over 5 MB", len(data))
	}
	m, err := emotion.Load(data, nil)
	if err != nil {
		t.Fatal(err)
	}
	var card struct {
		Licence string            `json:"licence"`
		Folds   []json.RawMessage `json:"cross_validation"`
	}
	if err := json.Unmarshal(m.Card(), &card); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(card.Licence, "non-commercial") || len(card.Folds) == 0 {
		t.Errorf("card: %s", m.Card())
	}
	tg, err := emotion.NewTagger(m, emotion.Options{})
	if err != nil {
		t.Fatal(err)
	}
	x := make([]float32, 48000*2)
	var ph float64
	for i := range x {
		tm := float64(i) / 48000
		ph += 2 * math.Pi * 180 * (1 + 0.1*math.Sin(2*math.Pi*3*tm)) / 48000
		env := math.Max(0, math.Sin(2*math.Pi*2*tm))
		x[i] = float32(0.3 * env * (math.Sin(ph) + 0.5*math.Sin(2*ph) + 0.3*math.Sin(3*ph)))
	}
	r, err := tg.Tag(context.Background(), x, 48000)
	if err != nil {
		t.Fatal(err)
	}
	var sum float32
	for _, v := range r.Scores {
		sum += v
	}
	if math.Abs(float64(sum)-1) > 1e-4 || r.Speech == 0 || r.Confidence <= 0 {
		t.Errorf("speech-like sound: %+v", r)
	}
	r, err = tg.Tag(context.Background(), make([]float32, 16000), 16000)
	if err != nil || r.Label != emotion.Neutral || r.Confidence != 0 {
		t.Errorf("silence: %+v %v", r, err)
	}
}
