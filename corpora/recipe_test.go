package corpora

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// fakeDuration stands in for decoding in recipe tests: every file lasts 1.5 s.
func fakeDuration(path string) (float64, error) {
	if _, err := os.Stat(path); err != nil {
		return 0, err
	}
	return 1.5, nil
}

func writeFiles(t *testing.T, root string, files map[string]string) {
	t.Helper()
	for name, body := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

func TestShared(t *testing.T) {
	tests := []struct {
		name, folder, manifest string
		want                   []Entry
		wantErr                string
	}{
		{
			name: "speechocean", folder: "speechocean762-train",
			manifest: "id\taudio\tduration\tspeaker\ttext\tage\tgender\n000010011\taudio/000010011.mp3\t2.580\t0001\tWE CALL IT BEAR\t6\tm\n",
			want:     []Entry{{ID: "000010011", Audio: "audio/000010011.mp3", Duration: 2.58, Speaker: "0001", Text: "we call it bear", RawText: "WE CALL IT BEAR", Age: 6, Gender: "m", Corpus: "speechocean762-train"}},
		},
		{
			name: "kathleen prompt", folder: "kathleen",
			manifest: "id\taudio\tduration\tspeaker\tprompt_id\ttext\narctic_a0001_1\taudio/a.mp3\t3.296\tkathleen\tarctic_a0001\tAuthor of the danger trail, Philip Steels, etc.\n",
			want:     []Entry{{ID: "arctic_a0001_1", Audio: "audio/a.mp3", Duration: 3.296, Speaker: "kathleen", PromptID: "arctic_a0001", Text: "author of the danger trail philip steels etc", RawText: "Author of the danger trail, Philip Steels, etc.", Corpus: "kathleen"}},
		},
		{
			name: "ravdess actor and statement, reserved actor dropped", folder: "ravdess",
			manifest: "id\taudio\tduration\tactor\tgender\temotion\tintensity\tstatement\trepetition\n" +
				"03-01-01-01-01-01-01\taudio/x.mp3\t3.303\t01\tmale\tneutral\tnormal\tKids are talking by the door\t01\n" +
				"03-01-01-01-01-01-19\taudio/y.mp3\t3.303\t19\tmale\tneutral\tnormal\tKids are talking by the door\t01\n",
			want: []Entry{{ID: "03-01-01-01-01-01-01", Audio: "audio/x.mp3", Duration: 3.303, Speaker: "01", Gender: "m", Emotion: "neutral", Text: "kids are talking by the door", RawText: "Kids are talking by the door", Corpus: "ravdess"}},
		},
		{
			name: "fsdd jackson dropped", folder: "fsdd",
			manifest: "id\taudio\tduration\tspeaker\ttext\n0_george_0\taudio/0_george_0.flac\t0.298\tgeorge\tzero\n0_jackson_0\taudio/0_jackson_0.flac\t0.3\tjackson\tzero\n",
			want:     []Entry{{ID: "0_george_0", Audio: "audio/0_george_0.flac", Duration: 0.298, Speaker: "george", Text: "zero", RawText: "zero", Corpus: "fsdd"}},
		},
		{name: "field count", folder: "x", manifest: "id\taudio\tduration\ttext\na\tb\n", wantErr: "2 fields"},
		{name: "no text column", folder: "x", manifest: "id\taudio\tduration\na\tb\t1\n", wantErr: "no text column"},
		{name: "bad duration", folder: "x", manifest: "id\taudio\tduration\ttext\na\tb\tlong\thi\n", wantErr: "duration"},
		{name: "bad id", folder: "x", manifest: "id\taudio\tduration\ttext\n\tb\t1\thi\n", wantErr: "empty id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			root := t.TempDir()
			dir := filepath.Join(root, tt.folder)
			writeFiles(t, dir, map[string]string{"manifest.tsv": tt.manifest})
			got, err := Shared(dir, Options{Normalize: normalizeForTest})
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d entries, want %d: %+v", len(got), len(tt.want), got)
			}
			for i := range got {
				w := tt.want[i]
				w.Audio = filepath.Join(dir, w.Audio)
				if got[i] != w {
					t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], w)
				}
			}
		})
	}
}

// normalizeForTest keeps recipe tests independent of the text package's
// evolving rules: lower case, letters and apostrophes, single spaces.
func normalizeForTest(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r == '\'' {
			b.WriteRune(r)
		} else {
			b.WriteByte(' ')
		}
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

func TestLibriSpeech(t *testing.T) {
	root := t.TempDir()
	dev := filepath.Join(root, "dev")
	writeFiles(t, root, map[string]string{
		"SPEAKERS.TXT":                  ";ID  |SEX| SUBSET |MINUTES| NAME\n19   | F | train-clean-100  | 25.19 | Kara\n374 | M | x | 1 | k\n",
		"dev/19/198/19-198.trans.txt":   "19-198-0000 NORTHANGER ABBEY\n19-198-0001 THIS LITTLE WORK\n",
		"dev/19/198/19-198-0000.mp3":    "x",
		"dev/19/198/19-198-0001.flac":   "x",
		"dev/374/18/374-18.trans.txt":   "374-18-0000 I MIGHT HAVE TOLD YOU\n",
		"dev/374/18/374-18-0000.wav":    "x",
		"test-clean/1/2/1-2.trans.txt":  "1-2-0000 X\n",
		"broken/1/2/1-2.trans.txt":      "1-2-0000 NO AUDIO\n",
		"dev/19/198/19-198-0000.unused": "",
	})
	got, err := LibriSpeech(dev, Options{Normalize: normalizeForTest, Duration: fakeDuration})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: "19-198-0000", Audio: filepath.Join(dev, "19/198/19-198-0000.mp3"), Duration: 1.5, Text: "northanger abbey", RawText: "NORTHANGER ABBEY", Speaker: "19", Gender: "f", Corpus: "librispeech"},
		{ID: "19-198-0001", Audio: filepath.Join(dev, "19/198/19-198-0001.flac"), Duration: 1.5, Text: "this little work", RawText: "THIS LITTLE WORK", Speaker: "19", Gender: "f", Corpus: "librispeech"},
		{ID: "374-18-0000", Audio: filepath.Join(dev, "374/18/374-18-0000.wav"), Duration: 1.5, Text: "i might have told you", RawText: "I MIGHT HAVE TOLD YOU", Speaker: "374", Gender: "m", Corpus: "librispeech"},
	}
	if len(got) != len(want) {
		t.Fatalf("got %+v", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i, got[i], want[i])
		}
	}
	if _, err := LibriSpeech(filepath.Join(root, "test-clean"), Options{Duration: fakeDuration}); err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Errorf("test-clean: %v, want a reserved-set error", err)
	}
	if _, err := LibriSpeech(filepath.Join(root, "broken"), Options{Duration: fakeDuration}); err == nil || !strings.Contains(err.Error(), "no audio") {
		t.Errorf("missing audio: %v", err)
	}
}

func TestFSDDUpstreamLayout(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"recordings/0_george_0.wav":  "x",
		"recordings/7_theo_12.wav":   "x",
		"recordings/3_jackson_1.wav": "x",
		"recordings/README.md":       "x",
		"recordings/x_y.wav":         "x",
	})
	got, err := FSDD(root, Options{Duration: fakeDuration})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].ID != "0_george_0" || got[0].Text != "zero" || got[1].Text != "seven" || got[1].Speaker != "theo" || got[1].Corpus != "fsdd" {
		t.Errorf("got %+v", got)
	}
}

func TestTSV(t *testing.T) {
	root := t.TempDir()
	writeFiles(t, root, map[string]string{
		"clips/a.wav": "x", "clips/b.mp3": "x",
		"mine.tsv": "audio\ttext\n# a comment\nclips/a.wav\tHello, World!\tme\n" + filepath.Join(root, "clips/b.mp3") + "\tSecond one\n",
		"dup.tsv":  "clips/a.wav\tone\nother/a.wav\ttwo\n",
		"bad.tsv":  "clips/a.wav\n",
	})
	got, err := TSV(filepath.Join(root, "mine.tsv"), Options{Normalize: normalizeForTest, Duration: fakeDuration})
	if err != nil {
		t.Fatal(err)
	}
	want := []Entry{
		{ID: "a", Audio: filepath.Join(root, "clips/a.wav"), Duration: 1.5, Text: "hello world", RawText: "Hello, World!", Speaker: "me", Corpus: "mine"},
		{ID: "b", Audio: filepath.Join(root, "clips/b.mp3"), Duration: 1.5, Text: "second one", RawText: "Second one", Corpus: "mine"},
	}
	if len(got) != 2 || got[0] != want[0] || got[1] != want[1] {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if _, err := TSV(filepath.Join(root, "dup.tsv"), Options{Duration: fakeDuration}); err == nil || !strings.Contains(err.Error(), "already used") {
		t.Errorf("duplicate ids: %v", err)
	}
	if _, err := TSV(filepath.Join(root, "bad.tsv"), Options{Duration: fakeDuration}); err == nil {
		t.Error("one-column list accepted")
	}
}

func TestReserved(t *testing.T) {
	tests := []struct {
		e    Entry
		want bool
	}{
		{Entry{Corpus: "fsdd", Speaker: "jackson"}, true},
		{Entry{Corpus: "fsdd", Speaker: "Jackson"}, true},
		{Entry{Corpus: "fsdd", Speaker: "george"}, false},
		{Entry{Corpus: "ravdess", Speaker: "19"}, true},
		{Entry{Corpus: "ravdess", Speaker: "24"}, true},
		{Entry{Corpus: "ravdess", Speaker: "18"}, false},
		{Entry{Corpus: "librispeech-test-other", Speaker: "1"}, true},
		{Entry{Corpus: "speechocean762-train", Speaker: "19"}, false},
	}
	for _, tt := range tests {
		if got := Reserved(tt.e); got != tt.want {
			t.Errorf("Reserved(%+v) = %v, want %v", tt.e, got, tt.want)
		}
	}
}
