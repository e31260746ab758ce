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
		if got := paramsHash(m.Params()); got != tc.want {
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
		if got, want := len(back.Params()), len(m.Params()); got != want {
			t.Fatalf("%s: %d params loaded, %d saved", dtype, got, want)
		}
		for i, p := range back.Params() {
			q := m.Params()[i]
			if p.Name != q.Name || !slices.Equal(p.Shape, q.Shape) {
				t.Fatalf("%s: param %d is %s %v, saved %s %v", dtype, i, p.Name, p.Shape, q.Name, q.Shape)
			}
			want := q.Value
			if dtype != safetensors.F32 {
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
