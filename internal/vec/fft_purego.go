//go:build !amd64 || purego

package vec

// Without assembly every FFT kernel is its pure-Go twin.
var fftDispatched = FFTPureGo()
