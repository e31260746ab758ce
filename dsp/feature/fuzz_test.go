package feature

import (
	"encoding/json"
	"math"
	"testing"
)

// FuzzConfigJSON: a config read from a model file is outside bytes; it
// must either fail validation or build an extractor that computes frames
// without panicking.
func FuzzConfigJSON(f *testing.F) {
	for _, c := range testConfigs() {
		b, _ := json.Marshal(c)
		f.Add(b)
	}
	f.Add([]byte(`{"sample_rate":8000,"window_samples":1,"hop_samples":1,"fft_size":2,"window":"povey","center":"reflect","spectrum":"power","num_mels":1,"fmin_hz":0,"fmax_hz":4000,"mel_scale":"htk","mel_norm":"none","triangles":"mel","log_floor":1}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		var c Config
		if json.Unmarshal(data, &c) != nil {
			return
		}
		if c.FFTSize > 4096 || c.NumMels > 256 {
			return // valid but slow; the property is the same
		}
		e, err := New(c)
		if err != nil {
			return
		}
		x := noise(1, 3*c.FFTSize/2+7)
		frames, n := e.Compute(x)
		if n != c.NumFrames(len(x)) || len(frames) != n*c.NumMels {
			t.Fatalf("%d frames, %d values for %+v", n, len(frames), c)
		}
		for _, v := range frames {
			if math.IsNaN(float64(v)) {
				t.Fatalf("NaN feature for %+v", c)
			}
		}
	})
}

// FuzzStreamChunking: any chunking of any signal gives Compute's frames.
func FuzzStreamChunking(f *testing.F) {
	f.Add([]byte{1, 200, 3, 0, 77}, uint16(1500))
	f.Add([]byte{255}, uint16(10))
	f.Add([]byte{}, uint16(0))
	e := mustNew(f, DefaultASR())
	f.Fuzz(func(t *testing.T, chunks []byte, length uint16) {
		x := noise(uint64(length), int(length)%5000)
		want, _ := e.Compute(x)
		want = append([]float32(nil), want...)
		s := e.NewStream()
		var got []float32
		dst := make([]float32, 2*80)
		pop := func() {
			for k := s.Pop(dst); k > 0; k = s.Pop(dst) {
				got = append(got, dst[:k*80]...)
			}
		}
		pos := 0
		for i := 0; pos < len(x); i++ {
			step := 1
			if len(chunks) > 0 {
				step = int(chunks[i%len(chunks)]) * 3
			}
			if i > len(x)+len(chunks) {
				step = len(x) - pos // all-zero chunk lists would never finish
			}
			step = min(step, len(x)-pos)
			s.Push(x[pos : pos+step])
			pos += step
			pop()
		}
		s.Flush()
		pop()
		if len(got) != len(want) {
			t.Fatalf("stream %d values, batch %d", len(got), len(want))
		}
		for i := range got {
			if math.Float32bits(got[i]) != math.Float32bits(want[i]) {
				t.Fatalf("value %d differs", i)
			}
		}
	})
}
