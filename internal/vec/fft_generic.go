package vec

import "math"

// Pure-Go twins of the FFT kernels. They are the reference the assembly is
// tested against and the path every non-amd64 (or purego) build runs, so
// they are written for clarity first and speed second.

const (
	sin60    = 0.86602540378443864676 // sin(2π/3)
	cos72    = 0.30901699437494742410 // cos(2π/5)
	cos144   = -0.80901699437494742410
	sin72    = 0.95105651629515357212
	sin144   = 0.58778525229247312917
	invSqrt2 = 0.70710678118654752440
)

func fftRadix2Generic(yr, yi, xr, xi, tw []float32, m, s int) {
	for p := 0; p < m; p++ {
		wr, wi := tw[2*p], tw[2*p+1]
		ar, ai := xr[s*p:s*p+s], xi[s*p:s*p+s]
		br, bi := xr[s*(p+m):s*(p+m)+s], xi[s*(p+m):s*(p+m)+s]
		y0r, y0i := yr[s*2*p:s*2*p+s], yi[s*2*p:s*2*p+s]
		y1r, y1i := yr[s*(2*p+1):s*(2*p+1)+s], yi[s*(2*p+1):s*(2*p+1)+s]
		for q := range s {
			a, b, c, d := ar[q], ai[q], br[q], bi[q]
			y0r[q] = a + c
			y0i[q] = b + d
			dr, di := a-c, b-d
			y1r[q] = wr*dr - wi*di
			y1i[q] = wr*di + wi*dr
		}
	}
}

func fftRadix3Generic(yr, yi, xr, xi, tw []float32, m, s int) {
	for p := 0; p < m; p++ {
		w := tw[4*p : 4*p+4]
		x0 := s * p
		x1 := s * (p + m)
		x2 := s * (p + 2*m)
		y0 := s * 3 * p
		for q := range s {
			ar, ai := xr[x0+q], xi[x0+q]
			br, bi := xr[x1+q], xi[x1+q]
			cr, ci := xr[x2+q], xi[x2+q]
			t1r, t1i := br+cr, bi+ci
			t2r, t2i := ar-0.5*t1r, ai-0.5*t1i
			// t3 = −i·sin60·(b − c)
			t3r, t3i := sin60*(bi-ci), -sin60*(br-cr)
			yr[y0+q], yi[y0+q] = ar+t1r, ai+t1i
			ur, ui := t2r+t3r, t2i+t3i
			yr[y0+s+q], yi[y0+s+q] = w[0]*ur-w[1]*ui, w[0]*ui+w[1]*ur
			vr, vi := t2r-t3r, t2i-t3i
			yr[y0+2*s+q], yi[y0+2*s+q] = w[2]*vr-w[3]*vi, w[2]*vi+w[3]*vr
		}
	}
}

func fftRadix4Generic(yr, yi, xr, xi, tw []float32, m, s int) {
	for p := 0; p < m; p++ {
		w := tw[6*p : 6*p+6]
		ar, ai := xr[s*p:s*p+s], xi[s*p:s*p+s]
		br, bi := xr[s*(p+m):s*(p+m)+s], xi[s*(p+m):s*(p+m)+s]
		cr, ci := xr[s*(p+2*m):s*(p+2*m)+s], xi[s*(p+2*m):s*(p+2*m)+s]
		dr, di := xr[s*(p+3*m):s*(p+3*m)+s], xi[s*(p+3*m):s*(p+3*m)+s]
		y := s * 4 * p
		y0r, y0i := yr[y:y+s], yi[y:y+s]
		y1r, y1i := yr[y+s:y+2*s], yi[y+s:y+2*s]
		y2r, y2i := yr[y+2*s:y+3*s], yi[y+2*s:y+3*s]
		y3r, y3i := yr[y+3*s:y+4*s], yi[y+3*s:y+4*s]
		for q := range s {
			apcR, apcI := ar[q]+cr[q], ai[q]+ci[q]
			amcR, amcI := ar[q]-cr[q], ai[q]-ci[q]
			bpdR, bpdI := br[q]+dr[q], bi[q]+di[q]
			bmdR, bmdI := br[q]-dr[q], bi[q]-di[q]
			// j·(b − d) = (−bmdI, bmdR)
			y0r[q], y0i[q] = apcR+bpdR, apcI+bpdI
			u1r, u1i := amcR+bmdI, amcI-bmdR
			y1r[q], y1i[q] = w[0]*u1r-w[1]*u1i, w[0]*u1i+w[1]*u1r
			u2r, u2i := apcR-bpdR, apcI-bpdI
			y2r[q], y2i[q] = w[2]*u2r-w[3]*u2i, w[2]*u2i+w[3]*u2r
			u3r, u3i := amcR-bmdI, amcI+bmdR
			y3r[q], y3i[q] = w[4]*u3r-w[5]*u3i, w[4]*u3i+w[5]*u3r
		}
	}
}

func fftRadix5Generic(yr, yi, xr, xi, tw []float32, m, s int) {
	for p := 0; p < m; p++ {
		w := tw[8*p : 8*p+8]
		x0, x1, x2, x3, x4 := s*p, s*(p+m), s*(p+2*m), s*(p+3*m), s*(p+4*m)
		y0 := s * 5 * p
		for q := range s {
			ar, ai := xr[x0+q], xi[x0+q]
			t1r, t1i := xr[x1+q]+xr[x4+q], xi[x1+q]+xi[x4+q]
			t2r, t2i := xr[x2+q]+xr[x3+q], xi[x2+q]+xi[x3+q]
			t3r, t3i := xr[x1+q]-xr[x4+q], xi[x1+q]-xi[x4+q]
			t4r, t4i := xr[x2+q]-xr[x3+q], xi[x2+q]-xi[x3+q]
			u1r, u1i := ar+cos72*t1r+cos144*t2r, ai+cos72*t1i+cos144*t2i
			u2r, u2i := ar+cos144*t1r+cos72*t2r, ai+cos144*t1i+cos72*t2i
			v1r, v1i := sin72*t3r+sin144*t4r, sin72*t3i+sin144*t4i
			v2r, v2i := sin144*t3r-sin72*t4r, sin144*t3i-sin72*t4i
			yr[y0+q], yi[y0+q] = ar+t1r+t2r, ai+t1i+t2i
			// X1 = u1 − i·v1, X4 = u1 + i·v1, X2 = u2 − i·v2, X3 = u2 + i·v2.
			zr, zi := u1r+v1i, u1i-v1r
			yr[y0+s+q], yi[y0+s+q] = w[0]*zr-w[1]*zi, w[0]*zi+w[1]*zr
			zr, zi = u2r+v2i, u2i-v2r
			yr[y0+2*s+q], yi[y0+2*s+q] = w[2]*zr-w[3]*zi, w[2]*zi+w[3]*zr
			zr, zi = u2r-v2i, u2i+v2r
			yr[y0+3*s+q], yi[y0+3*s+q] = w[4]*zr-w[5]*zi, w[4]*zi+w[5]*zr
			zr, zi = u1r-v1i, u1i+v1r
			yr[y0+4*s+q], yi[y0+4*s+q] = w[6]*zr-w[7]*zi, w[6]*zi+w[7]*zr
		}
	}
}

func fftFinish8Generic(yr, yi, xr, xi, twr, twi []float32, n1 int) {
	var vr, vi [8]float32
	for k1 := 0; k1 < n1; k1++ {
		rr, ri := xr[8*k1:8*k1+8], xi[8*k1:8*k1+8]
		wr, wi := twr[8*k1:8*k1+8], twi[8*k1:8*k1+8]
		for j := range 8 {
			vr[j] = rr[j]*wr[j] - ri[j]*wi[j]
			vi[j] = rr[j]*wi[j] + ri[j]*wr[j]
		}
		dft8(&vr, &vi)
		for k2 := range 8 {
			yr[k1+n1*k2], yi[k1+n1*k2] = vr[k2], vi[k2]
		}
	}
}

// dft8 is the 8-point DFT as a radix-2 split into two 4-point DFTs; the
// assembly uses the same operation order.
func dft8(vr, vi *[8]float32) {
	a0r, a0i := vr[0]+vr[4], vi[0]+vi[4]
	a1r, a1i := vr[0]-vr[4], vi[0]-vi[4]
	a2r, a2i := vr[2]+vr[6], vi[2]+vi[6]
	a3r, a3i := vr[2]-vr[6], vi[2]-vi[6]
	a4r, a4i := vr[1]+vr[5], vi[1]+vi[5]
	a5r, a5i := vr[1]-vr[5], vi[1]-vi[5]
	a6r, a6i := vr[3]+vr[7], vi[3]+vi[7]
	a7r, a7i := vr[3]-vr[7], vi[3]-vi[7]
	// Even and odd 4-point DFTs; −i·(x, y) = (y, −x).
	e0r, e0i := a0r+a2r, a0i+a2i
	e2r, e2i := a0r-a2r, a0i-a2i
	e1r, e1i := a1r+a3i, a1i-a3r
	e3r, e3i := a1r-a3i, a1i+a3r
	o0r, o0i := a4r+a6r, a4i+a6i
	o2r, o2i := a4r-a6r, a4i-a6i
	o1r, o1i := a5r+a7i, a5i-a7r
	o3r, o3i := a5r-a7i, a5i+a7r
	// Twiddles W8^1 = (1−i)/√2, W8^2 = −i, W8^3 = (−1−i)/√2.
	t1r, t1i := invSqrt2*(o1r+o1i), invSqrt2*(o1i-o1r)
	t2r, t2i := o2i, -o2r
	t3r, t3i := invSqrt2*(o3i-o3r), -invSqrt2*(o3r+o3i)
	vr[0], vi[0] = e0r+o0r, e0i+o0i
	vr[4], vi[4] = e0r-o0r, e0i-o0i
	vr[1], vi[1] = e1r+t1r, e1i+t1i
	vr[5], vi[5] = e1r-t1r, e1i-t1i
	vr[2], vi[2] = e2r+t2r, e2i+t2i
	vr[6], vi[6] = e2r-t2r, e2i-t2i
	vr[3], vi[3] = e3r+t3r, e3i+t3i
	vr[7], vi[7] = e3r-t3r, e3i-t3i
}

func fftRealPostGeneric(yr, yi, zr, zi, twr, twi []float32, m int) {
	for k := 0; k < m; k++ {
		ar, ai := zr[k], zi[k]
		br, bi := zr[m-k], zi[m-k]
		// 2·Xe = Z[k] + conj Z[m−k]; 2·Xo = (Z[k] − conj Z[m−k]) / i.
		er, ei := ar+br, ai-bi
		or, oi := ai+bi, br-ar
		wr, wi := twr[k], twi[k]
		yr[k] = 0.5*er + (wr*or - wi*oi)
		yi[k] = 0.5*ei + (wr*oi + wi*or)
	}
}

func deinterleaveGeneric(even, odd, src []float32) {
	even = even[:len(src)/2]
	odd = odd[:len(src)/2]
	for j := range even {
		even[j] = src[2*j]
		odd[j] = src[2*j+1]
	}
}

func interleaveGeneric(dst, re, im []float32) {
	im = im[:len(re)]
	dst = dst[:2*len(re)]
	for j := range re {
		dst[2*j] = re[j]
		dst[2*j+1] = im[j]
	}
}

func squareSumGeneric(dst, re, im []float32) {
	im = im[:len(dst)]
	re = re[:len(dst)]
	for j := range dst {
		dst[j] = re[j]*re[j] + im[j]*im[j]
	}
}

// FFTTwiddles returns the twiddle table FFTRadix{r} expects for a stage of
// radix r on sub-transforms of length n = r·m: W_n^(k·p) for p < m and
// k = 1..r−1, as (re, im) pairs, computed in float64 (see Twiddle).
func FFTTwiddles(radix, m int) []float32 {
	n := radix * m
	tw := make([]float32, 0, 2*(radix-1)*m)
	for p := 0; p < m; p++ {
		for k := 1; k < radix; k++ {
			re, im := Twiddle(k*p, n)
			tw = append(tw, re, im)
		}
	}
	return tw
}

// Twiddle returns W_n^j = exp(−2πi·j/n) rounded to float32. It is
// computed in float64, and the points on the axes are exact, so that
// transforms of impulses and constants come out exact.
func Twiddle(j, n int) (re, im float32) {
	j %= n
	if j < 0 {
		j += n
	}
	s, c := math.Sincos(-2 * math.Pi * float64(j) / float64(n))
	switch {
	case 8*j == n:
		return invSqrt2, -invSqrt2
	case 4*j == n:
		return 0, -1
	case 2*j == n:
		return -1, 0
	case 4*j == 3*n:
		return 0, 1
	case j == 0:
		return 1, 0
	}
	return float32(c), float32(s)
}
