package emotion

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"time"
)

// Label is one of the eight emotion categories of RAVDESS (Livingstone
// and Russo 2018), in the corpus's own order (its emotion codes 01–08).
type Label int

// The labels, in RAVDESS code order.
const (
	Neutral Label = iota
	Calm
	Happy
	Sad
	Angry
	Fearful
	Disgust
	Surprised
)

// NumLabels is the number of emotion categories.
const NumLabels = 8

var labelNames = [NumLabels]string{"neutral", "calm", "happy", "sad", "angry", "fearful", "disgust", "surprised"}

// String returns the label's lower-case name ("neutral", ...).
func (l Label) String() string {
	if l < 0 || int(l) >= NumLabels {
		return "Label(" + strconv.Itoa(int(l)) + ")"
	}
	return labelNames[l]
}

// MarshalText writes the label's name.
func (l Label) MarshalText() ([]byte, error) {
	if l < 0 || int(l) >= NumLabels {
		return nil, fmt.Errorf("emotion: label %d out of range", int(l))
	}
	return []byte(labelNames[l]), nil
}

// UnmarshalText reads a label's name.
func (l *Label) UnmarshalText(b []byte) error {
	v, err := ParseLabel(string(b))
	if err != nil {
		return err
	}
	*l = v
	return nil
}

// ParseLabel returns the label named s (as in RAVDESS manifests).
func ParseLabel(s string) (Label, error) {
	for i, n := range labelNames {
		if n == s {
			return Label(i), nil
		}
	}
	return 0, fmt.Errorf("emotion: unknown label %q", s)
}

// Labels returns the eight labels in order.
func Labels() []Label {
	out := make([]Label, NumLabels)
	for i := range out {
		out[i] = Label(i)
	}
	return out
}

// HighArousal reports whether the label is an activated emotion. Arousal
// follows the circumplex model (Russell 1980) as emotion papers map the
// RAVDESS categories: angry, happy, fearful, surprised and disgust are
// high; neutral, calm and sad are low. Arousal transfers from acted to
// natural speech much better than the categories do (Schuller et al.,
// "Cross-corpus acoustic emotion recognition", IEEE TAC 2010).
func (l Label) HighArousal() bool {
	switch l {
	case Happy, Angry, Fearful, Surprised, Disgust:
		return true
	}
	return false
}

// Scores holds a probability per label, indexed by Label. It marshals to
// a JSON object keyed by label name, in label order.
type Scores [NumLabels]float32

// Top returns the most probable label and its probability.
func (s Scores) Top() (Label, float32) {
	best := 0
	for i := 1; i < NumLabels; i++ {
		if s[i] > s[best] {
			best = i
		}
	}
	return Label(best), s[best]
}

// HighArousal returns the probability mass of the high-arousal labels.
func (s Scores) HighArousal() float32 {
	var p float32
	for i, v := range s {
		if Label(i).HighArousal() {
			p += v
		}
	}
	return p
}

// MarshalJSON writes {"neutral":0.12,...} with four decimals.
func (s Scores) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	for i, v := range s {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.Quote(labelNames[i]))
		b.WriteByte(':')
		if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
			return nil, fmt.Errorf("emotion: score %s is %v", labelNames[i], v)
		}
		b.WriteString(strconv.FormatFloat(math.Round(float64(v)*1e4)/1e4, 'f', -1, 64))
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// UnmarshalJSON reads the object MarshalJSON writes; missing labels are 0.
func (s *Scores) UnmarshalJSON(data []byte) error {
	var m map[string]float32
	if err := json.Unmarshal(data, &m); err != nil {
		return fmt.Errorf("emotion: scores: %w", err)
	}
	*s = Scores{}
	for k, v := range m {
		l, err := ParseLabel(k)
		if err != nil {
			return err
		}
		s[l] = v
	}
	return nil
}

// Arousal is the binary arousal of a result.
type Arousal string

// The two arousal values.
const (
	ArousalHigh Arousal = "high"
	ArousalLow  Arousal = "low"
)

// Result is the emotion of a recording or of one segment of it.
//
// Its JSON form is the object `transcribe --emotion` prints:
// {"label", "confidence", "scores": {...}, "arousal"} plus "speech" and,
// for a long recording, "segments".
type Result struct {
	// Label is the most probable category.
	Label Label `json:"label"`
	// Confidence is the probability of Label. It is 0 when no speech was
	// found, where Label is Neutral.
	Confidence float32 `json:"confidence"`
	// Scores are the probabilities of all eight labels (they sum to 1).
	Scores Scores `json:"scores"`
	// Arousal is high when the high-arousal labels hold at least half of
	// the probability; HighArousal is that probability.
	Arousal     Arousal `json:"arousal"`
	HighArousal float32 `json:"high_arousal"`
	// Speech is the duration of speech the result rests on; 0 means the
	// recording was silent.
	Speech time.Duration `json:"speech_ns"`
	// Segments holds the per-segment results of a recording long enough
	// to be cut by the VAD (see Options.SegmentAfter); nil otherwise.
	Segments []Segment `json:"segments,omitempty"`
}

// Segment is the result of one VAD segment of a long recording.
type Segment struct {
	// Start and End are offsets from the start of the recording.
	Start time.Duration `json:"start_ns"`
	End   time.Duration `json:"end_ns"`
	Result
}

// fromScores builds a Result from probabilities.
func fromScores(s Scores, speech time.Duration) Result {
	top, p := s.Top()
	high := s.HighArousal()
	r := Result{Label: top, Confidence: p, Scores: s, HighArousal: high, Arousal: ArousalLow, Speech: speech}
	if high >= 0.5 {
		r.Arousal = ArousalHigh
	}
	return r
}

// silentResult is what a recording without speech gets: neutral with zero
// confidence and uniform scores, so no caller mistakes it for a finding.
func silentResult() Result {
	var s Scores
	for i := range s {
		s[i] = 1.0 / NumLabels
	}
	r := fromScores(s, 0)
	r.Label, r.Confidence, r.Arousal = Neutral, 0, ArousalLow
	return r
}

// Summary is the compact form of a Result that `transcribe --emotion`
// adds to each file's JSON object and to each segment:
//
//	"emotion": {"label": "happy", "confidence": 0.61, "scores": {...}, "arousal": "high"}
type Summary struct {
	Label      Label   `json:"label"`
	Confidence float32 `json:"confidence"`
	Scores     Scores  `json:"scores"`
	Arousal    Arousal `json:"arousal"`
}

// Summary returns r's label, confidence, scores and arousal.
func (r Result) Summary() Summary {
	return Summary{Label: r.Label, Confidence: r.Confidence, Scores: r.Scores, Arousal: r.Arousal}
}
