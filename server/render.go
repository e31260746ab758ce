package server

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mynah-speech/mynah"
)

// Render is the one code path behind the printed forms of a transcript:
// the server answers /v1/audio/transcriptions with exactly the bytes that
// `transcribe --format text|json|srt|vtt` prints for the same file and
// options. (cmd/transcribe keeps its own copy until this moves into the
// root package; TestSameAsTranscribe holds the two to the same bytes.)
//
// It renders tr in format ("text", "json", "srt" or "vtt"). With
// prefixName, the text format starts the line with the input's name (its id
// when it has one, else its file) as `transcribe` does for several inputs.
//
// A failed transcript (tr.Error set) renders as the JSON error object
// {"file", "id", "error"} in the json format and as nothing in the others.
func Render(w io.Writer, format string, tr mynah.Transcript, prefixName bool) error {
	switch format {
	case "json":
		if tr.Error != "" {
			return json.NewEncoder(w).Encode(struct {
				File  string `json:"file"`
				ID    string `json:"id,omitempty"`
				Error string `json:"error"`
			}{tr.File, tr.ID, tr.Error})
		}
		return json.NewEncoder(w).Encode(completeTranscript(tr))
	case "srt":
		if tr.Error != "" {
			return nil
		}
		return tr.WriteSRT(w)
	case "vtt":
		if tr.Error != "" {
			return nil
		}
		return tr.WriteVTT(w)
	case "text":
		if tr.Error != "" {
			return nil
		}
		var err error
		if prefixName {
			_, err = fmt.Fprintf(w, "%s: %s\n", transcriptName(tr), transcriptText(tr))
		} else {
			_, err = fmt.Fprintln(w, transcriptText(tr))
		}
		return err
	default:
		return fmt.Errorf("render: unknown format %q (want text, json, srt or vtt)", format)
	}
}

// transcriptText is the text a transcript shows: its display form (punctuated and
// cased) when a punctuation model made one, else the raw words.
func transcriptText(tr mynah.Transcript) string {
	if tr.DisplayText != "" {
		return tr.DisplayText
	}
	return tr.Text
}

// transcriptName is how the text format names an input: its id when it has one,
// else its file.
func transcriptName(tr mynah.Transcript) string {
	if tr.ID != "" {
		return tr.ID
	}
	return tr.File
}

// completeTranscript returns tr with empty word and segment lists made non-nil, so
// that JSON always carries "words": [] and "segments": [] as the JSON Lines
// contract promises.
func completeTranscript(tr mynah.Transcript) mynah.Transcript {
	if tr.Words == nil {
		tr.Words = []mynah.Word{}
	}
	if tr.Segments == nil {
		tr.Segments = []mynah.Segment{}
	}
	return tr
}
