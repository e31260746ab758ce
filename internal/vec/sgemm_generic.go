package vec

// sgemmGo is the pure-Go twin of the assembly SGEMM: the same packed,
// blocked driver around a 4×4 register tile written in plain Go. It is the
// dispatched path on other GOARCH and under the purego build tag, and the
// tests run it on every machine.
var sgemmGo = newSgemmImpl("purego", 4, 4, 256, 128, 4096, 0, microGo)

// SgemmPureGo is Sgemm forced onto the pure-Go twin, whatever the CPU. It
// exists for benchmarks and cross-checks; use Sgemm.
func SgemmPureGo(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemmGo.run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc, Epilogue{})
}

// microGo stores the rows×4 product of packed panels into C, applying
// the tile flags.
func microGo(rows, kc int, a, b []float32, bs int, c []float32, ldc int, flags int, bias []float32) {
	var acc [4][4]float32
	if rows == 4 && bs == 4 {
		acc = micro4x4Go(kc, a[:4*kc], b[:4*kc])
	} else {
		for p := 0; p < kc; p++ {
			bp := b[p*bs : p*bs+4]
			ap := a[p*rows : p*rows+rows]
			for r, av := range ap {
				for j, bv := range bp {
					acc[r][j] += av * bv
				}
			}
		}
	}
	act := NoActivation
	switch {
	case flags&flagReLU != 0:
		act = ReLU
	case flags&flagSiLU != 0:
		act = SiLU
	}
	for r := 0; r < rows; r++ {
		crow := c[r*ldc : r*ldc+4]
		for j := range crow {
			v := acc[r][j]
			if flags&flagAccumulate != 0 {
				v = crow[j] + v
			}
			if flags&flagBias != 0 {
				v += bias[j]
			}
			crow[j] = activate(v, act)
		}
	}
}

// micro4x4Go keeps the 4×4 tile in 16 scalar accumulators, which the Go
// compiler holds in registers; slicing both panels to their exact length
// up front lets it drop the bounds checks in the loop.
func micro4x4Go(kc int, a, b []float32) [4][4]float32 {
	var c00, c01, c02, c03 float32
	var c10, c11, c12, c13 float32
	var c20, c21, c22, c23 float32
	var c30, c31, c32, c33 float32
	for p := 0; p < kc; p++ {
		ap := a[4*p : 4*p+4 : 4*p+4]
		bp := b[4*p : 4*p+4 : 4*p+4]
		b0, b1, b2, b3 := bp[0], bp[1], bp[2], bp[3]
		a0 := ap[0]
		c00 += a0 * b0
		c01 += a0 * b1
		c02 += a0 * b2
		c03 += a0 * b3
		a1 := ap[1]
		c10 += a1 * b0
		c11 += a1 * b1
		c12 += a1 * b2
		c13 += a1 * b3
		a2 := ap[2]
		c20 += a2 * b0
		c21 += a2 * b1
		c22 += a2 * b2
		c23 += a2 * b3
		a3 := ap[3]
		c30 += a3 * b0
		c31 += a3 * b1
		c32 += a3 * b2
		c33 += a3 * b3
	}
	return [4][4]float32{
		{c00, c01, c02, c03},
		{c10, c11, c12, c13},
		{c20, c21, c22, c23},
		{c30, c31, c32, c33},
	}
}
