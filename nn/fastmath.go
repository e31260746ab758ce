package nn

import "math"

// expf is a float32 exponential after Cephes' expf (S. Moshier): reduce
// x = n·ln2 + r with |r| ≤ ln2/2 in two parts (Cody–Waite), approximate
// e^r with a degree-6 minimax polynomial and scale by 2^n through the
// exponent bits. Relative error is about 2 ulp, and it is several times
// faster than float64 math.Exp, which matters in softmax and SiLU.
func expf(x float32) float32 {
	const (
		log2e = 1.44269504088896341
		c1    = 0.693359375
		c2    = -2.12194440e-4
	)
	if x != x {
		return x
	}
	if x > 88.0 {
		if x > 88.72283 {
			return float32(math.Inf(1))
		}
		return float32(math.Exp(float64(x)))
	}
	if x < -87.33654 {
		if x < -103.97 {
			return 0
		}
		return float32(math.Exp(float64(x))) // subnormal results
	}
	fx := x*log2e + 0.5
	n := int32(fx)
	if float32(n) > fx {
		n-- // floor for negatives
	}
	fn := float32(n)
	r := x - fn*c1
	r -= fn * c2
	z := r * r
	y := ((((1.9875691500e-4*r+1.3981999507e-3)*r+8.3334519073e-3)*r+4.1665795894e-2)*r+1.6666665459e-1)*r + 5.0000001201e-1
	y = y*z + r + 1
	return y * math.Float32frombits(uint32(n+127)<<23)
}

// sigmoidf is the logistic function 1/(1+e^-x), written to stay finite
// for large |x|.
func sigmoidf(x float32) float32 {
	if x >= 0 {
		return 1 / (1 + expf(-x))
	}
	e := expf(x)
	return e / (1 + e)
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
