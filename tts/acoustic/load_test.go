package acoustic

import (
	"bytes"
	"testing"

	"github.com/mynah-speech/mynah/nn/nntest"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// TestNewIsUnchanged pins the weights New draws from a seed: loading
// builds the model without drawing them, and that split must not move
// the draws of New (training runs resume and compare from seeds).
func TestNewIsUnchanged(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  Config
		seed uint64
		want uint64
	}{
		{"tiny", tinyConfig(), 4, 0x57fb674883c40b5d},
		{"default", DefaultConfig(), 1, 0x2ffe61cadd8a3561},
	} {
		m, err := New(tc.cfg, tc.seed)
		if err != nil {
			t.Fatal(err)
		}
		if got := nntest.ParamsHash(m.Params()); got != tc.want {
			t.Errorf("%s: New(seed %d) weights hash %#x, want %#x", tc.name, tc.seed, got, tc.want)
		}
	}
}

// TestLoadIsBitExact checks that a loaded model holds exactly the saved
// weights, in the same order, though the loader builds it without New's
// random initialisation.
func TestLoadIsBitExact(t *testing.T) {
	m, err := New(tinyConfig(), 9)
	if err != nil {
		t.Fatal(err)
	}
	for _, dtype := range []safetensors.DType{safetensors.F32, safetensors.F16} {
		var buf bytes.Buffer
		if err := m.Save(&buf, dtype, nil); err != nil {
			t.Fatal(err)
		}
		back, err := Load(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		nntest.CheckLoaded(t, string(dtype), back.Params(), m.Params(), dtype)
	}
}
