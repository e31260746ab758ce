package audio

import (
	"fmt"
	"runtime"
	"testing"
)

// BenchmarkResamplePairs reports x-realtime-cpu for the rate pairs met in
// practice (the corpora are 16 and 22.05 kHz, recordings 44.1 and 48 kHz).
func BenchmarkResamplePairs(b *testing.B) {
	out := make([]float32, 8192)
	for _, rp := range []struct{ from, to Rate }{{48000, 16000}, {44100, 16000}, {22050, 16000}, {8000, 16000}, {16000, 48000}} {
		x := sine(int(rp.from)*5, rp.from, 440, 0.5)
		b.Run(fmt.Sprintf("%d-%d", rp.from, rp.to), func(b *testing.B) {
			runtime.LockOSThread()
			defer runtime.UnlockOSThread()
			cpu0, ok := threadCPU()
			for b.Loop() {
				r := Resample(&sliceSource{x: x, rate: rp.from, chunk: 8192}, rp.to)
				for {
					if _, err := r.Read(out); err != nil {
						break
					}
				}
			}
			b.ReportMetric(5*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
			if cpu1, ok2 := threadCPU(); ok && ok2 {
				b.ReportMetric(5*float64(b.N)/(cpu1-cpu0).Seconds(), "x-realtime-cpu")
			}
		})
	}
}
