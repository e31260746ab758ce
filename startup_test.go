package mynah_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/lm"
	"github.com/mynah-speech/mynah/models"
)

// The embedded LM must carry its spelling trie: without it every
// NewRecognizer builds the lexicon again (0.13 s of CPU, issue 9's
// start-up budget).
func TestEmbeddedLMHasSpellingTrie(t *testing.T) {
	m, err := lm.Load(models.EnglishLM())
	if err != nil {
		t.Fatal(err)
	}
	s := m.Spelling()
	if s == nil {
		t.Fatal("the embedded LM has no spelling trie; rewrite it with lm.(*Model).MarshalBinary")
	}
	if s.Words() != m.VocabSize()-3 {
		t.Fatalf("trie holds %d words of %d", s.Words(), m.VocabSize()-3)
	}
}

// cpuTime is the process's user+system CPU time: on the shared machine it
// measures the work, where wall time also measures the queue.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkLoadAndFirstResult is issue 9's start-up figure inside one
// process: NewRecognizer with the embedded models, then the transcript of
// the 3.5 s samples/hello.wav, one core. The sub-benchmarks take parts away
// (no LM, no punctuation) to show where the time goes; the whole-process
// figure, runtime start and page faults included, is
// cmd/transcribe's BenchmarkProcess.
func BenchmarkLoadAndFirstResult(b *testing.B) {
	for _, tc := range []struct {
		name string
		cfg  mynah.Config
	}{
		{"config=default", mynah.Config{}},
		{"config=lm-none", mynah.Config{LMPath: "none"}},
		{"config=lm-none-raw", mynah.Config{LMPath: "none", Raw: true}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			var load time.Duration
			cpuStart := cpuTime()
			for b.Loop() {
				start := time.Now()
				rec, err := mynah.NewRecognizer(tc.cfg)
				if err != nil {
					b.Fatal(err)
				}
				load += time.Since(start)
				f, err := audio.Open("samples/hello.wav", audio.DecodeOptions{})
				if err != nil {
					b.Fatal(err)
				}
				if _, err := rec.Transcribe(context.Background(), f); err != nil {
					b.Fatal(err)
				}
				f.Close()
			}
			n := float64(b.N)
			b.ReportMetric(float64(b.Elapsed().Microseconds())/1000/n, "ms/first-result")
			b.ReportMetric(float64(load.Microseconds())/1000/n, "ms/load")
			b.ReportMetric(float64((cpuTime()-cpuStart).Microseconds())/1000/n, "cpu-ms/first-result")
		})
	}
}
