package acoustic

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/nn"
)

// compositions calls fn with every way of writing T as N positive parts:
// every monotonic alignment of T frames to N symbols.
func compositions(T, N int, fn func(d []int)) {
	d := make([]int, N)
	var rec func(i, left int)
	rec = func(i, left int) {
		if i == N-1 {
			d[i] = left
			fn(d)
			return
		}
		for v := 1; v <= left-(N-1-i); v++ {
			d[i] = v
			rec(i+1, left-v)
		}
	}
	rec(0, T)
}

func pathScore(logp []float32, N int, d []int) float64 {
	var s float64
	t := 0
	for n, k := range d {
		for range k {
			s += float64(logp[t*N+n])
			t++
		}
	}
	return s
}

func TestMASAndForwardSumBruteForce(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for _, tc := range []struct{ T, N int }{{1, 1}, {5, 1}, {5, 5}, {6, 3}, {9, 4}, {12, 5}, {10, 7}} {
		for trial := 0; trial < 5; trial++ {
			logp := make([]float32, tc.T*tc.N)
			for i := range logp {
				logp[i] = float32(rng.NormFloat64() * 2)
			}
			best, bestD := math.Inf(-1), []int(nil)
			sum := math.Inf(-1)
			compositions(tc.T, tc.N, func(d []int) {
				s := pathScore(logp, tc.N, d)
				if s > best {
					best, bestD = s, slices.Clone(d)
				}
				sum = logAdd(sum, s)
			})
			got, err := MAS(nil, logp, tc.T, tc.N)
			if err != nil {
				t.Fatal(err)
			}
			if gs := pathScore(logp, tc.N, got); math.Abs(gs-best) > 1e-9 {
				t.Errorf("T=%d N=%d: MAS %v scores %g, brute force %v scores %g", tc.T, tc.N, got, gs, bestD, best)
			}
			fs, err := ForwardSum(logp, tc.T, tc.N)
			if err != nil {
				t.Fatal(err)
			}
			if math.Abs(fs-sum) > 1e-6*math.Max(1, math.Abs(sum)) {
				t.Errorf("T=%d N=%d: ForwardSum %g, brute force %g", tc.T, tc.N, fs, sum)
			}
		}
	}
}

func TestMASErrors(t *testing.T) {
	for _, tc := range []struct{ T, N, n int }{{3, 4, 12}, {4, 0, 0}, {4, 2, 7}} {
		if _, err := MAS(nil, make([]float32, tc.n), tc.T, tc.N); err == nil {
			t.Errorf("MAS T=%d N=%d with %d scores: no error", tc.T, tc.N, tc.n)
		}
	}
}

func TestBetaBinomialPrior(t *testing.T) {
	T, N := 40, 9
	p := BetaBinomialPrior(nil, T, N, 1)
	for ti := 0; ti < T; ti++ {
		var s float64
		arg := 0
		for n := 0; n < N; n++ {
			s += math.Exp(float64(p[ti*N+n]))
			if p[ti*N+n] > p[ti*N+arg] {
				arg = n
			}
		}
		if math.Abs(s-1) > 1e-4 {
			t.Fatalf("frame %d: prior sums to %g", ti, s)
		}
		// The mode follows the diagonal.
		if want := float64(ti) * float64(N-1) / float64(T-1); math.Abs(float64(arg)-want) > 1.01 {
			t.Fatalf("frame %d: mode at symbol %d, diagonal at %.1f", ti, arg, want)
		}
	}
}

// The forward-sum loss is CTC over the symbol positions (Badlani et al.
// 2022, section 3.1): with the blank made impossible, CTC's paths are
// exactly the monotonic alignments, so nn.CTCLoss equals −ForwardSum.
func TestForwardSumIsCTCWithoutBlank(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for _, tc := range []struct{ T, N int }{{4, 2}, {9, 4}, {15, 6}} {
		logp := make([]float32, tc.T*tc.N)
		logits := make([]float32, tc.T*(tc.N+1))
		for f := 0; f < tc.T; f++ {
			row := logp[f*tc.N : (f+1)*tc.N]
			var z float64
			for n := range row {
				row[n] = float32(rng.NormFloat64())
				z += math.Exp(float64(row[n]))
			}
			logits[f*(tc.N+1)] = -1e4 // blank
			for n := range row {
				row[n] -= float32(math.Log(z))
				logits[f*(tc.N+1)+n+1] = row[n]
			}
		}
		labels := make([]int, tc.N)
		for n := range labels {
			labels[n] = n + 1
		}
		ctc, err := nn.CTCLoss(logits, tc.T, tc.N+1, labels, 0, nil)
		if err != nil {
			t.Fatal(err)
		}
		fs, _ := ForwardSum(logp, tc.T, tc.N)
		if math.Abs(ctc+fs) > 1e-4*math.Max(1, math.Abs(fs)) {
			t.Errorf("T=%d N=%d: CTC %g, −ForwardSum %g", tc.T, tc.N, ctc, -fs)
		}
	}
}
