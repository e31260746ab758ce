package vad

import "time"

// Detector is a streaming voice activity detector: push audio as it comes,
// receive speech-start and speech-end events. EnergyDetector (no model)
// and LearnedDetector (a small network) both implement it, so callers
// such as Segmenter take either.
type Detector interface {
	// Push feeds samples at SampleRate and appends the boundary events
	// found so far to events, returning the extended slice.
	Push(samples []float32, events []Event) []Event
	// Flush ends the stream: open speech gets its end event.
	Flush(events []Event) []Event
	// InSpeech reports whether the detector is inside speech now.
	InSpeech() bool
	// SampleRate is the rate of the pushed audio in Hz.
	SampleRate() int
	// EventDelay bounds, in samples, how far before the end of the audio
	// pushed so far a newly reported event may point: how much audio a
	// caller must keep to cut at the event.
	EventDelay() int
}

var (
	_ Detector = (*EnergyDetector)(nil)
	_ Detector = (*LearnedDetector)(nil)
)

// Time returns the event's position as a duration from the stream's first
// sample, for audio at sampleRate Hz.
func (e Event) Time(sampleRate int) time.Duration {
	if sampleRate <= 0 {
		return 0
	}
	// Whole seconds first, so hours of audio cannot overflow the product.
	rate := int64(sampleRate)
	return time.Duration(e.Sample/rate)*time.Second + time.Duration(e.Sample%rate*int64(time.Second)/rate)
}

// SampleRate is the rate of the pushed audio in Hz.
func (d *EnergyDetector) SampleRate() int { return d.cfg.SampleRate }

// EventDelay bounds how far before the end of the pushed audio an event
// may point when it is reported: a start event points back over the
// minimum speech run.
func (d *EnergyDetector) EventDelay() int { return (d.hys.minSpeech + 1) * d.frameLen }
