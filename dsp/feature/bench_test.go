package feature

import (
	"testing"
	"time"
)

// BenchmarkLogMel computes DefaultASR features of 10 s of audio per
// iteration; x-realtime is audio seconds per second of compute. Run with
// GOMAXPROCS=1 (-cpu 1) for the single-core figure. x-realtime-cpu divides
// by the process's CPU time instead of wall time, which is what a loaded
// machine can still measure.
func BenchmarkLogMel(b *testing.B) {
	e, err := New(DefaultASR())
	if err != nil {
		b.Fatal(err)
	}
	const seconds = 10
	x := noise(1, seconds*16000)
	e.Compute(x)
	b.ReportAllocs()
	cpu0 := processCPU()
	for b.Loop() {
		e.Compute(x)
	}
	perIter := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(seconds/perIter.Seconds(), "x-realtime")
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(seconds*float64(b.N)/cpu.Seconds(), "x-realtime-cpu")
	}
	b.ReportMetric(float64(perIter.Nanoseconds())/float64(DefaultASR().NumFrames(len(x))), "ns/frame")
}
