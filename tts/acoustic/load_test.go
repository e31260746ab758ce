package acoustic

import (
	"bytes"
	"hash/fnv"
	"math"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// paramsHash is an FNV-1a hash of the names, shapes and value bits of ps.
func paramsHash(ps []*nn.Param) uint64 {
	h := fnv.New64a()
	var b [4]byte
	for _, p := range ps {
		h.Write([]byte(p.Name))
		for _, d := range p.Shape {
			b = [4]byte{byte(d), byte(d >> 8), byte(d >> 16), byte(d >> 24)}
			h.Write(b[:])
		}
		for _, v := range p.Value {
			u := math.Float32bits(v)
			b = [4]byte{byte(u), byte(u >> 8), byte(u >> 16), byte(u >> 24)}
			h.Write(b[:])
		}
	}
	return h.Sum64()
}

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
		if got := paramsHash(m.Params()); got != tc.want {
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
		if got, want := len(back.Params()), len(m.Params()); got != want {
			t.Fatalf("%s: %d params loaded, %d saved", dtype, got, want)
		}
		for i, p := range back.Params() {
			q := m.Params()[i]
			if p.Name != q.Name || !slices.Equal(p.Shape, q.Shape) {
				t.Fatalf("%s: param %d is %s %v, saved %s %v", dtype, i, p.Name, p.Shape, q.Name, q.Shape)
			}
			want := q.Value
			if dtype == safetensors.F16 {
				enc, err := safetensors.EncodeFloat32(nil, dtype, q.Value)
				if err != nil {
					t.Fatal(err)
				}
				want = make([]float32, len(q.Value))
				if err := safetensors.DecodeFloat32(want, dtype, enc); err != nil {
					t.Fatal(err)
				}
			}
			for j, v := range p.Value {
				if math.Float32bits(v) != math.Float32bits(want[j]) {
					t.Fatalf("%s: %s[%d] = %v, saved %v", dtype, p.Name, j, v, want[j])
				}
			}
		}
	}
}
