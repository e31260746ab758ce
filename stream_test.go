package mynah

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

func TestStreamEndpointsAndFinals(t *testing.T) {
	rec, err := NewRecognizer(Config{})
	if err != nil {
		t.Fatal(err)
	}
	speech, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		t.Fatal(err)
	}
	silence := make([]float32, sampleRate) // 1 s
	st, err := rec.NewStream(StreamConfig{EndpointSilence: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	var finals []Transcript
	for round := 0; round < 2; round++ {
		for _, part := range [][]float32{speech, silence} {
			for i := 0; i < len(part); i += 800 {
				end, err := st.Accept(part[i:min(i+800, len(part))])
				if err != nil {
					t.Fatal(err)
				}
				if end {
					tr, err := st.Final()
					if err != nil {
						t.Fatal(err)
					}
					finals = append(finals, tr)
				}
			}
		}
	}
	if len(finals) != 2 {
		t.Fatalf("%d utterances ended, want 2", len(finals))
	}
	if finals[1].Segments != nil && len(finals[1].Segments) > 0 && finals[1].Segments[0].Start < 3 {
		t.Errorf("second utterance starts at %v s, before the first ended", finals[1].Segments[0].Start)
	}
	// Final with nothing pushed since the last is empty, not an error.
	if _, err := st.Final(); err != nil {
		t.Fatal(err)
	}
	tr, err := st.Final()
	if err != nil || tr.Text != "" || tr.Duration != 0 {
		t.Errorf("empty final: %+v, %v", tr, err)
	}
}

// TestStreamFinalPass checks the final pass: by default a final is the
// utterance re-decoded at full context, which on one clean utterance is
// what Transcribe finds; ChunkedFinals keeps the chunked hypothesis. Both
// give word times on the stream's clock, inside the audio.
func TestStreamFinalPass(t *testing.T) {
	rec, err := NewRecognizer(Config{VAD: true, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	speech, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		t.Fatal(err)
	}
	// 1.5 s of silence first: the final pass decodes only the segment
	// padding of it.
	input := append(append(make([]float32, 3*sampleRate/2), speech...), make([]float32, sampleRate)...)
	offline, err := rec.Transcribe(context.Background(), &samplesSource{x: input})
	if err != nil {
		t.Fatal(err)
	}
	for _, chunked := range []bool{false, true} {
		st, err := rec.NewStream(StreamConfig{ChunkedFinals: chunked})
		if err != nil {
			t.Fatal(err)
		}
		var finals []Transcript
		for i := 0; i < len(input); i += 320 {
			end, err := st.Accept(input[i:min(i+320, len(input))])
			if err != nil {
				t.Fatal(err)
			}
			if end {
				tr, err := st.Final()
				if err != nil {
					t.Fatal(err)
				}
				finals = append(finals, tr)
			}
		}
		if len(finals) != 1 || len(finals[0].Words) == 0 {
			t.Fatalf("chunked finals %v: %d finals %+v, want one with words", chunked, len(finals), finals)
		}
		tr := finals[0]
		if !chunked && tr.Text != offline.Text {
			t.Errorf("final pass %q, Transcribe %q", tr.Text, offline.Text)
		}
		// The chunked model, trained at full context, may hear words in
		// the leading silence; the final pass decodes only the speech.
		first := 1.0
		if chunked {
			first = 0
		}
		prev := 0.0
		for _, w := range tr.Words {
			if w.Start < first || w.End < w.Start || w.Start < prev || w.End > float64(len(input))/sampleRate {
				t.Errorf("chunked finals %v: word %+v outside the speech (starts at 1.5 s)", chunked, w)
			}
			prev = w.Start
		}
		if tr.Segments[0].Start != 0 {
			t.Errorf("chunked finals %v: segment starts at %v, want the utterance's start 0", chunked, tr.Segments[0].Start)
		}
	}
}

// TestStreamKeep checks the final pass's buffer: silence before speech is
// trimmed to finalPassLead, speech is kept, and an utterance longer than
// maxFinalPass drops the buffer (its final falls back to the chunked
// pass).
func TestStreamKeep(t *testing.T) {
	s := &Stream{}
	push := make([]float32, 320)
	lead := int(finalPassLead.Seconds() * sampleRate)
	for range 200 { // 4 s of silence
		s.pushed += int64(len(push))
		s.keep(push)
	}
	if len(s.utt) > lead+len(push) || s.utt0+int64(len(s.utt)) != s.pushed {
		t.Fatalf("after silence: %d samples kept from %d, pushed %d (lead %d)", len(s.utt), s.utt0, s.pushed, lead)
	}
	s.speech = true
	before := len(s.utt)
	for range 100 {
		s.pushed += int64(len(push))
		s.keep(push)
	}
	if len(s.utt) != before+100*len(push) || s.utt0+int64(len(s.utt)) != s.pushed {
		t.Fatalf("in speech: %d samples kept, want %d", len(s.utt), before+100*len(push))
	}
	for !s.overflow {
		if len(s.utt) > int(maxFinalPass.Seconds()*sampleRate) {
			t.Fatalf("kept %d samples, more than maxFinalPass", len(s.utt))
		}
		s.keep(push)
	}
	if len(s.utt) != 0 {
		t.Errorf("overflowed buffer still holds %d samples", len(s.utt))
	}
}

// BenchmarkStreamFinal measures what a final costs at the endpoint, the
// latency it adds on top of the endpoint silence: the final pass
// (impl=final-pass: hello.wav once more at full context and beam search)
// beside the chunked pass's flush (impl=chunked, ChunkedFinals), both
// after the same audio was accepted. cpu-ms/utt-s is process CPU per
// second of utterance.
func BenchmarkStreamFinal(b *testing.B) {
	rec, err := NewRecognizer(Config{Raw: true})
	if err != nil {
		b.Fatal(err)
	}
	speech, err := audio.Load("samples/hello.wav", sampleRate)
	if err != nil {
		b.Fatal(err)
	}
	input := append(append(make([]float32, sampleRate/2), speech...), make([]float32, sampleRate/2)...)
	seconds := float64(len(speech)) / sampleRate
	for _, impl := range []string{"final-pass", "chunked"} {
		b.Run("impl="+impl, func(b *testing.B) {
			st, err := rec.NewStream(StreamConfig{ChunkedFinals: impl == "chunked"})
			if err != nil {
				b.Fatal(err)
			}
			var cpu time.Duration
			for b.Loop() {
				b.StopTimer()
				for i := 0; i < len(input); i += 320 {
					if _, err := st.Accept(input[i:min(i+320, len(input))]); err != nil {
						b.Fatal(err)
					}
				}
				c0 := processCPU()
				b.StartTimer()
				if _, err := st.Final(); err != nil {
					b.Fatal(err)
				}
				cpu += processCPU() - c0
			}
			b.ReportMetric(float64(cpu.Milliseconds())/float64(b.N)/seconds, "cpu-ms/utt-s")
		})
	}
}

// processCPU is the process's user and system CPU time.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
