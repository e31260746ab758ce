package vad

import (
	"fmt"
	"io"
	"slices"

	"github.com/mynah-speech/mynah/augment"
	"github.com/mynah-speech/mynah/vad"
)

// tuneSNRs are the levels the decision rule is tuned at.
var tuneSNRs = []float64{20, 10, 5}

// Tuning grid of the learned detector's decision rule: threshold, shortest
// speech run that starts speech, hangover.
var (
	tuneThresholds  = []float64{0.7, 0.75, 0.8, 0.85, 0.9}
	tuneMinSpeechMs = []int{20, 40, 60}
	tuneSilencesMs  = []int{60, 80, 100, 140, 200, 300}
)

// tuneScore is what tuning maximises at one level: frame F1 less the
// median boundary error in seconds (10 ms of median weighs one point of
// F1), so that the rule serves both of the targets.
func tuneScore(r Result) float64 { return r.F1 - r.MedianMs/1000 }

// TuneSplit returns the scenes the decision rule is tuned on (the even
// ones of the evaluation set) and the ones it never sees (the odd ones),
// on which its figures are reported apart.
func TuneSplit(scenes []Scene) (tuneOn, heldOut []Scene) {
	for i, s := range scenes {
		if i%2 == 0 {
			tuneOn = append(tuneOn, s)
		} else {
			heldOut = append(heldOut, s)
		}
	}
	return tuneOn, heldOut
}

// tune picks the learned detector's decision rule on the even evaluation
// scenes (dev speakers, held-out noise at tuneSNRs) by the mean of
// tuneScore; the odd scenes stay out of it. The network runs once per scene
// and level; each rule replays its decisions on those probabilities
// (vad.Model.Replay).
func tune(scenes []Scene, bank *augment.NoiseBank, m *vad.Model, stderr io.Writer) (vad.LearnedConfig, error) {
	scenes, _ = TuneSplit(scenes)
	type sceneProbs struct {
		scene Scene
		n     int
		probs []float32
	}
	levels := make([][]sceneProbs, len(tuneSNRs))
	for li, snr := range tuneSNRs {
		for _, s := range scenes {
			x := s.Noisy(snr, bank)
			levels[li] = append(levels[li], sceneProbs{s, len(x), m.SpeechProbabilities(x)})
		}
	}
	best, bestScore := vad.DefaultLearnedConfig(), -1e9
	for _, thr := range tuneThresholds {
		for _, minSpeech := range tuneMinSpeechMs {
			for _, sil := range tuneSilencesMs {
				c := vad.LearnedConfig{Threshold: thr, MinSpeechMs: minSpeech, MinSilenceMs: sil}
				var sum float64
				for li := range tuneSNRs {
					var counts Counts
					var errs []int64
					for _, sp := range levels[li] {
						events, err := m.Replay(sp.probs, int64(sp.n), c)
						if err != nil {
							return vad.LearnedConfig{}, err
						}
						hyp := Spans(events)
						counts.Add(FrameCounts(sp.scene.Speech, hyp, sp.n))
						errs = append(errs, BoundaryErrors(sp.scene.Speech, hyp, sp.n)...)
					}
					slices.Sort(errs)
					sum += tuneScore(Result{F1: counts.F1(), MedianMs: quantileMs(errs, 0.5)})
				}
				score := sum / float64(len(tuneSNRs))
				fmt.Fprintf(stderr, "tune: threshold %.2f, minimum speech %d ms, hangover %d ms: score %.4f\n", thr, minSpeech, sil, score)
				if score > bestScore {
					best, bestScore = c, score
				}
			}
		}
	}
	fmt.Fprintf(stderr, "tune: chose threshold %.2f, minimum speech %d ms, hangover %d ms (mean F1 − median s %.4f on %d scenes)\n",
		best.Threshold, best.MinSpeechMs, best.MinSilenceMs, bestScore, len(scenes))
	return best, nil
}

// quantileMs is the q-quantile of sorted sample distances in milliseconds.
func quantileMs(sorted []int64, q float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	return float64(sorted[int(q*float64(len(sorted)-1)+0.5)]) * 1000 / SampleRate
}
