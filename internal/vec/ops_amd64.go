//go:build amd64 && !purego

package vec

import "math"

// The assembly kernels take the largest multiple of 8 elements; these
// wrappers finish the tail. Element-wise kernels whose assembly rounds
// differently from Go (the FMA in Axpy, the exponential) run their tail
// through the same assembly on an 8-float scratch copy, so an element's
// result never depends on its position in the slice.

func dot(x, y []float32) float32 {
	if !hasAVX2FMA {
		return dotGo(x, y)
	}
	n := len(x) &^ 7
	s := dotAVX2(x, y[:len(x)])
	for i := n; i < len(x); i++ {
		s += x[i] * y[i]
	}
	return s
}

func sum(x []float32) float32 {
	if !hasAVX2FMA {
		return sumGo(x)
	}
	n := len(x) &^ 7
	s := sumAVX2(x)
	for _, v := range x[n:] {
		s += v
	}
	return s
}

func maxOf(x []float32) float32 {
	if !hasAVX2FMA || len(x) < 8 {
		return maxGo(x)
	}
	n := len(x) &^ 7
	m, nan := maxAVX2(x)
	if nan {
		return float32(math.NaN())
	}
	if t := maxGo(x[n:]); t > m || t != t {
		return t
	}
	return m
}

func axpy(alpha float32, x, y []float32) {
	if !hasAVX2FMA {
		axpyGo(alpha, x, y)
		return
	}
	y = y[:len(x)]
	axpyAVX2(alpha, x, y)
	if n := len(x) &^ 7; n < len(x) {
		var xt, yt [8]float32
		copy(xt[:], x[n:])
		copy(yt[:], y[n:])
		axpyAVX2(alpha, xt[:], yt[:])
		copy(y[n:], yt[:])
	}
}

func scale(alpha float32, x []float32) {
	if !hasAVX2FMA {
		scaleGo(alpha, x)
		return
	}
	scaleAVX2(alpha, x)
	scaleGo(alpha, x[len(x)&^7:])
}

func add(dst, x, y []float32) {
	if !hasAVX2FMA {
		addGo(dst, x, y)
		return
	}
	addAVX2(dst, x, y)
	n := len(dst) &^ 7
	addGo(dst[n:], x[n:], y[n:])
}

func mul(dst, x, y []float32) {
	if !hasAVX2FMA {
		mulGo(dst, x, y)
		return
	}
	mulAVX2(dst, x, y)
	n := len(dst) &^ 7
	mulGo(dst[n:], x[n:], y[n:])
}

func expInPlace(x []float32) {
	if !hasAVX2FMA {
		expGo(x)
		return
	}
	expAVX2(x)
	if n := len(x) &^ 7; n < len(x) {
		var t [8]float32
		copy(t[:], x[n:])
		expAVX2(t[:])
		copy(x[n:], t[:])
	}
}

func logFloor(x []float32, floor float32) {
	if !hasAVX2FMA {
		logFloorGo(x, floor)
		return
	}
	logFloorAVX2(x, floor)
	n := len(x) &^ 7
	logFloorGo(x[n:], floor)
}

// bandMatVec8 runs the kernel on the len(dst)/8 whole blocks; BandMatrix8
// has checked the spans against w and x when it was built and MulVec
// checks the lengths of dst and x, so the assembly stays in bounds.
func bandMatVec8(dst, w []float32, spans []int32, x []float32) {
	if !hasAVX2FMA {
		bandMatVec8Go(dst, w, spans, x)
		return
	}
	bandMatVec8AVX2(dst, w, spans, x)
}
