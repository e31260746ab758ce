package vec

// Path names the kernel family the dispatched functions use on this
// machine: "avx512", "avx2" or "purego". Benchmarks and model cards report it.
func Path() string {
	switch {
	case hasAVX512:
		return "avx512"
	case hasAVX2FMA:
		return "avx2"
	default:
		return "purego"
	}
}
