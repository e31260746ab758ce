package decoder

import (
	"strings"
	"time"
)

// Word is one decoded word with its timing and confidence.
type Word struct {
	Text string `json:"text"`
	// Start is when the word's first token was emitted; End is when its
	// last token stopped, so End-Start spans the word's emissions.
	Start time.Duration `json:"start"`
	End   time.Duration `json:"end"`
	// StartFrame and EndFrame are the same instants in frames (EndFrame
	// exclusive).
	StartFrame int `json:"start_frame"`
	EndFrame   int `json:"end_frame"`
	// Confidence is the probability, in [0, 1], that the word is right:
	// Config.Confidence applied to Features.
	Confidence float64 `json:"confidence"`
	// Features are the measurements Confidence is computed from, for
	// callers that calibrate their own ConfidenceModel.
	Features ConfidenceFeatures `json:"features"`
}

// Hypothesis is one transcription with its scores. Score ranks hypotheses:
// AcousticScore + LMWeight·LMScore + WordBonus·len(Words) + hotword and OOV
// terms.
type Hypothesis struct {
	Text  string `json:"text"`
	Words []Word `json:"words"`
	// Score is the fused score the search maximises, in nats.
	Score float64 `json:"score"`
	// AcousticScore is ln P_ctc(text | audio), summed over alignments.
	AcousticScore float64 `json:"acoustic_score"`
	// LMScore is ln P_lm(words </s> | <s>), zero without an LM.
	LMScore float64 `json:"lm_score"`
}

// Partial is the current best guess of a stream that is still running.
type Partial struct {
	// Words is the best hypothesis so far, the word being spelled included.
	Words []Word `json:"words"`
	// Stable counts the leading Words every surviving hypothesis shares:
	// they will not change, whatever audio follows.
	Stable int `json:"stable"`
}

// Text joins the partial's words with spaces.
func (p Partial) Text() string { return joinWords(p.Words) }

func joinWords(words []Word) string {
	var b strings.Builder
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(w.Text)
	}
	return b.String()
}
