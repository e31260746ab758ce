package vec

import (
	"fmt"
	"sync"
)

// Sgemm computes C = alpha·op(A)·op(B) + beta·C for row-major matrices,
// where op(X) is X or its transpose. op(A) is m×k, op(B) is k×n and C is
// m×n; lda, ldb and ldc are the row strides of A, B and C as stored.
// When beta is 0, C is not read (NaNs in C do not propagate), as in BLAS.
//
// It runs on the calling goroutine with the kernel family Path() names.
// Like the reference BLAS (whose xerbla aborts), it panics when a
// dimension is negative, a stride is smaller than its row, or a slice is
// shorter than the matrix it holds: those are bugs in the caller, and the
// assembly must never be handed memory it does not own.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemmDispatched.run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// parallelMinFlops is the product size below which SgemmParallel stays on
// one goroutine: on the 2-core development machine, products under about
// 20 MFLOP ran faster single-threaded (issue 5).
const parallelMinFlops = 20e6

// SgemmParallel is Sgemm split across up to threads goroutines, each
// computing a band of rows (or of columns, when C is wider than tall) of
// C. Products under about 20 MFLOP, and threads ≤ 1, run on the calling
// goroutine. Each band is computed exactly as Sgemm would compute it, so
// the result does not depend on threads.
func SgemmParallel(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	checkSgemm(transA, transB, m, n, k, a, lda, b, ldb, c, ldc)
	sgemmDispatched.runParallel(threads, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// checkSgemm panics unless every index Sgemm touches lies inside its slice.
func checkSgemm(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int) {
	if m < 0 || n < 0 || k < 0 {
		panic(fmt.Sprintf("vec.Sgemm: negative dimension m=%d n=%d k=%d", m, n, k))
	}
	if m == 0 || n == 0 {
		return
	}
	checkMatrix("C", m, n, c, ldc)
	if k == 0 {
		return
	}
	if transA {
		checkMatrix("A", k, m, a, lda)
	} else {
		checkMatrix("A", m, k, a, lda)
	}
	if transB {
		checkMatrix("B", n, k, b, ldb)
	} else {
		checkMatrix("B", k, n, b, ldb)
	}
}

// checkMatrix panics unless x holds a rows×cols row-major matrix with row
// stride ld.
func checkMatrix(name string, rows, cols int, x []float32, ld int) {
	if ld < cols || ld < 1 {
		panic(fmt.Sprintf("vec.Sgemm: ld%s=%d is less than its %d columns", name, ld, cols))
	}
	if need := (rows-1)*ld + cols; len(x) < need {
		panic(fmt.Sprintf("vec.Sgemm: %s has %d elements, a %d×%d matrix with stride %d needs %d", name, len(x), rows, cols, ld, need))
	}
}

// scaleC multiplies C by beta, writing zeros when beta is 0 (so NaNs in
// C do not survive, as BLAS requires).
func scaleC(m, n int, beta float32, c []float32, ldc int) {
	if beta == 1 {
		return
	}
	for i := 0; i < m; i++ {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

// sgemmImpl is one SGEMM kernel family: a register-tile micro-kernel and
// the cache blocking that feeds it. The driver is the five-loop algorithm
// of Goto & van de Geijn ("Anatomy of High-Performance Matrix
// Multiplication", ACM TOMS 34(3), 2008) in the loop order of BLIS (Van Zee
// & van de Geijn, ACM TOMS 41(3), 2015): a kc×nc block of op(B) is packed
// into nr-wide panels (kept in L3), an mc×kc block of op(A) into mr-tall
// panels (kept in L2), and the micro-kernel multiplies one A panel by one B
// panel (kept in L1) into an mr×nr tile of C.
type sgemmImpl struct {
	name   string
	mr, nr int // register tile of the micro-kernel
	kc     int // depth of a packed panel: a kc×nr B panel fits L1
	mc     int // rows of A packed at once: mc×kc fits L2; a multiple of mr
	nc     int // columns of B packed at once: kc×nc fits L3; a multiple of nr
	// micro adds the rows×nr product of a packed A panel (kc steps of rows
	// floats) and a B panel (kc steps of nr floats, bs apart) to C, whose
	// rows are ldc apart. 1 ≤ rows ≤ mr, kc ≥ 1.
	micro func(rows, kc int, a, b []float32, bs int, c []float32, ldc int)
	// pool recycles packing buffers between calls; it holds no state a
	// result could depend on.
	pool *sync.Pool
}

// sgemmWork is the scratch one Sgemm call packs into.
type sgemmWork struct {
	a, b []float32
	tile []float32 // mr×nr, for C tiles narrower than nr
}

func newSgemmImpl(name string, mr, nr, kc, mc, nc int, micro func(rows, kc int, a, b []float32, bs int, c []float32, ldc int)) *sgemmImpl {
	return &sgemmImpl{
		name: name, mr: mr, nr: nr, kc: kc, mc: mc, nc: nc, micro: micro,
		pool: &sync.Pool{New: func() any { return new(sgemmWork) }},
	}
}

// grow returns s resized to n elements, reallocating only when it must.
func grow(s []float32, n int) []float32 {
	if cap(s) < n {
		return make([]float32, n)
	}
	return s[:n]
}

// run is Sgemm on this kernel family, with arguments already checked.
func (g *sgemmImpl) run(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	scaleC(m, n, beta, c, ldc)
	if k == 0 || alpha == 0 {
		return
	}
	w := g.pool.Get().(*sgemmWork)
	defer g.pool.Put(w)

	kcMax := min(g.kc, k)
	ncMax := min(g.nc, roundUp(n, g.nr))
	mcMax := min(g.mc, roundUp(m, g.mr))
	w.b = grow(w.b, kcMax*roundUp(ncMax, g.nr))
	w.a = grow(w.a, kcMax*mcMax)
	w.tile = grow(w.tile, g.mr*g.nr)

	for jc := 0; jc < n; jc += g.nc {
		nb := min(g.nc, n-jc)
		for pc := 0; pc < k; pc += g.kc {
			kb := min(g.kc, k-pc)
			g.packB(w.b, transB, b, ldb, pc, jc, kb, nb)
			for ic := 0; ic < m; ic += g.mc {
				mb := min(g.mc, m-ic)
				g.packA(w.a, transA, alpha, a, lda, ic, pc, mb, kb)
				g.macro(w, mb, nb, kb, c[ic*ldc+jc:], ldc)
			}
		}
	}
}

// macro multiplies the packed mb×kb block of A by the packed kb×nb block
// of B into C (already offset to the block's corner).
func (g *sgemmImpl) macro(w *sgemmWork, mb, nb, kb int, c []float32, ldc int) {
	mr, nr := g.mr, g.nr
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		bp := w.b[jr*kb : jr*kb+nr*kb]
		for ir := 0; ir < mb; ir += mr {
			rows := min(mr, mb-ir)
			ap := w.a[ir*kb : ir*kb+rows*kb]
			if cols == nr {
				g.micro(rows, kb, ap, bp, nr, c[ir*ldc+jr:], ldc)
				continue
			}
			// A tile narrower than nr goes through a scratch tile so the
			// kernel never writes past C's columns.
			tile := w.tile
			clear(tile)
			g.micro(rows, kb, ap, bp, nr, tile, nr)
			for r := 0; r < rows; r++ {
				crow := c[(ir+r)*ldc+jr : (ir+r)*ldc+jr+cols]
				for j, v := range tile[r*nr : r*nr+cols] {
					crow[j] += v
				}
			}
		}
	}
}

// packA copies alpha·op(A)[ic:ic+mb, pc:pc+kb] into dst as panels of mr
// rows, each stored k-major (kb steps of mr floats); the last panel holds
// only the rows that remain, so panel ir starts at ir·kb.
func (g *sgemmImpl) packA(dst []float32, transA bool, alpha float32, a []float32, lda, ic, pc, mb, kb int) {
	for ir := 0; ir < mb; ir += g.mr {
		rows := min(g.mr, mb-ir)
		panel := dst[ir*kb : ir*kb+rows*kb]
		if transA {
			// op(A)[i][p] = A[p][i]: each k step is a contiguous run of rows.
			for p := 0; p < kb; p++ {
				src := a[(pc+p)*lda+ic+ir : (pc+p)*lda+ic+ir+rows]
				out := panel[p*rows : p*rows+rows]
				for r, v := range src {
					out[r] = alpha * v
				}
			}
			continue
		}
		for r := 0; r < rows; r++ {
			src := a[(ic+ir+r)*lda+pc : (ic+ir+r)*lda+pc+kb]
			for p, v := range src {
				panel[p*rows+r] = alpha * v
			}
		}
	}
}

// packB copies op(B)[pc:pc+kb, jc:jc+nb] into dst as panels of nr
// columns, each stored k-major (kb steps of nr floats), the last panel
// padded with zeros.
func (g *sgemmImpl) packB(dst []float32, transB bool, b []float32, ldb, pc, jc, kb, nb int) {
	nr := g.nr
	for jr := 0; jr < nb; jr += nr {
		cols := min(nr, nb-jr)
		panel := dst[jr*kb : jr*kb+nr*kb]
		if cols < nr {
			clear(panel)
		}
		if transB {
			// op(B)[p][j] = B[j][p]: read each stored row once.
			for j := 0; j < cols; j++ {
				src := b[(jc+jr+j)*ldb+pc : (jc+jr+j)*ldb+pc+kb]
				for p, v := range src {
					panel[p*nr+j] = v
				}
			}
			continue
		}
		for p := 0; p < kb; p++ {
			copy(panel[p*nr:p*nr+cols], b[(pc+p)*ldb+jc+jr:(pc+p)*ldb+jc+jr+cols])
		}
	}
}

// runParallel splits the product into bands of C, one per goroutine.
func (g *sgemmImpl) runParallel(threads int, transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	flops := 2 * float64(m) * float64(n) * float64(k)
	if threads <= 1 || flops < parallelMinFlops {
		g.run(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	var wg sync.WaitGroup
	if m >= n {
		// Bands of rows, in whole micro-tiles, so each band tiles exactly
		// as the single-threaded call would.
		band := roundUp((m+threads-1)/threads, g.mr)
		for i0 := 0; i0 < m; i0 += band {
			rows := min(band, m-i0)
			aOff := i0 * lda
			if transA {
				aOff = i0
			}
			wg.Go(func() {
				g.run(transA, transB, rows, n, k, alpha, a[aOff:], lda, b, ldb, beta, c[i0*ldc:], ldc)
			})
		}
	} else {
		band := roundUp((n+threads-1)/threads, g.nr)
		for j0 := 0; j0 < n; j0 += band {
			cols := min(band, n-j0)
			bOff := j0
			if transB {
				bOff = j0 * ldb
			}
			wg.Go(func() {
				g.run(transA, transB, m, cols, k, alpha, a, lda, b[bOff:], ldb, beta, c[j0:], ldc)
			})
		}
	}
	wg.Wait()
}

// roundUp rounds x up to a multiple of q.
func roundUp(x, q int) int { return (x + q - 1) / q * q }
