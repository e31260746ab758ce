package feature

import (
	"testing"
	"time"
)

// BenchmarkLogMel computes DefaultASR features of 10 s of audio per
// iteration; x-realtime is audio seconds per second of compute. Run with
// GOMAXPROCS=1 (-cpu 1) for the single-core figure.
func BenchmarkLogMel(b *testing.B) {
	e, err := New(DefaultASR())
	if err != nil {
		b.Fatal(err)
	}
	const seconds = 10
	x := noise(1, seconds*16000)
	e.Compute(x)
	b.ReportAllocs()
	for b.Loop() {
		e.Compute(x)
	}
	perIter := b.Elapsed() / time.Duration(b.N)
	b.ReportMetric(seconds/perIter.Seconds(), "x-realtime")
	b.ReportMetric(float64(perIter.Nanoseconds())/float64(DefaultASR().NumFrames(len(x))), "ns/frame")
}
