package vad

import (
	"math"
	"math/rand/v2"
	"slices"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/vad"
)

// SampleRate is the rate of every scene (the PCM cache's and the model's).
const SampleRate = 16000

// trimFrame is the 10 ms frame of the energy trim.
const trimFrame = SampleRate / 100

// Trim thresholds: a frame of clean audio is speech when it is within
// trimRangeDB of the utterance's loudest frame and above trimFloorDB
// (dBFS). 35 dB keeps weak fricatives and final stops of read speech in;
// the floor keeps the hiss of a quiet recording out.
const (
	trimRangeDB = 35
	trimFloorDB = -55
)

// pauseFrames is the shortest run of quiet frames inside an utterance
// that counts as a pause between words (80 ms: longer than the closure of
// a stop consonant). A frame is quiet when its level, median-smoothed
// over 50 ms so one click or breath does not split a pause, is 30 dB
// below the utterance's loudest frame or within 8 dB of its quietest
// tenth (the recording's own background, for noisy recordings).
const (
	pauseFrames       = 8
	pauseRangeDB      = 30
	pauseAboveFloorDB = 8
)

// frameLevels returns the 10 ms frame levels of x in dBFS.
func frameLevels(x []float32) []float64 {
	out := make([]float64, len(x)/trimFrame)
	for i := range out {
		var s float64
		for _, v := range x[i*trimFrame : (i+1)*trimFrame] {
			s += float64(v) * float64(v)
		}
		out[i] = 10 * math.Log10(s/trimFrame+1e-12)
	}
	return out
}

// speechExtent measures an utterance's speech on its clean audio: the span
// from the first to the last frame above the trim threshold, and the
// pauses (runs of at least pauseFrames quiet frames) inside it. ok is
// false when no frame is loud enough.
func speechExtent(x []float32) (span vad.Span, pauses []vad.Span, ok bool) {
	lv := frameLevels(x)
	peak := math.Inf(-1)
	for _, v := range lv {
		peak = max(peak, v)
	}
	thr := max(peak-trimRangeDB, trimFloorDB)
	first, last := -1, -1
	for i, v := range lv {
		if v > thr {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	if first < 0 {
		return vad.Span{}, nil, false
	}
	sorted := slices.Clone(lv)
	slices.Sort(sorted)
	quietBelow := max(peak-pauseRangeDB, sorted[len(sorted)/10]+pauseAboveFloorDB)
	run := 0
	for i := first; i <= last+1; i++ {
		if i <= last && median5(lv, i) <= quietBelow {
			run++
			continue
		}
		if run >= pauseFrames {
			pauses = append(pauses, vad.Span{Start: int64(i-run) * trimFrame, End: int64(i) * trimFrame})
		}
		run = 0
	}
	return vad.Span{Start: int64(first) * trimFrame, End: int64(last+1) * trimFrame}, pauses, true
}

// median5 is the median of the up to five levels centred on i.
func median5(lv []float64, i int) float64 {
	var w [5]float64
	n := copy(w[:], lv[max(0, i-2):min(len(lv), i+3)])
	win := w[:n]
	slices.Sort(win)
	return win[n/2]
}

// Scene is a constructed recording: utterances separated by known gaps,
// with the reference speech spans measured on the clean audio.
type Scene struct {
	Key   string
	Clean []float32
	// Speech are the utterances' trimmed spans, in order.
	Speech []vad.Span
	// Pauses are silences of at least 80 ms inside Speech spans: a cut
	// there falls between words.
	Pauses []vad.Span
	// IDs name the utterance of each Speech span.
	IDs []string
}

// item is one utterance ready to place.
type item struct {
	id      string
	samples []float32
}

// ditherRMS is the level of the faint white noise that fills gaps
// (−70 dBFS), so no stretch is digital silence.
const ditherRMS = 3e-4

func addDither(x []float32, rng *rand.Rand) {
	for i := range x {
		x[i] += float32(ditherRMS * rng.NormFloat64())
	}
}

// appendGap appends n samples of gap.
func appendGap(x []float32, n int) []float32 { return append(x, make([]float32, n)...) }

// place appends an utterance to a scene, recording its trimmed span and
// pauses; an utterance with no speech is skipped.
func (s *Scene) place(it item) bool {
	span, pauses, ok := speechExtent(it.samples)
	if !ok {
		return false
	}
	off := int64(len(s.Clean))
	s.Clean = append(s.Clean, it.samples...)
	s.Speech = append(s.Speech, vad.Span{Start: off + span.Start, End: off + span.End})
	for _, p := range pauses {
		s.Pauses = append(s.Pauses, vad.Span{Start: off + p.Start, End: off + p.End})
	}
	s.IDs = append(s.IDs, it.id)
	return true
}

// regionLabels returns 1 for every region of stepSamples that is at least
// half inside s.Speech, else 0, over n samples.
func regionLabels(speech []vad.Span, n, stepSamples int) []float32 {
	regions := (n + stepSamples - 1) / stepSamples
	out := make([]float32, regions)
	for _, sp := range speech {
		for j := int(sp.Start) / stepSamples; j < regions && int64(j*stepSamples) < sp.End; j++ {
			lo, hi := max(int64(j*stepSamples), sp.Start), min(int64((j+1)*stepSamples), sp.End, int64(n))
			if hi > lo && 2*(hi-lo) >= int64(min(stepSamples, n-j*stepSamples)) {
				out[j] = 1
			}
		}
	}
	return out
}

// musicLike returns n samples of synthetic music at unit power: notes of
// one to three voices with 8 harmonics, plucked or sustained envelopes,
// some vibrato, and now and then a percussive noise burst. Real music is a
// held-out noise type; this teaches the network that harmonic sound with
// pitch is not by itself speech.
func musicLike(n int, rng *rand.Rand) []float32 {
	out := make([]float32, n)
	voices := 1 + rng.IntN(3)
	for v := 0; v < voices; v++ {
		pos := 0
		for pos < n {
			dur := int((0.08 + 0.6*rng.Float64()) * SampleRate)
			midi := 40 + rng.IntN(50)
			f0 := 440 * math.Pow(2, float64(midi-69)/12)
			tilt := 0.5 + rng.Float64()
			decay := 0.05 + 1.5*rng.Float64()
			sustained := rng.IntN(3) == 0
			vib, vibHz := 0.0, 4+3*rng.Float64()
			if rng.IntN(3) == 0 {
				vib = 0.005 + 0.01*rng.Float64()
			}
			amp := 0.3 + 0.7*rng.Float64()
			// Harmonic weights and the decay factor are fixed per note.
			var weight [8]float64
			for h := range weight {
				weight[h] = 1 / math.Pow(float64(h+1), tilt)
			}
			fall := math.Exp(-1 / (decay * SampleRate))
			env := 1.0
			var phase [8]float64
			for i := 0; i < dur && pos+i < n; i++ {
				t := float64(i) / SampleRate
				if !sustained {
					env *= fall
				}
				f := f0
				if vib != 0 {
					f *= 1 + vib*math.Sin(2*math.Pi*vibHz*t)
				}
				var s float64
				for h := range phase {
					fh := f * float64(h+1)
					if fh > 7800 {
						break
					}
					phase[h] += 2 * math.Pi * fh / SampleRate
					s += math.Sin(phase[h]) * weight[h]
				}
				out[pos+i] += float32(amp * math.Min(t/0.01, 1) * env * s)
			}
			pos += dur
		}
	}
	if rng.IntN(2) == 0 { // percussion
		for pos := rng.IntN(SampleRate / 2); pos < n; pos += SampleRate/8 + rng.IntN(SampleRate/2) {
			amp := 0.5 + rng.Float64()
			for i := 0; i < SampleRate/20 && pos+i < n; i++ {
				out[pos+i] += float32(amp * math.Exp(-float64(i)/(SampleRate/200)) * rng.NormFloat64())
			}
		}
	}
	normalise(out)
	return out
}

// normalise scales x to unit power (silence stays silent).
func normalise(x []float32) {
	var s float64
	for _, v := range x {
		s += float64(v) * float64(v)
	}
	if s == 0 {
		return
	}
	g := float32(1 / math.Sqrt(s/float64(len(x))))
	for i := range x {
		x[i] *= g
	}
}

// loadAudio decodes an audio file at SampleRate.
func loadAudio(path string) ([]float32, error) { return audio.Load(path, SampleRate) }
