package acoustic

import (
	"fmt"
	"math"
)

// MAS is monotonic alignment search (Kim et al., 2020, "Glow-TTS",
// algorithm 1): given logp, T frames × N symbols row-major (the log
// probability of frame t belonging to symbol n), it returns the durations
// of the most likely monotonic alignment in which every symbol gets at
// least one frame, symbol 0 starts at frame 0 and symbol N−1 ends at frame
// T−1. dur must have room for N values (nil allocates). T < N has no such
// alignment and is an error.
func MAS(dur []int, logp []float32, T, N int) ([]int, error) {
	if N <= 0 || T < N || len(logp) < T*N {
		return nil, fmt.Errorf("tts align: %d frames for %d symbols (%d scores)", T, N, len(logp))
	}
	// q[t][n]: best score of frames 0..t ending in symbol n. Only the
	// band max(0, n−(T−t)+... ) is reachable; the rest stays −Inf.
	q := make([]float64, T*N)
	for i := range q {
		q[i] = math.Inf(-1)
	}
	q[0] = float64(logp[0])
	for t := 1; t < T; t++ {
		lo := max(0, N-(T-t))
		hi := min(N-1, t)
		for n := lo; n <= hi; n++ {
			best := q[(t-1)*N+n]
			if n > 0 {
				best = max(best, q[(t-1)*N+n-1])
			}
			q[t*N+n] = best + float64(logp[t*N+n])
		}
	}
	if cap(dur) < N {
		dur = make([]int, N)
	}
	dur = dur[:N]
	clear(dur)
	// Trace back from (T−1, N−1): stay on n while staying scores at least
	// as well as stepping down (ties keep the longer later symbol, as the
	// reference implementation's index comparison does).
	n := N - 1
	for t := T - 1; t >= 0; t-- {
		dur[n]++
		if t == 0 {
			break
		}
		if n > 0 && (n == t || q[(t-1)*N+n-1] > q[(t-1)*N+n]) {
			n--
		}
	}
	return dur, nil
}

// ForwardSum returns ln Σ over all monotonic alignments (as MAS's) of
// exp(Σ_t logp[t][path(t)]): the forward-sum likelihood of Badlani et al.
// (2022), without a blank. Training computes the same sum with a blank
// through CTC; this is its plain reference.
func ForwardSum(logp []float32, T, N int) (float64, error) {
	if N <= 0 || T < N || len(logp) < T*N {
		return 0, fmt.Errorf("tts align: %d frames for %d symbols (%d scores)", T, N, len(logp))
	}
	prev := make([]float64, N)
	cur := make([]float64, N)
	for i := range prev {
		prev[i] = math.Inf(-1)
	}
	prev[0] = float64(logp[0])
	for t := 1; t < T; t++ {
		for n := 0; n < N; n++ {
			v := prev[n]
			if n > 0 {
				v = logAdd(v, prev[n-1])
			}
			cur[n] = v + float64(logp[t*N+n])
		}
		prev, cur = cur, prev
	}
	return prev[N-1], nil
}

func logAdd(a, b float64) float64 {
	if math.IsInf(a, -1) {
		return b
	}
	if math.IsInf(b, -1) {
		return a
	}
	if a < b {
		a, b = b, a
	}
	return a + math.Log1p(math.Exp(b-a))
}

// BetaBinomialPrior writes into dst (T×N, row-major) the log of the static
// alignment prior of Badlani et al. (2022, eq. 5): frame t's distribution
// over the N symbols is BetaBinomial(N−1, α = ω(t+1), β = ω(T−t)), a bump
// that slides along the diagonal. ω = 1 in the paper.
func BetaBinomialPrior(dst []float32, T, N int, omega float64) []float32 {
	if cap(dst) < T*N {
		dst = make([]float32, T*N)
	}
	dst = dst[:T*N]
	k := N - 1
	lgam := func(x float64) float64 { v, _ := math.Lgamma(x); return v }
	lbeta := func(a, b float64) float64 { return lgam(a) + lgam(b) - lgam(a+b) }
	for t := 0; t < T; t++ {
		a, b := omega*float64(t+1), omega*float64(T-t)
		lb := lbeta(a, b)
		for n := 0; n <= k; n++ {
			lchoose := lgam(float64(k+1)) - lgam(float64(n+1)) - lgam(float64(k-n+1))
			dst[t*N+n] = float32(lchoose + lbeta(float64(n)+a, float64(k-n)+b) - lb)
		}
	}
	return dst
}
