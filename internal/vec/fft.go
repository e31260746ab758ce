package vec

// FFT kernels. The transforms in dsp/fft are built from these passes over
// split (structure-of-arrays) complex data: real parts in one slice,
// imaginary parts in another, which lets every butterfly work on eight
// lanes at once.
//
// The radix passes are one stage of Stockham's autosort FFT in its
// decimation-in-frequency form (Stockham 1966; the formulation of
// Takahashi's OTFFT): a stage of radix r on a sub-transform of length
// n = r·m with stride s reads x[q + s·(p + k·m)] and writes
// y[q + s·(r·p + k)] for p < m, q < s, k < r, multiplying output k by the
// twiddle W_n^(k·p). Starting with s = 1 and multiplying s by r each
// stage leaves the DFT in natural order, with no bit reversal. Starting
// with s = 8 computes eight interleaved transforms side by side, which is
// what the four-step driver in dsp/fft does so that every pass runs on
// whole 8-lane vectors (Bailey 1990, "FFTs in external or hierarchical
// memory").

// FFTKernels is one complete set of FFT kernels. FFTDispatched returns the
// set this machine runs (chosen once, at init, from the CPU features) and
// FFTPureGo the pure-Go twins, so a caller can compare or benchmark both
// in one process without any global switch.
type FFTKernels struct {
	// Radix2 .. Radix5 run one Stockham stage of radix r: m butterflies per
	// lane, stride s, on sub-transforms of length n = r·m. tw holds
	// W_n^(k·p) for p < m, k = 1..r−1, as (re, im) pairs (see
	// FFTTwiddles). Each of yr, yi, xr, xi holds at least r·m·s values.
	Radix2, Radix3, Radix4, Radix5 func(yr, yi, xr, xi, tw []float32, m, s int)

	// Finish8 is the last two steps of the four-step FFT of length
	// M = 8·n1: x holds n1 rows of 8 values, row k1 lane n2 being the
	// n1-point DFT of column n2. Each row is multiplied by its twiddles
	// (twr, twi)[8·k1+n2] = W_M^(n2·k1), and an 8-point DFT across the
	// lanes of every row gives y[k1 + n1·k2]. x and y must not overlap.
	Finish8 func(yr, yi, xr, xi, twr, twi []float32, n1 int)

	// RealPost turns Z, the m-point complex DFT of z[j] = x[2j] + i·x[2j+1],
	// into X[k], k < m, the first half of the 2m-point DFT of the real x
	// (the split of Sorensen et al. 1987, "Real-valued fast Fourier
	// transform algorithms"). zr and zi hold m+1 values with Z[m] = Z[0];
	// (twr, twi)[k] = W_2m^k / 2; (yr, yi) get m values. X[m] = Zr[0] − Zi[0]
	// is left to the caller.
	RealPost func(yr, yi, zr, zi, twr, twi []float32, m int)

	// Deinterleave splits src into its even-indexed values (even) and its
	// odd-indexed values (odd); len(src) = 2·len(even) = 2·len(odd).
	Deinterleave func(even, odd, src []float32)

	// Interleave writes re[j], im[j] to dst[2j], dst[2j+1] for j < len(re):
	// split complex data to the memory layout of []complex64.
	Interleave func(dst, re, im []float32)

	// SquareSum writes dst[j] = re[j]² + im[j]², j < len(dst): the power
	// spectrum of split complex data.
	SquareSum func(dst, re, im []float32)
}

// FFTPureGo returns the pure-Go FFT kernels.
func FFTPureGo() FFTKernels {
	return FFTKernels{
		Radix2:       fftRadix2Generic,
		Radix3:       fftRadix3Generic,
		Radix4:       fftRadix4Generic,
		Radix5:       fftRadix5Generic,
		Finish8:      fftFinish8Generic,
		RealPost:     fftRealPostGeneric,
		Deinterleave: deinterleaveGeneric,
		Interleave:   interleaveGeneric,
		SquareSum:    squareSumGeneric,
	}
}

// FFTDispatched returns the FFT kernels for this machine: AVX2 where the
// CPU has AVX2 and FMA (and the build is not purego), the pure-Go twins
// otherwise. Each assembly kernel handles the shapes it was written for
// (strides that are multiples of 8 lanes) and hands the rest to its twin.
func FFTDispatched() FFTKernels { return fftDispatched }
