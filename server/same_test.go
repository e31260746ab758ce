package server

import (
	"encoding/json"
	"os/exec"
	"path/filepath"
	"reflect"
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
	for _, name := range samples {
		clip := readFile(t, name)
		for _, format := range []string{"text", "srt", "vtt", "json"} {
			want, err := exec.Command(bin, "--format", format, name).Output()
			if err != nil {
				t.Fatalf("transcribe %s: %v", name, err)
			}
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
