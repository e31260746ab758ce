package models_test

import (
	"encoding/json"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mynah-speech/mynah/models"
	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/vad"
)

// TestVADModel checks the shipped learned VAD: it loads, stays within the
// issue's 200k parameters and 100 ms look-ahead, its config records the
// evaluation, and it finds no speech in silence or in white noise.
func TestVADModel(t *testing.T) {
	m, err := vad.LoadModel(models.VAD())
	if err != nil {
		t.Fatal(err)
	}
	cfg := m.Config()
	if n := nn.CountParams(m.Params()); n > 200_000 {
		t.Errorf("%d parameters", n)
	}
	if ms := cfg.LookAhead() * 1000 / cfg.Feature.SampleRate; ms > 100 {
		t.Errorf("look-ahead %d ms", ms)
	}
	var record struct {
		Command string            `json:"command"`
		Eval    []json.RawMessage `json:"eval"`
	}
	if err := json.Unmarshal(cfg.Training, &record); err != nil || record.Command == "" || len(record.Eval) == 0 {
		t.Errorf("training record %s: %v", cfg.Training, err)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	white := make([]float32, 3*16000)
	for i := range white {
		white[i] = float32(0.05 * rng.NormFloat64())
	}
	for name, x := range map[string][]float32{"silence": make([]float32, 3*16000), "white noise": white} {
		det, err := m.NewDetector(vad.LearnedConfig{})
		if err != nil {
			t.Fatal(err)
		}
		if ev := det.Flush(det.Push(x, nil)); len(ev) != 0 {
			t.Errorf("%s: events %v", name, ev)
		}
	}
	for _, p := range m.SpeechProbabilities(white) {
		if math.IsNaN(float64(p)) {
			t.Fatal("NaN probability")
		}
	}
}
