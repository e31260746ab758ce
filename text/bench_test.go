package text

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode"
)

// benchText is about 1 MB of a public-domain book from ../shared/text/lm,
// or a synthetic paragraph where that is absent.
func benchText(b *testing.B) string {
	books, _ := filepath.Glob(filepath.Join(sharedDir, "text/lm/*.txt"))
	if len(books) > 0 {
		data, err := os.ReadFile(books[0])
		if err == nil {
			if len(data) > 1<<20 {
				data = data[:1<<20]
			}
			return string(data)
		}
	}
	return strings.Repeat("Mr. Smith paid $3.50 on Jan. 5, 1984, at 10:30 a.m. “It’s fine,” said Dr. Jones; the FBI agreed. ", 10000)
}

// baselineNormalize is the peer: the normalisation wer.py applies (lower
// case, non-alphanumerics to spaces, collapse), with no verbalisation.
func baselineNormalize(s string) string {
	s = strings.ToLower(s)
	s = strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '\'' {
			return r
		}
		return ' '
	}, s)
	return strings.Join(strings.Fields(s), " ")
}

// BenchmarkLM measures WriteLM (sentence splitting plus normalisation)
// beside the baseline over the same lines; compare MB/s within one run.
func BenchmarkLM(b *testing.B) {
	data := benchText(b)
	b.Run("impl=mynah", func(b *testing.B) {
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			if _, err := WriteLM(io.Discard, strings.NewReader(data)); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/b.Elapsed().Seconds(), "MB/s-text")
	})
	b.Run("impl=baseline", func(b *testing.B) {
		lines := strings.Split(data, "\n")
		b.SetBytes(int64(len(data)))
		for b.Loop() {
			for _, l := range lines {
				io.WriteString(io.Discard, baselineNormalize(l))
			}
		}
		b.ReportMetric(float64(len(data))*float64(b.N)/1e6/b.Elapsed().Seconds(), "MB/s-text")
	})
}

func BenchmarkNormalizeSentence(b *testing.B) {
	s := "Mr. Smith paid $3.50 on Jan. 5, 1984, at 10:30 a.m. and said the FBI's HQ was at 935 Pennsylvania Ave."
	b.ReportAllocs()
	for b.Loop() {
		Normalize(s)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sentences/s")
}

func BenchmarkWER(b *testing.B) {
	ref := strings.Repeat("the quick brown fox jumps over the lazy dog ", 5)
	hyp := strings.Repeat("the quick brown fox jumped over a lazy dog ", 5)
	for b.Loop() {
		WER(ref, hyp)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "utterances/s")
}
