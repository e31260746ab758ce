package vad

import (
	"testing"
	"time"
)

// BenchmarkVAD streams 10 s of audio through each detector in 20 ms
// pushes (a live microphone's rhythm) per iteration. The learned detector
// runs the default architecture with random weights, which costs exactly
// what the shipped weights cost; the energy detector is the peer in the
// same run. x-realtime is audio seconds per wall second; run with -cpu 1
// for the one-core figure. x-realtime-cpu divides by the process's CPU
// time instead, which is what a loaded machine can still measure.
func BenchmarkVAD(b *testing.B) {
	audio := speechLike(10, 9)
	m := randomModel(b)
	for _, impl := range []struct {
		name string
		make func() (Detector, error)
	}{
		{"impl=learned", func() (Detector, error) { return m.NewDetector(LearnedConfig{}) }},
		{"impl=energy", func() (Detector, error) { return NewEnergyDetector(DefaultEnergyConfig()) }},
	} {
		b.Run(impl.name, func(b *testing.B) {
			det, err := impl.make()
			if err != nil {
				b.Fatal(err)
			}
			events := make([]Event, 0, 64)
			b.ReportAllocs()
			cpu0 := processCPU()
			for b.Loop() {
				det, _ = impl.make()
				events = events[:0]
				for i := 0; i < len(audio); i += 320 {
					events = det.Push(audio[i:min(i+320, len(audio))], events)
				}
				events = det.Flush(events)
			}
			perIter := b.Elapsed() / time.Duration(b.N)
			seconds := float64(len(audio)) / 16000
			b.ReportMetric(seconds/perIter.Seconds(), "x-realtime")
			if cpu := processCPU() - cpu0; cpu > 0 {
				b.ReportMetric(seconds*float64(b.N)/cpu.Seconds(), "x-realtime-cpu")
			}
		})
	}
}
