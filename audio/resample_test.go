package audio

import (
	"fmt"
	"io"
	"math"
	"runtime"
	"testing"
	"time"
)

// sliceSource is a Source over a slice that returns at most chunk samples
// per Read (to exercise streaming edges).
type sliceSource struct {
	x     []float32
	rate  Rate
	chunk int
}

func (s *sliceSource) SampleRate() Rate { return s.rate }
func (s *sliceSource) Read(p []float32) (int, error) {
	if len(s.x) == 0 {
		return 0, io.EOF
	}
	n := copy(p[:min(len(p), s.chunk)], s.x)
	s.x = s.x[n:]
	return n, nil
}

func sine(n int, rate Rate, freq, amp float64) []float32 {
	x := make([]float32, n)
	for i := range x {
		x[i] = float32(amp * math.Sin(2*math.Pi*freq*float64(i)/float64(rate)))
	}
	return x
}

// refI0 is I0 by numerical integration of its integral representation
// I0(x) = (1/π)∫₀^π exp(x·cos θ) dθ (Abramowitz & Stegun 9.6.16), to check
// the resampler against a kernel evaluated independently of its own code.
func refI0(x float64) float64 {
	const n = 200
	sum := 0.0
	for k := range n {
		th := math.Pi * (float64(k) + 0.5) / n
		sum += math.Exp(x * math.Cos(th))
	}
	return sum / n
}

// directResample evaluates y[k] = Σᵢ x[i]·h(k·from/to − i) in float64 with
// h(t) = g·sinc(g·t)·I0(β√(1−(t/T)²))/I0(β), one output at a time.
func directResample(x []float32, from, to Rate, outs []int) []float64 {
	lp := designLowpass(from, to)
	i0b := refI0(lp.beta)
	y := make([]float64, len(outs))
	for o, k := range outs {
		t0 := float64(k) * float64(from) / float64(to)
		var s float64
		for i := int(t0) - lp.half - 1; i <= int(t0)+lp.half+1; i++ {
			if i < 0 || i >= len(x) {
				continue
			}
			t := t0 - float64(i)
			u := t / float64(lp.half)
			if math.Abs(u) >= 1 {
				continue
			}
			sinc := 1.0
			if t != 0 {
				sinc = math.Sin(math.Pi*lp.g*t) / (math.Pi * lp.g * t)
			}
			s += float64(x[i]) * lp.g * sinc * refI0(lp.beta*math.Sqrt(1-u*u)) / i0b
		}
		y[o] = s
	}
	return y
}

var ratePairs = []struct{ from, to Rate }{
	{48000, 16000}, {44100, 16000}, {22050, 16000}, {16000, 8000}, {32000, 16000},
	{8000, 16000}, {16000, 48000}, {16000, 22050}, {16000, 44100}, {11025, 8000},
	{48000, 44100}, {44100, 48000},
	{16001, 16000}, // a ratio too fine for a polyphase table: interpolated filter
}

func TestResampleMatchesDirect(t *testing.T) {
	for _, rp := range ratePairs {
		t.Run(fmt.Sprintf("%d-%d", rp.from, rp.to), func(t *testing.T) {
			// Noise-like input: a chirp plus a sine, 0.1 s.
			n := int(rp.from) / 10
			x := make([]float32, n)
			for i := range x {
				tt := float64(i) / float64(rp.from)
				x[i] = float32(0.4*math.Sin(2*math.Pi*(200+20000*tt)*tt) + 0.3*math.Sin(2*math.Pi*1234*tt))
			}
			// Small chunks keep the resampler one output at a time; large
			// ones let it compute blocks of 4·up outputs.
			got, err := ReadAll(Resample(&sliceSource{x: x, rate: rp.from, chunk: 333}, rp.to))
			if err != nil {
				t.Fatal(err)
			}
			blocked, err := ReadAll(Resample(&sliceSource{x: x, rate: rp.from, chunk: 1 << 20}, rp.to))
			if err != nil {
				t.Fatal(err)
			}
			if !near(got, blocked, 1e-6) { // summation order differs
				t.Errorf("block and one-by-one outputs differ")
			}
			wantLen := int(ceilDiv(int64(n)*int64(rp.to), int64(rp.from)))
			if len(got) != wantLen {
				t.Fatalf("%d outputs, want %d", len(got), wantLen)
			}
			// Check the edges and a spread of points inside.
			outs := []int{0, 1, 2, len(got) - 2, len(got) - 1}
			for k := 3; k < len(got)-2; k += len(got) / 37 {
				outs = append(outs, k)
			}
			want := directResample(x, rp.from, rp.to, outs)
			for o, k := range outs {
				for _, y := range [][]float32{got, blocked} {
					if d := math.Abs(float64(y[k]) - want[o]); d > 2e-5 {
						t.Errorf("y[%d] = %.7f, direct %.7f (|Δ| %.1e)", k, y[k], want[o], d)
					}
				}
			}
		})
	}
}

// TestResampleStopband measures the rejection of tones above the lower
// Nyquist frequency (downsampling: aliases) and of the images of a
// passband tone (upsampling), and the passband gain.
func TestResampleStopband(t *testing.T) {
	const amp = 0.9
	measure := func(from, to Rate, freq float64) (residualDB, gainDB float64) {
		x := sine(int(from)/2, from, freq, amp) // 0.5 s
		y, err := ReadAll(Resample(&sliceSource{x: x, rate: from, chunk: 4096}, to))
		if err != nil {
			t.Fatal(err)
		}
		// Skip the edges, where the input itself starts and stops.
		lo, hi := len(y)/5, len(y)*4/5
		var e, s float64
		for i := lo; i < hi; i++ {
			ideal := 0.0
			if freq < float64(min(from, to))/2 {
				ideal = amp * math.Sin(2*math.Pi*freq*float64(i)/float64(to))
			}
			e += (float64(y[i]) - ideal) * (float64(y[i]) - ideal)
			s += float64(y[i]) * float64(y[i])
		}
		ref := amp * amp / 2 * float64(hi-lo)
		return 10 * math.Log10(e/ref), 10 * math.Log10(s/ref)
	}
	for _, rp := range ratePairs {
		low := float64(min(rp.from, rp.to)) / 2
		high := float64(max(rp.from, rp.to)) / 2
		if rp.from > rp.to {
			// Everything from the output Nyquist frequency up must go.
			for _, f := range []float64{low, low * 1.02, low * 1.3, (low + high) / 2, high * 0.97} {
				if f >= high*0.98 || f < low {
					continue // the input cannot hold it
				}
				if res, _ := measure(rp.from, rp.to, f); res > -70 {
					t.Errorf("%d→%d: tone at %.0f Hz only %.1f dB down", rp.from, rp.to, f, res)
				}
			}
		}
		// A passband tone comes through unchanged: no images (upsampling),
		// no ripple beyond the design.
		for _, f := range []float64{440, 1000, low * 0.8} {
			res, gain := measure(rp.from, rp.to, f)
			if res > -70 || math.Abs(gain) > 0.01 {
				t.Errorf("%d→%d: %.0f Hz tone: error %.1f dB, gain %.4f dB", rp.from, rp.to, f, res, gain)
			}
		}
	}
}

func TestResampleIdentityAndErrors(t *testing.T) {
	src := &sliceSource{x: []float32{1, 2}, rate: 16000, chunk: 1}
	if Resample(src, 16000) != Source(src) {
		t.Error("matching rates do not return the source")
	}
	bad := Resample(&sliceSource{rate: 0}, 16000)
	if _, err := bad.Read(make([]float32, 4)); err == nil || err == io.EOF {
		t.Errorf("rate 0: err %v", err)
	}
	// Empty input gives empty output.
	got, err := ReadAll(Resample(&sliceSource{rate: 48000, chunk: 10}, 16000))
	if err != nil || len(got) != 0 {
		t.Errorf("empty: %v %v", got, err)
	}
	// A source error comes after the samples produced before it.
	fs := &failAfter{sliceSource: sliceSource{x: sine(48000, 48000, 100, 0.5), rate: 48000, chunk: 1000}, n: 10}
	got, err = ReadAll(Resample(fs, 16000))
	if err == nil || err == io.EOF || len(got) == 0 {
		t.Errorf("source error: %d samples, %v", len(got), err)
	}
}

type failAfter struct {
	sliceSource
	n int
}

func (f *failAfter) Read(p []float32) (int, error) {
	if f.n == 0 {
		return 0, io.ErrUnexpectedEOF
	}
	f.n--
	return f.sliceSource.Read(p)
}

// BenchmarkResample converts 48 kHz to 16 kHz and reports how many times
// faster than real time one core runs (x-realtime per wall-clock second;
// x-realtime-cpu per CPU second of the benchmark's thread, steadier on a
// shared machine), beside a peer: a direct-form FIR with the same taps that
// filters at 48 kHz and then keeps every third output (what a resampler
// without polyphase decomposition does).
func BenchmarkResample(b *testing.B) {
	const from, to = 48000, 16000
	const seconds = 10
	x := sine(from*seconds, from, 440, 0.5)
	out := make([]float32, 8192)
	report := func(b *testing.B, cpu0 time.Duration, cpuOK bool) {
		b.ReportMetric(seconds*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
		if cpu1, ok := threadCPU(); ok && cpuOK {
			b.ReportMetric(seconds*float64(b.N)/(cpu1-cpu0).Seconds(), "x-realtime-cpu")
		}
	}
	b.Run("impl=mynah", func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		cpu0, ok := threadCPU()
		for b.Loop() {
			r := Resample(&sliceSource{x: x, rate: from, chunk: 8192}, to)
			for {
				if _, err := r.Read(out); err != nil {
					break
				}
			}
		}
		report(b, cpu0, ok)
	})
	b.Run("impl=direct-fir", func(b *testing.B) {
		runtime.LockOSThread()
		defer runtime.UnlockOSThread()
		r := Resample(&sliceSource{rate: from}, to).(*resampler)
		h := r.table[:r.taps]
		y := make([]float32, len(x))
		cpu0, ok := threadCPU()
		for b.Loop() {
			for i := 0; i+len(h) <= len(x); i++ {
				y[i] = dot(x[i:i+len(h)], h)
			}
		}
		report(b, cpu0, ok)
	})
}

// countingSource counts Reads, standing in for a live source that blocks
// until more audio arrives.
type countingSource struct {
	sliceSource
	reads int
}

func (c *countingSource) Read(p []float32) (int, error) {
	c.reads++
	return c.sliceSource.Read(p)
}

// TestResampleLowLatency checks that Read returns what it can compute once
// it has output, instead of reading the source until p is full.
func TestResampleLowLatency(t *testing.T) {
	for _, rp := range []struct{ from, to Rate }{{48000, 16000}, {44100, 16000}, {16000, 48000}} {
		src := &countingSource{sliceSource: sliceSource{x: sine(int(rp.from), rp.from, 440, 0.5), rate: rp.from, chunk: 160}}
		r := Resample(src, rp.to)
		n, err := r.Read(make([]float32, 10000))
		if err != nil || n == 0 || n >= 10000 {
			t.Fatalf("%v→%v: n=%d err=%v", rp.from, rp.to, n, err)
		}
		// The first output needs half a filter length of input: a few
		// 160-sample chunks, never the 30,000 that would fill p.
		if maxReads := 2 + designLowpass(rp.from, rp.to).half/160; src.reads > maxReads {
			t.Errorf("%v→%v: %d source reads for the first Read, want ≤ %d", rp.from, rp.to, src.reads, maxReads)
		}
	}
}
