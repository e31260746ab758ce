package mynah

import (
	"context"
	"fmt"

	"github.com/mynah-speech/mynah/acoustic"
	"github.com/mynah-speech/mynah/emotion"
	"github.com/mynah-speech/mynah/models"
)

// Emotion is the emotion of a recording or of one of its segments, as
// package emotion's tagger reads it: the top label, its probability, the
// probabilities of all eight labels and a binary arousal. It is the
// "emotion" object of `transcribe --emotion --format json`:
//
//	"emotion": {"label": "happy", "confidence": 0.612,
//	            "scores": {"neutral": 0.02, ..., "surprised": 0.11},
//	            "arousal": "high"}
//
// A stretch without speech reads neutral with confidence 0 and uniform
// scores. The shipped model learned from acted speech (RAVDESS, two fixed
// sentences); on natural speech the arousal is the safer reading, and its
// weights are for non-commercial use (models/EMOTION.md).
type Emotion struct {
	// Label is the most probable category ("neutral", "calm", "happy",
	// "sad", "angry", "fearful", "disgust" or "surprised").
	Label emotion.Label `json:"label"`
	// Confidence is Label's probability, in [0, 1]; 0 means no speech.
	Confidence float64 `json:"confidence"`
	// Scores holds every label's probability; they sum to 1.
	Scores emotion.Scores `json:"scores"`
	// Arousal is "high" when the activated labels (happy, angry, fearful,
	// surprised, disgust) hold at least half the probability, else "low".
	Arousal emotion.Arousal `json:"arousal"`
}

// emotionOf converts a tagger result to the transcript's form.
func emotionOf(r emotion.Result) *Emotion {
	return &Emotion{Label: r.Label, Confidence: round3(float64(r.Confidence)), Scores: r.Scores, Arousal: r.Arousal}
}

// newEmotionTagger loads the embedded emotion model. The acoustic model
// is handed over because a transfer-kind emotion model reads its encoder
// (the shipped baseline ignores it).
func newEmotionTagger(enc *acoustic.Model) (*emotion.Tagger, error) {
	m, err := emotion.Load(models.Emotion(), enc)
	if err != nil {
		return nil, fmt.Errorf("embedded emotion model: %w", err)
	}
	tg, err := emotion.NewTagger(m, emotion.Options{})
	if err != nil {
		return nil, fmt.Errorf("embedded emotion model: %w", err)
	}
	return tg, nil
}

// tagEmotion tags one recognised piece (16 kHz samples). The tagger finds
// the piece's speech itself, so a piece that is all silence reads as a
// zero-confidence neutral with no speech behind it.
func (r *Recognizer) tagEmotion(ctx context.Context, samples []float32) (emotion.Result, error) {
	res, err := r.emotion.Tag(ctx, samples, sampleRate)
	if err != nil {
		return emotion.Result{}, fmt.Errorf("emotion: %w", err)
	}
	return res, nil
}

// overallEmotion is the recording's emotion: the mean of its pieces'
// scores weighted by the speech each rests on, as emotion.Tagger weighs
// the VAD segments of one long recording. Without any speech it is the
// silent result.
func overallEmotion(pieces []emotion.Result) *Emotion {
	var total emotion.Scores
	var weight float64
	var spoken []emotion.Result
	for _, p := range pieces {
		if p.Speech > 0 {
			spoken = append(spoken, p)
		}
	}
	if len(spoken) == 1 {
		// One piece of speech is the recording's emotion exactly, as a
		// lone segment's own reading.
		return emotionOf(spoken[0])
	}
	for _, p := range spoken {
		w := p.Speech.Seconds()
		for i, v := range p.Scores {
			total[i] += float32(w * float64(v))
		}
		weight += w
	}
	if weight == 0 {
		return silentEmotion()
	}
	for i := range total {
		total[i] = float32(float64(total[i]) / weight)
	}
	top, p := total.Top()
	e := &Emotion{Label: top, Confidence: round3(float64(p)), Scores: total, Arousal: emotion.ArousalLow}
	if total.HighArousal() >= 0.5 {
		e.Arousal = emotion.ArousalHigh
	}
	return e
}

// silentEmotion is what a recording without speech gets, as
// emotion.Tagger reports silence.
func silentEmotion() *Emotion {
	var s emotion.Scores
	for i := range s {
		s[i] = 1.0 / emotion.NumLabels
	}
	return &Emotion{Label: emotion.Neutral, Confidence: 0, Scores: s, Arousal: emotion.ArousalLow}
}
