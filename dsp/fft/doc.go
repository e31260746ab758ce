// Package fft computes the discrete Fourier transform of real float32
// signals: the forward transform of a real frame of even length n into its
// n/2+1 non-negative-frequency bins, and the inverse.
//
// A Real plan is built once per length (twiddle tables, factorisation,
// scratch) and then reused for every frame with no allocation. Lengths are
// any even n whose half factors into 2, 3 and 5, which covers the window
// and FFT sizes of speech front-ends: 256, 320, 400, 512, 1024, 2048 ...
//
// The real transform packs the n real samples into an n/2-point complex
// signal (even samples real, odd samples imaginary), transforms that, and
// separates the two halves again with one pass of twiddles (the standard
// "real FFT via half-length complex FFT"). The complex transform is a
// Stockham autosort FFT with radix 4, 2, 3 and 5 stages; when n/2 is a
// multiple of 8 it runs as a four-step FFT (Bailey 1990) whose first step
// works on whole 8-lane vectors and whose last step is an 8-point DFT
// across lanes, so that on amd64 every pass runs in the AVX2 kernels of
// internal/vec. Build with -tags purego to force the pure-Go kernels.
//
// Conventions follow numpy.fft.rfft and torch.fft.rfft:
// X[k] = Σ x[j]·exp(−2πi·jk/n), unscaled; the inverse scales by 1/n so
// that Inverse(Forward(x)) = x.
package fft
