package text

import (
	"bufio"
	"fmt"
	"io"
)

// LMStats counts what WriteLM read and wrote.
type LMStats struct {
	Sentences int   // sentences found in the input
	Lines     int   // non-empty lines written
	Words     int   // words written
	BytesIn   int64 // bytes of input text in the sentences
	Report          // Unicode folding: letters transliterated, characters dropped
}

// WriteLM turns running text (books, articles: any encoding-clean UTF-8,
// with punctuation and case) into LM-ready lines: one sentence a line, in
// the spoken form of Normalize. Sentences that normalise to nothing are
// skipped. It streams: memory is bounded by the longest sentence
// (MaxSentenceBytes), not by the input.
func WriteLM(w io.Writer, r io.Reader) (LMStats, error) {
	var st LMStats
	bw := bufio.NewWriterSize(w, 64<<10)
	sc := NewSentenceScanner(r)
	var n normalizer
	for sc.Scan() {
		s := sc.Text()
		st.Sentences++
		st.BytesIn += int64(len(s))
		n.run(s, false, &st.Report)
		line := n.sink.buf
		if len(line) == 0 {
			continue
		}
		st.Lines++
		st.Words++
		for _, c := range line {
			if c == ' ' {
				st.Words++
			}
		}
		bw.Write(line)
		if err := bw.WriteByte('\n'); err != nil {
			return st, fmt.Errorf("write LM line %d: %w", st.Lines, err)
		}
	}
	if err := sc.Err(); err != nil {
		return st, fmt.Errorf("read text after %d sentences: %w", st.Sentences, err)
	}
	if err := bw.Flush(); err != nil {
		return st, fmt.Errorf("write LM lines: %w", err)
	}
	return st, nil
}
