package tts

import (
	"math"
)

// CepstralOrder is the number of mel-cepstral coefficients (c1..c24, c0
// left out as it only measures loudness) MCD compares.
const CepstralOrder = 24

// MelCepstrum turns frames×mels log-mel power frames into frames×order
// mel-cepstra, coefficients 1..order of the log amplitude (half the log
// power) on the mel axis: c_m = (1/N)·Σ_i ln A_i·cos(πm(i+½)/N), the
// cosine series ln A(ω̃) = c_0 + 2·Σ c_m cos(mω̃) that SPTK's mel-cepstra
// also follow, so MCD figures are on the usual scale. The spectrum here
// is a mel filterbank's rather than SPTK's all-pass warped one, so the
// figures compare best within this project (ours against the human
// baseline).
func MelCepstrum(mels []float32, frames, nMels, order int) []float64 {
	out := make([]float64, frames*order)
	norm := 1 / float64(nMels)
	for f := 0; f < frames; f++ {
		row := mels[f*nMels : (f+1)*nMels]
		for k := 1; k <= order; k++ {
			var s float64
			for i, v := range row {
				s += 0.5 * float64(v) * math.Cos(math.Pi*float64(k)*(float64(i)+0.5)/float64(nMels))
			}
			out[f*order+k-1] = norm * s
		}
	}
	return out
}

// MCD is the mel-cepstral distortion in dB (Kubichek, 1993: (10/ln 10)·
// sqrt(2·Σ_d (c_d − ĉ_d)²) per frame) between two cepstral sequences of
// different lengths, averaged over the frame pairs of their dynamic time
// warping path (steps (1,0), (0,1), (1,1)), the usual way to compare a
// synthesis with a recording it was not aligned to.
func MCD(a []float64, na int, b []float64, nb int, order int) float64 {
	if na == 0 || nb == 0 {
		return math.NaN()
	}
	dist := func(i, j int) float64 {
		var s float64
		for d := 0; d < order; d++ {
			x := a[i*order+d] - b[j*order+d]
			s += x * x
		}
		return 10 / math.Ln10 * math.Sqrt(2*s)
	}
	// cost[i][j] is the least total distance of a path to (i,j); steps
	// counts its pairs, so the mean is taken along the chosen path.
	cost := make([]float64, na*nb)
	steps := make([]int32, na*nb)
	for i := 0; i < na; i++ {
		for j := 0; j < nb; j++ {
			d := dist(i, j)
			if i == 0 && j == 0 {
				cost[0], steps[0] = d, 1
				continue
			}
			best, bs := math.Inf(1), int32(0)
			try := func(k int) {
				if cost[k] < best {
					best, bs = cost[k], steps[k]
				}
			}
			if i > 0 {
				try((i-1)*nb + j)
			}
			if j > 0 {
				try(i*nb + j - 1)
			}
			if i > 0 && j > 0 {
				try((i-1)*nb + j - 1)
			}
			cost[i*nb+j], steps[i*nb+j] = best+d, bs+1
		}
	}
	return cost[na*nb-1] / float64(steps[na*nb-1])
}
