package lm

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// maxPrealloc caps what a header's claimed n-gram count may make ReadARPA
// allocate before the lines are there to back it.
const maxPrealloc = 1 << 16

// ReadARPA parses an ARPA back-off model (the format of SRILM and KenLM:
// a \data\ header of n-gram counts, one \N-grams: section per order with
// "log10prob w1 … wN [log10backoff]" lines, then \end\). Missing <unk> is
// added with log10 probability −100, as KenLM does; <s> and </s> are
// required. Errors carry the line number and wrap ErrInvalid.
func ReadARPA(r io.Reader) (*NGrams, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	line := 0
	fail := func(format string, args ...any) error {
		return fmt.Errorf("%w: ARPA line %d: %s", ErrInvalid, line, fmt.Sprintf(format, args...))
	}
	next := func() (string, bool) {
		for sc.Scan() {
			line++
			s := strings.TrimSpace(sc.Text())
			if s != "" {
				return s, true
			}
		}
		return "", false
	}
	// Header.
	var s string
	var ok bool
	for {
		if s, ok = next(); !ok {
			if err := sc.Err(); err != nil {
				return nil, fmt.Errorf("read ARPA: %w", err)
			}
			return nil, fail("no \\data\\ section")
		}
		if s == `\data\` {
			break
		}
	}
	var counts []int
	for {
		if s, ok = next(); !ok {
			return nil, fail("file ends in the \\data\\ section")
		}
		if !strings.HasPrefix(s, "ngram ") {
			break
		}
		spec := strings.TrimSpace(strings.TrimPrefix(s, "ngram "))
		eq := strings.IndexByte(spec, '=')
		if eq < 0 {
			return nil, fail("bad count line %q", s)
		}
		order, err1 := strconv.Atoi(strings.TrimSpace(spec[:eq]))
		count, err2 := strconv.Atoi(strings.TrimSpace(spec[eq+1:]))
		if err1 != nil || err2 != nil || count < 0 {
			return nil, fail("bad count line %q", s)
		}
		if order != len(counts)+1 {
			return nil, fail("count for order %d where order %d was expected", order, len(counts)+1)
		}
		if order > MaxOrder {
			return nil, fail("order %d exceeds the maximum %d", order, MaxOrder)
		}
		counts = append(counts, count)
	}
	if len(counts) == 0 {
		return nil, fail("\\data\\ lists no n-gram counts")
	}
	g := &NGrams{Vocab: []string{Unknown, Begin, End}, Orders: make([]OrderTable, len(counts))}
	ids := map[string]WordID{Unknown: UnknownID, Begin: BeginID, End: EndID}
	type uni struct {
		prob, backoff float32
		seen          bool
	}
	var unis []uni
	for o := range counts {
		n := o + 1
		if want := fmt.Sprintf(`\%d-grams:`, n); s != want {
			return nil, fail("found %q where %s was expected", s, want)
		}
		t := &g.Orders[o]
		prealloc := min(counts[o], maxPrealloc)
		if n > 1 {
			t.Words = make([]WordID, 0, n*prealloc)
			t.LogProb = make([]float32, 0, prealloc)
			if n < len(counts) {
				t.Backoff = make([]float32, 0, prealloc)
			}
		}
		got := 0
		for {
			if s, ok = next(); !ok {
				return nil, fail("file ends inside the %d-grams (no \\end\\)", n)
			}
			if strings.HasPrefix(s, `\`) {
				break
			}
			fields := strings.Fields(s)
			if len(fields) != n+1 && len(fields) != n+2 {
				return nil, fail("%d fields in a %d-gram line", len(fields), n)
			}
			if len(fields) == n+2 && n == len(counts) {
				return nil, fail("backoff on a highest-order n-gram")
			}
			prob, err := parseLog(fields[0])
			if err != nil {
				return nil, fail("probability: %v", err)
			}
			if prob > 0 {
				return nil, fail("log10 probability %v above 0", prob)
			}
			var backoff float32
			if len(fields) == n+2 {
				if backoff, err = parseLog(fields[n+1]); err != nil {
					return nil, fail("backoff: %v", err)
				}
			}
			got++
			if got > counts[o] {
				return nil, fail("more %d-grams than the %d the header announced", n, counts[o])
			}
			if n == 1 {
				w := fields[1]
				id, known := ids[w]
				if !known {
					id = WordID(len(g.Vocab))
					ids[w] = id
					g.Vocab = append(g.Vocab, w)
				}
				for int(id) >= len(unis) {
					unis = append(unis, uni{})
				}
				if unis[id].seen {
					return nil, fail("unigram %q appears twice", w)
				}
				unis[id] = uni{prob, backoff, true}
				continue
			}
			for _, w := range fields[1 : n+1] {
				id, known := ids[w]
				if !known {
					return nil, fail("word %q is not among the unigrams", w)
				}
				t.Words = append(t.Words, id)
			}
			t.LogProb = append(t.LogProb, prob)
			if n < len(counts) {
				t.Backoff = append(t.Backoff, backoff)
			}
		}
		if got != counts[o] {
			return nil, fail("%d %d-grams where the header announced %d", got, n, counts[o])
		}
		if n == 1 {
			for len(unis) < len(g.Vocab) {
				unis = append(unis, uni{})
			}
			if !unis[BeginID].seen || !unis[EndID].seen {
				return nil, fail("the unigrams lack %s or %s", Begin, End)
			}
			if !unis[UnknownID].seen {
				unis[UnknownID] = uni{prob: -100, seen: true}
			}
			t.Words = make([]WordID, len(g.Vocab))
			t.LogProb = make([]float32, len(g.Vocab))
			if len(counts) > 1 {
				t.Backoff = make([]float32, len(g.Vocab))
			}
			for id, u := range unis {
				t.Words[id] = WordID(id)
				t.LogProb[id] = u.prob
				if t.Backoff != nil {
					t.Backoff[id] = u.backoff
				}
			}
		}
	}
	if s != `\end\` {
		return nil, fail("found %q where \\end\\ was expected", s)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("read ARPA after line %d: %w", line, err)
	}
	if err := g.Validate(); err != nil {
		return nil, fmt.Errorf("ARPA: %w", err)
	}
	return g, nil
}

func parseLog(s string) (float32, error) {
	v, err := strconv.ParseFloat(s, 32)
	if err != nil {
		return 0, err
	}
	if v != v || v > 1e30 || v < -1e30 {
		return 0, fmt.Errorf("%q is not a finite number", s)
	}
	return float32(v), nil
}

// WriteARPA writes g in the ARPA format KenLM and SRILM read. Backoffs of
// zero are omitted, as those tools do.
func (g *NGrams) WriteARPA(w io.Writer) error {
	if err := g.Validate(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	fmt.Fprintf(bw, "\\data\\\n")
	for o := range g.Orders {
		fmt.Fprintf(bw, "ngram %d=%d\n", o+1, g.Orders[o].Len())
	}
	var buf []byte
	for o := range g.Orders {
		n := o + 1
		t := &g.Orders[o]
		fmt.Fprintf(bw, "\n\\%d-grams:\n", n)
		for i := 0; i < t.Len(); i++ {
			buf = strconv.AppendFloat(buf[:0], float64(t.LogProb[i]), 'g', -1, 32)
			for k, id := range t.Words[i*n : (i+1)*n] {
				if k == 0 {
					buf = append(buf, '\t')
				} else {
					buf = append(buf, ' ')
				}
				buf = append(buf, g.Vocab[id]...)
			}
			if len(t.Backoff) > 0 && t.Backoff[i] != 0 && n < g.Order() {
				buf = append(buf, '\t')
				buf = strconv.AppendFloat(buf, float64(t.Backoff[i]), 'g', -1, 32)
			}
			buf = append(buf, '\n')
			if _, err := bw.Write(buf); err != nil {
				return fmt.Errorf("write ARPA: %w", err)
			}
		}
	}
	fmt.Fprintf(bw, "\n\\end\\\n")
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write ARPA: %w", err)
	}
	return nil
}
