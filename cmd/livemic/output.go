package main

import (
	"encoding/json"
	"io"
	"strings"
	"unicode/utf8"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/cmd/internal/term"
)

// sink shows events.
type sink interface {
	partial(ev mynah.LiveEvent) error
	final(ev mynah.LiveEvent) error
	// close clears what is still drawn.
	close() error
}

// jsonSink writes JSON Lines.
type jsonSink struct{ enc *json.Encoder }

func (s jsonSink) partial(ev mynah.LiveEvent) error { return s.enc.Encode(ev) }
func (s jsonSink) final(ev mynah.LiveEvent) error   { return s.enc.Encode(ev) }
func (s jsonSink) close() error                     { return nil }

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

func (s *textSink) partial(ev mynah.LiveEvent) error {
	line := fitLine(ev.Text, s.width)
	if s.term == nil || line == s.drawn {
		return nil
	}
	_, err := io.WriteString(s.term, clearLine+line)
	s.drawn = line
	return err
}

func (s *textSink) final(ev mynah.LiveEvent) error {
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
	draw, echo := stdout, false
	if !term.IsTerminal(stdout) && term.IsTerminal(stderr) {
		draw, echo = stderr, true
	}
	if o.partials == "always" && !term.IsTerminal(stdout) {
		draw, echo = stderr, true
	}
	if o.partials == "always" || (o.partials == "auto" && term.IsTerminal(draw)) {
		s.term, s.echo = draw, echo
		s.width = term.Width(draw)
	}
	return s
}
