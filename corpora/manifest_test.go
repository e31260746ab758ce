package corpora

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

func TestManifestRoundTrip(t *testing.T) {
	in := []Entry{
		{ID: "a1", Audio: "/x/a1.mp3", Duration: 2.58, Text: "we call it bear", Speaker: "0001", Corpus: "speechocean762-train", RawText: "WE CALL IT BEAR", Age: 6, Gender: "m"},
		{ID: "arctic_a0001_1", Audio: "audio/k.mp3", Duration: 3.296, Text: "author of the danger trail", Speaker: "kathleen", Corpus: "kathleen", PromptID: "arctic_a0001"},
		{ID: "s", Audio: "s.wav", Text: "<&> \"quoted\"", Voice: "espeak-ng:en-us+m3:s=150"},
	}
	var buf bytes.Buffer
	if err := WriteManifest(&buf, in); err != nil {
		t.Fatal(err)
	}
	if n := strings.Count(buf.String(), "\n"); n != len(in) {
		t.Fatalf("%d lines, want %d", n, len(in))
	}
	if !strings.Contains(buf.String(), `"<&>`) {
		t.Errorf("HTML escaping should be off: %s", buf.String())
	}
	out, err := ReadManifest(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(in, out) {
		t.Errorf("round trip:\n got %+v\nwant %+v", out, in)
	}
}

func TestReadManifestErrors(t *testing.T) {
	tests := []struct {
		name, in, wantErr string
		wantN             int
	}{
		{"empty", "", "", 0},
		{"blank lines", "\n\n{\"id\":\"a\",\"audio\":\"a.wav\"}\n\n", "", 1},
		{"unknown field kept quiet", `{"id":"a","audio":"a.wav","future":1}`, "", 1},
		{"not json", "{nope\n", "line 1", 0},
		{"no id", `{"audio":"a.wav"}`, "empty id", 0},
		{"no audio", `{"id":"a"}`, "empty audio", 0},
		{"negative duration", `{"id":"a","audio":"a","duration":-1}`, "bad duration", 0},
		{"tab in id", `{"id":"a\tb","audio":"a"}`, "tab", 0},
		{"second line bad", "{\"id\":\"a\",\"audio\":\"a\"}\n{\"id\":\"\",\"audio\":\"a\"}\n", "line 2", 1},
		{"huge line", `{"id":"` + strings.Repeat("a", maxLine+10) + `"}`, "too long", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := ReadManifest(strings.NewReader(tt.in))
			if tt.wantErr == "" && err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("error %v, want one containing %q", err, tt.wantErr)
			}
			if len(got) != tt.wantN {
				t.Errorf("%d entries, want %d", len(got), tt.wantN)
			}
		})
	}
}

func TestManifestFileResolvesRelativeAudio(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "sub", "m.jsonl")
	in := []Entry{{ID: "a", Audio: "audio/a.wav", Duration: 1}, {ID: "b", Audio: "/abs/b.wav", Duration: 2}}
	if err := WriteManifestFile(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadManifestFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(dir, "sub", "audio", "a.wav"); out[0].Audio != want {
		t.Errorf("relative audio resolved to %q, want %q", out[0].Audio, want)
	}
	if out[1].Audio != "/abs/b.wav" {
		t.Errorf("absolute audio changed to %q", out[1].Audio)
	}
	if TotalDuration(out) != 3 {
		t.Errorf("TotalDuration = %v", TotalDuration(out))
	}
	left, _ := filepath.Glob(filepath.Join(dir, "sub", ".manifest-*"))
	if len(left) != 0 {
		t.Errorf("temporary files left: %v", left)
	}
	if err := WriteManifestFile(path, []Entry{{ID: ""}}); err == nil {
		t.Error("writing an invalid entry succeeded")
	}
	if again, _ := ReadManifestFile(path); len(again) != 2 {
		t.Error("a failed write clobbered the previous manifest")
	}
	if _, err := os.Stat(path); err != nil {
		t.Error(err)
	}
}

func FuzzReadManifest(f *testing.F) {
	f.Add([]byte(`{"id":"a","audio":"a.wav","duration":1.5,"text":"hi","speaker":"s"}` + "\n"))
	f.Add([]byte("{\"id\":\"a\",\"audio\":\"a\"}\n\n{\"id\":\"b\",\"audio\":\"b\",\"age\":7}\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		entries, err := ReadManifest(bytes.NewReader(data))
		if err != nil {
			return
		}
		var buf bytes.Buffer
		if err := WriteManifest(&buf, entries); err != nil {
			t.Fatalf("entries that read back do not write: %v", err)
		}
		again, err := ReadManifest(&buf)
		if err != nil || !reflect.DeepEqual(again, entries) {
			t.Fatalf("round trip changed entries: %v", err)
		}
	})
}

func ExampleWriteManifest() {
	entries := []Entry{{ID: "0_george_0", Audio: "audio/0_george_0.flac", Duration: 0.298, Text: "zero", Speaker: "george", Corpus: "fsdd", RawText: "zero"}}
	WriteManifest(os.Stdout, entries)
	// Output:
	// {"id":"0_george_0","audio":"audio/0_george_0.flac","duration":0.298,"text":"zero","speaker":"george","corpus":"fsdd","raw_text":"zero"}
}
