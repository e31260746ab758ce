package vec

// Path names the kernel family the dispatched functions use on this
// machine: "avx2" or "purego". (There are no AVX-512 kernels yet: machines
// with AVX-512 run the AVX2 ones.) Benchmarks and model cards report it.
func Path() string {
	if hasAVX2FMA {
		return "avx2"
	}
	return "purego"
}
