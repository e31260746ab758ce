// Package vad finds speech in audio: where it starts and ends, so that
// transcribe can cut long recordings in pauses, livemic can tell when an
// utterance is over, and the emotion tagger can tag each stretch.
//
// EnergyDetector is the baseline: frame log-energy against an adaptive
// noise floor, with hysteresis, a hangover, and minimum speech and silence
// durations. It is streaming (push samples, receive start and end events)
// and needs no model. Segment cuts a whole recording into speech segments
// no longer than a maximum, splitting over-long speech at its quietest
// point so no cut falls inside a word.
package vad
