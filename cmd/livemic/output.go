package main

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/mynah-speech/mynah"
)

// event is one line of --format json. Fields may be added, never renamed.
type event struct {
	// Type is "partial" or "final".
	Type string `json:"type"`
	// Text is the utterance as dictated (spoken punctuation applied,
	// sentence capitals) or, with --raw, the recognised words.
	Text string `json:"text"`
	// Start and End are the audio times in seconds of the first word's
	// start and the last word's end (CTC alignment), from the start of the
	// input.
	Start float64 `json:"start"`
	End   float64 `json:"end"`
	// EmittedAt is the audio clock in seconds when the event was produced.
	EmittedAt float64 `json:"emitted_at"`
	// Reason says why a final ended: "endpoint", "eof" or "maxlen".
	Reason string `json:"reason,omitempty"`
	// Words are the recognised words with their times, in transcribe's
	// schema (partial words have confidence 0).
	Words []mynah.Word `json:"words"`
}

// sink shows events.
type sink interface {
	partial(ev event) error
	final(ev event) error
	// close clears what is still drawn.
	close() error
}

// jsonSink writes JSON Lines.
type jsonSink struct{ enc *json.Encoder }

func (s jsonSink) partial(ev event) error { return s.enc.Encode(ev) }
func (s jsonSink) final(ev event) error   { return s.enc.Encode(ev) }
func (s jsonSink) close() error           { return nil }

// textSink writes each final on its own line to out and redraws the
// partial in place on term (a terminal: stdout itself, or stderr when
// stdout goes to a file, in which case finals are echoed there too).
type textSink struct {
	out   io.Writer
	term  io.Writer // nil: no partials
	echo  bool      // finals are also written to term
	width int       // columns of term
	drawn string    // the partial on screen, "" when none
}

// clearLine returns the cursor to the line start and erases the line
// (ECMA-48 CR, EL).
const clearLine = "\r\x1b[K"

func (s *textSink) partial(ev event) error {
	line := fitLine(ev.Text, s.width)
	if s.term == nil || line == s.drawn {
		return nil
	}
	_, err := io.WriteString(s.term, clearLine+line)
	s.drawn = line
	return err
}

func (s *textSink) final(ev event) error {
	if s.term != nil && s.drawn != "" {
		if _, err := io.WriteString(s.term, clearLine); err != nil {
			return err
		}
		s.drawn = ""
	}
	if ev.Text == "" {
		return nil
	}
	if s.echo {
		if _, err := io.WriteString(s.term, ev.Text+"\n"); err != nil {
			return err
		}
	}
	_, err := io.WriteString(s.out, ev.Text+"\n")
	return err
}

func (s *textSink) close() error {
	if s.term != nil && s.drawn != "" {
		s.drawn = ""
		_, err := io.WriteString(s.term, clearLine)
		return err
	}
	return nil
}

// fitLine makes a partial fit on one terminal line: line breaks (dictated
// "new line") show as ⏎ and a long partial shows its end, since \r only
// returns to the start of the last line.
func fitLine(text string, width int) string {
	text = strings.ReplaceAll(text, "\n", "⏎")
	room := width - 1 // the last column would wrap on some terminals
	if utf8.RuneCountInString(text) <= room {
		return text
	}
	if room < 2 {
		return "…"
	}
	runes := []rune(text)
	return "…" + string(runes[len(runes)-(room-1):])
}

// newSink makes the sink --format and --partials ask for.
func newSink(o options, stdout, stderr io.Writer) sink {
	if o.format == "json" {
		return jsonSink{enc: json.NewEncoder(stdout)}
	}
	s := &textSink{out: stdout}
	term, echo := stdout, false
	if !isTerminal(stdout) && isTerminal(stderr) {
		term, echo = stderr, true
	}
	if o.partials == "always" && !isTerminal(stdout) {
		term, echo = stderr, true
	}
	if o.partials == "always" || (o.partials == "auto" && isTerminal(term)) {
		s.term, s.echo = term, echo
		s.width = terminalWidth(term)
	}
	return s
}

// isTerminal reports whether w is a character device.
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	info, err := f.Stat()
	return err == nil && info.Mode()&os.ModeCharDevice != 0
}

// terminalWidth returns the columns of w when it is a terminal, else
// $COLUMNS, else 80.
func terminalWidth(w io.Writer) int {
	if f, ok := w.(*os.File); ok {
		if cols, ok := termColumns(f); ok && cols > 0 {
			return cols
		}
	}
	var cols int
	if _, err := fmt.Sscan(os.Getenv("COLUMNS"), &cols); err == nil && cols > 0 {
		return cols
	}
	return 80
}
