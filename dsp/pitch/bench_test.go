package pitch

import (
	"testing"
	"time"
)

// BenchmarkPitch tracks 10 s of a 16 kHz harmonic signal per iteration;
// x-realtime is audio seconds per wall second, x-realtime-cpu per CPU
// second of this process (robust to a loaded machine). Use -cpu 1.
func BenchmarkPitch(b *testing.B) {
	tr, err := New(Default(16000))
	if err != nil {
		b.Fatal(err)
	}
	const seconds = 10
	x := harmonic(140, 16000, seconds*16000)
	tr.Track(x)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		tr.Track(x)
	}
	perIter := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(seconds/perIter.Seconds(), "x-realtime")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(seconds*float64(b.N)/cpu.Seconds(), "x-realtime-cpu")
	}
}
