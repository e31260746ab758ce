package mynah

import (
	"fmt"
	"io"
	"strings"
	"time"
)

// Transcript is the result of transcribing one input. It is also the JSON
// object `transcribe --format json` writes, one per line: fields are added
// freely over time but never renamed.
type Transcript struct {
	// File is the input's path exactly as given or as walked.
	File string `json:"file,omitempty"`
	// ID passes through from an --input-list entry.
	ID string `json:"id,omitempty"`
	// Model names the acoustic model as "<name>@<sha256 prefix>".
	Model string `json:"model,omitempty"`
	// Duration of the audio in seconds.
	Duration float64 `json:"duration"`
	// Text is the raw transcript: normalised spoken-form words.
	Text string `json:"text"`
	// DisplayText is Text with punctuation and casing, when a punctuation
	// model ran.
	DisplayText string `json:"display_text,omitempty"`
	// Words carries per-word times and confidences.
	Words []Word `json:"words"`
	// Segments are the stretches of speech the recording was cut into.
	Segments []Segment `json:"segments"`
	// Alternatives are the N best hypotheses, best first (with --nbest).
	Alternatives []Alternative `json:"alternatives,omitempty"`
	// Warning is set for valid audio that yielded nothing, for example
	// "no speech detected".
	Warning string `json:"warning,omitempty"`
	// Error replaces everything else when the input failed.
	Error string `json:"error,omitempty"`
	// Emotion is the recording's emotion (with Config.Emotion): the
	// speech-weighted mean over its segments.
	Emotion *Emotion `json:"emotion,omitempty"`
}

// Word is one recognised word with its time span in seconds from the start
// of the input and a confidence in [0, 1].
type Word struct {
	Word       string  `json:"word"`
	Start      float64 `json:"start"`
	End        float64 `json:"end"`
	Confidence float64 `json:"confidence"`
}

// Segment is a stretch of speech: its span in seconds and its text.
type Segment struct {
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	Text  string  `json:"text"`
	// Emotion is the segment's emotion (with Config.Emotion).
	Emotion *Emotion `json:"emotion,omitempty"`
}

// Alternative is one hypothesis of an N-best list with its total log score.
type Alternative struct {
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}

// Subtitle cue limits: at most two lines of 42 characters each, the common
// broadcast convention (BBC, Netflix timed-text guidelines).
const (
	cueMaxLines     = 2
	cueMaxLineChars = 42
	cueMaxSeconds   = 7.0
)

// cue is one subtitle: a time span and up to cueMaxLines lines.
type cue struct {
	start, end float64
	lines      []string
}

// cues groups the transcript's words into subtitle cues of at most two
// lines of 42 characters, timed from the word times. A transcript without
// word times yields one cue per segment (wrapped the same way).
func (t Transcript) cues() []cue {
	display := displayWords(t)
	var out []cue
	var cur cue
	var line strings.Builder
	flushLine := func() {
		if line.Len() > 0 {
			cur.lines = append(cur.lines, line.String())
			line.Reset()
		}
	}
	flushCue := func() {
		flushLine()
		if len(cur.lines) > 0 {
			out = append(out, cur)
		}
		cur = cue{}
	}
	for _, w := range display {
		if len(cur.lines) == 0 && line.Len() == 0 {
			cur.start = w.Start
		}
		if line.Len() > 0 && (line.Len()+1+len(w.Word) > cueMaxLineChars) {
			flushLine()
			if len(cur.lines) == cueMaxLines {
				flushCue()
				cur.start = w.Start
			}
		}
		if len(cur.lines)+boolInt(line.Len() > 0) > 0 && w.End-cur.start > cueMaxSeconds {
			flushCue()
			cur.start = w.Start
		}
		if line.Len() > 0 {
			line.WriteByte(' ')
		}
		line.WriteString(w.Word)
		cur.end = w.End
	}
	flushCue()
	return out
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// displayWords returns the words to show in subtitles: the timed words,
// with the display form's tokens substituted when they align one to one;
// without word times, each segment's words spread evenly over its span.
func displayWords(t Transcript) []Word {
	words := t.Words
	if len(words) == 0 {
		for _, s := range t.Segments {
			fields := strings.Fields(s.Text)
			for i, f := range fields {
				span := (s.End - s.Start) / float64(len(fields))
				words = append(words, Word{Word: f, Start: s.Start + float64(i)*span, End: s.Start + float64(i+1)*span})
			}
		}
	}
	if t.DisplayText != "" {
		shown := strings.Fields(t.DisplayText)
		if len(shown) == len(words) {
			replaced := make([]Word, len(words))
			copy(replaced, words)
			for i := range replaced {
				replaced[i].Word = shown[i]
			}
			return replaced
		}
	}
	return words
}

// WriteSRT writes the transcript as SubRip subtitles.
func (t Transcript) WriteSRT(w io.Writer) error {
	var b strings.Builder
	for i, c := range t.cues() {
		fmt.Fprintf(&b, "%d\n%s --> %s\n%s\n\n", i+1, srtTime(c.start), srtTime(c.end), strings.Join(c.lines, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// WriteVTT writes the transcript as WebVTT subtitles (W3C WebVTT).
func (t Transcript) WriteVTT(w io.Writer) error {
	var b strings.Builder
	b.WriteString("WEBVTT\n\n")
	for _, c := range t.cues() {
		fmt.Fprintf(&b, "%s --> %s\n%s\n\n", vttTime(c.start), vttTime(c.end), strings.Join(c.lines, "\n"))
	}
	_, err := io.WriteString(w, b.String())
	return err
}

func splitTime(seconds float64) (h, m, s, ms int) {
	d := time.Duration(seconds*1000+0.5) * time.Millisecond
	if d < 0 {
		d = 0
	}
	total := int(d / time.Millisecond)
	return total / 3600000, total / 60000 % 60, total / 1000 % 60, total % 1000
}

func srtTime(seconds float64) string {
	h, m, s, ms := splitTime(seconds)
	return fmt.Sprintf("%02d:%02d:%02d,%03d", h, m, s, ms)
}

func vttTime(seconds float64) string {
	h, m, s, ms := splitTime(seconds)
	return fmt.Sprintf("%02d:%02d:%02d.%03d", h, m, s, ms)
}
