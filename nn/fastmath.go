package nn

import (
	"math"

	"github.com/mynah-speech/mynah/internal/vec"
)

// expf is a float32 exponential after Cephes' expf (S. Moshier): reduce
// x = n·ln2 + r with |r| ≤ ln2/2 in two parts (Cody–Waite), approximate
// e^r with a degree-6 minimax polynomial and scale by 2^n through the
// exponent bits. Relative error is about 2 ulp. The common path has no
// data-dependent branch and inlines; it is several times faster than
// float64 math.Exp, which matters in softmax and SiLU.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	if !(x > -87.33654 && x < 88) {
		return expfSlow(x)
	}
	// floor(x·log2e + 0.5) without a sign branch: shift to positive first.
	n := int32(x*log2e+128.5) - 128
	fn := float32(n)
	r := x - fn*c1 - fn*c2
	y := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	y = y*r*r + r + 1
	return y * math.Float32frombits(uint32(n+127)<<23)
}

// expfSlow handles NaN, overflow and results below the normal range.
func expfSlow(x float32) float32 {
	switch {
	case x != x:
		return x
	case x >= 88.72284:
		return float32(math.Inf(1))
	case x < -103.98:
		return 0
	}
	return float32(math.Exp(float64(x)))
}

// sigmoidf is the logistic function 1/(1+e^−x). For very negative x,
// e^−x overflows to +Inf and the result is 0, as it should be; there is
// no sign branch to mispredict.
func sigmoidf(x float32) float32 {
	return 1 / (1 + expf(-x))
}

// sigmoidSlice writes σ(src[i]) = 1/(1+e^−src[i]) into dst, the
// exponentials by vec.ExpInPlace (AVX2 where available). dst may be src.
func sigmoidSlice(dst, src []float32) {
	dst = dst[:len(src)]
	for i, v := range src {
		dst[i] = -v
	}
	vec.ExpInPlace(dst)
	for i, e := range dst {
		dst[i] = 1 / (1 + e)
	}
}

// tanhf is tanh through the logistic identity tanh x = 2σ(2x) − 1 for
// |x| ≥ 0.125 and the odd Taylor series below it, where the identity
// would cancel.
func tanhf(x float32) float32 {
	ax := x
	if ax < 0 {
		ax = -ax
	}
	if ax < 0.125 {
		x2 := x * x
		return x * (1 + x2*(-1.0/3+x2*(2.0/15+x2*(-17.0/315))))
	}
	if ax > 9 {
		if x > 0 {
			return 1
		}
		return -1
	}
	return 2*sigmoidf(2*x) - 1
}

// logf is float32 natural log through float64; it is off the hot path.
func logf(x float32) float32 { return float32(math.Log(float64(x))) }
