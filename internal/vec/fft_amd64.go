//go:build amd64 && !purego

package vec

import "fmt"

// fftDispatched is chosen once, at package initialisation, from the CPU
// features read in cpu_amd64.go; nothing changes it afterwards.
var fftDispatched = func() FFTKernels {
	k := FFTPureGo()
	if !hasAVX2FMA {
		return k
	}
	k.Radix2 = radixAVX2(2, fftRadix2AVX2, fftRadix2Generic)
	k.Radix3 = radixAVX2(3, fftRadix3AVX2, fftRadix3Generic)
	k.Radix4 = radixAVX2(4, fftRadix4AVX2, fftRadix4Generic)
	k.Radix5 = radixAVX2(5, fftRadix5AVX2, fftRadix5Generic)
	k.Finish8 = finish8AVX2
	k.RealPost = realPostAVX2
	k.Deinterleave = deinterleaveDispatch
	k.Interleave = interleaveDispatch
	k.SquareSum = squareSumDispatch
	return k
}()

type radixKernel = func(yr, yi, xr, xi, tw []float32, m, s int)

// radixAVX2 runs the assembly stage when the stride is whole vectors, the
// twin otherwise. Assembly does not bounds-check, so the lengths the twin
// would index are checked here first.
func radixAVX2(radix int, asm, generic radixKernel) radixKernel {
	return func(yr, yi, xr, xi, tw []float32, m, s int) {
		if m <= 0 || s <= 0 || s%8 != 0 {
			generic(yr, yi, xr, xi, tw, m, s)
			return
		}
		n := radix * m * s
		if len(yr) < n || len(yi) < n || len(xr) < n || len(xi) < n || len(tw) < 2*(radix-1)*m {
			panic(fmt.Sprintf("vec: radix-%d FFT stage m=%d s=%d given slices too short", radix, m, s))
		}
		asm(yr, yi, xr, xi, tw, m, s)
	}
}

func finish8AVX2(yr, yi, xr, xi, twr, twi []float32, n1 int) {
	if n1 < 8 {
		fftFinish8Generic(yr, yi, xr, xi, twr, twi, n1)
		return
	}
	n := 8 * n1
	if len(yr) < n || len(yi) < n || len(xr) < n || len(xi) < n || len(twr) < n || len(twi) < n {
		panic(fmt.Sprintf("vec: FFT finish8 n1=%d given slices too short", n1))
	}
	fftFinish8AVX2(yr, yi, xr, xi, twr, twi, n1)
}

func realPostAVX2(yr, yi, zr, zi, twr, twi []float32, m int) {
	if m < 8 || m%8 != 0 {
		fftRealPostGeneric(yr, yi, zr, zi, twr, twi, m)
		return
	}
	if len(yr) < m || len(yi) < m || len(zr) < m+1 || len(zi) < m+1 || len(twr) < m || len(twi) < m {
		panic(fmt.Sprintf("vec: FFT real post m=%d given slices too short", m))
	}
	fftRealPostAVX2(yr, yi, zr, zi, twr, twi, m)
}

func deinterleaveDispatch(even, odd, src []float32) {
	n := len(src) / 2
	even, odd = even[:n], odd[:n] // bounds check for the assembly
	bulk := n &^ 7
	if bulk > 0 {
		deinterleaveAVX2(even[:bulk], odd[:bulk], src[:2*bulk])
	}
	deinterleaveGeneric(even[bulk:], odd[bulk:], src[2*bulk:2*n])
}

func interleaveDispatch(dst, re, im []float32) {
	n := len(re)
	dst, im = dst[:2*n], im[:n]
	bulk := n &^ 7
	if bulk > 0 {
		interleaveAVX2(dst[:2*bulk], re[:bulk], im[:bulk])
	}
	interleaveGeneric(dst[2*bulk:], re[bulk:], im[bulk:])
}

func squareSumDispatch(dst, re, im []float32) {
	n := len(dst)
	re, im = re[:n], im[:n]
	bulk := n &^ 7
	if bulk > 0 {
		squareSumAVX2(dst[:bulk], re[:bulk], im[:bulk])
	}
	squareSumGeneric(dst[bulk:], re[bulk:], im[bulk:])
}
