package nn

import "github.com/mynah-speech/mynah/internal/vec"

// sgemm is vec.Sgemm plus the FLOP count that benchmarks report.
func (t *Tape) sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	t.flops += 2 * int64(m) * int64(n) * int64(k)
	vec.Sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
}

// sgemmBias is sgemm with beta 0 and bias[j] added to column j of C,
// fused into the product by vec.SgemmEpilogue (each tile of C is finished
// while still in cache, instead of a separate pass over C).
func (t *Tape) sgemmBias(transA, transB bool, m, n, k int, a []float32, lda int, b []float32, ldb int, c []float32, ldc int, bias []float32) {
	t.flops += 2 * int64(m) * int64(n) * int64(k)
	vec.SgemmEpilogue(1, transA, transB, m, n, k, 1, a, lda, b, ldb, 0, c, ldc, vec.Epilogue{Bias: bias})
}

// FLOPs returns the floating-point operations of the matrix products run
// by this tape's ops, forward and backward, since it was created (2·m·n·k
// per product; the elementwise work is not counted).
func (t *Tape) FLOPs() int64 { return t.flops }
