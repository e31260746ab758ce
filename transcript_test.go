package mynah

import (
	"strings"
	"testing"
)

func TestSubtitles(t *testing.T) {
	long := strings.Repeat("word ", 30)
	var words []Word
	for i, f := range strings.Fields(long) {
		words = append(words, Word{Word: f, Start: float64(i) * 0.3, End: float64(i)*0.3 + 0.25})
	}
	tests := []struct {
		name      string
		tr        Transcript
		srt, vtt  string
		wantCues  int
		checkCues bool
	}{
		{
			name: "two words",
			tr:   Transcript{Words: []Word{{Word: "hello", Start: 0.5, End: 0.9}, {Word: "world", Start: 1.0, End: 1.42}}},
			srt:  "1\n00:00:00,500 --> 00:00:01,420\nhello world\n\n",
			vtt:  "WEBVTT\n\n00:00:00.500 --> 00:00:01.420\nhello world\n\n",
		},
		{
			name: "display text",
			tr:   Transcript{DisplayText: "Hello, world.", Words: []Word{{Word: "hello", Start: 0, End: 1}, {Word: "world", Start: 1, End: 2.5}}},
			srt:  "1\n00:00:00,000 --> 00:00:02,500\nHello, world.\n\n",
			vtt:  "WEBVTT\n\n00:00:00.000 --> 00:00:02.500\nHello, world.\n\n",
		},
		{
			name: "segments without words",
			tr:   Transcript{Segments: []Segment{{Start: 2, End: 4, Text: "one two"}}},
			srt:  "1\n00:00:02,000 --> 00:00:04,000\none two\n\n",
			vtt:  "WEBVTT\n\n00:00:02.000 --> 00:00:04.000\none two\n\n",
		},
		{name: "empty", tr: Transcript{}, srt: "", vtt: "WEBVTT\n\n"},
		{name: "long", tr: Transcript{Words: words}, checkCues: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var srt, vtt strings.Builder
			if err := tc.tr.WriteSRT(&srt); err != nil {
				t.Fatal(err)
			}
			if err := tc.tr.WriteVTT(&vtt); err != nil {
				t.Fatal(err)
			}
			if tc.checkCues {
				for _, c := range tc.tr.cues() {
					if len(c.lines) > cueMaxLines {
						t.Errorf("cue has %d lines", len(c.lines))
					}
					for _, l := range c.lines {
						if len(l) > cueMaxLineChars {
							t.Errorf("line %q longer than %d", l, cueMaxLineChars)
						}
					}
					if c.end <= c.start {
						t.Errorf("cue %v ends before it starts", c)
					}
				}
				return
			}
			if srt.String() != tc.srt {
				t.Errorf("SRT = %q, want %q", srt.String(), tc.srt)
			}
			if vtt.String() != tc.vtt {
				t.Errorf("VTT = %q, want %q", vtt.String(), tc.vtt)
			}
		})
	}
}

func TestSubtitleTimes(t *testing.T) {
	for _, tc := range []struct {
		seconds  float64
		srt, vtt string
	}{
		{0, "00:00:00,000", "00:00:00.000"},
		{3661.5, "01:01:01,500", "01:01:01.500"},
		{59.9996, "00:01:00,000", "00:01:00.000"},
		{-1, "00:00:00,000", "00:00:00.000"},
	} {
		if got := srtTime(tc.seconds); got != tc.srt {
			t.Errorf("srtTime(%v) = %s, want %s", tc.seconds, got, tc.srt)
		}
		if got := vttTime(tc.seconds); got != tc.vtt {
			t.Errorf("vttTime(%v) = %s, want %s", tc.seconds, got, tc.vtt)
		}
	}
}
