package vad

import (
	"slices"
	"testing"
)

func TestHysteresis(t *testing.T) {
	// Frames of 10 samples; "S" a speech frame, "." silence, "s" a frame
	// that sustains speech but cannot start it.
	for _, tc := range []struct {
		name                  string
		frames                string
		minSpeech, minSilence int
		want                  []Event
	}{
		{"plain", "..SSSS...", 2, 2, []Event{{SpeechStart, 20}, {SpeechEnd, 60}}},
		{"short burst ignored", ".S..SSS..", 2, 1, []Event{{SpeechStart, 40}, {SpeechEnd, 70}}},
		{"hangover bridges a gap", "SS.SS...", 1, 2, []Event{{SpeechStart, 0}, {SpeechEnd, 50}}},
		{"sustain keeps speech", "SSsss..", 1, 2, []Event{{SpeechStart, 0}, {SpeechEnd, 50}}},
		{"sustain cannot start", "sss.SS", 1, 1, []Event{{SpeechStart, 40}, {SpeechEnd, 60}}},
		{"open at the end", "..SSS", 1, 3, []Event{{SpeechStart, 20}, {SpeechEnd, 50}}},
		{"zero durations act as one frame", ".S.", 0, 0, []Event{{SpeechStart, 10}, {SpeechEnd, 20}}},
	} {
		h := newHysteresis(10, tc.minSpeech, tc.minSilence)
		var got []Event
		for i, c := range tc.frames {
			if ev, ok := h.step(int64(i), c == 'S', c != '.'); ok {
				got = append(got, ev)
			}
		}
		if ev, ok := h.flush(int64(10 * len(tc.frames))); ok {
			got = append(got, ev)
		}
		if !slices.Equal(got, tc.want) {
			t.Errorf("%s: %v, want %v", tc.name, got, tc.want)
		}
	}
}
