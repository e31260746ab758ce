package emotion

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/mynah-speech/mynah/nn/nntest"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// TestNewIsUnchanged pins the weights New draws from a seed for each kind
// (hashes taken from the code before Load stopped calling New): Load
// builds the model without drawing, and that split must not move New's
// draws.
func TestNewIsUnchanged(t *testing.T) {
	enc := tinyEncoder(t)
	want := map[Kind]uint64{KindBaseline: 0x80687d2da8b30d79, KindCNN: 0x6e720a1714ee8972, KindTransfer: 0x9934bfc880b9a04c}
	for _, cfg := range []Config{DefaultBaseline(), ExtendedBaseline(), DefaultCNN(), TransferConfig(enc)} {
		m, err := New(cfg, enc, 3)
		if err != nil {
			t.Fatal(err)
		}
		if cfg.Descriptors != DefaultBaseline().Descriptors {
			continue // the extended baseline: zeros and ones, as the default
		}
		if got := nntest.ParamsHash(m.Params()); got != want[cfg.Kind] {
			t.Errorf("%s: New(seed 3) weights hash %#x, want %#x", cfg.Kind, got, want[cfg.Kind])
		}
	}
}

// TestLoadIsBitExact checks that a loaded model of each kind holds exactly
// the saved weights (as Save stores them: F32 for the baseline, F16 for
// the networks), in order.
func TestLoadIsBitExact(t *testing.T) {
	dir := t.TempDir()
	enc := tinyEncoder(t)
	for kind, m := range allKinds(t) {
		path := filepath.Join(dir, string(kind)+".safetensors")
		if err := m.Save(path, nil); err != nil {
			t.Fatal(err)
		}
		data, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		back, err := Load(data, enc)
		if err != nil {
			t.Fatalf("%s: %v", kind, err)
		}
		dtype := safetensors.F16
		if kind == KindBaseline {
			dtype = safetensors.F32
		}
		nntest.CheckLoaded(t, string(kind), back.Params(), m.Params(), dtype)
	}
}
