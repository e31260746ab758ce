package vocoder

import (
	"testing"
	"time"
)

// BenchmarkVocode vocodes 5 s of frames (a voiced stretch in the middle)
// and reports x-realtime (per wall and per CPU second: on a shared machine
// the wall figure mostly measures waiting) and MFLOP per second of audio, for the pure-DSP
// model, the learned network's size and, as the peer in the same run,
// Griffin–Lim with 16 iterations (the debugging baseline).
func BenchmarkVocode(b *testing.B) {
	const T = 431 // 5 s
	mels, f0 := testInputs(T)
	seconds := float64(T*256) / 22050
	for _, impl := range []string{"dsp", "learned"} {
		b.Run("impl="+impl, func(b *testing.B) {
			c := Default()
			if impl == "learned" {
				c.Net = DefaultNet()
			}
			m, err := New(c, 1)
			if err != nil {
				b.Fatal(err)
			}
			s := m.NewSession()
			var out []float32
			out, _ = s.Vocode(out, mels, f0)
			f0ps := s.FLOPs()
			b.ResetTimer()
			start, cpu0 := time.Now(), processCPU()
			for range b.N {
				out, _ = s.Vocode(out, mels, f0)
			}
			el, cpu := time.Since(start).Seconds(), (processCPU() - cpu0).Seconds()
			b.ReportMetric(seconds*float64(b.N)/el, "x-realtime")
			if cpu > 0 {
				b.ReportMetric(seconds*float64(b.N)/cpu, "x-realtime-cpu")
			}
			b.ReportMetric(float64(f0ps)/seconds/1e6, "MFLOP/s-audio")
		})
	}
	b.Run("impl=griffinlim16", func(b *testing.B) {
		start, cpu0 := time.Now(), processCPU()
		for range b.N {
			if _, err := GriffinLim(Default(), mels, 16, 1); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(seconds*float64(b.N)/time.Since(start).Seconds(), "x-realtime")
		if cpu := (processCPU() - cpu0).Seconds(); cpu > 0 {
			b.ReportMetric(seconds*float64(b.N)/cpu, "x-realtime-cpu")
		}
	})
}

// BenchmarkStartup measures what a process pays before its first audio:
// building the model and a session and vocoding one frame (the
// estimator's tables are built on first use).
func BenchmarkStartup(b *testing.B) {
	c := Default()
	c.Net = DefaultNet()
	mels, f0 := testInputs(1)
	cpu0 := processCPU()
	for range b.N {
		m, err := New(c, 1)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := m.NewSession().Vocode(nil, mels, f0); err != nil {
			b.Fatal(err)
		}
	}
	if cpu := processCPU() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}
