package server

import (
	"encoding/json"
	"io/fs"
	"os/exec"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// buildTranscribe builds cmd/transcribe from this tree.
func buildTranscribe(t testing.TB) string {
	t.Helper()
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command to build cmd/transcribe")
	}
	bin := filepath.Join(t.TempDir(), "transcribe")
	out, err := exec.Command(gobin, "build", "-o", bin, "../cmd/transcribe").CombinedOutput()
	if err != nil {
		t.Fatalf("build transcribe: %v\n%s", err, out)
	}
	return bin
}

// TestSameAsTranscribe checks the one-code-path promise: for each sample
// and format the server answers with exactly what `transcribe` prints.
func TestSameAsTranscribe(t *testing.T) {
	if testing.Short() {
		t.Skip("builds cmd/transcribe")
	}
	bin := buildTranscribe(t)
	_, ts := newTestServer(t, Config{Recognizer: recognizerConfigOfTranscribe()})
	// One transcribe run per format, over all clips: text lines carry
	// "path: " and srt/vtt go to one file per input in a directory.
	wantOf := map[string]map[string][]byte{}
	for _, format := range []string{"text", "srt", "vtt", "json"} {
		dir := t.TempDir()
		args := []string{"--format", format}
		if format == "srt" || format == "vtt" {
			args = append(args, "--output", dir+"/")
		}
		out, err := exec.Command(bin, append(args, samples...)...).Output()
		if err != nil {
			t.Fatalf("transcribe --format %s: %v", format, err)
		}
		wantOf[format] = map[string][]byte{}
		lines := strings.SplitAfter(string(out), "\n")
		for i, name := range samples {
			switch format {
			case "text":
				wantOf[format][name] = []byte(strings.TrimPrefix(lines[i], name+": "))
			case "json":
				wantOf[format][name] = []byte(lines[i])
			default:
				var matches []string
				base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name)) + "." + format
				filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
					if err == nil && d.Name() == base {
						matches = append(matches, path)
					}
					return nil
				})
				if len(matches) != 1 {
					t.Fatalf("transcribe --format %s --output: %d files for %s", format, len(matches), name)
				}
				wantOf[format][name] = readFile(t, matches[0])
			}
		}
	}
	for _, name := range samples {
		clip := readFile(t, name)
		for _, format := range []string{"text", "srt", "vtt", "json"} {
			want := wantOf[format][name]
			apiFormat := format
			if format == "json" {
				apiFormat = "verbose_json"
			}
			body, ct := form(t, clip, "response_format", apiFormat)
			status, _, got := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct)
			if status != 200 {
				t.Fatalf("%s %s: status %d: %s", name, format, status, got)
			}
			if format != "json" {
				if string(got) != string(want) {
					t.Errorf("%s --format %s:\ntranscribe: %q\nserver:     %q", name, format, want, got)
				}
				continue
			}
			var a, b map[string]any
			if err := json.Unmarshal(want, &a); err != nil {
				t.Fatal(err)
			}
			if err := json.Unmarshal(got, &b); err != nil {
				t.Fatal(err)
			}
			delete(a, "file")
			delete(b, "task")
			delete(b, "language")
			if !reflect.DeepEqual(a, b) {
				t.Errorf("%s: transcribe --format json and verbose_json differ:\n%s\n%s", name, want, got)
			}
		}
	}
}
