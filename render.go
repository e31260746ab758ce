package mynah

import (
	"encoding/json"
	"fmt"
	"io"
)

// Render writes t in format ("text", "json", "srt" or "vtt"): the one code
// path behind every printed form of a transcript, so mynahd answers with
// exactly the bytes `transcribe` prints for the same file and options.
//
// With prefixName, the text format starts the line with the input's name
// (its id when it has one, else its file), as transcribe does for several
// inputs. A failed transcript (Error set) renders as the JSON error object
// {"file", "id", "error"} in the json format and as nothing in the others.
// The json format always carries "words" and "segments", empty or not.
func (t Transcript) Render(w io.Writer, format string, prefixName bool) error {
	switch format {
	case "json":
		if t.Error != "" {
			return json.NewEncoder(w).Encode(struct {
				File  string `json:"file"`
				ID    string `json:"id,omitempty"`
				Error string `json:"error"`
			}{t.File, t.ID, t.Error})
		}
		if t.Words == nil {
			t.Words = []Word{}
		}
		if t.Segments == nil {
			t.Segments = []Segment{}
		}
		return json.NewEncoder(w).Encode(t)
	case "srt":
		if t.Error != "" {
			return nil
		}
		return t.WriteSRT(w)
	case "vtt":
		if t.Error != "" {
			return nil
		}
		return t.WriteVTT(w)
	case "text":
		if t.Error != "" {
			return nil
		}
		text := t.DisplayText
		if text == "" {
			text = t.Text
		}
		var err error
		if prefixName {
			name := t.File
			if t.ID != "" {
				name = t.ID
			}
			_, err = fmt.Fprintf(w, "%s: %s\n", name, text)
		} else {
			_, err = fmt.Fprintln(w, text)
		}
		return err
	default:
		return fmt.Errorf("render: unknown format %q (want text, json, srt or vtt)", format)
	}
}
