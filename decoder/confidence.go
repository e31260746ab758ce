package decoder

import (
	"fmt"
	"math"
	"unicode/utf8"

	"github.com/mynah-speech/mynah/lm"
)

// ConfidenceFeatures are the measurements a word's confidence is computed
// from. Each is a known predictor of recognition errors (Evermann and
// Woodland, "Posterior probability decoding, confidence estimation and
// system combination", 2000; Jiang, "Confidence measures for speech
// recognition: a survey", 2005): the word's posterior over competing
// hypotheses, how sure the acoustic model was over the word's frames, how
// long the word took per letter, and what the LM thought of it.
type ConfidenceFeatures struct {
	// Posterior is the share of the final hypotheses' probability mass,
	// after fusion, held by hypotheses with the same word at an
	// overlapping time: a lattice-free estimate of the confusion-network
	// word posterior (Mangu et al., 2000).
	Posterior float64 `json:"posterior"`
	// MinFrameProb and MeanFrameProb are the lowest and the mean, over
	// the word's frames, of the frame's most probable token's probability
	// (blank included).
	MinFrameProb  float64 `json:"min_frame_prob"`
	MeanFrameProb float64 `json:"mean_frame_prob"`
	// FramesPerLetter is the word's emission span in frames per letter.
	FramesPerLetter float64 `json:"frames_per_letter"`
	// LMLogProb is ln P_lm(word | the hypothesis's preceding words), 0
	// without an LM.
	LMLogProb float64 `json:"lm_log_prob"`
	// InVocabulary says whether the LM (or, without one, the lexicon)
	// knows the word, or it is one of the stream's hotwords.
	InVocabulary bool `json:"in_vocabulary"`
	// Letters is the word's length in characters.
	Letters int `json:"letters"`
}

// NumConfidenceFeatures is the length of ConfidenceFeatures.Vector.
const NumConfidenceFeatures = 7

// ConfidenceFeatureNames name the entries of ConfidenceFeatures.Vector.
var ConfidenceFeatureNames = [NumConfidenceFeatures]string{
	"ln posterior", "min frame prob", "mean frame prob", "ln frames/letter",
	"LM ln prob", "in vocabulary", "letters",
}

// Vector returns the features as a logistic regression's inputs:
// probabilities that span orders of magnitude and durations in logs, and
// every entry clamped to a finite range so one odd word cannot dominate.
func (f ConfidenceFeatures) Vector() [NumConfidenceFeatures]float64 {
	clampedLog := func(x, lo float64) float64 {
		if !(x > math.Exp(lo)) { // NaN too
			return lo
		}
		return math.Log(x)
	}
	inVocab := 0.0
	if f.InVocabulary {
		inVocab = 1
	}
	lmLP := f.LMLogProb
	if !(lmLP >= -30) {
		lmLP = -30
	}
	return [NumConfidenceFeatures]float64{
		clampedLog(f.Posterior, -12),
		clamp01(f.MinFrameProb),
		clamp01(f.MeanFrameProb),
		max(-3, min(3, clampedLog(f.FramesPerLetter, -3))),
		min(0, lmLP),
		inVocab,
		float64(min(f.Letters, 20)),
	}
}

func clamp01(x float64) float64 {
	if !(x > 0) {
		return 0
	}
	return min(x, 1)
}

// ConfidenceModel maps ConfidenceFeatures to a probability that the word
// is right: a logistic regression, σ(Bias + Weights·Vector()). Its weights
// are fitted on held-out dev words by `train decode` (see
// DefaultConfidenceModel). The zero ConfidenceModel reports the plain
// posterior (ConfidenceFeatures.Posterior).
type ConfidenceModel struct {
	Bias    float64                        `json:"bias"`
	Weights [NumConfidenceFeatures]float64 `json:"weights"`
}

// DefaultConfidenceModel is a logistic regression fitted on the 1,787
// words of the 400-utterance dev subset decoded with the shipped acoustic
// model (asr-v3) and LM at α 0.5, β 1.5, beam 32 by
//
//	train decode -model models/asr-en.safetensors -limit 400 -alphas 0.5 -betas 1.5 -beam 32 -hotwords 0
//
// which prints these weights beside the AUROC of weights fitted on one
// speaker-disjoint half of the subset and scored on the other (0.853 and
// 0.820, 0.824 pooled; the plain posterior scores 0.612). Words the LM
// does not know are nearly always wrong there, hence the large weight of
// InVocabulary; a hotword counts as known. The LM features assume an LM:
// a Decoder without one reports the plain posterior instead.
func DefaultConfidenceModel() ConfidenceModel {
	return ConfidenceModel{Bias: -12.572, Weights: [NumConfidenceFeatures]float64{1.5085, 1.2598, 3.0002, -0.4646, 0.3415, 9.9867, 0.5899}}
}

// IsZero reports whether m is the zero model (plain posteriors).
func (m ConfidenceModel) IsZero() bool { return m == ConfidenceModel{} }

// Validate checks that every weight is finite.
func (m ConfidenceModel) Validate() error {
	if math.IsNaN(m.Bias) || math.IsInf(m.Bias, 0) {
		return fmt.Errorf("%w: confidence bias %v is not finite", ErrConfig, m.Bias)
	}
	for i, w := range m.Weights {
		if math.IsNaN(w) || math.IsInf(w, 0) {
			return fmt.Errorf("%w: confidence weight %d (%s) %v is not finite", ErrConfig, i, ConfidenceFeatureNames[i], w)
		}
	}
	return nil
}

// Confidence returns the probability that a word with features f is right.
func (m ConfidenceModel) Confidence(f ConfidenceFeatures) float64 {
	if m.IsZero() {
		return clamp01(f.Posterior)
	}
	return m.Probability(f.Vector())
}

// Probability is the model's logistic probability of a feature vector
// (ConfidenceFeatures.Vector), with no fallback for a zero model.
func (m ConfidenceModel) Probability(x [NumConfidenceFeatures]float64) float64 {
	z := m.Bias
	for i, v := range x {
		z += m.Weights[i] * v
	}
	return 1 / (1 + math.Exp(-z))
}

// wordFeatures fills each word's features other than Posterior: frame
// probabilities from the stream's per-frame maxima, durations, and the LM
// read along the hypothesis.
func (s *Stream) wordFeatures(words []Word) {
	d := s.d
	var state lm.State
	if d.lm != nil {
		state = d.lm.BeginState()
	}
	for i := range words {
		w := &words[i]
		f := &w.Features
		lo, hi := w.StartFrame, w.EndFrame
		lo = max(0, min(lo, len(s.frameTop)-1))
		hi = max(lo+1, min(hi, len(s.frameTop)))
		if lo < hi && lo >= 0 {
			minP, sum := 1.0, 0.0
			for _, p := range s.frameTop[lo:hi] {
				minP = min(minP, float64(p))
				sum += float64(p)
			}
			f.MinFrameProb, f.MeanFrameProb = minP, sum/float64(hi-lo)
		}
		f.Letters = utf8.RuneCountInString(w.Text)
		f.FramesPerLetter = float64(max(1, w.EndFrame-w.StartFrame)) / float64(max(1, f.Letters))
		if d.lm != nil {
			id, ok := d.lm.Lookup(w.Text)
			f.InVocabulary = ok || s.hot.has(w.Text)
			if !ok {
				id = lm.UnknownID
			}
			lp, next := d.lm.Score(state, id)
			f.LMLogProb, state = float64(lp), next
		} else if d.lexWords != nil {
			_, f.InVocabulary = d.lexWords[w.Text]
			f.InVocabulary = f.InVocabulary || s.hot.has(w.Text)
		}
	}
}
