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
	sgemmGo.run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// microGo adds the rows×4 product of packed panels to C.
func microGo(rows, kc int, a, b []float32, bs int, c []float32, ldc int, accumulate bool) {
	if !accumulate {
		for r := 0; r < rows; r++ {
			clear(c[r*ldc : r*ldc+4])
		}
	}
	if rows == 4 && bs == 4 {
		micro4x4Go(kc, a[:4*kc], b[:4*kc], c, ldc)
		return
	}
	var acc [4][4]float32
	for p := 0; p < kc; p++ {
		bp := b[p*bs : p*bs+4]
		ap := a[p*rows : p*rows+rows]
		for r, av := range ap {
			for j, bv := range bp {
				acc[r][j] += av * bv
			}
		}
	}
	for r := 0; r < rows; r++ {
		crow := c[r*ldc : r*ldc+4]
		for j := range crow {
			crow[j] += acc[r][j]
		}
	}
}

// micro4x4Go keeps the 4×4 tile in 16 scalar accumulators, which the Go
// compiler holds in registers; slicing both panels to their exact length
// up front lets it drop the bounds checks in the loop.
func micro4x4Go(kc int, a, b []float32, c []float32, ldc int) {
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
	r0 := c[0:4:4]
	r0[0] += c00
	r0[1] += c01
	r0[2] += c02
	r0[3] += c03
	r1 := c[ldc : ldc+4 : ldc+4]
	r1[0] += c10
	r1[1] += c11
	r1[2] += c12
	r1[3] += c13
	r2 := c[2*ldc : 2*ldc+4 : 2*ldc+4]
	r2[0] += c20
	r2[1] += c21
	r2[2] += c22
	r2[3] += c23
	r3 := c[3*ldc : 3*ldc+4 : 3*ldc+4]
	r3[0] += c30
	r3[1] += c31
	r3[2] += c32
	r3[3] += c33
}
