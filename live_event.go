package mynah

// LiveEvent is one event of live recognition, as `livemic --format json`
// writes it (one JSON object a line) and the server's /v1/listen WebSocket
// sends it (one text message each). Its JSON is a wire format that clients
// parse: fields may be added, never renamed or retyped
// (testdata/live_events.jsonl is the golden that holds it).
//
// Times are seconds of audio from the start of the live session, rounded to
// milliseconds as Transcript's are.
type LiveEvent struct {
	// Type is LivePartial (the utterance so far, replaced by the next
	// event) or LiveFinal (the utterance is over).
	Type string `json:"type"`
	// Text is the utterance as shown: punctuated and cased (and, in
	// livemic, with dictated punctuation applied), or the recognised words
	// when raw.
	Text string `json:"text"`
	// Start and End are the start of the first word and the end of the
	// last (CTC alignment).
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	// EmittedAt is the audio clock when the event was produced: how much
	// audio had arrived.
	EmittedAt float64 `json:"emitted_at"`
	// Reason says why a final ended (ReasonEndpoint, ReasonEOF,
	// ReasonMaxLen, ReasonShutdown); empty on partials.
	Reason string `json:"reason,omitempty"`
	// Words are the recognised spoken-form words with their times, in
	// Transcript's schema; partial words have confidence 0. Never null.
	Words []Word `json:"words"`
}

// The values of LiveEvent.Type.
const (
	LivePartial = "partial"
	LiveFinal   = "final"
)

// The values of LiveEvent.Reason.
const (
	// ReasonEndpoint: trailing silence after speech (the endpointer).
	ReasonEndpoint = "endpoint"
	// ReasonEOF: the input ended (end of file, Ctrl-C, the client's eof).
	ReasonEOF = "eof"
	// ReasonMaxLen: the utterance reached the longest allowed without a
	// pause.
	ReasonMaxLen = "maxlen"
	// ReasonShutdown: the server is draining.
	ReasonShutdown = "shutdown"
)

// NewLiveEvent returns an event of type typ over words, emitted at
// emittedAt seconds, with Start and End taken from the first and last
// word (0 when there are none) and Words never nil.
func NewLiveEvent(typ string, words []Word, emittedAt float64) LiveEvent {
	if words == nil {
		words = []Word{}
	}
	ev := LiveEvent{Type: typ, EmittedAt: emittedAt, Words: words}
	if len(words) > 0 {
		ev.Start, ev.End = words[0].Start, words[len(words)-1].End
	}
	return ev
}
