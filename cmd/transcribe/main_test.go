package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// samples are the committed clips, one per input format.
var samples = []string{"../../samples/hello.wav", "../../samples/numbers.flac", "../../samples/fox.mp3", "../../samples/window.wav"}

func runCmd(t *testing.T, stdin []byte, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, bytes.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestTextOutput(t *testing.T) {
	code, out, stderr := runCmd(t, nil, samples[0])
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	if strings.Count(out, "\n") != 1 || strings.Contains(out, "samples/") {
		t.Errorf("one input should print just its transcript line, got %q", out)
	}
	code, out, _ = runCmd(t, nil, samples...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != len(samples) {
		t.Fatalf("%d lines for %d inputs: %q", len(lines), len(samples), out)
	}
	for i, l := range lines {
		if !strings.HasPrefix(l, samples[i]+": ") {
			t.Errorf("line %d %q does not start with its path", i, l)
		}
	}
}

// TestJSONContract checks the fields transcribe --format json promises.
func TestJSONContract(t *testing.T) {
	args := append([]string{"--format", "json", "--nbest", "3"}, samples...)
	args = append(args, "testdata/missing.wav")
	code, out, stderr := runCmd(t, nil, args...)
	if code != 1 {
		t.Fatalf("exit %d with a missing input, want 1; stderr %s", code, stderr)
	}
	if !strings.Contains(stderr, "testdata/missing.wav: ") {
		t.Errorf("stderr does not name the missing file: %q", stderr)
	}
	sc := bufio.NewScanner(strings.NewReader(out))
	i := 0
	for ; sc.Scan(); i++ {
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d is not JSON: %v", i, err)
		}
		if i == len(samples) {
			if obj["file"] != "testdata/missing.wav" || obj["error"] == nil || obj["text"] != nil {
				t.Errorf("failed input object %v", obj)
			}
			continue
		}
		if obj["file"] != samples[i] {
			t.Errorf("line %d file %v, want %s (input order)", i, obj["file"], samples[i])
		}
		for _, key := range []string{"model", "duration", "text", "words", "segments"} {
			if _, ok := obj[key]; !ok {
				t.Errorf("line %d lacks %q", i, key)
			}
		}
		if d, _ := obj["duration"].(float64); d < 2 || d > 6 {
			t.Errorf("line %d duration %v", i, obj["duration"])
		}
		if m, _ := obj["model"].(string); !strings.Contains(m, "@") {
			t.Errorf("model %q is not name@hash", m)
		}
		for _, w := range obj["words"].([]any) {
			word := w.(map[string]any)
			for _, key := range []string{"word", "start", "end", "confidence"} {
				if _, ok := word[key]; !ok {
					t.Errorf("word %v lacks %q", word, key)
				}
			}
		}
	}
	if i != len(samples)+1 {
		t.Errorf("%d JSON lines for %d inputs", i, len(samples)+1)
	}
}

func TestSubtitleFormats(t *testing.T) {
	for _, format := range []string{"srt", "vtt"} {
		code, out, stderr := runCmd(t, nil, "--format", format, samples[0])
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", format, code, stderr)
		}
		if format == "vtt" && !strings.HasPrefix(out, "WEBVTT") {
			t.Errorf("vtt output %q", out)
		}
		// Several inputs to one stream need a directory.
		if code, _, _ := runCmd(t, nil, "--format", format, samples[0], samples[1]); code != 2 {
			t.Errorf("%s with two inputs on stdout: exit %d, want 2", format, code)
		}
	}
}

func TestStdinRawAndEncoded(t *testing.T) {
	wav, err := os.ReadFile(samples[0])
	if err != nil {
		t.Fatal(err)
	}
	if code, out, stderr := runCmd(t, wav, "-"); code != 0 || out == "" {
		t.Fatalf("encoded stdin: exit %d %q %s", code, out, stderr)
	}
	// The same samples as raw s16le (the WAV's data after its 44-byte header).
	if code, _, stderr := runCmd(t, wav[44:], "--sample-rate", "16000", "--format", "json", "-"); code != 0 {
		t.Fatalf("raw stdin: exit %d %s", code, stderr)
	}
}

func TestDirectoryOutputSkipExistingAndErrors(t *testing.T) {
	in := t.TempDir()
	for _, s := range samples[:2] {
		data, err := os.ReadFile(s)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.MkdirAll(filepath.Join(in, "sub"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(in, "sub", filepath.Base(s)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	// A corrupt file and a text file renamed .wav sit among good ones.
	os.WriteFile(filepath.Join(in, "corrupt.wav"), []byte("RIFF\x24\x00\x00\x00WAVEfmt "), 0o644)
	os.WriteFile(filepath.Join(in, "notes.wav"), []byte("just text"), 0o644)
	os.WriteFile(filepath.Join(in, "readme.txt"), []byte("ignored"), 0o644)

	out := filepath.Join(t.TempDir(), "out") + "/"
	code, _, stderr := runCmd(t, nil, "--recursive", "--format", "json", "--output", out, in)
	if code != 1 {
		t.Fatalf("exit %d, want 1 (two bad inputs); stderr %s", code, stderr)
	}
	for _, bad := range []string{"corrupt.wav", "notes.wav"} {
		if !strings.Contains(stderr, bad) {
			t.Errorf("stderr does not mention %s: %s", bad, stderr)
		}
	}
	var got []string
	filepath.WalkDir(out, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(out, p)
			got = append(got, rel)
		}
		return nil
	})
	sort.Strings(got)
	want := []string{"corrupt.json", "notes.json", "sub/hello.json", "sub/numbers.json"}
	if strings.Join(got, ",") != strings.Join(want, ",") {
		t.Errorf("outputs %v, want %v", got, want)
	}
	// Without --recursive the subdirectory is not walked.
	code, stdout, _ := runCmd(t, nil, "--format", "json", in)
	if strings.Contains(stdout, "hello") || code != 1 {
		t.Errorf("non-recursive walk: exit %d, output %q", code, stdout)
	}
	// --skip-existing leaves existing outputs alone.
	stamp := filepath.Join(out, "sub", "hello.json")
	os.WriteFile(stamp, []byte("kept\n"), 0o644)
	runCmd(t, nil, "--recursive", "--format", "json", "--skip-existing", "--output", out, in)
	if data, _ := os.ReadFile(stamp); string(data) != "kept\n" {
		t.Errorf("--skip-existing rewrote %s: %q", stamp, data)
	}
}

func TestShardsPartitionInputs(t *testing.T) {
	var inputs []input
	for i := 0; i < 200; i++ {
		inputs = append(inputs, input{path: filepath.Join("corpus", "f"+strings.Repeat("x", i%7)+string(rune('a'+i%26))+".wav") + string(rune('0'+i/26))})
	}
	seen := map[string]int{}
	for shard := 0; shard < 4; shard++ {
		for _, in := range shardFilter(inputs, shard, 4) {
			seen[in.path]++
		}
	}
	for _, in := range inputs {
		if seen[in.path] != 1 {
			t.Errorf("%s is in %d shards", in.path, seen[in.path])
		}
	}
	// Through the command: the shards' outputs together are the inputs.
	total := 0
	for shard := 0; shard < 3; shard++ {
		_, out, _ := runCmd(t, nil, "--shard", string(rune('0'+shard))+"/3", "--format", "json", samples[0], samples[1], samples[2], samples[3])
		total += strings.Count(out, "\n")
	}
	if total != len(samples) {
		t.Errorf("shards printed %d results for %d inputs", total, len(samples))
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{},
		{"--format", "xml", "a.wav"},
		{"--shard", "3/3", "a.wav"},
		{"--shard", "x", "a.wav"},
		{"-j", "0", "a.wav"},
		{"--vad", "maybe", "a.wav"},
		{"--no-such-flag", "a.wav"},
		{"--skip-existing", "a.wav"},
		{"--hotword", "x:abc", "a.wav"},
		{"-", "-"},
	} {
		code, _, stderr := runCmd(t, nil, args...)
		if code != 2 {
			t.Errorf("%q: exit %d, want 2 (stderr %q)", args, code, stderr)
		}
		if stderr == "" {
			t.Errorf("%q: no message on stderr", args)
		}
	}
}

func TestInputList(t *testing.T) {
	dir := t.TempDir()
	abs, _ := filepath.Abs(samples[0])
	list := filepath.Join(dir, "list.jsonl")
	os.WriteFile(list, []byte(`{"id":"utt-1","audio":"`+abs+`"}`+"\n\n"+`{"id":"utt-2","audio":"missing.wav"}`+"\n"), 0o644)
	code, out, _ := runCmd(t, nil, "--input-list", list, "--format", "json")
	if code != 1 {
		t.Errorf("exit %d, want 1 (one missing)", code)
	}
	if !strings.Contains(out, `"id":"utt-1"`) || !strings.Contains(out, `"id":"utt-2"`) {
		t.Errorf("ids do not pass through: %s", out)
	}
	os.WriteFile(list, []byte(`{"id":"a","audio":"x.wav"}`+"\n"+`{"id":"a","audio":"y.wav"}`+"\n"), 0o644)
	if code, _, stderr := runCmd(t, nil, "--input-list", list); code != 2 || !strings.Contains(stderr, "list.jsonl:2:") {
		t.Errorf("duplicate ids: exit %d, stderr %q", code, stderr)
	}
}

func TestConcurrentJobsKeepOrder(t *testing.T) {
	args := append([]string{"-j", "3", "--format", "json"}, append(samples, samples...)...)
	code, out, _ := runCmd(t, nil, args...)
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for i, l := range lines {
		want := samples[i%len(samples)]
		if !strings.Contains(l, `"file":"`+want+`"`) {
			t.Errorf("line %d is not %s: %.80s", i, want, l)
		}
	}
}
