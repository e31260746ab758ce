package vad

import (
	"encoding/gob"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/vad"
)

// The post-processing study (issue 6, boundary accuracy): the shipped
// model's region probabilities are computed once per scene and level, then
// decision rules are replayed on them offline. Run with
//
//	MYNAH_VAD_STUDY=1 go test -run TestPostStudy -v -timeout 30m ./train/vad
//
// It reports every rule on all evaluation scenes, on the even ones (which
// tune chooses on) and on the odd ones (which it never sees). Figures are
// in models/VAD.md ("Decision rule").

type studyLevel struct {
	SNR   float64
	Probs [][]float32 // per scene
	// Levels are 5 ms frame levels (dB) of the noisy audio after a
	// first-order pre-emphasis, per scene.
	Levels [][]float32
}

type studySet struct {
	Scenes []Scene
	Levels []studyLevel
}

// post is one decision rule over region probabilities.
type post struct {
	name         string
	on, off      float32 // start when p ≥ on; a region is silence when p < off
	minSpeech    int     // regions
	minSilence   int     // regions
	back         bool    // move a start back over the run of p ≥ off before it
	startShift   int64   // samples added to every start
	endShift     int64   // samples added to every end
	refineRadius int     // regions searched around each boundary for the 0.5 crossing (0: none)
	refineMid    float32
	// energy refinement: search ±energyMs around each boundary in 5 ms
	// levels for the crossing of the local floor + energyDB.
	energyMs int
	energyDB float32
	// smooth replaces each probability by the median (1) or mean (2) of
	// it and its two neighbours: one region (20 ms) more look-ahead.
	smooth int
}

const level5 = 80 // samples per 5 ms frame

// levels5 returns the 5 ms frame levels (dB) of x after pre-emphasis
// (y[n] = x[n] − 0.97 x[n−1]), which tilts low-frequency noise away.
func levels5(x []float32) []float32 {
	out := make([]float32, len(x)/level5)
	var prev float32
	for i := range out {
		var sum float64
		for _, v := range x[i*level5 : (i+1)*level5] {
			y := v - 0.97*prev
			prev = v
			sum += float64(y) * float64(y)
		}
		out[i] = float32(10 * math.Log10(sum/level5+1e-12))
	}
	return out
}

// smooth3 is the mean of the three levels centred on i (clipped).
func smooth3(lv []float32, i int) float32 {
	lo, hi := max(0, i-1), min(len(lv)-1, i+1)
	var s float32
	for k := lo; k <= hi; k++ {
		s += lv[k]
	}
	return s / float32(hi-lo+1)
}

// refineEnergy moves a boundary at sample b to where the 5 ms level
// crosses floor + db, the floor being the lowest smoothed level in the
// 300 ms on the boundary's silent side (within what a streaming detector
// has heard: avail samples past b for an end).
func refineEnergy(lv []float32, b int64, radiusMs int, db float32, start bool, avail int64) int64 {
	f0 := int(b / level5)
	r := radiusMs / 5
	if f0 >= len(lv) {
		return b
	}
	floor := float32(math.Inf(1))
	if start {
		for f := max(0, f0-60); f <= f0; f++ {
			floor = min(floor, smooth3(lv, f))
		}
	} else {
		last := min(len(lv)-1, f0+60, f0+int(avail/level5))
		for f := f0; f <= last; f++ {
			floor = min(floor, smooth3(lv, f))
		}
	}
	thr := floor + db
	above := func(f int) bool { return f >= 0 && f < len(lv) && smooth3(lv, f) >= thr }
	if start {
		for f := max(0, f0-r); f <= min(len(lv)-3, f0+r); f++ {
			if above(f) && above(f+1) && above(f+2) {
				return int64(f) * level5
			}
		}
		return b
	}
	hi := min(len(lv)-1, f0+r, f0+int(avail/level5))
	for f := hi; f >= max(2, f0-r); f-- {
		if above(f) && above(f-1) && above(f-2) {
			return int64(f+1) * level5
		}
	}
	return b
}

const studyStep = 320

func (p post) spans(probs []float32, lv []float32, n int) []vad.Span {
	if p.smooth > 0 {
		sm := make([]float32, len(probs))
		for i := range probs {
			a, b, c := probs[max(0, i-1)], probs[i], probs[min(len(probs)-1, i+1)]
			if p.smooth == 1 {
				sm[i] = max(min(a, b), min(max(a, b), c))
			} else {
				sm[i] = (a + b + c) / 3
			}
		}
		probs = sm
	}
	var out []vad.Span
	in := false
	speechRun, silenceRun := 0, 0
	var runStart, start int
	for i, pr := range probs {
		if !in {
			if pr >= p.on {
				if speechRun == 0 {
					runStart = i
				}
				speechRun++
				if speechRun >= p.minSpeech {
					in, silenceRun = true, 0
					start = runStart
					if p.back {
						for start > 0 && probs[start-1] >= p.off {
							start--
						}
					}
					if len(out) > 0 && int64(start*studyStep) <= out[len(out)-1].End {
						start = int(out[len(out)-1].End / studyStep)
					}
				}
			} else {
				speechRun = 0
			}
			continue
		}
		if pr >= p.off {
			silenceRun = 0
			continue
		}
		if silenceRun == 0 {
			runStart = i
		}
		silenceRun++
		if silenceRun >= p.minSilence {
			in, speechRun = false, 0
			out = append(out, vad.Span{Start: int64(start * studyStep), End: int64(runStart * studyStep)})
		}
	}
	if in {
		out = append(out, vad.Span{Start: int64(start * studyStep), End: int64(n)})
	}
	for i := range out {
		if p.refineRadius > 0 {
			out[i].Start = refineCross(probs, int(out[i].Start/studyStep), p.refineRadius, p.refineMid, true)
			if out[i].End < int64(n) {
				out[i].End = refineCross(probs, int(out[i].End/studyStep), p.refineRadius, p.refineMid, false)
			}
		}
		if p.energyMs > 0 {
			out[i].Start = refineEnergy(lv, out[i].Start, p.energyMs, p.energyDB, true, 0)
			if out[i].End < int64(n) {
				avail := int64(p.minSilence*studyStep + 1200)
				out[i].End = refineEnergy(lv, out[i].End, p.energyMs, p.energyDB, false, avail)
			}
		}
		out[i].Start = max(0, out[i].Start+p.startShift)
		out[i].End = min(int64(n), out[i].End+p.endShift)
	}
	// Keep spans ordered and disjoint.
	var clean []vad.Span
	for _, s := range out {
		if s.End <= s.Start {
			continue
		}
		if len(clean) > 0 && s.Start <= clean[len(clean)-1].End {
			clean[len(clean)-1].End = max(clean[len(clean)-1].End, s.End)
			continue
		}
		clean = append(clean, s)
	}
	return clean
}

// refineCross moves a boundary at region b to the nearest crossing of mid
// within radius: for a start the first region ≥ mid after one below it,
// for an end the first region below mid after one ≥ it.
func refineCross(probs []float32, b, radius int, mid float32, start bool) int64 {
	best, bestD := b, radius+1
	for j := max(1, b-radius); j <= min(len(probs)-1, b+radius); j++ {
		var cross bool
		if start {
			cross = probs[j] >= mid && probs[j-1] < mid
		} else {
			cross = probs[j] < mid && probs[j-1] >= mid
		}
		if d := abs(j - b); cross && d < bestD {
			best, bestD = j, d
		}
	}
	return int64(best * studyStep)
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

type studyScore struct {
	f1, median, p90          float64
	startBias, endBias       float64 // median signed error (ms) of boundaries within 300 ms
	startP10, startP90       float64
	endP10, endP90           float64
	mergedStarts, mergedEnds int // errors over 300 ms
}

func scoreStudy(set studySet, level int, p post) studyScore {
	var c Counts
	var errs []int64
	var sStart, sEnd []float64
	var s studyScore
	for i, sc := range set.Scenes {
		n := len(sc.Clean)
		hyp := p.spans(set.Levels[level].Probs[i], set.Levels[level].Levels[i], n)
		c.Add(FrameCounts(sc.Speech, hyp, n))
		errs = append(errs, BoundaryErrors(sc.Speech, hyp, n)...)
		for _, r := range sc.Speech {
			bs, be := int64(math.MaxInt64), int64(math.MaxInt64)
			for _, h := range hyp {
				if d := h.Start - r.Start; abs64(d) < abs64(bs) {
					bs = d
				}
				if d := h.End - r.End; abs64(d) < abs64(be) {
					be = d
				}
			}
			if abs64(bs) <= 4800 {
				sStart = append(sStart, float64(bs)/16)
			} else {
				s.mergedStarts++
			}
			if abs64(be) <= 4800 {
				sEnd = append(sEnd, float64(be)/16)
			} else {
				s.mergedEnds++
			}
		}
	}
	slices.Sort(errs)
	slices.Sort(sStart)
	slices.Sort(sEnd)
	q := func(xs []float64, f float64) float64 {
		if len(xs) == 0 {
			return 0
		}
		return xs[int(f*float64(len(xs)-1)+0.5)]
	}
	s.f1 = c.F1()
	s.median = float64(errs[len(errs)/2]) / 16
	s.p90 = float64(errs[int(0.9*float64(len(errs)-1)+0.5)]) / 16
	s.startBias, s.startP10, s.startP90 = q(sStart, 0.5), q(sStart, 0.1), q(sStart, 0.9)
	s.endBias, s.endP10, s.endP90 = q(sEnd, 0.5), q(sEnd, 0.1), q(sEnd, 0.9)
	return s
}

func buildStudySet(t *testing.T, cache string, scenes []Scene, bank *augment.NoiseBank, m *vad.Model) studySet {
	if f, err := os.Open(cache); err == nil {
		defer f.Close()
		var s studySet
		if err := gob.NewDecoder(f).Decode(&s); err == nil {
			return s
		}
	}
	set := studySet{Scenes: scenes}
	for _, snr := range append([]float64{Clean}, EvalSNRs...) {
		lv := studyLevel{SNR: snr}
		for _, sc := range scenes {
			x := sc.Noisy(snr, bank)
			lv.Probs = append(lv.Probs, m.SpeechProbabilities(x))
			lv.Levels = append(lv.Levels, levels5(x))
		}
		set.Levels = append(set.Levels, lv)
	}
	for i := range set.Scenes {
		set.Scenes[i].Clean = set.Scenes[i].Clean[:len(set.Scenes[i].Clean):len(set.Scenes[i].Clean)]
	}
	if f, err := os.Create(cache); err == nil {
		gob.NewEncoder(f).Encode(set)
		f.Close()
	}
	return set
}

func TestPostStudy(t *testing.T) {
	if os.Getenv("MYNAH_VAD_STUDY") == "" {
		t.Skip("set MYNAH_VAD_STUDY=1 to run the post-processing study")
	}
	m := shippedModel(t)
	dir := filepath.Join(os.TempDir(), "mynah-vad-study")
	os.MkdirAll(dir, 0o755)
	evalScenes, evalBank := devData(t, 0)
	eval := buildStudySet(t, filepath.Join(dir, "eval.gob"), evalScenes, evalBank, m)
	t.Logf("eval set: %d scenes", len(eval.Scenes))

	base := post{name: "shipped", on: 0.8, off: 0.8, minSpeech: 3, minSilence: 25}
	report := func(set studySet, p post) {
		line := fmt.Sprintf("%-40s", p.name)
		for li := range set.Levels {
			s := scoreStudy(set, li, p)
			line += fmt.Sprintf(" | %.3f %4.0f", s.f1, s.median)
			if set.Levels[li].SNR == 10 {
				line += fmt.Sprintf(" p90 %4.0f bias s%+4.0f[%+4.0f,%+4.0f] e%+4.0f[%+4.0f,%+4.0f] far %d/%d",
					s.p90, s.startBias, s.startP10, s.startP90, s.endBias, s.endP10, s.endP90, s.mergedStarts, s.mergedEnds)
			}
		}
		t.Log(line)
	}
	variants := []post{base}
	// Plain rules: threshold, minimum speech, hangover (what tune searches).
	for _, thr := range []float32{0.7, 0.8, 0.85, 0.9} {
		for _, sil := range []int{3, 5, 10, 15} {
			for _, ms := range []int{1, 3} {
				variants = append(variants, post{name: fmt.Sprintf("thr %.2f sil %d ms %d", thr, sil*20, ms*20), on: thr, off: thr, minSpeech: ms, minSilence: sil})
			}
		}
	}
	// Two thresholds (start on the higher, stay above the lower, starts
	// moved back over the lower), refinement at the 0.5 crossing of the
	// probability, and refinement on 5 ms pre-emphasised energy.
	for _, r := range []post{
		{name: "on .8 off .5 sil 200 back", on: 0.8, off: 0.5, minSpeech: 3, minSilence: 10, back: true},
		{name: "on .8 off .7 sil 60 back", on: 0.8, off: 0.7, minSpeech: 1, minSilence: 3, back: true},
		{name: "on .9 off .9 sil 60 p.5 ±80ms", on: 0.9, off: 0.9, minSpeech: 1, minSilence: 3, refineRadius: 4, refineMid: 0.5},
	} {
		variants = append(variants, r)
	}
	// Smoothing the probabilities over three regions.
	for _, sm := range []int{1, 2} {
		for _, sil := range []int{3, 15} {
			for _, ms := range []int{1, 3} {
				variants = append(variants, post{name: fmt.Sprintf("thr .85 sil %d ms %d smooth %d", sil*20, ms*20, sm), on: 0.85, off: 0.85, minSpeech: ms, minSilence: sil, smooth: sm})
			}
		}
	}
	// Compensating the measured bias: ends come a median 24 ms late.
	for _, shiftMs := range []int64{-10, -20, -40} {
		variants = append(variants, post{name: fmt.Sprintf("thr .85 sil 60 end %+dms", shiftMs), on: 0.85, off: 0.85, minSpeech: 1, minSilence: 3, endShift: shiftMs * 16})
	}
	for _, ems := range []int{60, 100} {
		for _, edb := range []float32{3, 6, 9} {
			variants = append(variants, post{name: fmt.Sprintf("thr .85 sil 60 E±%d/%gdB", ems, edb), on: 0.85, off: 0.85, minSpeech: 1, minSilence: 3, energyMs: ems, energyDB: edb})
		}
	}
	t.Log("evaluation set")
	for _, v := range variants {
		report(eval, v)
	}
	even, odd := splitStudy(eval)
	t.Log("evaluation set, even scenes")
	for _, v := range variants {
		report(even, v)
	}
	t.Log("evaluation set, odd scenes")
	for _, v := range variants {
		report(odd, v)
	}
}

// splitStudy splits a set into its even and odd scenes.
func splitStudy(s studySet) (even, odd studySet) {
	for i, sc := range s.Scenes {
		dst := &even
		if i%2 == 1 {
			dst = &odd
		}
		dst.Scenes = append(dst.Scenes, sc)
	}
	for _, lv := range s.Levels {
		e, o := studyLevel{SNR: lv.SNR}, studyLevel{SNR: lv.SNR}
		for i := range lv.Probs {
			dst := &e
			if i%2 == 1 {
				dst = &o
			}
			dst.Probs = append(dst.Probs, lv.Probs[i])
			dst.Levels = append(dst.Levels, lv.Levels[i])
		}
		even.Levels, odd.Levels = append(even.Levels, e), append(odd.Levels, o)
	}
	return even, odd
}
