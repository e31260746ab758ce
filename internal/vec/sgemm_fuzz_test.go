package vec

import (
	"testing"
)

// FuzzSgemm is a differential fuzzer: random shapes, strides, transposes,
// scalars and epilogues, each implementation against the float64
// reference, with sentinels around C. Shapes stay small so each input runs
// in microseconds; the table tests cover the blocking boundaries.
func FuzzSgemm(f *testing.F) {
	f.Add(uint8(1), uint8(1), uint8(1), uint8(0), uint8(0), int8(2), int8(0), uint8(0))
	f.Add(uint8(7), uint8(17), uint8(9), uint8(3), uint8(3), int8(-3), int8(1), uint8(5))
	f.Add(uint8(13), uint8(33), uint8(40), uint8(1), uint8(2), int8(1), int8(-2), uint8(10))
	f.Fuzz(func(t *testing.T, m, n, k, pad, trans uint8, alpha8, beta8 int8, epi uint8) {
		tc := sgemmCase{
			m: int(m%40) + 1, n: int(n%40) + 1, k: int(k % 64),
			pad:   int(pad % 4),
			alpha: float32(alpha8) / 4, beta: float32(beta8) / 4,
		}
		transA, transB := trans&1 != 0, trans&2 != 0
		for _, impl := range sgemmImpls() {
			if epi%3 == 0 {
				checkSgemmCase(t, impl, tc, transA, transB)
				continue
			}
			checkEpilogueCase(t, impl, tc.m, tc.n, tc.k, Activation(epi%3), epi&4 != 0, tc.beta, transB)
		}
	})
}
