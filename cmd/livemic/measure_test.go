package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// Issue 10's measurements, run on demand (they take minutes):
//
//	LIVEMIC_MEASURE=1 go test -run TestMeasure -v ./cmd/livemic/
//	LIVEMIC_MEASURE=1 LIVEMIC_MEASURE_PACED=1 ...   # also at real time
//	LIVEMIC_MEASURE_LONG=30m go test -run TestMeasureLong -timeout 2h -v ./cmd/livemic/
//
// The recordings are the committed samples and the four LibriSpeech dev
// utterances of ../shared (dev only, never trained on), each with 0.5 s
// of silence before it and 2 s after, as the issue asks.

// measureClip is one recording with its reference transcript.
type measureClip struct {
	id, path, ref string
}

func measureClips(t *testing.T) []measureClip {
	clips := []measureClip{
		{"hello", helloWAV, "hello this is mynah a speech toolkit written in go"},
		{"numbers", numbersFLAC, "my phone number is five five five zero one nine two"},
		{"fox", foxMP3, "the quick brown fox jumps over the lazy dog"},
		{"window", windowWAV, "open the window and let the fresh air in"},
	}
	shared := os.Getenv("MYNAH_SHARED")
	if shared == "" {
		shared = "../../../shared"
	}
	trans, _ := filepath.Glob(filepath.Join(shared, "corpora/librispeech/dev/*/*/*.trans.txt"))
	for _, tr := range trans {
		f, err := os.Open(tr)
		if err != nil {
			t.Fatal(err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			id, text, ok := strings.Cut(sc.Text(), " ")
			if ok {
				clips = append(clips, measureClip{id, filepath.Join(filepath.Dir(tr), id+".mp3"), strings.ToLower(text)})
			}
		}
		f.Close()
	}
	if len(trans) == 0 {
		t.Logf("no LibriSpeech dev utterances under %s: measuring on the samples only", shared)
	}
	return clips
}

// wordErrors returns the word edit distance and the reference's length.
func wordErrors(ref, hyp string) (edits, words int) {
	r := strings.Fields(ref)
	return int(wordErrorRate(ref, hyp)*float64(len(r)) + 0.5), len(r)
}

func quantile(x []float64, q float64) float64 {
	if len(x) == 0 {
		return 0
	}
	s := append([]float64(nil), x...)
	sort.Float64s(s)
	return s[min(len(s)-1, int(q*float64(len(s))))]
}

func describe(x []float64) string {
	if len(x) == 0 {
		return "n=0"
	}
	return fmt.Sprintf("n=%d min %.0f  median %.0f  p90 %.0f  max %.0f ms", len(x),
		1000*quantile(x, 0), 1000*quantile(x, 0.5), 1000*quantile(x, 0.9), 1000*quantile(x, 1))
}

func TestMeasure(t *testing.T) {
	if os.Getenv("LIVEMIC_MEASURE") == "" {
		t.Skip("set LIVEMIC_MEASURE=1 to measure latency and WER (minutes)")
	}
	clips := measureClips(t)
	rec, err := mynah.NewRecognizer(mynah.Config{VAD: true}) // transcribe's defaults
	if err != nil {
		t.Fatal(err)
	}
	modes := []string{"--no-pace"}
	if os.Getenv("LIVEMIC_MEASURE_PACED") != "" {
		modes = append(modes, "paced")
	}
	var report strings.Builder
	fmt.Fprintf(&report, "model %s; %d recordings, each 0.5 s silence + clip + 2 s silence\n", rec.ModelName(), len(clips))
	var liveEd, offEd, chunkEd, refWords int
	for _, mode := range modes {
		var ctcLag, speechLag, firstPartial, partialGap []float64
		liveEd, offEd, chunkEd, refWords = 0, 0, 0, 0
		for _, c := range clips {
			path, spans := padded(t, 0.5, 2, c.path)
			speech := spans[0]
			args := []string{"--input", path, "--format", "json", "--raw"}
			if mode == "--no-pace" {
				args = append(args, "--no-pace")
			}
			code, out, stderr := runCmd(t, context.Background(), nil, args...)
			if code != 0 {
				t.Fatalf("%s: exit %d: %s", c.id, code, stderr)
			}
			evs := parseEvents(t, out)
			var live []string
			lastPartial, seen := -1.0, false
			for _, ev := range evs {
				switch ev.Type {
				case "final":
					live = append(live, ev.Text)
					if ev.Reason == "endpoint" {
						ctcLag = append(ctcLag, ev.EmittedAt-ev.End)
						// The endpoint the trailing silence brings (a
						// long clip has others, in its own pauses).
						if ev.EmittedAt > speech[1] {
							speechLag = append(speechLag, ev.EmittedAt-speech[1])
						}
					}
					lastPartial = -1
				case "partial":
					// The first hypothesis that reaches into the speech.
					if !seen && ev.End >= speech[0] {
						seen = true
						firstPartial = append(firstPartial, ev.EmittedAt-speech[0])
					}
					if lastPartial >= 0 && ev.EmittedAt < speech[1] {
						partialGap = append(partialGap, ev.EmittedAt-lastPartial)
					}
					lastPartial = ev.EmittedAt
				}
			}
			// Offline, full context: what transcribe does.
			f, err := audio.Open(path, audio.DecodeOptions{})
			if err != nil {
				t.Fatal(err)
			}
			tr, err := rec.Transcribe(context.Background(), f)
			f.Close()
			if err != nil {
				t.Fatal(err)
			}
			// Offline, chunked: the streaming model over the whole
			// recording as one utterance, no endpointing.
			x, err := audio.Load(path, 16000)
			if err != nil {
				t.Fatal(err)
			}
			st, err := rec.NewStream(mynah.StreamConfig{})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := st.Accept(x); err != nil {
				t.Fatal(err)
			}
			chunked, err := st.Final()
			if err != nil {
				t.Fatal(err)
			}
			liveText := strings.Join(live, " ")
			e1, n := wordErrors(c.ref, liveText)
			e2, _ := wordErrors(c.ref, tr.Text)
			e3, _ := wordErrors(c.ref, chunked.Text)
			liveEd, offEd, chunkEd, refWords = liveEd+e1, offEd+e2, chunkEd+e3, refWords+n
			if mode == "--no-pace" {
				fmt.Fprintf(&report, "  %-16s live %q\n  %-16s offline %q\n", c.id, liveText, "", tr.Text)
			}
		}
		fmt.Fprintf(&report, "%s:\n", mode)
		fmt.Fprintf(&report, "  emitted_at - end (CTC), endpoint finals: %s\n", describe(ctcLag))
		fmt.Fprintf(&report, "  emitted_at - speech end (energy), last : %s\n", describe(speechLag))
		fmt.Fprintf(&report, "  first partial reaching speech - start  : %s\n", describe(firstPartial))
		fmt.Fprintf(&report, "  gaps between partials in speech       : %s\n", describe(partialGap))
		fmt.Fprintf(&report, "  WER over %d words: live %.1f%%, offline full context (transcribe) %.1f%%, offline chunked %.1f%%\n",
			refWords, 100*float64(liveEd)/float64(refWords), 100*float64(offEd)/float64(refWords), 100*float64(chunkEd)/float64(refWords))
	}
	t.Log("\n" + report.String())
}

// TestMeasureLong feeds LIVEMIC_MEASURE_LONG of audio (the clips of
// TestMeasure with their pauses, over and over) through --no-pace and
// reports the CPU per chunk minute by minute (--stats).
func TestMeasureLong(t *testing.T) {
	spec := os.Getenv("LIVEMIC_MEASURE_LONG")
	if spec == "" {
		t.Skip("set LIVEMIC_MEASURE_LONG=30m to measure CPU per chunk over a long session")
	}
	length, err := time.ParseDuration(spec)
	if err != nil {
		t.Fatal(err)
	}
	var cycle []float32
	for _, c := range measureClips(t) {
		x, err := audio.Load(c.path, 16000)
		if err != nil {
			t.Fatal(err)
		}
		cycle = append(cycle, make([]float32, 8000)...)
		cycle = append(cycle, x...)
		cycle = append(cycle, make([]float32, 32000)...)
	}
	raw := filepath.Join(t.TempDir(), "long.s16le")
	f, err := os.Create(raw)
	if err != nil {
		t.Fatal(err)
	}
	w := bufio.NewWriter(f)
	chunk := s16le(cycle)
	for written := int64(0); written < int64(length.Seconds()*16000); written += int64(len(cycle)) {
		w.Write(chunk)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var out, stderr bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"--input", "-", "--sample-rate", "16000", "--no-pace", "--stats", "--format", "json"}, f, &out, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	t.Logf("%d events in %v\n%s", strings.Count(out.String(), "\n"), time.Since(start).Round(time.Second), stderr.String())
}
