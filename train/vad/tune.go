package vad

import (
	"crypto/sha256"
	"fmt"
	"io"
	"slices"

	"github.com/mynah-speech/mynah/corpora"
	"github.com/mynah-speech/mynah/vad"
)

// tuneUtterances is how many training utterances the tuning scenes hold.
const tuneUtterances = 300

// tuneSNRs are the levels the hysteresis is tuned at (training noise).
var tuneSNRs = []float64{20, 10, 5}

// Tuning grid of the learned detector's hysteresis.
var (
	tuneThresholds = []float64{0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9}
	tuneSilencesMs = []int{100, 200, 300, 500}
)

// tune picks the learned detector's threshold and hangover on scenes built
// like the evaluation set but from training speakers and training noise,
// so that the evaluation set never steers a choice. It returns the
// best config by mean frame F1 over tuneSNRs.
func tune(d *data, m *vad.Model, stderr io.Writer) (vad.LearnedConfig, error) {
	pool := slices.Clone(d.entries)
	key := func(e corpora.Entry) string {
		sum := sha256.Sum256([]byte("tune:" + e.Corpus + "/" + e.ID))
		return string(sum[:])
	}
	slices.SortFunc(pool, func(a, b corpora.Entry) int {
		switch ka, kb := key(a), key(b); {
		case ka < kb:
			return -1
		case ka > kb:
			return 1
		}
		return 0
	})
	pool = pool[:min(tuneUtterances, len(pool))]
	scenes, err := BuildEvalScenes(pool, d.src.load)
	if err != nil {
		return vad.LearnedConfig{}, fmt.Errorf("tuning set: %w", err)
	}
	best, bestF1 := vad.DefaultLearnedConfig(), -1.0
	for _, thr := range tuneThresholds {
		for _, sil := range tuneSilencesMs {
			c := vad.LearnedConfig{Threshold: thr, MinSpeechMs: vad.DefaultLearnedConfig().MinSpeechMs, MinSilenceMs: sil}
			var sum float64
			for _, snr := range tuneSNRs {
				r, err := Evaluate("learned", scenes, snr, d.noise, func() (vad.Detector, error) { return m.NewDetector(c) })
				if err != nil {
					return vad.LearnedConfig{}, err
				}
				sum += r.F1
			}
			f1 := sum / float64(len(tuneSNRs))
			fmt.Fprintf(stderr, "tune: threshold %.1f, hangover %d ms: mean F1 %.4f\n", thr, sil, f1)
			if f1 > bestF1 {
				best, bestF1 = c, f1
			}
		}
	}
	fmt.Fprintf(stderr, "tune: chose threshold %.1f, hangover %d ms (mean F1 %.4f on %d training-speaker scenes)\n", best.Threshold, best.MinSilenceMs, bestF1, len(scenes))
	return best, nil
}
