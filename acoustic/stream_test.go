package acoustic

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/nn"
)

// TestStreamMatchesOffline checks that chunked streaming with cached state
// gives the same log-probabilities as an offline pass with the same chunk
// mask, for several chunk sizes, left contexts and push sizes.
func TestStreamMatchesOffline(t *testing.T) {
	cfg := tinyConfig()
	cfg.PhoneVocab, cfg.PhoneHeadBlock = nil, 0
	cfg.ConvKernel = 5
	for _, stride := range []int{3, 2, 4} {
		cfg.TimeStride = stride
		m, err := New(cfg, testFrontEnd(cfg.Mels), 3)
		if err != nil {
			t.Fatal(err)
		}
		rng := rand.New(rand.NewPCG(9, uint64(stride)))
		samples := make([]float32, 16000*2+rng.IntN(800))
		for i := range samples {
			samples[i] = 0.1 * float32(rng.NormFloat64())
		}
		ext, _ := feature.New(m.front.Features)
		feats, frames := ext.Compute(samples)
		feats = append([]float32(nil), feats...)
		m.front.Norm.Apply(feats)
		for _, tc := range []struct{ chunk, left, push int }{{4, 0, 1600}, {1, 0, 333}, {7, 2, 4000}, {3, 1, 16000}} {
			tape := nn.NewTape(0)
			tape.SetTraining(false)
			out, err := m.Forward(tape, Batch{Features: feats, Size: 1, Frames: frames, Lengths: []int{frames}}, ForwardOptions{ChunkSize: tc.chunk, LeftChunks: tc.left})
			if err != nil {
				t.Fatal(err)
			}
			want := tape.LogSoftmax(out.Logits).Data
			st, err := m.NewStream(tc.chunk, tc.left)
			if err != nil {
				t.Fatal(err)
			}
			var got []float32
			for i := 0; i < len(samples); i += tc.push {
				lp, n, err := st.Accept(samples[i:min(i+tc.push, len(samples))])
				if err != nil {
					t.Fatal(err)
				}
				if n > 0 && n%tc.chunk != 0 {
					t.Errorf("stride %d %+v: %d frames emitted before the end, not whole chunks", stride, tc, n)
				}
				got = append(got, lp...)
			}
			lp, _, err := st.Flush()
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, lp...)
			if len(got) != len(want) {
				t.Fatalf("stride %d %+v: stream gave %d values, offline %d", stride, tc, len(got), len(want))
			}
			worst := 0.0
			for i := range got {
				worst = math.Max(worst, math.Abs(float64(got[i]-want[i])))
			}
			if worst > 1e-4 {
				t.Errorf("stride %d %+v: max |Δ log-prob| %g", stride, tc, worst)
			}
		}
	}
}
