package vad

import (
	"math"
	"math/rand/v2"
	"testing"
	"time"
)

// tone makes a 16 kHz "word": a 200 Hz burst with a few harmonics.
func tone(ms int, amp float32) []float32 {
	n := 16 * ms
	out := make([]float32, n)
	for i := range out {
		t := float64(i) / 16000
		out[i] = amp * float32(math.Sin(2*math.Pi*200*t)+0.5*math.Sin(2*math.Pi*400*t))
	}
	return out
}

func noise(ms int, amp float32, rng *rand.Rand) []float32 {
	out := make([]float32, 16*ms)
	for i := range out {
		out[i] = amp * float32(rng.NormFloat64())
	}
	return out
}

func TestSegmentFindsWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var audio []float32
	var words []Span
	audio = append(audio, noise(500, 0.001, rng)...)
	for i := 0; i < 3; i++ {
		start := int64(len(audio))
		audio = append(audio, tone(400, 0.3)...)
		words = append(words, Span{start, int64(len(audio))})
		audio = append(audio, noise(800, 0.001, rng)...)
	}
	chunks, err := Segment(audio, DefaultEnergyConfig(), 15000)
	if err != nil {
		t.Fatal(err)
	}
	if len(chunks) != 3 {
		t.Fatalf("got %d segments, want 3: %+v", len(chunks), spans(chunks))
	}
	for i, c := range chunks {
		w := words[i]
		if c.Start > w.Start || c.End < w.End {
			t.Errorf("segment %d %+v does not cover word %+v", i, c.Span, w)
		}
		if d := w.Start - c.Start; d > 16*200 {
			t.Errorf("segment %d starts %d ms before its word", i, d/16)
		}
		if int64(len(c.Samples)) != c.End-c.Start {
			t.Errorf("segment %d has %d samples for span %+v", i, len(c.Samples), c.Span)
		}
	}
}

func TestSegmentNeverCutsInsideWords(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	// 40 s of "words" of 200–600 ms separated by short 120–250 ms pauses,
	// too short to end speech: only the length limit cuts.
	var audio []float32
	var words []Span
	for len(audio) < 16000*40 {
		start := int64(len(audio))
		audio = append(audio, tone(200+rng.IntN(400), 0.2+0.2*rng.Float32())...)
		words = append(words, Span{start, int64(len(audio))})
		audio = append(audio, noise(120+rng.IntN(130), 0.001, rng)...)
	}
	for _, chunk := range []int{len(audio), 1000, 4096, 333} {
		seg, err := NewSegmenter(DefaultEnergyConfig(), 15000)
		if err != nil {
			t.Fatal(err)
		}
		var chunks []Chunk
		for i := 0; i < len(audio); i += chunk {
			chunks = seg.Push(audio[i:min(i+chunk, len(audio))], chunks)
		}
		chunks = seg.Flush(chunks)
		if len(chunks) < 3 {
			t.Fatalf("chunk %d: got %d segments, want at least 3", chunk, len(chunks))
		}
		for i, c := range chunks {
			if c.End-c.Start > 15*16000 {
				t.Errorf("chunk %d: segment %d is %d ms long", chunk, i, (c.End-c.Start)/16)
			}
			for _, cut := range []int64{c.Start, c.End} {
				for _, w := range words {
					if cut > w.Start+16*10 && cut < w.End-16*10 {
						t.Errorf("chunk %d: cut at %d ms inside word %d..%d ms", chunk, cut/16, w.Start/16, w.End/16)
					}
				}
			}
		}
	}
}

func TestSegmentSilenceAndEmpty(t *testing.T) {
	for _, audio := range [][]float32{nil, make([]float32, 16000*3)} {
		chunks, err := Segment(audio, DefaultEnergyConfig(), 15000)
		if err != nil || len(chunks) != 0 {
			t.Errorf("%d samples of silence: %d segments, err %v", len(audio), len(chunks), err)
		}
	}
}

func TestConfigErrors(t *testing.T) {
	for _, cfg := range []EnergyConfig{{SampleRate: 10}, {FrameMs: 1000}, {MinSilenceMs: -1}} {
		if _, err := NewEnergyDetector(cfg); err == nil {
			t.Errorf("config %+v accepted", cfg)
		}
	}
	if _, err := NewSegmenter(DefaultEnergyConfig(), 5); err == nil {
		t.Error("maxMs 5 accepted")
	}
}

func spans(chunks []Chunk) []Span {
	out := make([]Span, len(chunks))
	for i, c := range chunks {
		out[i] = c.Span
	}
	return out
}

func BenchmarkSegmenter(b *testing.B) {
	rng := rand.New(rand.NewPCG(5, 6))
	var audio []float32
	for len(audio) < 16000*10 {
		audio = append(audio, tone(300, 0.3)...)
		audio = append(audio, noise(300, 0.001, rng)...)
	}
	b.SetBytes(int64(4 * len(audio)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Segment(audio, DefaultEnergyConfig(), 15000); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(audio))/16000*float64(b.N)/b.Elapsed().Seconds(), "x-realtime")
}

// TestSegmentManyEventsInOnePush is the regression test of a push that
// carries several speech runs and more than the maximum length of audio
// (a whole file given to Segment): segments must come in order, never
// overlap, respect the maximum, and match those of small pushes.
func TestSegmentManyEventsInOnePush(t *testing.T) {
	rng := rand.New(rand.NewPCG(7, 8))
	var audio []float32
	for len(audio) < 16000*40 {
		audio = append(audio, noise(400+rng.IntN(1200), 0.001, rng)...)
		for w := rng.IntN(12); w >= 0; w-- { // a "sentence" of up to 12 words
			audio = append(audio, tone(200+rng.IntN(300), 0.3)...)
			audio = append(audio, noise(100+rng.IntN(100), 0.001, rng)...)
		}
	}
	var want []Chunk
	for _, chunk := range []int{len(audio), 320, 4099} {
		seg, err := NewSegmenter(DefaultEnergyConfig(), 3000)
		if err != nil {
			t.Fatal(err)
		}
		var got []Chunk
		for i := 0; i < len(audio); i += chunk {
			got = seg.Push(audio[i:min(i+chunk, len(audio))], got)
		}
		got = seg.Flush(got)
		for i, c := range got {
			if c.End-c.Start > 3*16000 {
				t.Errorf("chunk %d: segment %d is %d ms", chunk, i, (c.End-c.Start)/16)
			}
			if i > 0 && c.Start < got[i-1].End {
				t.Errorf("chunk %d: segment %d %+v starts before segment %d ends %+v", chunk, i, c.Span, i-1, got[i-1].Span)
			}
		}
		if want == nil {
			want = got
			if len(want) < 10 {
				t.Fatalf("%d segments", len(want))
			}
			continue
		}
		sameSpans(t, chunk, got, want)
	}
}

// sameSpans checks that pushing in chunks of chunk samples cut the same
// segments as one whole push.
func sameSpans(t *testing.T, chunk int, got, want []Chunk) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("chunk %d: %d segments, whole push %d", chunk, len(got), len(want))
	}
	for i := range got {
		if got[i].Span != want[i].Span {
			t.Errorf("chunk %d: segment %d %+v, whole push %+v", chunk, i, got[i].Span, want[i].Span)
		}
	}
}

func TestEventTime(t *testing.T) {
	for _, tc := range []struct {
		sample int64
		rate   int
		want   time.Duration
	}{
		{16000, 16000, time.Second},
		{8, 16000, 500 * time.Microsecond},
		{0, 16000, 0},
		{16000 * 3600 * 1000, 16000, 1000 * time.Hour}, // no overflow of sample·1e9
		{5, 0, 0},
	} {
		if got := (Event{Kind: SpeechStart, Sample: tc.sample}).Time(tc.rate); got != tc.want {
			t.Errorf("sample %d at %d Hz: %v, want %v", tc.sample, tc.rate, got, tc.want)
		}
	}
}
