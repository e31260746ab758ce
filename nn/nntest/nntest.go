// Package nntest holds test helpers for the packages whose models are
// built from nn parameters: a hash that pins the weights a constructor
// draws from a seed, and a check that a loaded model holds exactly the
// weights that were saved, as the file's dtype stores them.
package nntest

import (
	"hash/fnv"
	"math"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/nn"
	"github.com/mynah-speech/mynah/nn/safetensors"
)

// ParamsHash is an FNV-1a hash of the names, shapes and value bits of ps,
// in order.
func ParamsHash(ps []*nn.Param) uint64 {
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

// CheckLoaded fails t unless loaded holds saved's parameters, in order,
// with the same names and shapes and values bit for bit as dtype stores
// them (F32 whole; F16 and BF16 rounded by safetensors.EncodeFloat32).
// label prefixes the messages.
func CheckLoaded(t testing.TB, label string, loaded, saved []*nn.Param, dtype safetensors.DType) {
	t.Helper()
	if len(loaded) != len(saved) {
		t.Fatalf("%s: %d params loaded, %d saved", label, len(loaded), len(saved))
	}
	for i, p := range loaded {
		q := saved[i]
		if p.Name != q.Name || !slices.Equal(p.Shape, q.Shape) {
			t.Fatalf("%s: param %d is %s %v, saved %s %v", label, i, p.Name, p.Shape, q.Name, q.Shape)
		}
		want := q.Value
		if dtype != safetensors.F32 {
			enc, err := safetensors.EncodeFloat32(nil, dtype, q.Value)
			if err != nil {
				t.Fatalf("%s: %s: %v", label, q.Name, err)
			}
			want = make([]float32, len(q.Value))
			if err := safetensors.DecodeFloat32(want, dtype, enc); err != nil {
				t.Fatalf("%s: %s: %v", label, q.Name, err)
			}
		}
		for j, v := range p.Value {
			if math.Float32bits(v) != math.Float32bits(want[j]) {
				t.Fatalf("%s: %s[%d] = %v, saved %v", label, p.Name, j, v, want[j])
			}
		}
	}
}
