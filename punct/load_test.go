package punct

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
		if got := paramsHash(m.Params()); got != tc.want {
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
			if got, want := len(back.Params()), len(m.Params()); got != want {
				t.Fatalf("%s: %d params loaded, %d written", dtype, got, want)
			}
			for i, p := range back.Params() {
				q := m.Params()[i]
				if p.Name != q.Name || !slices.Equal(p.Shape, q.Shape) {
					t.Fatalf("%s: param %d is %s %v, written %s %v", dtype, i, p.Name, p.Shape, q.Name, q.Shape)
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
						t.Fatalf("%s: %s[%d] = %v, written %v", dtype, p.Name, j, v, want[j])
					}
				}
			}
		}
	}
}
