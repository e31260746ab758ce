//go:build openblas && cgo

package sgemmblas

/*
#cgo CFLAGS: -I/usr/include/x86_64-linux-gnu/openblas-pthread -I/usr/include/openblas
#cgo LDFLAGS: -lopenblas
#include <cblas.h>
*/
import "C"

import "unsafe"

// SingleThread forces OpenBLAS onto one thread, so a comparison is kernel
// against kernel, and returns the core and build it reports.
func SingleThread() string {
	C.openblas_set_num_threads(1)
	return "openblas: core " + C.GoString(C.openblas_get_corename()) +
		", config " + C.GoString(C.openblas_get_config())
}

// Sgemm is cblas_sgemm with internal/vec.Sgemm's row-major arguments. It
// checks nothing: the benchmark hands it valid matrices with m, n, k ≥ 1.
func Sgemm(transA, transB bool, m, n, k int, alpha float32, a []float32, lda int, b []float32, ldb int, beta float32, c []float32, ldc int) {
	tA, tB := uint32(C.CblasNoTrans), uint32(C.CblasNoTrans)
	if transA {
		tA = C.CblasTrans
	}
	if transB {
		tB = C.CblasTrans
	}
	C.cblas_sgemm(C.CblasRowMajor, tA, tB, C.blasint(m), C.blasint(n), C.blasint(k),
		C.float(alpha), (*C.float)(unsafe.Pointer(&a[0])), C.blasint(lda),
		(*C.float)(unsafe.Pointer(&b[0])), C.blasint(ldb),
		C.float(beta), (*C.float)(unsafe.Pointer(&c[0])), C.blasint(ldc))
}
