package g2p

import "testing"

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
