//go:build amd64 && !purego

package vec

// fftDispatched is chosen once, at package initialisation, from the CPU
// features read in cpu_amd64.go; nothing changes it afterwards.
var fftDispatched = func() FFTKernels {
	k := FFTPureGo()
	if !hasAVX2FMA {
		return k
	}
	return k
}()
