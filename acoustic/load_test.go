package acoustic

import (
	"bytes"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/nntest"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// TestNewIsUnchanged pins the weights New draws from a seed (hashes taken
// from the code before Load stopped calling New): Load now builds the
// model without drawing, and that split must not move New's draws.
func TestNewIsUnchanged(t *testing.T) {
	noFreq := tinyConfig()
	noFreq.FreqAttentionHeads = 0
	for _, tc := range []struct {
		name string
		cfg  Config
		seed uint64
		want uint64
	}{
		{"tiny", tinyConfig(), 7, 0xde6c725f1d07d4da},
		{"tiny without frequency attention", noFreq, 3, 0x16bf46a01e5d0f2c},
		{"default", DefaultConfig(), 1, 0xb164d23c17e709e7},
	} {
		m, err := New(tc.cfg, testFrontEnd(tc.cfg.Mels), tc.seed)
		if err != nil {
			t.Fatal(err)
		}
		if got := nntest.ParamsHash(m.Params()); got != tc.want {
			t.Errorf("%s: New(seed %d) weights hash %#x, want %#x", tc.name, tc.seed, got, tc.want)
		}
	}
}

// TestLoadIsBitExact checks that a loaded model holds exactly the saved
// weights, in order, though Load builds it without New's initialisation.
func TestLoadIsBitExact(t *testing.T) {
	cfg := tinyConfig()
	m, err := New(cfg, testFrontEnd(cfg.Mels), 11)
	if err != nil {
		t.Fatal(err)
	}
	for _, dtype := range []safetensors.DType{safetensors.F32, safetensors.F16} {
		var buf bytes.Buffer
		if err := nn.WriteModel(&buf, fileConfig{Model: cfg, FrontEnd: testFrontEnd(cfg.Mels)}, m.Params(), dtype); err != nil {
			t.Fatal(err)
		}
		back, err := Load(buf.Bytes())
		if err != nil {
			t.Fatal(err)
		}
		nntest.CheckLoaded(t, string(dtype), back.Params(), m.Params(), dtype)
	}
}
