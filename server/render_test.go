package server

import (
	"bytes"
	"testing"

	"github.com/mynah-speech/mynah"
)

func TestRender(t *testing.T) {
	tr := mynah.Transcript{File: "a.wav", ID: "utt1", Duration: 1, Text: "raw words", DisplayText: "Raw words."}
	for _, tc := range []struct {
		format string
		tr     mynah.Transcript
		prefix bool
		want   string
	}{
		{"text", tr, false, "Raw words.\n"},
		{"text", tr, true, "utt1: Raw words.\n"},
		{"text", mynah.Transcript{File: "b.wav", Text: "x"}, true, "b.wav: x\n"},
		{"text", mynah.Transcript{File: "b.wav", Error: "bad"}, true, ""},
		{"srt", mynah.Transcript{Error: "bad"}, false, ""},
		{"vtt", mynah.Transcript{}, false, "WEBVTT\n\n"},
		{"json", mynah.Transcript{Duration: 2}, false, `{"duration":2,"text":"","words":[],"segments":[]}` + "\n"},
		{"json", mynah.Transcript{File: "c.wav", ID: "7", Error: "bad", Text: "ignored"}, false, `{"file":"c.wav","id":"7","error":"bad"}` + "\n"},
	} {
		var b bytes.Buffer
		if err := Render(&b, tc.format, tc.tr, tc.prefix); err != nil {
			t.Fatal(err)
		}
		if b.String() != tc.want {
			t.Errorf("%s %+v: %q, want %q", tc.format, tc.tr, b.String(), tc.want)
		}
	}
	if err := Render(&bytes.Buffer{}, "xml", tr, false); err == nil {
		t.Error("unknown format accepted")
	}
}
