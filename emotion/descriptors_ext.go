package emotion

import (
	"fmt"
	"math"
	"slices"

	"github.com/mynah-speech/mynah/dsp/fft"
	"github.com/mynah-speech/mynah/dsp/pitch"
)

// NumDescriptorsExtended is the length of the extended descriptor vector:
// the NumDescriptors of the first set followed by the extensions named in
// ExtendedDescriptorNames. A baseline Config with Descriptors set to it
// uses them.
const NumDescriptorsExtended = NumDescriptors + numExtensions

// numExtensions counts the descriptors the extended set adds.
const numExtensions = 2 + 4 + 5 + 5 + 8 + 6 + 2*12 + 2*describerMels

// ExtendedDescriptorNames names the entries of an extended descriptor
// vector, in order. The additions cover more of eGeMAPS (Eyben et al.,
// IEEE TAC 2016) and of its larger sibling ComParE: harmonics-to-noise
// ratio, pitch contour slope, loudness rise and fall, the lengths of
// voiced and unvoiced stretches and pauses, spectral flatness, roll-off
// and entropy, formant frequencies F1–F3 (peaks of a 12-pole LPC envelope,
// the usual proxy when no formant tracker is at hand), MFCC deltas and
// voiced-only MFCC means, and the mean and spread of each log-mel band
// relative to its frame's mean (the spectral envelope, gain-free).
var ExtendedDescriptorNames = func() []string {
	n := slices.Clone(DescriptorNames)
	n = append(n,
		"hnr_mean_db", "hnr_std_db",
		"f0_slope_st_per_s", "f0_delta_std_st", "f0_p10_st", "f0_p90_st",
		"level_rise_db", "level_fall_db", "level_p90_db", "level_peaks_per_s", "level_skew",
		"voiced_run_std_s", "unvoiced_run_mean_s", "unvoiced_run_std_s", "pause_fraction", "pauses_per_s",
		"flatness_mean", "flatness_std", "rolloff_mean", "rolloff_std", "entropy_mean", "entropy_std",
		"centroid_voiced", "centroid_unvoiced",
		"f1_mean_khz", "f1_std_khz", "f2_mean_khz", "f2_std_khz", "f3_mean_khz", "f3_std_khz",
	)
	for k := 1; k <= 12; k++ {
		n = append(n, fmt.Sprintf("dmfcc%d_std", k))
	}
	for k := 1; k <= 12; k++ {
		n = append(n, fmt.Sprintf("mfcc%d_voiced_mean", k))
	}
	for j := range describerMels {
		n = append(n, fmt.Sprintf("mel%02d_rel_mean", j))
	}
	for j := range describerMels {
		n = append(n, fmt.Sprintf("mel%02d_rel_std", j))
	}
	return n
}()

// LPC analysis for the formant proxies: 25 ms Hamming windows of the
// pre-emphasised signal, 12 poles (two per kHz of an 8 kHz band, less
// four: the rule of thumb of Markel and Gray), the envelope read on a
// 512-point grid.
const (
	lpcOrder  = 12
	lpcWindow = 400
	lpcFFT    = 512
)

// lpcScratch is the formant analysis's reusable state.
type lpcScratch struct {
	plan   *fft.Real
	win    []float64
	frame  []float32
	r, a   []float64
	tmp    []float64
	spec   []complex64
	padded []float32
}

func newLPCScratch() (*lpcScratch, error) {
	plan, err := fft.NewReal(lpcFFT)
	if err != nil {
		return nil, err
	}
	s := &lpcScratch{plan: plan, win: make([]float64, lpcWindow), frame: make([]float32, lpcWindow),
		r: make([]float64, lpcOrder+1), a: make([]float64, lpcOrder+1), tmp: make([]float64, lpcOrder+1),
		spec: make([]complex64, lpcFFT/2+1), padded: make([]float32, lpcFFT)}
	for i := range s.win {
		s.win[i] = 0.54 - 0.46*math.Cos(2*math.Pi*float64(i)/float64(lpcWindow-1))
	}
	return s, nil
}

// formants returns the first three peaks (Hz) of the LPC envelope of the
// 25 ms of x centred on sample centre, in 200–5000 Hz, and how many it
// found.
func (s *lpcScratch) formants(x []float32, centre int) (f [3]float64, found int) {
	start := centre - lpcWindow/2
	if start < 0 || start+lpcWindow+1 > len(x) {
		return f, 0
	}
	for i := range lpcWindow {
		// Pre-emphasis 0.97 flattens the glottal tilt so the poles go to
		// the formants.
		s.frame[i] = float32(s.win[i] * float64(x[start+i+1]-0.97*x[start+i]))
	}
	for lag := range lpcOrder + 1 {
		var acc float64
		for i := lag; i < lpcWindow; i++ {
			acc += float64(s.frame[i]) * float64(s.frame[i-lag])
		}
		s.r[lag] = acc
	}
	if s.r[0] <= 1e-10 {
		return f, 0
	}
	s.r[0] *= 1 + 1e-9 // white-noise correction keeps the recursion stable
	// Levinson–Durbin recursion for A(z) = 1 + a1 z⁻¹ + … + ap z⁻ᵖ.
	clear(s.a)
	s.a[0] = 1
	e := s.r[0]
	for i := 1; i <= lpcOrder; i++ {
		acc := s.r[i]
		for j := 1; j < i; j++ {
			acc += s.a[j] * s.r[i-j]
		}
		k := -acc / e
		copy(s.tmp, s.a)
		for j := 1; j < i; j++ {
			s.a[j] = s.tmp[j] + k*s.tmp[i-j]
		}
		s.a[i] = k
		e *= 1 - k*k
		if e <= 0 {
			return f, 0
		}
	}
	clear(s.padded)
	for i, v := range s.a {
		s.padded[i] = float32(v)
	}
	s.plan.Forward(s.spec, s.padded)
	// The envelope is 1/|A|²: its peaks are the minima of |A|².
	mag := func(k int) float64 {
		c := s.spec[k]
		return float64(real(c))*float64(real(c)) + float64(imag(c))*float64(imag(c))
	}
	binHz := float64(SampleRate) / lpcFFT
	lo, hi := int(200/binHz), int(5000/binHz)
	for k := max(lo, 1); k < hi && found < 3; k++ {
		m := mag(k)
		if m < mag(k-1) && m <= mag(k+1) {
			// Parabolic interpolation of the minimum.
			a, b, c := mag(k-1), m, mag(k+1)
			off := 0.0
			if den := a - 2*b + c; den > 0 {
				off = 0.5 * (a - c) / den
			}
			f[found] = (float64(k) + off) * binHz
			found++
		}
	}
	return f, found
}

// extend writes the numExtensions extra descriptors to dst from the
// intermediate results of describe: the pitch track, the log-mel frames
// (describerMels wide), the level of every frame in dB re the loud frames
// and the indices of the active frames. dst is zeroed by the caller.
func (d *describer) extend(dst []float64, x []float32, tr pitch.Track, lm []float32, level []float64, active []int, frames int) {
	i := 0
	put := func(v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
		}
		dst[i] = v
		i++
	}
	const M = describerMels
	isActive := make([]bool, frames)
	for _, t := range active {
		isActive[t] = true
	}

	// Harmonics-to-noise ratio from the YIN dip: d' ≈ noise / total power.
	var hnr, st, stT []float64
	var dst0 []float64
	for _, t := range active {
		if tr.F0[t] > 0 {
			ap := min(max(float64(tr.Aperiodicity[t]), 1e-3), 1-1e-3)
			hnr = append(hnr, 10*math.Log10((1-ap)/ap))
			s := 12 * math.Log2(float64(tr.F0[t])/27.5)
			st = append(st, s)
			stT = append(stT, float64(t)/100)
			if t > 0 && tr.F0[t-1] > 0 {
				dst0 = append(dst0, s-12*math.Log2(float64(tr.F0[t-1])/27.5))
			}
		}
	}
	m, s := meanStd(hnr)
	put(m)
	put(s)
	put(regressionSlope(stT, st))
	_, s = meanStd(dst0)
	put(s)
	put(percentile(slices.Clone(st), 0.1))
	put(percentile(slices.Clone(st), 0.9))

	// Loudness contour: mean rise and fall between active frames, the 90th
	// percentile, peaks per second (local maxima within ±50 ms at most
	// 20 dB below the loudest frames) and skewness.
	var rise, fall, nRise, nFall float64
	act := make([]float64, 0, len(active))
	for j, t := range active {
		act = append(act, level[t])
		if j > 0 && active[j-1] == t-1 {
			if dv := level[t] - level[t-1]; dv > 0 {
				rise += dv
				nRise++
			} else {
				fall -= dv
				nFall++
			}
		}
	}
	peaks := 0
	for t := range frames {
		if !isActive[t] || level[t] < -20 {
			continue
		}
		peak := true
		for u := max(0, t-5); u <= min(frames-1, t+5); u++ {
			if u != t && level[u] > level[t] {
				peak = false
				break
			}
		}
		if peak {
			peaks++
		}
	}
	activeSec := float64(len(active)) / 100
	put(safeDiv(rise, nRise))
	put(safeDiv(fall, nFall))
	put(percentile(slices.Clone(act), 0.9))
	put(float64(peaks) / activeSec)
	put(skewness(act))

	// Voiced and unvoiced stretches between the first and last active
	// frame; pauses are inactive runs of at least 100 ms.
	first, last := active[0], active[len(active)-1]
	var voicedRuns, unvoicedRuns []float64
	var pauses, inactive int
	run, runVoiced, pauseRun := 0, false, 0
	flush := func() {
		if run == 0 {
			return
		}
		if runVoiced {
			voicedRuns = append(voicedRuns, float64(run)/100)
		} else {
			unvoicedRuns = append(unvoicedRuns, float64(run)/100)
		}
		run = 0
	}
	for t := first; t <= last; t++ {
		v := isActive[t] && tr.F0[t] > 0
		if run > 0 && v != runVoiced {
			flush()
		}
		runVoiced = v
		run++
		if !isActive[t] {
			inactive++
			pauseRun++
		} else {
			if pauseRun >= 10 {
				pauses++
			}
			pauseRun = 0
		}
	}
	flush()
	_, s = meanStd(voicedRuns)
	put(s)
	m, s = meanStd(unvoicedRuns)
	put(m)
	put(s)
	span := float64(last-first+1) / 100
	put(float64(inactive) / float64(last-first+1))
	put(float64(pauses) / span)

	// Spectral flatness, 85 % roll-off and entropy of the mel spectrum;
	// centroid over voiced and over unvoiced frames.
	flat := make([]float64, 0, len(active))
	roll := make([]float64, 0, len(active))
	ent := make([]float64, 0, len(active))
	var centV, centU []float64
	pw := make([]float64, M)
	for _, t := range active {
		row := lm[t*M : (t+1)*M]
		var sum, logSum, swi float64
		for j, v := range row {
			pw[j] = math.Exp(float64(v))
			sum += pw[j]
			logSum += float64(v)
			swi += pw[j] * float64(j)
		}
		if sum <= 0 {
			continue
		}
		flat = append(flat, math.Exp(logSum/M)/(sum/M))
		var acc, h float64
		r := M - 1
		for j, p := range pw {
			acc += p
			if acc >= 0.85*sum {
				r = j
				break
			}
		}
		for _, p := range pw {
			if q := p / sum; q > 0 {
				h -= q * math.Log(q)
			}
		}
		roll = append(roll, float64(r)/M)
		ent = append(ent, h/math.Log(M))
		if tr.F0[t] > 0 {
			centV = append(centV, swi/sum/M)
		} else {
			centU = append(centU, swi/sum/M)
		}
	}
	for _, v := range [][]float64{flat, roll, ent} {
		m, s = meanStd(v)
		put(m)
		put(s)
	}
	m, _ = meanStd(centV)
	put(m)
	m, _ = meanStd(centU)
	put(m)

	// Formants of voiced frames.
	var fs [3][]float64
	for _, t := range active {
		if tr.F0[t] <= 0 {
			continue
		}
		f, n := d.lpc.formants(x, t*160)
		for k := range n {
			fs[k] = append(fs[k], f[k]/1000)
		}
	}
	for k := range 3 {
		m, s = meanStd(fs[k])
		put(m)
		put(s)
	}

	// MFCC deltas (±2 frames, the HTK regression) and voiced-only means.
	cep := make([][]float64, frames)
	for t := range frames {
		if !isActive[t] {
			continue
		}
		row := lm[t*M : (t+1)*M]
		c := make([]float64, 12)
		for k := range 12 {
			for j, v := range row {
				c[k] += d.dct[k*M+j] * float64(v)
			}
		}
		cep[t] = c
	}
	var deltas [12][]float64
	var voicedCep [12][]float64
	for _, t := range active {
		if tr.F0[t] > 0 {
			for k := range 12 {
				voicedCep[k] = append(voicedCep[k], cep[t][k])
			}
		}
		if t < 2 || t+2 >= frames || cep[t-2] == nil || cep[t-1] == nil || cep[t+1] == nil || cep[t+2] == nil {
			continue
		}
		for k := range 12 {
			dv := (cep[t+1][k] - cep[t-1][k] + 2*(cep[t+2][k]-cep[t-2][k])) / 10
			deltas[k] = append(deltas[k], dv)
		}
	}
	for k := range 12 {
		_, s = meanStd(deltas[k])
		put(s)
	}
	for k := range 12 {
		m, _ = meanStd(voicedCep[k])
		put(m)
	}

	// Each mel band relative to its frame's mean: the spectral envelope
	// without the level.
	var bandMean, bandSq [M]float64
	for _, t := range active {
		row := lm[t*M : (t+1)*M]
		var mu float64
		for _, v := range row {
			mu += float64(v)
		}
		mu /= M
		for j, v := range row {
			r := float64(v) - mu
			bandMean[j] += r
			bandSq[j] += r * r
		}
	}
	n := float64(len(active))
	for j := range M {
		put(bandMean[j] / n)
	}
	for j := range M {
		mu := bandMean[j] / n
		put(math.Sqrt(max(0, bandSq[j]/n-mu*mu)))
	}
	if i != numExtensions {
		panic(fmt.Sprintf("emotion: %d extended descriptors written, want %d", i, numExtensions))
	}
}

// regressionSlope is the least-squares slope of y on x (0 with fewer than
// two points).
func regressionSlope(x, y []float64) float64 {
	if len(x) < 2 {
		return 0
	}
	mx, _ := meanStd(x)
	my, _ := meanStd(y)
	var sxy, sxx float64
	for i := range x {
		sxy += (x[i] - mx) * (y[i] - my)
		sxx += (x[i] - mx) * (x[i] - mx)
	}
	return safeDiv(sxy, sxx)
}

// skewness is the third standardised moment (0 when flat or too short).
func skewness(x []float64) float64 {
	m, s := meanStd(x)
	if s == 0 {
		return 0
	}
	var acc float64
	for _, v := range x {
		d := (v - m) / s
		acc += d * d * d
	}
	return acc / float64(len(x))
}
