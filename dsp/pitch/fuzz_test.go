package pitch

import (
	"encoding/json"
	"testing"
)

// FuzzConfigJSON: a pitch config read from a model file either fails
// validation or tracks a signal without panicking.
func FuzzConfigJSON(f *testing.F) {
	for _, rate := range []int{8000, 16000, 48000} {
		b, _ := json.Marshal(Default(rate))
		f.Add(b)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Config
		if json.Unmarshal(data, &c) != nil {
			return
		}
		if float64(c.SampleRate)/c.MinHz > 20000 {
			return // valid but slow
		}
		tr, err := New(c)
		if err != nil {
			return
		}
		x := harmonic(123, c.SampleRate, 3000)
		tk := tr.Track(x)
		if len(tk.F0) != c.NumFrames(len(x)) || len(tk.RMS) != len(tk.F0) || len(tk.Aperiodicity) != len(tk.F0) {
			t.Fatalf("track lengths %d %d %d", len(tk.F0), len(tk.RMS), len(tk.Aperiodicity))
		}
		for _, v := range tk.F0 {
			if v != 0 && (float64(v) < c.MinHz*0.9 || float64(v) > c.MaxHz*1.1) {
				t.Fatalf("F0 %g outside %g..%g", v, c.MinHz, c.MaxHz)
			}
		}
	})
}
