package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
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
//	LIVEMIC_MEASURE=1 go test -run TestMeasure -timeout 1h -v ./cmd/livemic/
//	LIVEMIC_MEASURE=1 LIVEMIC_MEASURE_PACED=1 ...   # also at real time
//	LIVEMIC_MEASURE_ARGS="--chunk 300ms" ...        # extra livemic flags
//	LIVEMIC_MEASURE_LONG=30m go test -run TestMeasureLong -timeout 2h -v ./cmd/livemic/
//
// The recordings are the committed samples and a deterministic subset of
// the acoustic model's speaker-disjoint dev split (the manifest
// LIVEMIC_DEV_MANIFEST names, by default ~/.cache/mynah/manifests/dev.jsonl;
// only files it lists are read, never train or reserved ones): 5
// utterances of each of the 12 speechocean762 dev speakers, every 4th
// 20 Kathleen utterances spread evenly over the 76, every LJSpeech one
// (the split holds 16) and the 4 LibriSpeech ones. Each recording is
// played alone, with 0.5 s of silence before it and 2 s after, as the
// issue asks.

// measureClip is one recording with its reference transcript.
type measureClip struct {
	id, corpus, path, ref string
}

// devQuota is how many utterances the measurement takes from each corpus
// of the dev split, and from how many per speaker (0: no per-speaker cap).
var devQuota = []struct {
	corpus     string
	n, perSpkr int
}{
	{"speechocean762-train", 60, 5},
	{"kathleen", 20, 0},
	{"ljspeech-part1", 20, 0},
	{"librispeech-dev", 4, 0},
}

// devEntry is a line of a corpus manifest (corpora/*, JSON Lines).
type devEntry struct {
	ID      string `json:"id"`
	Audio   string `json:"audio"`
	Text    string `json:"text"`
	Speaker string `json:"speaker"`
	Corpus  string `json:"corpus"`
}

func devManifest() string {
	if p := os.Getenv("LIVEMIC_DEV_MANIFEST"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".cache/mynah/manifests/dev.jsonl")
}

// devClips reads the dev manifest and takes devQuota from it: within each
// corpus the utterances sorted by id, spread evenly (every len/n-th), and
// at most perSpkr a speaker, so the subset is the same on every run.
func devClips(t testing.TB, manifest string) ([]measureClip, error) {
	f, err := os.Open(manifest)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	byCorpus := map[string][]devEntry{}
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for line := 1; sc.Scan(); line++ {
		var e devEntry
		if err := json.Unmarshal(sc.Bytes(), &e); err != nil {
			return nil, fmt.Errorf("%s:%d: %w", manifest, line, err)
		}
		if e.Audio != "" && !filepath.IsAbs(e.Audio) {
			e.Audio = filepath.Join(filepath.Dir(manifest), e.Audio)
		}
		byCorpus[e.Corpus] = append(byCorpus[e.Corpus], e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", manifest, err)
	}
	var clips []measureClip
	for _, q := range devQuota {
		all := byCorpus[q.corpus]
		sort.Slice(all, func(i, j int) bool { return all[i].ID < all[j].ID })
		// Per speaker, in id order; then round-robin over speakers so a cap
		// of perSpkr spreads over all of them.
		var pool []devEntry
		if q.perSpkr > 0 {
			bySpkr := map[string][]devEntry{}
			var spkrs []string
			for _, e := range all {
				if bySpkr[e.Speaker] == nil {
					spkrs = append(spkrs, e.Speaker)
				}
				bySpkr[e.Speaker] = append(bySpkr[e.Speaker], e)
			}
			for _, s := range spkrs {
				es := bySpkr[s]
				for k := range min(q.perSpkr, len(es)) {
					pool = append(pool, es[k*len(es)/min(q.perSpkr, len(es))])
				}
			}
		} else {
			pool = all
		}
		n := min(q.n, len(pool))
		for k := range n {
			e := pool[k*len(pool)/n]
			clips = append(clips, measureClip{e.ID, q.corpus, e.Audio, e.Text})
		}
		if len(all) == 0 {
			t.Logf("dev manifest %s has no %s utterances", manifest, q.corpus)
		}
	}
	return clips, nil
}

// sampleClips are the committed samples (synthetic speech).
func sampleClips() []measureClip {
	return []measureClip{
		{"hello", "samples", helloWAV, "hello this is mynah a speech toolkit written in go"},
		{"numbers", "samples", numbersFLAC, "my phone number is five five five zero one nine two"},
		{"fox", "samples", foxMP3, "the quick brown fox jumps over the lazy dog"},
		{"window", "samples", windowWAV, "open the window and let the fresh air in"},
	}
}

// measureClips returns the samples and, when the dev manifest is there,
// the dev subset.
func measureClips(t testing.TB) []measureClip {
	clips := sampleClips()
	manifest := devManifest()
	dev, err := devClips(t, manifest)
	if err != nil {
		t.Logf("no dev split (%v): measuring on the committed samples only; set LIVEMIC_DEV_MANIFEST to the acoustic model's dev.jsonl", err)
		return clips
	}
	return append(clips, dev...)
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

// liveTally is one live configuration's figures over a group.
type liveTally struct {
	edits                        int
	ctcLag, speechLag, firstPart []float64
	partialGap                   []float64
	cpu                          float64 // seconds of CPU (user+sys) of the live loop
}

// tally is one group's (a corpus's, or all dev's) measured figures.
type tally struct {
	clips, words   int
	offEd, chunkEd int
	audio          float64 // seconds of audio, silence included
	live           []liveTally
}

func (g *tally) add(o *tally) {
	g.clips += o.clips
	g.words += o.words
	g.offEd += o.offEd
	g.chunkEd += o.chunkEd
	g.audio += o.audio
	for len(g.live) < len(o.live) {
		g.live = append(g.live, liveTally{})
	}
	for i, l := range o.live {
		d := &g.live[i]
		d.edits += l.edits
		d.ctcLag = append(d.ctcLag, l.ctcLag...)
		d.speechLag = append(d.speechLag, l.speechLag...)
		d.firstPart = append(d.firstPart, l.firstPart...)
		d.partialGap = append(d.partialGap, l.partialGap...)
		d.cpu += l.cpu
	}
}

func pct(ed, n int) float64 { return 100 * float64(ed) / float64(max(1, n)) }

func ms(x []float64, q float64) string {
	if len(x) == 0 {
		return "-"
	}
	return fmt.Sprintf("%.0f", 1000*quantile(x, q))
}

func (g *tally) row(name string, v int) string {
	l := g.live[v]
	ratio := "-"
	if g.offEd > 0 {
		ratio = fmt.Sprintf("%.2f", float64(l.edits)/float64(g.offEd))
	}
	return fmt.Sprintf("| %s | %d | %d | %.1f | %.1f | %.1f | %s | %s / %s | %s / %s | %s / %s | %.1f |",
		name, g.clips, g.words, pct(g.offEd, g.words), pct(g.chunkEd, g.words), pct(l.edits, g.words), ratio,
		ms(l.ctcLag, 0.5), ms(l.ctcLag, 0.9), ms(l.speechLag, 0.5), ms(l.speechLag, 0.9), ms(l.firstPart, 0.5), ms(l.firstPart, 0.9),
		100*l.cpu/max(g.audio, 1e-9))
}

// liveRun plays path through livemic's loop (run's session, with the
// models loaded once) with the flags args and returns its events.
func liveRun(t *testing.T, recs map[string]*mynah.Recognizer, path string, args []string) []mynah.LiveEvent {
	t.Helper()
	o, err := parseArgs(append([]string{"--input", path, "--format", "json", "--raw"}, args...), io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	key := fmt.Sprintf("%+v", o.recognizerConfig())
	rec := recs[key]
	if rec == nil {
		if rec, err = mynah.NewRecognizer(o.recognizerConfig()); err != nil {
			t.Fatal(err)
		}
		recs[key] = rec
	}
	st, err := rec.NewStream(o.streamConfig())
	if err != nil {
		t.Fatal(err)
	}
	in, err := openInput(o, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer in.close()
	var out, stderr bytes.Buffer
	s := &session{o: o, st: st, in: in, sink: newSink(o, &out, &stderr), stderr: &stderr}
	if code := s.listen(context.Background()); code != 0 {
		t.Fatalf("%s: exit %d: %s", path, code, stderr.String())
	}
	if err := s.sink.close(); err != nil {
		t.Fatal(err)
	}
	return parseEvents(t, out.String())
}

func TestMeasure(t *testing.T) {
	if os.Getenv("LIVEMIC_MEASURE") == "" {
		t.Skip("set LIVEMIC_MEASURE=1 to measure latency and WER (minutes)")
	}
	clips := measureClips(t)
	// transcribe's decoder: the same model, LM, beam and learned VAD as
	// livemic's defaults (raw words: WER is scored on the spoken form).
	rec, err := mynah.NewRecognizer(mynah.Config{VAD: true, Raw: true})
	if err != nil {
		t.Fatal(err)
	}
	recs := map[string]*mynah.Recognizer{}
	// The live configurations: livemic's defaults (plus
	// LIVEMIC_MEASURE_ARGS), and each ;-separated flag set of
	// LIVEMIC_MEASURE_ALT beside them on the same recordings.
	variants := [][]string{strings.Fields(os.Getenv("LIVEMIC_MEASURE_ARGS"))}
	if alt := os.Getenv("LIVEMIC_MEASURE_ALT"); alt != "" {
		for _, a := range strings.Split(alt, ";") {
			variants = append(variants, strings.Fields(a))
		}
	}
	modes := []string{"--no-pace"}
	if os.Getenv("LIVEMIC_MEASURE_PACED") != "" {
		modes = append(modes, "paced")
	}
	verbose := os.Getenv("LIVEMIC_MEASURE_VERBOSE") != ""
	var report strings.Builder
	fmt.Fprintf(&report, "model %s; %d recordings, each 0.5 s silence + clip + 2 s silence\n", rec.ModelName(), len(clips))
	for _, mode := range modes {
		groups := map[string]*tally{}
		var order []string
		for _, c := range clips {
			g := groups[c.corpus]
			if g == nil {
				g = &tally{live: make([]liveTally, len(variants))}
				groups[c.corpus] = g
				order = append(order, c.corpus)
			}
			path, spans := padded(t, 0.5, 2, c.path)
			speech := spans[0]
			var liveTexts []string
			var liveEd []int
			for v, extra := range variants {
				l := &g.live[v]
				args := extra
				if mode == "--no-pace" {
					args = append([]string{"--no-pace"}, extra...)
				}
				cpu0, _ := processCPU()
				evs := liveRun(t, recs, path, args)
				cpu1, _ := processCPU()
				l.cpu += cpu1 - cpu0
				var live []string
				lastPartial, seen := -1.0, false
				for _, ev := range evs {
					switch ev.Type {
					case "final":
						live = append(live, ev.Text)
						if ev.Reason == "endpoint" {
							l.ctcLag = append(l.ctcLag, ev.EmittedAt-ev.End)
							// The endpoint the trailing silence brings (a
							// long clip has others, in its own pauses).
							if ev.EmittedAt > speech[1] {
								l.speechLag = append(l.speechLag, ev.EmittedAt-speech[1])
							}
						}
						lastPartial = -1
					case "partial":
						// The first hypothesis that reaches into the speech.
						if !seen && ev.End >= speech[0] {
							seen = true
							l.firstPart = append(l.firstPart, ev.EmittedAt-speech[0])
						}
						if lastPartial >= 0 && ev.EmittedAt < speech[1] {
							l.partialGap = append(l.partialGap, ev.EmittedAt-lastPartial)
						}
						lastPartial = ev.EmittedAt
					}
				}
				text := strings.Join(live, " ")
				e, _ := wordErrors(c.ref, text)
				l.edits += e
				liveTexts, liveEd = append(liveTexts, text), append(liveEd, e)
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
			// recording as one utterance, no endpointing, no final pass.
			x, err := audio.Load(path, 16000)
			if err != nil {
				t.Fatal(err)
			}
			g.audio += float64(len(x)) / 16000
			st, err := rec.NewStream(mynah.StreamConfig{ChunkedFinals: true})
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
			e2, n := wordErrors(c.ref, tr.Text)
			e3, _ := wordErrors(c.ref, chunked.Text)
			g.clips++
			g.offEd, g.chunkEd, g.words = g.offEd+e2, g.chunkEd+e3, g.words+n
			t.Logf("%s %s: %d words, errors live %v, full context %d, chunked %d", c.corpus, c.id, n, liveEd, e2, e3)
			if verbose {
				fmt.Fprintf(&report, "  %s %s: ref %q\n    live    %q\n    offline %q\n    chunked %q\n", c.corpus, c.id, c.ref, liveTexts, tr.Text, chunked.Text)
			}
		}
		for v, extra := range variants {
			fmt.Fprintf(&report, "\n%s, livemic flags %q (WER %%; latencies ms p50 / p90; CPU: the live loop's, %% of one core at real time):\n\n", mode, extra)
			fmt.Fprintf(&report, "| set | clips | words | full context (transcribe) | chunked offline | live | live / full | emitted_at − end (endpoint finals) | emitted_at − speech end (energy) | first partial − speech start | CPU %% |\n")
			fmt.Fprintf(&report, "|---|---|---|---|---|---|---|---|---|---|---|\n")
			var dev tally
			for _, name := range order {
				g := groups[name]
				fmt.Fprintln(&report, g.row(name, v))
				if name != "samples" {
					dev.add(g)
				}
			}
			if dev.clips > 0 {
				fmt.Fprintln(&report, dev.row("**dev, all**", v))
			}
			all := dev
			if s := groups["samples"]; s != nil {
				all.add(s)
			}
			l := all.live[v]
			fmt.Fprintf(&report, "\nall %d recordings: emitted_at − end %s\n", all.clips, describe(l.ctcLag))
			fmt.Fprintf(&report, "  first partial − speech start %s\n", describe(l.firstPart))
			fmt.Fprintf(&report, "  gaps between partials in speech %s\n", describe(l.partialGap))
		}
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
		if len(cycle) >= int(length.Seconds()*16000) {
			break
		}
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
	args := append([]string{"--input", "-", "--sample-rate", "16000", "--no-pace", "--stats", "--format", "json"}, strings.Fields(os.Getenv("LIVEMIC_MEASURE_ARGS"))...)
	code := run(context.Background(), args, f, &out, &stderr)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	t.Logf("%d events in %v\n%s", strings.Count(out.String(), "\n"), time.Since(start).Round(time.Second), stderr.String())
}
