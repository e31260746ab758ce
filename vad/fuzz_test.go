package vad

import (
	"bytes"
	"testing"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// FuzzLoadModel feeds LoadModel arbitrary bytes: it must return an error
// or a model that runs, never panic nor allocate what a header claims.
// The committed corpus (testdata/fuzz/FuzzLoadModel) holds hand-made
// broken headers; a valid tiny model file is added here.
func FuzzLoadModel(f *testing.F) {
	c := DefaultModelConfig()
	c.Channels, c.Dilations = 2, []int{1}
	m, err := NewModel(c, 1)
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.Save(&buf, safetensors.F16); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadModel(data)
		if err != nil {
			return
		}
		if p := m.SpeechProbabilities(make([]float32, 2000)); len(p) != 7 {
			t.Fatalf("%d probabilities for 2000 samples", len(p))
		}
	})
}
