package vad

import (
	"bytes"
	"testing"

	"github.com/mynah-speech/mynah/nn/nntest"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// TestNewModelIsUnchanged pins the weights NewModel draws from a seed (the
// hash was taken from the code before LoadModel stopped calling NewModel):
// loading builds the model without drawing, and that split must not move
// NewModel's draws.
func TestNewModelIsUnchanged(t *testing.T) {
	m, err := NewModel(DefaultModelConfig(), 3)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := nntest.ParamsHash(m.Params()), uint64(0x5c0c75166f27927f); got != want {
		t.Errorf("NewModel(seed 3) weights hash %#x, want %#x", got, want)
	}
}

// TestLoadModelIsBitExact checks that a loaded model holds exactly the
// saved weights, in order, though LoadModel draws no initial weights.
func TestLoadModelIsBitExact(t *testing.T) {
	m, err := NewModel(DefaultModelConfig(), 5)
	if err != nil {
		t.Fatal(err)
	}
	for _, dtype := range []safetensors.DType{safetensors.F32, safetensors.F16} {
		var buf bytes.Buffer
		if err := m.Save(&buf, dtype); err != nil {
			t.Fatal(err)
		}
		back, err := LoadModel(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		nntest.CheckLoaded(t, string(dtype), back.Params(), m.Params(), dtype)
	}
}
