package augment

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os/exec"
	"testing"
)

// benchSeconds of audio per operation.
const benchSeconds = 10

func speechLike() []float32 {
	rng := rand.New(rand.NewPCG(9, 9))
	x := Coloured(benchSeconds*rate, Pink, rng)
	Gain(x, -20)
	return x
}

func reportRealtime(b *testing.B) {
	b.ReportMetric(float64(b.N)*benchSeconds/b.Elapsed().Seconds(), "x-realtime")
}

// soxPeer runs sox on the clip as raw 16-bit PCM with the given effect, the
// reference implementation of the same perturbation (process start
// included, as a data pipeline calling sox pays it).
func soxPeer(b *testing.B, x []float32, effect ...string) {
	if _, err := exec.LookPath("sox"); err != nil {
		b.Skip("sox not installed")
	}
	raw := make([]byte, 2*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint16(raw[2*i:], uint16(int16(v*32767)))
	}
	args := append([]string{"-q", "-t", "raw", "-r", "16000", "-e", "signed", "-b", "16", "-c", "1", "-", "-t", "raw", "-"}, effect...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		cmd := exec.Command("sox", args...)
		cmd.Stdin = bytes.NewReader(raw)
		var out bytes.Buffer
		cmd.Stdout = &out
		if err := cmd.Run(); err != nil {
			b.Fatal(err)
		}
	}
	reportRealtime(b)
}

func BenchmarkSpeed(b *testing.B) {
	x := speechLike()
	b.Run("impl=mynah", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := Speed(x, rate, 1.1); err != nil {
				b.Fatal(err)
			}
		}
		reportRealtime(b)
	})
	b.Run("impl=sox", func(b *testing.B) { soxPeer(b, x, "speed", "1.1", "rate", "16000") })
}

func BenchmarkTelephone(b *testing.B) {
	x := speechLike()
	b.Run("impl=mynah", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			if _, err := Telephone(x, rate, true); err != nil {
				b.Fatal(err)
			}
		}
		reportRealtime(b)
	})
	b.Run("impl=sox", func(b *testing.B) { soxPeer(b, x, "rate", "8000", "sinc", "300-3400", "rate", "16000") })
}

func BenchmarkReverb(b *testing.B) {
	x := speechLike()
	h, d, err := RIR(Room{Size: [3]float64{6, 5, 3}, RT60: 0.5, Source: [3]float64{2, 3, 1.6}, Mic: [3]float64{4, 2, 1.2}}, rate)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("impl=mynah", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			Convolve(x, h, d)
		}
		reportRealtime(b)
	})
	b.Run("impl=sox", func(b *testing.B) { soxPeer(b, x, "reverb", "50") })
}

func BenchmarkRIR(b *testing.B) {
	r := Room{Size: [3]float64{6, 5, 3}, RT60: 0.5, Source: [3]float64{2, 3, 1.6}, Mic: [3]float64{4, 2, 1.2}}
	for i := 0; i < b.N; i++ {
		if _, _, err := RIR(r, rate); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "rooms/s")
}

func BenchmarkMixAtSNR(b *testing.B) {
	x := speechLike()
	n := Coloured(len(x), White, rand.New(rand.NewPCG(1, 1)))
	y := make([]float32, len(x))
	for i := 0; i < b.N; i++ {
		copy(y, x)
		MixAtSNR(y, n, 10)
	}
	reportRealtime(b)
}

func BenchmarkApply(b *testing.B) {
	cfg := DefaultConfig
	cfg.Rooms = 8
	a := testAugmenter(b, cfg)
	x := speechLike()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := a.Apply(x, "bench", i); err != nil {
			b.Fatal(err)
		}
	}
	reportRealtime(b)
}

func BenchmarkSpecAugment(b *testing.B) {
	const frames, bins = benchSeconds * 100, 80
	feat := make([]float32, frames*bins)
	rng := NewRNG(1, "bench", 0)
	for i := 0; i < b.N; i++ {
		SpecAugment(feat, frames, bins, DefaultSpecAugment, rng)
	}
	reportRealtime(b)
}
