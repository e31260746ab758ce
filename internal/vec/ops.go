package vec

import (
	"fmt"
	"math"
)

// Vector kernels for the neural-network engine. Each runs AVX2 assembly
// on the bulk of the slice (multiples of 8 floats) when Path() is "avx2"
// or better, and its pure-Go twin otherwise. Results are deterministic for
// a given CPU path, but reductions (Dot, Sum) add in a different order on
// each path, so their last bits may differ between paths.
//
// Mismatched lengths are caller bugs and panic, as a slice index out of
// range would; the assembly is never handed memory a slice does not own.

// Dot returns Σ x[i]·y[i]. It panics if len(x) != len(y).
func Dot(x, y []float32) float32 {
	checkLen("Dot", len(x), len(y))
	return dot(x, y)
}

// Axpy sets y[i] += alpha·x[i] (BLAS saxpy). It panics if len(x) != len(y).
func Axpy(alpha float32, x, y []float32) {
	checkLen("Axpy", len(x), len(y))
	axpy(alpha, x, y)
}

// Scale sets x[i] *= alpha.
func Scale(alpha float32, x []float32) { scale(alpha, x) }

// Add sets dst[i] = x[i] + y[i]. dst may be x or y. It panics unless the
// three lengths are equal.
func Add(dst, x, y []float32) {
	checkLen("Add", len(dst), len(x))
	checkLen("Add", len(dst), len(y))
	add(dst, x, y)
}

// Mul sets dst[i] = x[i]·y[i]. dst may be x or y. It panics unless the
// three lengths are equal.
func Mul(dst, x, y []float32) {
	checkLen("Mul", len(dst), len(x))
	checkLen("Mul", len(dst), len(y))
	mul(dst, x, y)
}

// Sum returns Σ x[i], 0 for an empty slice.
func Sum(x []float32) float32 { return sum(x) }

// Max returns the largest element of x: NaN if any element is NaN, and
// -Inf for an empty slice (the identity of max, as 0 is of Sum).
func Max(x []float32) float32 { return maxOf(x) }

// ExpInPlace sets x[i] = e^x[i], the exponential softmax needs.
//
// It is Cephes expf (S. L. Moshier, Cephes Math Library): x = n·ln2 + r
// with |r| ≤ ln2/2 (Cody-Waite reduction), e^r by a degree-7 polynomial
// and 2^n applied as two halves, so results near the overflow threshold
// and in the subnormal range are right too. The maximum relative error
// over normal results is 8.2e-8 on the AVX2 path and 7.9e-8 on the Go
// twin (TestExpAccuracy, against float64 math.Exp).
// e^x overflows to +Inf for x > 88.72, underflows to 0 below -103.97, and
// NaN stays NaN.
func ExpInPlace(x []float32) { expInPlace(x) }

func checkLen(op string, a, b int) {
	if a != b {
		panic(fmt.Sprintf("vec.%s: slice lengths %d and %d differ", op, a, b))
	}
}

// The pure-Go twins. They build everywhere so the tests can hold both
// paths to the same reference on any machine.

func dotGo(x, y []float32) float32 {
	y = y[:len(x)]
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i] * y[i]
		s1 += x[i+1] * y[i+1]
		s2 += x[i+2] * y[i+2]
		s3 += x[i+3] * y[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i] * y[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func sumGo(x []float32) float32 {
	var s0, s1, s2, s3 float32
	i := 0
	for ; i+4 <= len(x); i += 4 {
		s0 += x[i]
		s1 += x[i+1]
		s2 += x[i+2]
		s3 += x[i+3]
	}
	for ; i < len(x); i++ {
		s0 += x[i]
	}
	return (s0 + s1) + (s2 + s3)
}

func maxGo(x []float32) float32 {
	m := float32(math.Inf(-1))
	for _, v := range x {
		if v > m {
			m = v
		} else if v != v {
			return v
		}
	}
	return m
}

func axpyGo(alpha float32, x, y []float32) {
	y = y[:len(x)]
	for i, v := range x {
		y[i] += alpha * v
	}
}

func scaleGo(alpha float32, x []float32) {
	for i := range x {
		x[i] *= alpha
	}
}

func addGo(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] + y[i]
	}
}

func mulGo(dst, x, y []float32) {
	x, y = x[:len(dst)], y[:len(dst)]
	for i := range dst {
		dst[i] = x[i] * y[i]
	}
}

// Constants of Cephes expf, shared with the assembly generator
// (_asm/sgemm/ops.go holds the same values).
const (
	expLo    = -104 // e^x rounds to 0 below about -103.97
	expHi    = 89   // and to +Inf above about 88.72
	expLn2Hi = 0.693359375
	expLn2Lo = -2.12194440e-4
	expP0    = 1.9875691500e-4
	expP1    = 1.3981999507e-3
	expP2    = 8.3334519073e-3
	expP3    = 4.1665795894e-2
	expP4    = 1.6666665459e-1
	expP5    = 5.0000001201e-1
)

func expGo(x []float32) {
	for i, v := range x {
		x[i] = exp32(v)
	}
}

// exp32 is one lane of the vector exponential, in float32 arithmetic.
func exp32(x float32) float32 {
	if x != x {
		return x
	}
	x = min(max(x, expLo), expHi)
	n := float32(math.RoundToEven(float64(x * math.Log2E)))
	r := x - n*expLn2Hi
	r -= n * expLn2Lo
	y := float32(expP0)
	y = y*r + expP1
	y = y*r + expP2
	y = y*r + expP3
	y = y*r + expP4
	y = y*r + expP5
	y = y*(r*r) + r
	y++
	ni := int32(n)
	n1 := ni >> 1
	n2 := ni - n1
	y *= math.Float32frombits(uint32(n1+127) << 23)
	y *= math.Float32frombits(uint32(n2+127) << 23)
	return y
}

// LogFloorInPlace sets x[i] = ln(max(x[i], floor)), the floored log of
// log-mel features. floor should be positive; NaN stays NaN.
//
// The logarithm is accurate to a few float32 ulps (error below
// 2e-7·max(1, |ln x|) over normal x; TestLogFloorAccuracy) and several
// times faster than math.Log: x = 2^e·m with m in [√½, √2),
// ln x = e·ln2 + ln m, ln m = 2·atanh(s) with s = (m−1)/(m+1), by its odd
// series to s⁹ (|s| ≤ 0.1716, so the next term is below 4e-10). The AVX2
// kernel does the same single-precision operations in the same order as
// the pure-Go twin, so both paths give the same bits.
func LogFloorInPlace(x []float32, floor float32) { logFloor(x, floor) }

// logFloorGo is LogFloorInPlace's twin. Every product is converted to
// float32 explicitly so that no compiler fuses it into an FMA (the Go spec
// allows fusion, GOAMD64=v3 does it, and the kernel never fuses).
func logFloorGo(x []float32, floor float32) {
	for i, v := range x {
		v = max(v, floor)
		if !(v <= math.MaxFloat32) {
			x[i] = v // NaN or +Inf
			continue
		}
		bits := math.Float32bits(v)
		e := int32(bits>>23) - 127
		m := math.Float32frombits(bits&0x007fffff | 0x3f800000) // [1, 2)
		if m > math.Sqrt2 {
			m *= 0.5
			e++
		}
		s := (m - 1) / (m + 1)
		s2 := float32(s * s)
		p := float32(s2*(1.0/9)) + 1.0/7
		p = float32(s2*p) + 1.0/5
		p = float32(s2*p) + 1.0/3
		p = float32(s2*p) + 1
		p = float32(2 * s * p)
		x[i] = float32(float32(e)*math.Ln2) + p
	}
}
