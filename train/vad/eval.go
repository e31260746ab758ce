package vad

import (
	"crypto/sha256"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/vad"
)

// EvalSeed fixes the evaluation set: utterance order, gaps and noise.
const EvalSeed = 6

// evalSceneSeconds is the length each evaluation scene grows to.
const evalSceneSeconds = 60

// Gaps between the utterances of the evaluation set, as the issue asks.
const (
	minGapSeconds = 0.2
	maxGapSeconds = 2.0
)

// EvalSNRs are the noise levels of the evaluation, in dB.
var EvalSNRs = []float64{20, 10, 5}

// BuildEvalScenes builds the evaluation set deterministically from the dev
// entries (the speaker-disjoint dev split: FSDD digits and utterances):
// entries are ordered by SHA-256 of EvalSeed and their id, then
// concatenated into scenes of about a minute with gaps drawn uniformly from
// 0.2–2 s (and the same before the first and after the last utterance),
// filled with faint dither. load returns an entry's 16 kHz samples.
// Entries whose audio holds no speech by the energy trim are skipped.
func BuildEvalScenes(entries []corpora.Entry, load func(corpora.Entry) ([]float32, error)) ([]Scene, error) {
	order := slices.Clone(entries)
	key := func(e corpora.Entry) string {
		sum := sha256.Sum256([]byte(strconv.Itoa(EvalSeed) + ":" + e.Corpus + "/" + e.ID))
		return string(sum[:])
	}
	slices.SortFunc(order, func(a, b corpora.Entry) int {
		ka, kb := key(a), key(b)
		switch {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	var scenes []Scene
	var cur *Scene
	var rng = augment.NewRNG(EvalSeed, "gaps", 0)
	gap := func() int {
		return int((minGapSeconds + (maxGapSeconds-minGapSeconds)*rng.Float64()) * SampleRate)
	}
	finish := func() {
		if cur == nil {
			return
		}
		cur.Clean = appendGap(cur.Clean, gap())
		addDither(cur.Clean, augment.NewRNG(EvalSeed, cur.Key+"/dither", 0))
		scenes = append(scenes, *cur)
		cur = nil
	}
	for _, e := range order {
		x, err := load(e)
		if err != nil {
			return nil, fmt.Errorf("eval set: %s: %w", e.ID, err)
		}
		if cur == nil {
			cur = &Scene{Key: fmt.Sprintf("eval%03d", len(scenes))}
			cur.Clean = appendGap(cur.Clean, gap())
		} else {
			cur.Clean = appendGap(cur.Clean, gap())
		}
		if !cur.place(item{id: e.Corpus + "/" + e.ID, samples: x}) {
			continue
		}
		if len(cur.Clean) >= evalSceneSeconds*SampleRate {
			finish()
		}
	}
	finish()
	return scenes, nil
}

// Clean is the SNR that Evaluate and Scene.Noisy take for no noise.
var Clean = math.Inf(1)

// Noisy returns the scene with held-out noise (augment.DevNoise) at snrDB;
// the clip and offset depend only on the scene, so every level carries the
// same noise. math.Inf(1) returns the clean scene.
func (s Scene) Noisy(snrDB float64, bank *augment.NoiseBank) []float32 {
	if math.IsInf(snrDB, 1) {
		return s.Clean
	}
	y, _ := augment.NoisyDev(s.Clean, "vad/"+s.Key, snrDB, bank)
	return y
}

// noisyTyped is Noisy that also names the noise type ("none" for clean).
func (s Scene) noisyTyped(snrDB float64, bank *augment.NoiseBank) ([]float32, string) {
	if math.IsInf(snrDB, 1) {
		return s.Clean, "none"
	}
	y, id := augment.NoisyDev(s.Clean, "vad/"+s.Key, snrDB, bank)
	for _, c := range bank.Clips {
		if c.ID == id {
			return y, c.Type
		}
	}
	return y, "none"
}

// evalFrame is the frame of the frame-level scores: 10 ms.
const evalFrame = SampleRate / 100

// frameMask returns, for each 10 ms frame of n samples, whether its centre
// lies inside one of spans.
func frameMask(spans []vad.Span, n int) []bool {
	out := make([]bool, n/evalFrame)
	for _, sp := range spans {
		for f := max(0, int(sp.Start)/evalFrame-1); f < len(out); f++ {
			c := int64(f*evalFrame + evalFrame/2)
			if c >= sp.End {
				break
			}
			if c >= sp.Start {
				out[f] = true
			}
		}
	}
	return out
}

// Counts are frame-level confusion counts (speech is the positive class).
type Counts struct {
	TP, FP, FN, TN int
}

// Add accumulates o.
func (c *Counts) Add(o Counts) { c.TP += o.TP; c.FP += o.FP; c.FN += o.FN; c.TN += o.TN }

// F1 is the harmonic mean of speech precision and recall (1 when there is
// no speech and none was found).
func (c Counts) F1() float64 {
	if c.TP+c.FP+c.FN == 0 {
		return 1
	}
	return 2 * float64(c.TP) / float64(2*c.TP+c.FP+c.FN)
}

// Precision and Recall of the speech class.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is the share of reference speech frames found.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// FrameCounts compares hypothesis spans with reference spans over n samples,
// frame by frame.
func FrameCounts(ref, hyp []vad.Span, n int) Counts {
	r, h := frameMask(ref, n), frameMask(hyp, n)
	var c Counts
	for i := range r {
		switch {
		case r[i] && h[i]:
			c.TP++
		case h[i]:
			c.FP++
		case r[i]:
			c.FN++
		default:
			c.TN++
		}
	}
	return c
}

// BoundaryErrors returns, for every reference start and end, the distance
// in samples to the nearest hypothesis boundary of the same kind. With no
// hypothesis boundary of that kind the distance is the scene length n
// (counted, so that missing everything cannot look precise).
func BoundaryErrors(ref, hyp []vad.Span, n int) []int64 {
	var starts, ends []int64
	for _, h := range hyp {
		starts, ends = append(starts, h.Start), append(ends, h.End)
	}
	nearest := func(xs []int64, v int64) int64 {
		best := int64(n)
		for _, x := range xs {
			best = min(best, abs64(x-v))
		}
		return best
	}
	out := make([]int64, 0, 2*len(ref))
	for _, r := range ref {
		out = append(out, nearest(starts, r.Start), nearest(ends, r.End))
	}
	return out
}

func abs64(x int64) int64 {
	if x < 0 {
		return -x
	}
	return x
}

// Spans turns a detector's events into speech spans.
func Spans(events []vad.Event) []vad.Span {
	var out []vad.Span
	start := int64(-1)
	for _, ev := range events {
		switch ev.Kind {
		case vad.SpeechStart:
			start = ev.Sample
		case vad.SpeechEnd:
			if start >= 0 {
				out = append(out, vad.Span{Start: start, End: ev.Sample})
			}
			start = -1
		}
	}
	return out
}

// Detect runs a fresh detector over samples in 100 ms chunks, as a live
// stream would arrive, and returns its speech spans.
func Detect(det vad.Detector, samples []float32) []vad.Span {
	var events []vad.Event
	const chunk = SampleRate / 10
	for i := 0; i < len(samples); i += chunk {
		events = det.Push(samples[i:min(i+chunk, len(samples))], events)
	}
	return Spans(det.Flush(events))
}

// Result is one detector's score at one noise level.
type Result struct {
	Detector string `json:"detector"`
	// SNR is the noise level in dB; Clean marks the scenes without noise
	// (SNR then 0).
	SNR    float64 `json:"snr_db"`
	Clean  bool    `json:"clean,omitempty"`
	Frames Counts  `json:"frames"`
	F1     float64 `json:"f1"`
	// MedianMs and P90Ms are the boundary errors' median and 90th
	// percentile in milliseconds.
	MedianMs float64 `json:"median_boundary_ms"`
	P90Ms    float64 `json:"p90_boundary_ms"`
	// Boundaries is how many reference boundaries were scored.
	Boundaries int `json:"boundaries"`
	// F1ByNoise is the frame F1 per noise type.
	F1ByNoise map[string]float64 `json:"f1_by_noise,omitempty"`
}

// Evaluate scores detectors made by newDet on every scene at snrDB.
func Evaluate(name string, scenes []Scene, snrDB float64, bank *augment.NoiseBank, newDet func() (vad.Detector, error)) (Result, error) {
	var c Counts
	var errs []int64
	byNoise := map[string]*Counts{}
	for _, s := range scenes {
		x, typ := s.noisyTyped(snrDB, bank)
		det, err := newDet()
		if err != nil {
			return Result{}, err
		}
		hyp := Detect(det, x)
		sc := FrameCounts(s.Speech, hyp, len(x))
		c.Add(sc)
		if byNoise[typ] == nil {
			byNoise[typ] = &Counts{}
		}
		byNoise[typ].Add(sc)
		errs = append(errs, BoundaryErrors(s.Speech, hyp, len(x))...)
	}
	f1s := map[string]float64{}
	for typ, nc := range byNoise {
		f1s[typ] = nc.F1()
	}
	slices.Sort(errs)
	ms := func(q float64) float64 { return quantileMs(errs, q) }
	clean := math.IsInf(snrDB, 1)
	if clean {
		snrDB = 0
	}
	return Result{Detector: name, SNR: snrDB, Clean: clean, Frames: c, F1: c.F1(), MedianMs: ms(0.5), P90Ms: ms(0.9), Boundaries: len(errs), F1ByNoise: f1s}, nil
}

// CutsInsideWords returns the cut points (segment starts and ends) that
// fall inside a word of the scene: inside a reference speech span but not
// in one of its pauses. tolerance allows that much overlap into a word
// edge (the trim's 10 ms frame).
func CutsInsideWords(s Scene, chunks []vad.Chunk, tolerance int64) []int64 {
	inside := func(x int64) bool {
		for _, sp := range s.Speech {
			if x > sp.Start+tolerance && x < sp.End-tolerance {
				for _, p := range s.Pauses {
					if x >= p.Start-tolerance && x <= p.End+tolerance {
						return false
					}
				}
				return true
			}
		}
		return false
	}
	var bad []int64
	for _, c := range chunks {
		for _, x := range []int64{c.Start, c.End} {
			if inside(x) {
				bad = append(bad, x)
			}
		}
	}
	return bad
}
