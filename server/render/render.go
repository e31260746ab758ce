// Package render writes a mynah.Transcript in the output formats of
// `transcribe --format`: text, json (one JSON Lines object), srt and vtt.
//
// It is the one code path behind every place mynah prints a transcript:
// the server's /v1/audio/transcriptions answers with exactly the bytes that
// `transcribe` prints for the same file and options, because both render
// through Write.
package render

import (
	"encoding/json"
	"fmt"
	"io"

	"github.com/mynah-speech/mynah"
)

// Formats are the names Write accepts, as `transcribe --format` spells them.
var Formats = []string{"text", "json", "srt", "vtt"}

// Write renders tr in format ("text", "json", "srt" or "vtt"). With
// prefixName, the text format starts the line with the input's name (its id
// when it has one, else its file) as `transcribe` does for several inputs.
//
// A failed transcript (tr.Error set) renders as the JSON error object
// {"file", "id", "error"} in the json format and as nothing in the others.
func Write(w io.Writer, format string, tr mynah.Transcript, prefixName bool) error {
	switch format {
	case "json":
		if tr.Error != "" {
			return json.NewEncoder(w).Encode(struct {
				File  string `json:"file"`
				ID    string `json:"id,omitempty"`
				Error string `json:"error"`
			}{tr.File, tr.ID, tr.Error})
		}
		return json.NewEncoder(w).Encode(Complete(tr))
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
			_, err = fmt.Fprintf(w, "%s: %s\n", Name(tr), Text(tr))
		} else {
			_, err = fmt.Fprintln(w, Text(tr))
		}
		return err
	default:
		return fmt.Errorf("render: unknown format %q (want text, json, srt or vtt)", format)
	}
}

// Text is the text a transcript shows: its display form (punctuated and
// cased) when a punctuation model made one, else the raw words.
func Text(tr mynah.Transcript) string {
	if tr.DisplayText != "" {
		return tr.DisplayText
	}
	return tr.Text
}

// Name is how the text format names an input: its id when it has one,
// else its file.
func Name(tr mynah.Transcript) string {
	if tr.ID != "" {
		return tr.ID
	}
	return tr.File
}

// Complete returns tr with empty word and segment lists made non-nil, so
// that JSON always carries "words": [] and "segments": [] as the JSON Lines
// contract promises.
func Complete(tr mynah.Transcript) mynah.Transcript {
	if tr.Words == nil {
		tr.Words = []mynah.Word{}
	}
	if tr.Segments == nil {
		tr.Segments = []mynah.Segment{}
	}
	return tr
}
