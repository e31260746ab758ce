package emotion

import (
	"hash/fnv"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// paramsHash is an FNV-1a hash of the names, shapes and value bits of ps.
func paramsHash(ps []*nn.Param) uint64 {
	h := fnv.New64a()
	var b [4]byte
	put := func(u uint32) {
		b = [4]byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)}
		h.Write(b[:])
	}
	for _, p := range ps {
		h.Write([]byte(p.Name))
		for _, d := range p.Shape {
			put(uint32(d))
		}
		for _, v := range p.Value {
			put(math.Float32bits(v))
		}
	}
	return h.Sum64()
}

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
		if got := paramsHash(m.Params()); got != want[cfg.Kind] {
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
		if got, want := len(back.Params()), len(m.Params()); got != want {
			t.Fatalf("%s: %d params loaded, %d saved", kind, got, want)
		}
		for i, p := range back.Params() {
			q := m.Params()[i]
			if p.Name != q.Name || !slices.Equal(p.Shape, q.Shape) {
				t.Fatalf("%s: param %d is %s %v, saved %s %v", kind, i, p.Name, p.Shape, q.Name, q.Shape)
			}
			enc, err := safetensors.EncodeFloat32(nil, dtype, q.Value)
			if err != nil {
				t.Fatal(err)
			}
			want := make([]float32, len(q.Value))
			if err := safetensors.DecodeFloat32(want, dtype, enc); err != nil {
				t.Fatal(err)
			}
			for j, v := range p.Value {
				if math.Float32bits(v) != math.Float32bits(want[j]) {
					t.Fatalf("%s: %s[%d] = %v, saved %v", kind, p.Name, j, v, want[j])
				}
			}
		}
	}
}
