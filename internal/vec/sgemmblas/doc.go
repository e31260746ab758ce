// Package sgemmblas is OpenBLAS's cblas_sgemm through cgo, a peer for
// internal/vec's BenchmarkSgemm (impl=openblas) and nothing else.
//
// Its code builds only with the openblas build tag (and cgo), so mynah
// never needs cgo or OpenBLAS. It is a package of its own because Go does
// not allow cgo in a package with Go assembly, as internal/vec has.
//
//	apt-get install -y libopenblas-dev
//	env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE go test -tags openblas -bench Sgemm -run '^$' ./internal/vec/
package sgemmblas
