package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/binary"
	"encoding/json"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// The committed clips (samples/NOTICE.md says how they were made).
const (
	helloWAV    = "../../samples/hello.wav"
	windowWAV   = "../../samples/window.wav"
	foxMP3      = "../../samples/fox.mp3"
	numbersFLAC = "../../samples/numbers.flac"
)

func runCmd(t *testing.T, ctx context.Context, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(ctx, args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

// padded writes clips, each with lead seconds of silence before it and
// tail after, one after another into a 16 kHz WAV in a temporary folder,
// and returns its path and the spans of speech in it, in seconds.
func padded(t testing.TB, lead, tail float64, clips ...string) (string, [][2]float64) {
	t.Helper()
	var all []float32
	var spans [][2]float64
	for _, c := range clips {
		x, err := audio.Load(c, 16000)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, make([]float32, int(lead*16000))...)
		first, last := speechSpan(x)
		start := float64(len(all)) / 16000
		spans = append(spans, [2]float64{start + first, start + last})
		all = append(all, x...)
		all = append(all, make([]float32, int(tail*16000))...)
	}
	path := filepath.Join(t.TempDir(), "padded.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := audio.WriteWAV(f, all, 16000, audio.PCM16); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return path, spans
}

// speechSpan returns where speech starts and ends in x, in seconds: the
// first and last 10 ms frame within 30 dB of the loudest (the clips are
// synthetic and clean, so energy finds their speech exactly enough).
func speechSpan(x []float32) (start, end float64) {
	const frame = 160
	var rms []float64
	peak := 0.0
	for i := 0; i+frame <= len(x); i += frame {
		e := 0.0
		for _, v := range x[i : i+frame] {
			e += float64(v) * float64(v)
		}
		rms = append(rms, math.Sqrt(e/frame))
		peak = max(peak, rms[len(rms)-1])
	}
	first, last := -1, -1
	for i, r := range rms {
		if r > peak*0.03 {
			if first < 0 {
				first = i
			}
			last = i
		}
	}
	return float64(first*frame) / 16000, float64((last+1)*frame) / 16000
}

// parseEvents parses JSON Lines output, failing on unknown fields.
func parseEvents(t *testing.T, out string) []mynah.LiveEvent {
	t.Helper()
	var evs []mynah.LiveEvent
	sc := bufio.NewScanner(strings.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		dec := json.NewDecoder(strings.NewReader(sc.Text()))
		dec.DisallowUnknownFields()
		var ev mynah.LiveEvent
		if err := dec.Decode(&ev); err != nil {
			t.Fatalf("line %q: %v", sc.Text(), err)
		}
		evs = append(evs, ev)
	}
	return evs
}

// checkDictated checks that finals are punctuated and cased (issue 13):
// each starts with a capital or continues a sentence, ends with a mark,
// and holds, read back to spoken form, the recognised words (none of these
// clips says a punctuation command).
func checkDictated(t *testing.T, fs []mynah.LiveEvent) {
	t.Helper()
	for i, f := range fs {
		var words []string
		for _, w := range f.Words {
			words = append(words, w.Word)
		}
		spoken := strings.Fields(strings.Map(func(r rune) rune {
			if strings.ContainsRune(",.?!", r) {
				return -1
			}
			return unicode.ToLower(r)
		}, f.Text))
		if strings.Join(spoken, " ") != strings.Join(words, " ") {
			t.Errorf("final %d %q: words %q", i, f.Text, words)
		}
		if last, _ := utf8.DecodeLastRuneInString(f.Text); !strings.ContainsRune(".?!", last) {
			t.Errorf("final %d %q does not end with a sentence mark", i, f.Text)
		}
	}
	if len(fs) > 0 {
		if r, _ := utf8.DecodeRuneInString(fs[0].Text); !unicode.IsUpper(r) {
			t.Errorf("first final %q does not start with a capital", fs[0].Text)
		}
	}
}

func finals(evs []mynah.LiveEvent) []mynah.LiveEvent {
	var out []mynah.LiveEvent
	for _, ev := range evs {
		if ev.Type == "final" {
			out = append(out, ev)
		}
	}
	return out
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name string
		args []string
		want string
	}{
		{"unknown flag", []string{"--nope"}, "flag provided but not defined"},
		{"format", []string{"--format", "xml", "--input", helloWAV}, "--format"},
		{"partials", []string{"--partials", "maybe", "--input", helloWAV}, "--partials"},
		{"stdin without rate", []string{"--input", "-"}, "--sample-rate"},
		{"rate without stdin", []string{"--input", helloWAV, "--sample-rate", "16000"}, "--sample-rate"},
		{"no-pace without input", []string{"--no-pace"}, "--no-pace"},
		{"input and device", []string{"--input", helloWAV, "--device", "1"}, "exclude"},
		{"argument", []string{helloWAV}, "--input"},
		{"negative silence", []string{"--input", helloWAV, "--endpoint-silence", "-1s"}, "positive"},
		{"maxlen under a chunk", []string{"--input", helloWAV, "--max-utterance", "100ms"}, "--max-utterance"},
		{"beam", []string{"--input", helloWAV, "--beam", "-2"}, "--beam"},
		{"vad", []string{"--input", helloWAV, "--vad", "webrtc"}, "--vad"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			code, out, stderr := runCmd(t, context.Background(), nil, tc.args...)
			if code != 2 {
				t.Errorf("exit %d, want 2", code)
			}
			if out != "" {
				t.Errorf("stdout %q", out)
			}
			if !strings.Contains(stderr, tc.want) {
				t.Errorf("stderr %q does not mention %q", stderr, tc.want)
			}
		})
	}
}

func TestMissingInput(t *testing.T) {
	code, _, stderr := runCmd(t, context.Background(), nil, "--input", "testdata/missing.wav", "--no-pace")
	if code != 1 || !strings.Contains(stderr, "missing.wav") {
		t.Errorf("exit %d, stderr %q", code, stderr)
	}
}

// TestJSONEvents checks the event schema and its timing promises on two
// utterances, each followed by 2 s of silence.
func TestJSONEvents(t *testing.T) {
	path, spans := padded(t, 0.5, 2, helloWAV, windowWAV)
	code, out, stderr := runCmd(t, context.Background(), nil, "--input", path, "--no-pace", "--format", "json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	evs := parseEvents(t, out)
	if len(evs) == 0 {
		t.Fatal("no events")
	}
	last := 0.0
	for i, ev := range evs {
		if ev.Type != "partial" && ev.Type != "final" {
			t.Errorf("event %d: type %q", i, ev.Type)
		}
		if (ev.Type == "final") != (ev.Reason != "") {
			t.Errorf("event %d: %s with reason %q", i, ev.Type, ev.Reason)
		}
		if len(ev.Words) == 0 || ev.Text == "" {
			t.Errorf("event %d: empty %+v", i, ev)
			continue
		}
		if ev.Start != ev.Words[0].Start || ev.End != ev.Words[len(ev.Words)-1].End || ev.Start > ev.End {
			t.Errorf("event %d: span %v-%v does not match its words %+v", i, ev.Start, ev.End, ev.Words)
		}
		if ev.EmittedAt < last {
			t.Errorf("event %d: emitted_at %v went back from %v", i, ev.EmittedAt, last)
		}
		last = ev.EmittedAt
	}
	fs := finals(evs)
	checkDictated(t, fs)
	reasons := map[string]int{}
	for _, f := range fs {
		reasons[f.Reason]++
	}
	// Each clip is followed by 2 s of silence: both end at an endpoint.
	if reasons["endpoint"] != 2 {
		t.Errorf("finals %+v, want two endpoints", reasons)
	}
	for _, f := range fs {
		if f.Reason != "endpoint" {
			continue
		}
		// An endpoint comes after the trailing silence (400 ms by
		// default), well before the next utterance.
		var span [2]float64
		for _, s := range spans {
			if f.EmittedAt > s[0] {
				span = s
			}
		}
		if lag := f.EmittedAt - span[1]; lag < 0.3 || lag > 1.2 {
			t.Errorf("endpoint final emitted at %v s, %.3f s after its speech ended at %v", f.EmittedAt, lag, span[1])
		}
	}
	// Partials while speech goes on come at least every 250 ms.
	for i := 1; i < len(evs); i++ {
		a, b := evs[i-1], evs[i]
		if a.Type != "partial" || b.Type != "partial" {
			continue
		}
		for _, s := range spans {
			inside := a.EmittedAt > s[0]+0.5 && b.EmittedAt < s[1]
			if gap := b.EmittedAt - a.EmittedAt; inside && gap > 0.25+1e-9 {
				t.Errorf("partials at %v and %v s: %v s apart in speech", a.EmittedAt, b.EmittedAt, gap)
			}
		}
	}
}

func TestTextOutput(t *testing.T) {
	path, _ := padded(t, 0.3, 1.5, helloWAV, foxMP3)
	_, jsonOut, _ := runCmd(t, context.Background(), nil, "--input", path, "--no-pace", "--format", "json")
	fs := finals(parseEvents(t, jsonOut))
	code, out, stderr := runCmd(t, context.Background(), nil, "--input", path, "--no-pace")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Contains(out, "\r") || strings.Contains(stderr, "\r") {
		t.Errorf("partials drawn though no terminal: %q %q", out, stderr)
	}
	// One line per final (an early model may also hear words in the
	// trailing silence, flushed at the end as a third).
	lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
	if len(lines) != len(fs) || len(fs) < 2 {
		t.Fatalf("%d lines for %d finals: %q", len(lines), len(fs), out)
	}
	for i, f := range fs {
		if lines[i] != f.Text {
			t.Errorf("line %d %q, JSON final %q", i, lines[i], f.Text)
		}
	}
	// Dictation: the first word of the dictation starts a sentence.
	if r, _ := utf8.DecodeRuneInString(lines[0]); !unicode.IsUpper(r) {
		t.Errorf("first final %q does not start with a capital", lines[0])
	}
	code, rawOut, _ := runCmd(t, context.Background(), nil, "--input", path, "--no-pace", "--raw")
	if code != 0 || rawOut != strings.ToLower(rawOut) {
		t.Errorf("--raw: exit %d, %q is not the plain words", code, rawOut)
	}

	// --partials always draws them in place on stderr when stdout is not a
	// terminal, clears them, and echoes the finals there.
	code, out2, stderr := runCmd(t, context.Background(), nil, "--input", path, "--no-pace", "--partials", "always")
	if code != 0 || out2 != out {
		t.Fatalf("exit %d, stdout %q, want %q", code, out2, out)
	}
	if !strings.Contains(stderr, clearLine) || !strings.Contains(stderr, lines[0]+"\n") {
		t.Errorf("stderr lacks partials or the echoed final: %q", stderr)
	}
}

func TestMaxUtterance(t *testing.T) {
	code, out, stderr := runCmd(t, context.Background(), nil, "--input", numbersFLAC, "--no-pace", "--format", "json", "--max-utterance", "1s")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs := finals(parseEvents(t, out))
	n := 0
	for _, f := range fs {
		if f.Reason == "maxlen" {
			n++
		}
	}
	// 4.6 s of speech without a pause, cut every second.
	if n < 3 {
		t.Errorf("%d maxlen finals in %+v", n, fs)
	}
}

// s16le encodes samples as raw 16-bit little-endian PCM.
func s16le(x []float32) []byte {
	b := make([]byte, 2*len(x))
	for i, v := range x {
		binary.LittleEndian.PutUint16(b[2*i:], uint16(int16(math.Round(float64(max(-1, min(1, v)))*32767))))
	}
	return b
}

func TestStdinRaw(t *testing.T) {
	path, _ := padded(t, 0.3, 1, helloWAV)
	_, want, _ := runCmd(t, context.Background(), nil, "--input", path, "--no-pace", "--format", "json")
	x, err := audio.Load(path, 16000)
	if err != nil {
		t.Fatal(err)
	}
	code, got, stderr := runCmd(t, context.Background(), s16le(x), "--input", "-", "--sample-rate", "16000", "--no-pace", "--format", "json")
	if code != 0 {
		t.Fatalf("raw stdin: exit %d: %s", code, stderr)
	}
	// The same audio gives the same finals (event times may differ by a
	// read's granularity).
	a, b := finals(parseEvents(t, got)), finals(parseEvents(t, want))
	if len(a) != len(b) || len(a) == 0 {
		t.Fatalf("raw stdin gave %d finals, the WAV %d", len(a), len(b))
	}
	for i := range a {
		if a[i].Text != b[i].Text || a[i].Reason != b[i].Reason {
			t.Errorf("final %d: raw %q (%s), WAV %q (%s)", i, a[i].Text, a[i].Reason, b[i].Text, b[i].Reason)
		}
	}
	// At 48 kHz it goes through the resampler, as a sound card's rate does.
	x48, err := audio.Load(path, 48000)
	if err != nil {
		t.Fatal(err)
	}
	code, got, stderr = runCmd(t, context.Background(), s16le(x48), "--input", "-", "--sample-rate", "48000", "--no-pace", "--format", "json")
	if code != 0 || len(finals(parseEvents(t, got))) == 0 {
		t.Errorf("48 kHz raw stdin: exit %d (%s), %s", code, stderr, got)
	}
}

// cancelAfter is stdout that presses Ctrl-C (cancels) once an event
// stamped at audio time at or later has been written.
type cancelAfter struct {
	bytes.Buffer
	at        float64
	cancel    context.CancelFunc
	cancelled time.Time
}

func (w *cancelAfter) Write(p []byte) (int, error) {
	var ev mynah.LiveEvent
	if w.cancelled.IsZero() && json.Unmarshal(p, &ev) == nil && ev.EmittedAt >= w.at {
		w.cancelled = time.Now()
		w.cancel()
	}
	return w.Buffer.Write(p)
}

// TestPacedAndCtrlC plays a recording at real time and interrupts it: the
// utterance heard so far is flushed (reason eof) and the exit is clean.
func TestPacedAndCtrlC(t *testing.T) {
	if testing.Short() {
		t.Skip("runs at real time")
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	out := &cancelAfter{at: 1.0, cancel: cancel}
	var stderr bytes.Buffer
	code := run(ctx, []string{"--input", windowWAV, "--format", "json"}, nil, out, &stderr) // 3.1 s
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if out.cancelled.IsZero() {
		t.Fatalf("no event at 1 s or later: %s", out.String())
	}
	// Only a hang is an error: wall-clock bounds are not tested on these
	// shared machines.
	if took := time.Since(out.cancelled); took > 30*time.Second {
		t.Errorf("exit took %v after Ctrl-C", took)
	}
	evs := parseEvents(t, out.String())
	fs := finals(evs)
	if len(fs) != 1 || fs[0].Reason != "eof" {
		t.Fatalf("finals %+v, want one eof; stderr %s", fs, stderr.String())
	}
	// Interrupted about 1 s into the clip's 3.1 s: only what had arrived
	// is flushed.
	if at := fs[0].EmittedAt; at < 1.0 || at >= 3.1 {
		t.Errorf("final emitted at audio time %v s, interrupted at 1 s of a 3.1 s clip", at)
	}
	for _, ev := range evs {
		if ev.End > fs[0].EmittedAt+0.1 {
			t.Errorf("event %+v reaches past the audio that had arrived", ev)
		}
	}
}

func TestPacedRealTime(t *testing.T) {
	if testing.Short() {
		t.Skip("runs at real time")
	}
	x, err := audio.Load(foxMP3, 16000)
	if err != nil {
		t.Fatal(err)
	}
	length := float64(len(x)) / 16000
	start := time.Now()
	code, out, stderr := runCmd(t, context.Background(), nil, "--input", foxMP3, "--format", "json")
	elapsed := time.Since(start)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	fs := finals(parseEvents(t, out))
	if len(fs) != 1 || fs[0].Reason != "eof" {
		t.Fatalf("finals %+v", fs)
	}
	// The playback takes as long as the recording, and the final comes
	// when all of it has arrived.
	if elapsed.Seconds() < length {
		t.Errorf("paced playback of %.3f s took %v", length, elapsed)
	}
	if at := fs[0].EmittedAt; math.Abs(at-length) > 0.02 {
		t.Errorf("final emitted at audio time %v, want %.3f", at, length)
	}
}
