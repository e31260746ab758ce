package emotion

import (
	"fmt"
	"math"
	"slices"

	"github.com/mynah-speech/mynah/dsp/feature"
	"github.com/mynah-speech/mynah/dsp/pitch"
)

// NumDescriptors is the length of the baseline's descriptor vector.
const NumDescriptors = 56

// DescriptorNames names the entries of a descriptor vector, in order.
// They follow the parameter groups of eGeMAPS (Eyben et al., "The Geneva
// Minimalistic Acoustic Parameter Set", IEEE TAC 2016): pitch, jitter,
// shimmer, loudness, rate and spectral balance, plus MFCC statistics.
// Jitter and shimmer are frame-level approximations (the change of the
// YIN period and of the RMS between consecutive voiced 10 ms frames), not
// Praat's cycle-to-cycle measures.
var DescriptorNames = func() []string {
	n := []string{
		"f0_mean_st", "f0_std_st", "f0_p20_st", "f0_p50_st", "f0_p80_st", "f0_range_st", "f0_rise_st", "f0_fall_st",
		"voiced_fraction", "jitter", "shimmer_db", "aperiodicity_mean", "aperiodicity_std",
		"level_mean_db", "level_std_db", "level_p20_db", "level_p50_db", "level_range_db", "level_delta_db", "voiced_minus_unvoiced_db",
		"voiced_runs_per_s", "voiced_run_s", "log_active_s",
		"centroid_mean", "centroid_std", "slope_mean", "slope_std", "flux_mean", "flux_std",
		"alpha_ratio_db", "hammarberg_db", "high_band_db",
	}
	for _, s := range []string{"mean", "std"} {
		for k := 1; k <= 12; k++ {
			n = append(n, fmt.Sprintf("mfcc%d_%s", k, s))
		}
	}
	return n
}()

// descriptorMels is the log-mel front of the descriptors (and of the CNN).
func frontConfig(mels int) feature.Config {
	c := feature.DefaultASR()
	c.NumMels = mels
	return c
}

// describer computes descriptor vectors; it holds the scratch of its
// pitch tracker and mel extractor, so it is not safe for concurrent use.
type describer struct {
	mel     *feature.Extractor
	tracker *pitch.Tracker
	centres []float64 // Hz of each mel band's centre
	dct     []float64 // 12 × mels, orthonormal DCT-II rows 1..12
	lpc     *lpcScratch
}

const describerMels = 40

func newDescriber() (*describer, error) {
	cfg := frontConfig(describerMels)
	mel, err := feature.New(cfg)
	if err != nil {
		return nil, fmt.Errorf("emotion: descriptor front: %w", err)
	}
	tr, err := pitch.New(pitch.Default(int(SampleRate)))
	if err != nil {
		return nil, fmt.Errorf("emotion: pitch: %w", err)
	}
	lpc, err := newLPCScratch()
	if err != nil {
		return nil, fmt.Errorf("emotion: lpc: %w", err)
	}
	d := &describer{mel: mel, tracker: tr, lpc: lpc}
	lo, hi := feature.HzToMel(cfg.FMinHz, cfg.MelScale), feature.HzToMel(cfg.FMaxHz, cfg.MelScale)
	for i := range describerMels {
		d.centres = append(d.centres, feature.MelToHz(lo+(hi-lo)*float64(i+1)/float64(describerMels+1), cfg.MelScale))
	}
	d.dct = make([]float64, 12*describerMels)
	for k := 1; k <= 12; k++ {
		for j := range describerMels {
			d.dct[(k-1)*describerMels+j] = math.Sqrt(2.0/describerMels) * math.Cos(math.Pi*float64(k)*(float64(j)+0.5)/describerMels)
		}
	}
	return d, nil
}

// describe returns the first n descriptors of x (16 kHz, trimmed) in dst:
// n is NumDescriptors or NumDescriptorsExtended. Every value is finite; a
// recording too short to measure gives zeros where a statistic has no
// frames.
func (d *describer) describe(dst []float64, x []float32, n int) []float64 {
	dst = append(dst[:0], make([]float64, n)...)
	if len(x) < 2*trimFrameSamples {
		return dst
	}
	tr := d.tracker.Track(x)
	lm, nMel := d.mel.Compute(x)
	frames := min(len(tr.F0), nMel)
	if frames == 0 {
		return dst
	}
	level := make([]float64, frames)
	for t := range frames {
		level[t] = 20 * math.Log10(float64(tr.RMS[t])+1e-6)
	}
	ref := percentile(slices.Clone(level), 0.95)
	var active []int
	for t := range frames {
		level[t] -= ref
		if level[t] > -35 {
			active = append(active, t)
		}
	}
	if len(active) == 0 {
		return dst
	}
	i := 0
	put := func(v float64) {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			v = 0
		}
		dst[i] = v
		i++
	}

	// Pitch in semitones re 27.5 Hz over voiced frames.
	var st, ap, stVoiced []float64
	var rise, fall, nRise, nFall float64
	var jit, jitRef, shim, nPair float64
	var runs, runFrames, curRun int
	var voicedDB, unvoicedDB []float64
	for _, t := range active {
		if tr.F0[t] > 0 {
			s := 12 * math.Log2(float64(tr.F0[t])/27.5)
			st = append(st, s)
			ap = append(ap, float64(tr.Aperiodicity[t]))
			voicedDB = append(voicedDB, level[t])
			if t > 0 && tr.F0[t-1] > 0 {
				prev := 12 * math.Log2(float64(tr.F0[t-1])/27.5)
				if dv := s - prev; dv > 0 {
					rise += dv
					nRise++
				} else {
					fall -= dv
					nFall++
				}
				p, q := 1/float64(tr.F0[t]), 1/float64(tr.F0[t-1])
				jit += math.Abs(p - q)
				jitRef += p
				if tr.RMS[t] > 0 && tr.RMS[t-1] > 0 {
					shim += math.Abs(20 * math.Log10(float64(tr.RMS[t])/float64(tr.RMS[t-1])))
				}
				nPair++
			}
			curRun++
		} else {
			unvoicedDB = append(unvoicedDB, level[t])
			if curRun >= 3 {
				runs++
				runFrames += curRun
			}
			curRun = 0
		}
	}
	if curRun >= 3 {
		runs++
		runFrames += curRun
	}
	stVoiced = st
	m, s := meanStd(stVoiced)
	p20, p50, p80 := percentile(slices.Clone(stVoiced), 0.2), percentile(slices.Clone(stVoiced), 0.5), percentile(slices.Clone(stVoiced), 0.8)
	put(m)
	put(s)
	put(p20)
	put(p50)
	put(p80)
	put(p80 - p20)
	put(safeDiv(rise, nRise))
	put(safeDiv(fall, nFall))
	put(float64(len(stVoiced)) / float64(len(active)))
	put(safeDiv(jit, jitRef))
	put(safeDiv(shim, nPair))
	m, s = meanStd(ap)
	put(m)
	put(s)

	// Loudness relative to the recording's loud frames (gain invariant).
	act := make([]float64, len(active))
	var delta float64
	for j, t := range active {
		act[j] = level[t]
		if j > 0 {
			delta += math.Abs(level[t] - level[active[j-1]])
		}
	}
	m, s = meanStd(act)
	put(m)
	put(s)
	put(percentile(slices.Clone(act), 0.2))
	put(percentile(slices.Clone(act), 0.5))
	put(percentile(slices.Clone(act), 0.8) - percentile(slices.Clone(act), 0.2))
	put(safeDiv(delta, float64(len(active)-1)))
	mv, _ := meanStd(voicedDB)
	mu, _ := meanStd(unvoicedDB)
	put(mv - mu)

	// Rate: voiced runs (of at least 30 ms) per second of active speech.
	activeSec := float64(len(active)) / 100
	put(float64(runs) / activeSec)
	put(safeDiv(float64(runFrames)/100, float64(runs)))
	put(math.Log(activeSec))

	// Spectral shape from the log-mel frames.
	const M = describerMels
	cent, slope, flux := make([]float64, 0, len(active)), make([]float64, 0, len(active)), make([]float64, 0, len(active))
	var alpha, hamm, high float64
	mfcc := make([][]float64, 12)
	for _, t := range active {
		row := lm[t*M : (t+1)*M]
		var sw, swi, lowE, midE, maxLow, maxHigh, hiE, tot float64
		maxLow, maxHigh = math.Inf(-1), math.Inf(-1)
		var sx, sy, sxy, sxx float64
		for j, v := range row {
			e := math.Exp(float64(v))
			sw += e
			swi += e * float64(j)
			f := d.centres[j]
			switch {
			case f >= 50 && f < 1000:
				lowE += e
			case f >= 1000 && f < 5000:
				midE += e
			}
			if f < 2000 {
				maxLow = max(maxLow, float64(v))
			} else if f < 5000 {
				maxHigh = max(maxHigh, float64(v))
			}
			if f >= 4000 {
				hiE += e
			}
			tot += e
			x := float64(j)
			sx += x
			sy += float64(v)
			sxy += x * float64(v)
			sxx += x * x
		}
		cent = append(cent, safeDiv(swi, sw)/M)
		slope = append(slope, (M*sxy-sx*sy)/(M*sxx-sx*sx))
		alpha += 10 * math.Log10((lowE+1e-12)/(midE+1e-12))
		hamm += 4.343 * (maxLow - maxHigh)
		high += 10 * math.Log10((hiE+1e-12)/(tot+1e-12))
		if t > 0 {
			prev := lm[(t-1)*M : t*M]
			var f float64
			for j := range row {
				f += math.Abs(float64(row[j] - prev[j]))
			}
			flux = append(flux, f/M)
		}
		for k := range 12 {
			var c float64
			for j, v := range row {
				c += d.dct[k*M+j] * float64(v)
			}
			mfcc[k] = append(mfcc[k], c)
		}
	}
	nActive := float64(len(active))
	m, s = meanStd(cent)
	put(m)
	put(s)
	m, s = meanStd(slope)
	put(m)
	put(s)
	m, s = meanStd(flux)
	put(m)
	put(s)
	put(alpha / nActive)
	put(hamm / nActive)
	put(high / nActive)
	var stds [12]float64
	for k := range 12 {
		var mk float64
		mk, stds[k] = meanStd(mfcc[k])
		put(mk)
	}
	for k := range 12 {
		put(stds[k])
	}
	if i != NumDescriptors {
		panic(fmt.Sprintf("emotion: %d descriptors written, want %d", i, NumDescriptors))
	}
	if n > NumDescriptors {
		d.extend(dst[NumDescriptors:], x, tr, lm, level, active, frames)
	}
	return dst
}

func safeDiv(a, b float64) float64 {
	if b == 0 {
		return 0
	}
	return a / b
}

func meanStd(x []float64) (mean, std float64) {
	if len(x) == 0 {
		return 0, 0
	}
	for _, v := range x {
		mean += v
	}
	mean /= float64(len(x))
	for _, v := range x {
		std += (v - mean) * (v - mean)
	}
	return mean, math.Sqrt(std / float64(len(x)))
}

// percentile sorts x and returns its q-quantile (nearest rank); 0 when
// empty.
func percentile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return 0
	}
	slices.Sort(x)
	return x[min(len(x)-1, int(q*float64(len(x))))]
}
