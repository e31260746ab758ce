package g2p

import (
	"bytes"
	"testing"

	"github.com/mynah-speech/mynah/nn/safetensors"
)

// FuzzOpenDict feeds arbitrary bytes to the compiled-table reader: opening,
// lookups and a full walk must never panic, and a walk must not yield more
// words than the bytes could hold.
func FuzzOpenDict(f *testing.F) {
	small, err := CompileDict([]DictEntry{
		{"a", []Pronunciation{{AH | Phone(Unstressed)}, {EY | Phone(Primary)}}},
		{"ab", []Pronunciation{{AE | Phone(Primary), B}}},
		{"don't", []Pronunciation{{D, OW | Phone(Primary), N, T}}},
	}, "seed")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(small)
	f.Add(cmudictTable[:4096])
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := OpenDict(data)
		if err != nil {
			return
		}
		for _, w := range []string{"a", "ab", "don't", "zz", ""} {
			d.Lookup(w)
			d.Contains(w)
		}
		n := 0
		for w, ps := range d.All() {
			if len(w) == 0 && n > 0 {
				t.Fatalf("empty word after %d", n)
			}
			for _, p := range ps {
				_ = Pronunciation(p).String()
			}
			n++
			if n > len(data) {
				t.Fatalf("walk yields %d words from %d bytes", n, len(data))
			}
		}
	})
}

// FuzzLoadModel feeds arbitrary bytes to the model loader: it must fail
// cleanly, never panic nor allocate what a lying config claims, and a
// model it accepts must pronounce.
func FuzzLoadModel(f *testing.F) {
	m, err := NewModel(ModelConfig{Dim: 8, Layers: 1, Heads: 2, FFN: 8, Kernel: 3, Upsample: 2, Stress: true}, 1)
	if err != nil {
		f.Fatal(err)
	}
	var buf bytes.Buffer
	if err := m.WriteModel(&buf, safetensors.F16, map[string]string{"test_per": "1"}); err != nil {
		f.Fatal(err)
	}
	f.Add(buf.Bytes())
	f.Add(buf.Bytes()[:100])
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := LoadModel(data)
		if err != nil {
			return
		}
		if m.Config().numParams() > len(data) {
			t.Fatalf("accepted %d weights from %d bytes", m.Config().numParams(), len(data))
		}
		m.Predict("fuzz")
		m.PredictBatch([]string{"a", "bc"})
	})
}
