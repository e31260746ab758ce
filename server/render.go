package server

import (
	"io"

	"github.com/mynah-speech/mynah"
)

// Render writes tr in format ("text", "json", "srt" or "vtt") with
// mynah.Transcript.Render, the renderer `transcribe` uses too, so the
// server answers /v1/audio/transcriptions with exactly the bytes transcribe
// prints for the same file and options.
func Render(w io.Writer, format string, tr mynah.Transcript, prefixName bool) error {
	return tr.Render(w, format, prefixName)
}

// transcriptText is the text a transcript shows: its display form
// (punctuated and cased) when a punctuation model made one, else the raw
// words.
func transcriptText(tr mynah.Transcript) string {
	if tr.DisplayText != "" {
		return tr.DisplayText
	}
	return tr.Text
}

// completeTranscript returns tr with empty word and segment lists made
// non-nil, so that JSON always carries "words": [] and "segments": [].
func completeTranscript(tr mynah.Transcript) mynah.Transcript {
	if tr.Words == nil {
		tr.Words = []mynah.Word{}
	}
	if tr.Segments == nil {
		tr.Segments = []mynah.Segment{}
	}
	return tr
}
