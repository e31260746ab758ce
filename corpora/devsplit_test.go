package corpora

import (
	"bytes"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite dev.txt from the rule (changes every dev figure: only when the rule changes)")

// sharedRoot is ../shared/corpora as seen from this package, or "" when the
// data is not on this machine.
func sharedRoot(t *testing.T) string {
	for _, p := range []string{os.Getenv("MYNAH_SHARED"), "../../shared", "/work/shared"} {
		if p == "" {
			continue
		}
		if _, err := os.Stat(filepath.Join(p, "corpora", "fsdd", "manifest.tsv")); err == nil {
			return filepath.Join(p, "corpora")
		}
	}
	t.Skip("../shared corpora not found (set MYNAH_SHARED)")
	return ""
}

func TestDevListMatchesRule(t *testing.T) {
	root := sharedRoot(t)
	all, err := SharedAll(root, Options{Normalize: normalizeForTest, Duration: fakeDuration})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := SelectDev(all, DefaultDevRule).WriteTo(&buf); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.WriteFile("dev.txt", buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if buf.String() != devList {
		t.Fatal("dev.txt differs from SelectDev(shared, DefaultDevRule): the committed split must not drift")
	}
}

func TestDevSplitProperties(t *testing.T) {
	root := sharedRoot(t)
	all, err := SharedAll(root, Options{Normalize: normalizeForTest, Duration: fakeDuration})
	if err != nil {
		t.Fatal(err)
	}
	train, dev := SplitDev(all)
	if len(train)+len(dev) != len(all) {
		t.Fatalf("split lost entries: %d + %d != %d", len(train), len(dev), len(all))
	}
	type stat struct {
		n      int
		groups map[string]bool
	}
	devSpk := map[string]*stat{}
	prompts := map[string]bool{}
	for _, e := range dev {
		s := devSpk[Family(e.Corpus)]
		if s == nil {
			s = &stat{groups: map[string]bool{}}
			devSpk[Family(e.Corpus)] = s
		}
		s.n++
		if Family(e.Corpus) == "speechocean762" {
			s.groups[e.SpeakerKey()] = true
			age := "adult"
			if e.Age < 18 {
				age = "child"
			}
			s.groups[age+"-"+e.Gender] = true
		}
		if e.PromptID != "" {
			prompts[e.PromptID] = true
		}
	}
	so := devSpk["speechocean762"]
	for _, g := range []string{"adult-f", "adult-m", "child-f", "child-m"} {
		if !so.groups[g] {
			t.Errorf("no speechocean762 dev speaker in group %s", g)
		}
	}
	speakers := 0
	for k := range so.groups {
		if strings.Contains(k, "/") {
			speakers++
		}
	}
	if speakers < 12 {
		t.Errorf("%d speechocean762 dev speakers, want >= 12", speakers)
	}
	// Speaker-disjoint where a corpus has several speakers; Kathleen by prompt.
	for _, e := range train {
		switch Family(e.Corpus) {
		case "speechocean762", "fsdd":
			for _, d := range dev {
				if d.SpeakerKey() == e.SpeakerKey() {
					t.Fatalf("speaker %s in both train and dev", e.SpeakerKey())
				}
			}
		case "kathleen":
			if prompts[e.PromptID] {
				t.Fatalf("prompt %s in both train and dev", e.PromptID)
			}
		case "librispeech":
			t.Fatalf("librispeech %s in train: it is evaluation-only", e.ID)
		}
		if Reserved(e) || (Family(e.Corpus) == "fsdd" && e.Speaker == "jackson") {
			t.Fatalf("reserved %s in train", e.ID)
		}
	}
	if devSpk["fsdd"] == nil || devSpk["fsdd"].n != 450 {
		t.Errorf("want one whole FSDD speaker (450 clips) in dev, got %+v", devSpk["fsdd"])
	}
	if n := devSpk["ljspeech"].n; n < 12 || n > 20 {
		t.Errorf("%d LJSpeech dev clips, want about 5%% of 319", n)
	}
	if n := len(prompts); n < 50 || n > 65 {
		t.Errorf("%d Kathleen dev prompts, want about 5%% of 1,133", n)
	}
	t.Logf("dev: %d utterances, %.1f min; train: %d utterances, %.2f h", len(dev), TotalDuration(dev)/60, len(train), TotalDuration(train)/3600)
	for f, s := range devSpk {
		t.Logf("dev %s: %d", f, s.n)
	}
}

func TestParseDevList(t *testing.T) {
	d, err := ParseDevList(strings.NewReader("# c\nspeechocean762-train\tspeaker\t0001\nkathleen\tprompt\tarctic_a0001\nljspeech\tutt\tLJ001-0001\nlibrispeech\tcorpus\t*\n"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		e    Entry
		want bool
	}{
		{Entry{Corpus: "speechocean762-train", Speaker: "0001"}, true},
		{Entry{Corpus: "speechocean762", Speaker: "0001"}, true},
		{Entry{Corpus: "speechocean762-train", Speaker: "0005"}, false},
		{Entry{Corpus: "kathleen", PromptID: "arctic_a0001", ID: "arctic_a0001_2"}, true},
		{Entry{Corpus: "kathleen", PromptID: "arctic_a0002"}, false},
		{Entry{Corpus: "ljspeech-part1", ID: "LJ001-0001"}, true},
		{Entry{Corpus: "ljspeech-part1", ID: "LJ001-0002"}, false},
		{Entry{Corpus: "librispeech-dev", ID: "x"}, true},
		{Entry{Corpus: "synth", Speaker: "0001"}, false},
	}
	for _, tt := range tests {
		if got := d.Contains(tt.e); got != tt.want {
			t.Errorf("Contains(%+v) = %v, want %v", tt.e, got, tt.want)
		}
	}
	for _, bad := range []string{"a\tb\n", "a\tweird\tc\n", "a\tspeaker\t\n"} {
		if _, err := ParseDevList(strings.NewReader(bad)); err == nil {
			t.Errorf("ParseDevList(%q) succeeded", bad)
		}
	}
	var buf bytes.Buffer
	d.WriteTo(&buf)
	d2, err := ParseDevList(&buf)
	if err != nil || !d2.Contains(Entry{Corpus: "kathleen", PromptID: "arctic_a0001"}) || !d2.Contains(Entry{Corpus: "librispeech", ID: "q"}) {
		t.Errorf("WriteTo does not round-trip: %v", err)
	}
}

func TestWriteSplitRefusesReserved(t *testing.T) {
	dir := t.TempDir()
	_, _, err := WriteSplit(dir, []Entry{{ID: "0_jackson_0", Audio: "a", Corpus: "fsdd", Speaker: "jackson"}})
	if err == nil || !strings.Contains(err.Error(), "reserved") {
		t.Fatalf("err = %v", err)
	}
	tr, dv, err := WriteSplit(dir, []Entry{{ID: "0_george_0", Audio: "a", Corpus: "fsdd", Speaker: "george"}, {ID: "x", Audio: "b", Corpus: "librispeech-dev", Speaker: "19"}})
	if err != nil {
		t.Fatal(err)
	}
	a, _ := ReadManifestFile(tr)
	b, _ := ReadManifestFile(dv)
	if len(a)+len(b) != 2 || len(b) < 1 {
		t.Errorf("train %d dev %d", len(a), len(b))
	}
}
