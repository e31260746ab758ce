package main

import (
	"bytes"
	"context"
	"errors"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/nn/safetensors"
	"github.com/mynah-speech/mynah/tts"
	"github.com/mynah-speech/mynah/tts/acoustic"
	"github.com/mynah-speech/mynah/tts/ttstest"
	"github.com/mynah-speech/mynah/tts/vocoder"
)

// fakeEnv speaks with ttstest's tone voice (--voice fake) and records
// what it would have played.
type fakeEnv struct {
	played    []float32
	playRate  audio.Rate
	playCalls int
}

func (f *fakeEnv) env(playBuilt bool) env {
	return env{
		loadVoice: func(path string) (*tts.Voice, error) {
			if path == "fake" {
				return ttstest.Voice(), nil
			}
			return nil, errors.New("no such voice " + path)
		},
		play: func(_ context.Context, s []float32, rate audio.Rate) error {
			f.played = append(f.played, s...)
			f.playRate = rate
			f.playCalls++
			return nil
		},
		playBuilt: playBuilt,
	}
}

type result struct {
	code           int
	stdout, stderr string
}

func speak(t *testing.T, stdin string, args ...string) result {
	t.Helper()
	var f fakeEnv
	return speakEnv(t, f.env(true), stdin, args...)
}

func speakEnv(t *testing.T, e env, stdin string, args ...string) result {
	t.Helper()
	var out, errb bytes.Buffer
	code := runEnv(context.Background(), args, strings.NewReader(stdin), &out, &errb, e)
	return result{code, out.String(), errb.String()}
}

func load(t *testing.T, path string) ([]float32, audio.Rate) {
	t.Helper()
	f, err := audio.Open(path, audio.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	s, err := audio.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	return s, f.SampleRate()
}

// reference is what the fake voice gives for text with default options.
func reference(t *testing.T, text string, o tts.Options) []float32 {
	t.Helper()
	s, err := tts.NewSynthesizer(ttstest.Voice(), o)
	if err != nil {
		t.Fatal(err)
	}
	a, err := s.Synthesize(context.Background(), text)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func TestTextSources(t *testing.T) {
	dir := t.TempDir()
	const text = "Hello there. How are you?"
	want := len(reference(t, text, tts.Options{}))
	textFile := filepath.Join(dir, "in.txt")
	if err := os.WriteFile(textFile, []byte(text), 0o644); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		stdin string
		args  []string
	}{
		{"args", "", []string{"--voice", "fake", "-o", "OUT", "Hello", "there.", "How are you?"}},
		{"flags after text", "", []string{"Hello there.", "--voice", "fake", "How", "are", "you?", "-o", "OUT"}},
		{"dash dash", "", []string{"--voice", "fake", "-o", "OUT", "--", "Hello there.", "How are you?"}},
		{"file", "", []string{"--voice", "fake", "--file", textFile, "-o", "OUT"}},
		{"file -", text, []string{"--voice", "fake", "--file", "-", "-o", "OUT"}},
		{"stdin", text, []string{"--voice", "fake", "-o", "OUT"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			out := filepath.Join(dir, strings.ReplaceAll(tt.name, " ", "_")+".wav")
			args := append([]string(nil), tt.args...)
			for j := range args {
				if args[j] == "OUT" {
					args[j] = out
				}
			}
			r := speak(t, tt.stdin, args...)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got, rate := load(t, out)
			if rate != 22050 || len(got) != want {
				t.Errorf("case %d: %d samples at %v, want %d at 22050", i, len(got), rate, want)
			}
		})
	}
}

func TestStdoutWAV(t *testing.T) {
	r := speak(t, "", "--voice", "fake", "-o", "-", "Hello.")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	src, err := audio.Decode(strings.NewReader(r.stdout), audio.DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := audio.ReadAll(src)
	if err != nil {
		t.Fatal(err)
	}
	if want := len(reference(t, "Hello.", tts.Options{})); len(got) != want {
		t.Errorf("%d samples on stdout, want %d", len(got), want)
	}
}

// The sentence is verbalised in full (-v prints the phrases).
func TestVerbalisation(t *testing.T) {
	out := filepath.Join(t.TempDir(), "x.wav")
	r := speak(t, "", "--voice", "fake", "-v", "-o", out, "Dr. Smith paid $3.50 on Jan. 5, 2024.")
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	const want = `"doctor smith paid three dollars and fifty cents on january fifth , twenty twenty four ."`
	if !strings.Contains(r.stderr, want) {
		t.Errorf("stderr %q lacks %s", r.stderr, want)
	}
	if !strings.Contains(r.stderr, "real time") {
		t.Errorf("no timing report in %q", r.stderr)
	}
}

func TestVoiceOptions(t *testing.T) {
	dir := t.TempDir()
	const text = "Hello, world."
	base := reference(t, text, tts.Options{})
	peak := func(x []float32) float64 {
		m := 0.0
		for _, v := range x {
			m = max(m, math.Abs(float64(v)))
		}
		return m
	}
	tests := []struct {
		flag, value string
		check       func(t *testing.T, got []float32, rate audio.Rate)
	}{
		{"--speed", "2", func(t *testing.T, got []float32, rate audio.Rate) {
			if want := len(reference(t, text, tts.Options{Speed: 2})); len(got) != want || len(got) >= len(base)*3/4 {
				t.Errorf("%d samples, want %d (base %d)", len(got), want, len(base))
			}
		}},
		{"--pitch", "1.5", func(t *testing.T, got []float32, rate audio.Rate) {
			want := reference(t, text, tts.Options{Pitch: 1.5})
			if len(got) != len(want) || maxDiff(got, want) > 1.0/16384 {
				t.Errorf("pitch 1.5 audio differs from the synthesizer's (max diff %g)", maxDiff(got, want))
			}
		}},
		{"--volume", "0.5", func(t *testing.T, got []float32, rate audio.Rate) {
			if r := peak(got) / peak(base); math.Abs(r-0.5) > 0.001 {
				t.Errorf("peak ratio %.4f, want 0.5", r)
			}
		}},
		{"--sample-rate", "16000", func(t *testing.T, got []float32, rate audio.Rate) {
			if rate != 16000 || math.Abs(float64(len(got))-float64(len(base))*16000/22050) > 2 {
				t.Errorf("%d samples at %v", len(got), rate)
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.flag, func(t *testing.T) {
			out := filepath.Join(dir, tt.flag[2:]+".wav")
			r := speak(t, "", "--voice", "fake", tt.flag, tt.value, "-o", out, text)
			if r.code != 0 {
				t.Fatalf("exit %d: %s", r.code, r.stderr)
			}
			got, rate := load(t, out)
			tt.check(t, got, rate)
		})
	}
}

func maxDiff(a, b []float32) float64 {
	m := 0.0
	for i := range min(len(a), len(b)) {
		m = max(m, math.Abs(float64(a[i]-b[i])))
	}
	return m
}

func TestSSML(t *testing.T) {
	dir := t.TempDir()
	plain := filepath.Join(dir, "plain.wav")
	withBreak := filepath.Join(dir, "break.wav")
	if r := speak(t, "<speak>Hi there</speak>", "--voice", "fake", "--ssml", "-o", plain); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	if r := speak(t, `<speak>Hi <break time="1s"/> there</speak>`, "--voice", "fake", "--ssml", "-o", withBreak); r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	a, _ := load(t, plain)
	b, _ := load(t, withBreak)
	// A phrase break adds its closing and opening <sil> as well as the pause.
	extra := 22050 + 2*ttstest.SilenceFrames*tts.HopSamples
	if len(b)-len(a) != extra {
		t.Errorf("the break added %d samples, want %d", len(b)-len(a), extra)
	}
	r := speak(t, "<speak>\n <prosody rate='warp'>x</prosody></speak>", "--voice", "fake", "--ssml", "-o", filepath.Join(dir, "bad.wav"))
	if r.code != 1 || !strings.Contains(r.stderr, "ssml:2:2") {
		t.Errorf("malformed SSML: exit %d, %q", r.code, r.stderr)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.wav")); err == nil {
		t.Error("a failed synthesis left its output file")
	}
}

func TestLines(t *testing.T) {
	dir := t.TempDir()
	list := filepath.Join(dir, "prompts.txt")
	if err := os.WriteFile(list, []byte("First line.\n\nThird line, after a blank.\n!!!\nFifth.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "wavs")
	r := speak(t, "", "--voice", "fake", "--lines", list, "-o", out+"/")
	if r.code != 1 || !strings.Contains(r.stderr, "prompts.txt:4: the text is empty") {
		t.Errorf("exit %d, stderr %q; want 1 and line 4 reported empty", r.code, r.stderr)
	}
	names, _ := filepath.Glob(filepath.Join(out, "*"))
	for i := range names {
		names[i] = filepath.Base(names[i])
	}
	if strings.Join(names, " ") != "0001.wav 0003.wav 0005.wav" {
		t.Errorf("files %q", names)
	}
	got, _ := load(t, filepath.Join(out, "0003.wav"))
	if want := reference(t, "Third line, after a blank.", tts.Options{}); len(got) != len(want) {
		t.Errorf("0003.wav has %d samples, want %d", len(got), len(want))
	}
	// Every line good: exit 0.
	if err := os.WriteFile(list, []byte("One.\nTwo.\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if r := speak(t, "", "--voice", "fake", "--lines", list, "-o", out); r.code != 0 {
		t.Errorf("exit %d: %s", r.code, r.stderr)
	}
}

func TestPlay(t *testing.T) {
	var f fakeEnv
	text := strings.Repeat("This sentence is spoken aloud. ", 6)
	r := speakEnv(t, f.env(true), "", "--voice", "fake", "--play", "--sample-rate", "48000", text)
	if r.code != 0 {
		t.Fatalf("exit %d: %s", r.code, r.stderr)
	}
	want := reference(t, text, tts.Options{SampleRate: 48000})
	if f.playRate != 48000 || len(f.played) != len(want) || maxDiff(f.played, want) > 1e-5 {
		t.Errorf("played %d samples at %v in %d blocks, want %d at 48000 (max diff %g)", len(f.played), f.playRate, f.playCalls, len(want), maxDiff(f.played, want))
	}
	if f.playCalls < 2 {
		t.Errorf("%d blocks: not streamed", f.playCalls)
	}
	r = speakEnv(t, f.env(false), "", "--voice", "fake", "--play", "hello")
	if r.code != 2 || !strings.Contains(r.stderr, "-tags portaudio") {
		t.Errorf("--play without PortAudio: exit %d, %q", r.code, r.stderr)
	}
}

func TestErrors(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "x.wav")
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		msg   string
	}{
		{"empty args", "", []string{"--voice", "fake", "-o", out, ""}, 1, "the text is empty"},
		{"empty stdin", "  \n", []string{"--voice", "fake", "-o", out}, 1, "standard input: the text is empty"},
		{"punctuation only", "", []string{"--voice", "fake", "-o", out, "?!"}, 1, "the text is empty"},
		{"no default voice", "", []string{"-o", out, "hello"}, 2, "no default voice is built in yet"},
		{"bad voice", "", []string{"--voice", "nope", "-o", out, "hello"}, 1, "no such voice"},
		{"no output", "", []string{"--voice", "fake", "hello"}, 2, "no output"},
		{"both outputs", "", []string{"--voice", "fake", "--play", "-o", out, "hello"}, 2, "not both"},
		{"text and file", "", []string{"--voice", "fake", "--file", "a.txt", "-o", out, "hello"}, 2, "not both"},
		{"lines and text", "", []string{"--voice", "fake", "--lines", "a.txt", "-o", dir, "hello"}, 2, "--lines"},
		{"lines to stdout", "", []string{"--voice", "fake", "--lines", "a.txt", "-o", "-"}, 2, "-o DIR/"},
		{"missing file", "", []string{"--voice", "fake", "--file", filepath.Join(dir, "none.txt"), "-o", out}, 1, "no such file"},
		{"speed", "", []string{"--voice", "fake", "--speed", "10", "-o", out, "hi"}, 2, "speed 10"},
		{"pitch", "", []string{"--voice", "fake", "--pitch", "0", "-o", out, "hi"}, 2, "pitch"},
		{"volume", "", []string{"--voice", "fake", "--volume", "-1", "-o", out, "hi"}, 2, "volume"},
		{"sample rate", "", []string{"--voice", "fake", "--sample-rate", "-5", "-o", out, "hi"}, 2, "sample-rate"},
		{"unknown flag", "", []string{"--rate", "2", "-o", out, "hi"}, 2, "flag provided but not defined: -rate"},
		{"output dir missing", "", []string{"--voice", "fake", "-o", filepath.Join(dir, "no", "x.wav"), "hi"}, 1, "no such file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := speak(t, tt.stdin, tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d containing %q", r.code, r.stderr, tt.code, tt.msg)
			}
			if _, err := os.Stat(out); err == nil {
				t.Errorf("%s left behind", out)
			}
			if left, _ := filepath.Glob(filepath.Join(dir, ".x.wav.tmp-*")); len(left) > 0 {
				t.Errorf("temporary files left: %q", left)
			}
		})
	}
	if r := speak(t, "", "-h"); r.code != 0 || !strings.Contains(r.stderr, "usage: speak") {
		t.Errorf("-h: exit %d, %q", r.code, r.stderr)
	}
}

// The real run path: a voice file on disk (untrained weights: the format
// and code path, not speech).
func TestVoiceFile(t *testing.T) {
	if testing.Short() {
		t.Skip("builds an acoustic model")
	}
	dir := t.TempDir()
	am, err := acoustic.New(acoustic.DefaultConfig(), 1)
	if err != nil {
		t.Fatal(err)
	}
	vm, err := vocoder.New(vocoder.Default(), 1)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := tts.WriteVoice(&buf, tts.VoiceCard{Name: "untrained"}, am, vm, safetensors.F16); err != nil {
		t.Fatal(err)
	}
	voice := filepath.Join(dir, "voice.safetensors")
	if err := os.WriteFile(voice, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "x.wav")
	var so, se bytes.Buffer
	if code := run(context.Background(), []string{"--voice", voice, "--speed", "4", "-o", out, "Hi."}, strings.NewReader(""), &so, &se); code != 0 {
		t.Fatalf("exit %d: %s", code, se.String())
	}
	if got, rate := load(t, out); len(got) == 0 || rate != 22050 {
		t.Errorf("%d samples at %v", len(got), rate)
	}
}

// speak builds without cgo.
func TestBuildsWithoutCgo(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go build")
	}
	cmd := exec.Command("go", "build", "-o", filepath.Join(t.TempDir(), "speak"), ".")
	cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("CGO_ENABLED=0 go build: %v\n%s", err, out)
	}
}
