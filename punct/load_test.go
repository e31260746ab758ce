package punct

import (
	"bytes"
	"testing"

	"github.com/mynah-speech/mynah/nn/nntest"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// TestNewModelIsUnchanged pins the weights NewModel draws from a seed
// (hashes taken from the code before Load stopped calling NewModel): Load
// builds the model without drawing, and that split must not move the
// draws.
func TestNewModelIsUnchanged(t *testing.T) {
	linear := DefaultLinearConfig()
	linear.Buckets = 1 << 10
	for _, tc := range []struct {
		name string
		cfg  Config
		seed uint64
		want uint64
	}{
		{"tiny", tinyConfig(), 7, 0xf47f77880ee4947c},
		{"default", DefaultConfig([]string{"the", "a"}), 2, 0xed2ea7e60c80886f},
		{"linear", linear, 1, 0x809e4efed1612ad3},
	} {
		m, err := NewModel(tc.cfg, tc.seed)
		if err != nil {
			t.Fatal(err)
		}
		if got := nntest.ParamsHash(m.Params()); got != tc.want {
			t.Errorf("%s: NewModel(seed %d) weights hash %#x, want %#x", tc.name, tc.seed, got, tc.want)
		}
	}
}

// TestLoadIsBitExact checks that a loaded model holds exactly the written
// weights (as stored: F32 whole, F16 rounded), in order.
func TestLoadIsBitExact(t *testing.T) {
	for _, m := range []*Model{tinyModel(t), tinyLinear(t)} {
		for _, dtype := range []safetensors.DType{safetensors.F32, safetensors.F16} {
			var buf bytes.Buffer
			if err := m.Write(&buf, dtype); err != nil {
				t.Fatal(err)
			}
			back, err := Load(buf.Bytes())
			if err != nil {
				t.Fatal(err)
			}
			nntest.CheckLoaded(t, string(dtype), back.Params(), m.Params(), dtype)
		}
	}
}
