package device

import (
	"errors"
	"io"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestRingBasics(t *testing.T) {
	tests := []struct {
		capacity, wantCap int
	}{{0, 2}, {1, 2}, {2, 2}, {3, 4}, {1000, 1024}, {1024, 1024}}
	for _, tc := range tests {
		if got := NewRing(tc.capacity).Cap(); got != tc.wantCap {
			t.Errorf("NewRing(%d).Cap() = %d, want %d", tc.capacity, got, tc.wantCap)
		}
	}
	r := NewRing(8)
	buf := make([]float32, 8)
	// Cycle through the wrap point many times with odd-sized chunks.
	next, want := float32(0), float32(0)
	for round := range 50 {
		in := make([]float32, 1+round%5)
		for i := range in {
			in[i] = next
			next++
		}
		if n := r.Write(in); n != len(in) {
			t.Fatalf("round %d: wrote %d of %d with %d waiting", round, n, len(in), r.Len())
		}
		n := r.Read(buf[:1+round%3])
		for _, v := range buf[:n] {
			if v != want {
				t.Fatalf("round %d: read %v, want %v", round, v, want)
			}
			want++
		}
		if r.Len() > 3 {
			n := r.Read(buf)
			for _, v := range buf[:n] {
				if v != want {
					t.Fatalf("drain: read %v, want %v", v, want)
				}
				want++
			}
		}
	}
	if r.Overruns() != 0 {
		t.Errorf("overruns %d", r.Overruns())
	}
}

func TestRingOverrun(t *testing.T) {
	r := NewRing(4)
	if n := r.Write([]float32{1, 2, 3}); n != 3 {
		t.Fatal(n)
	}
	if n := r.Write([]float32{4, 5, 6}); n != 1 {
		t.Fatalf("wrote %d into 1 free slot", n)
	}
	if r.Overruns() != 1 || r.Dropped() != 2 {
		t.Errorf("overruns %d dropped %d, want 1 and 2", r.Overruns(), r.Dropped())
	}
	buf := make([]float32, 10)
	if n := r.Read(buf); n != 4 || buf[0] != 1 || buf[3] != 4 {
		t.Errorf("read %v", buf[:n])
	}
	if n := r.Read(buf); n != 0 {
		t.Errorf("empty ring gave %d", n)
	}
}

// TestRingConcurrent runs a producer and a consumer at once; with -race it
// also checks the memory ordering.
func TestRingConcurrent(t *testing.T) {
	const total = 50_000
	r := NewRing(256)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		next := float32(0)
		chunk := make([]float32, 37)
		for next < total {
			for i := range chunk {
				chunk[i] = next + float32(i)
			}
			n := r.Write(chunk[:min(len(chunk), int(total-next))])
			next += float32(n)
			if n == 0 {
				runtime.Gosched() // full: let the reader run on a busy machine
			}
		}
	}()
	buf := make([]float32, 50)
	want := float32(0)
	for want < total {
		n := r.Read(buf)
		for _, v := range buf[:n] {
			if v != want {
				t.Fatalf("read %v, want %v", v, want)
			}
			want++
		}
		if n == 0 {
			runtime.Gosched()
		}
	}
	wg.Wait()
}

func TestCaptureReadsPushedSamples(t *testing.T) {
	c := newCapture(16000, CaptureOptions{Buffer: time.Second})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() { // stands in for the PortAudio callback thread
		defer wg.Done()
		chunk := make([]float32, 160)
		for i := range 100 {
			for j := range chunk {
				chunk[j] = float32(i*160 + j)
			}
			c.push(chunk)
		}
	}()
	buf := make([]float32, 1000)
	want := float32(0)
	for want < 16000 {
		n, err := c.Read(buf)
		if err != nil {
			t.Fatal(err)
		}
		for _, v := range buf[:n] {
			if v != want {
				t.Fatalf("read %v, want %v", v, want)
			}
			want++
		}
	}
	wg.Wait()
	c.push([]float32{1, 2})
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	// Buffered samples survive Close, then io.EOF.
	if n, err := c.Read(buf); n != 2 || err != nil {
		t.Fatalf("after close: %d, %v", n, err)
	}
	if _, err := c.Read(buf); err != io.EOF {
		t.Fatalf("after drain: %v", err)
	}
	if c.SampleRate() != 16000 || c.Overruns() != 0 {
		t.Errorf("rate %v overruns %d", c.SampleRate(), c.Overruns())
	}
}

func TestCaptureCloseWakesReader(t *testing.T) {
	c := newCapture(8000, CaptureOptions{})
	go func() {
		time.Sleep(10 * time.Millisecond)
		c.Close()
	}()
	if _, err := c.Read(make([]float32, 10)); err != io.EOF {
		t.Fatalf("err %v", err)
	}
}

func TestCaptureOverrun(t *testing.T) {
	c := newCapture(8000, CaptureOptions{Buffer: time.Millisecond}) // the ring's minimum, 1024 samples
	c.push(make([]float32, 1000))
	c.push(make([]float32, 1000))
	if c.Overruns() != 1 || c.Dropped() != 976 {
		t.Errorf("overruns %d dropped %d", c.Overruns(), c.Dropped())
	}
}

func TestNotBuiltMessage(t *testing.T) {
	_, err := Devices()
	if !built && (!errors.Is(err, ErrNotBuilt) || !strings.Contains(err.Error(), "go build -tags portaudio ./cmd/livemic")) {
		t.Errorf("Devices: %v", err)
	}
	if built {
		t.Skip("built with portaudio")
	}
	if _, err := OpenCapture(CaptureOptions{}); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("OpenCapture: %v", err)
	}
	if err := Play(t.Context(), nil, 16000); !errors.Is(err, ErrNotBuilt) {
		t.Errorf("Play: %v", err)
	}
}

// BenchmarkRing measures a write and a read of a 10 ms block at 48 kHz.
func BenchmarkRing(b *testing.B) {
	r := NewRing(1 << 16)
	in := make([]float32, 480)
	out := make([]float32, 480)
	for b.Loop() {
		r.Write(in)
		r.Read(out)
	}
	b.ReportMetric(float64(b.N)*480/b.Elapsed().Seconds()/1e6, "Msamples/s")
}
