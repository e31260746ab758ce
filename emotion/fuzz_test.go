package emotion

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// FuzzLoad feeds arbitrary bytes to Load: it must return a model or an
// error, never panic, and a model it returns must tag without error.
// testdata/fuzz/FuzzLoad holds a valid baseline file and damaged copies.
func FuzzLoad(f *testing.F) {
	m, err := New(DefaultBaseline(), nil, 1)
	if err != nil {
		f.Fatal(err)
	}
	var b bytes.Buffer
	fc, _ := m.fileConfig(nil)
	if err := nn.WriteModel(&b, fc, m.Params(), safetensors.F32); err != nil {
		f.Fatal(err)
	}
	f.Add(b.Bytes())
	f.Add([]byte{})
	// The extended baseline, as shipped (seeded here rather than in
	// testdata so the seed follows the descriptor set).
	if ext, err := New(ExtendedBaseline(), nil, 1); err == nil {
		var eb bytes.Buffer
		fc, _ := ext.fileConfig(nil)
		if err := nn.WriteModel(&eb, fc, ext.Params(), safetensors.F32); err != nil {
			f.Fatal(err)
		}
		f.Add(eb.Bytes())
	}
	x := voice(0.5, SampleRate, 150, 0.5, 1)
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := Load(data, nil)
		if err != nil {
			return
		}
		tg, err := NewTagger(m, Options{})
		if err != nil {
			return
		}
		if _, err := tg.Tag(context.Background(), x, SampleRate); err != nil {
			t.Fatalf("loaded model failed to tag: %v", err)
		}
	})
}

// FuzzScoresJSON: Scores.UnmarshalJSON never panics, and what it accepts
// marshals back (when finite) to something it accepts again unchanged.
func FuzzScoresJSON(f *testing.F) {
	f.Add([]byte(`{"neutral":0.5,"happy":0.5}`))
	f.Add([]byte(`{"bored":1}`))
	f.Add([]byte(`[1,2]`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var s Scores
		if json.Unmarshal(data, &s) != nil {
			return
		}
		b, err := json.Marshal(s)
		if err != nil {
			return // non-finite values are refused on output
		}
		var back Scores
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("re-read %s: %v", b, err)
		}
		b2, _ := json.Marshal(back)
		if !bytes.Equal(b, b2) {
			t.Fatalf("%s -> %s", b, b2)
		}
	})
}
