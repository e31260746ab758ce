package text

import (
	"bufio"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// These tests read ../shared (see its README.md) and skip where it is
// absent. They check the targets on real text.

const sharedDir = "/work/shared"

func sharedPath(t testing.TB, rel string) string {
	p := filepath.Join(sharedDir, rel)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("%s not present", p)
	}
	return p
}

// readManifest returns the column named col of a corpus manifest.tsv.
func readManifest(t *testing.T, path, col string) []string {
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	idx := -1
	for i, h := range strings.Split(sc.Text(), "\t") {
		if h == col {
			idx = i
		}
	}
	if idx < 0 {
		t.Fatalf("%s: no column %q", path, col)
	}
	var out []string
	for sc.Scan() {
		if fs := strings.Split(sc.Text(), "\t"); idx < len(fs) {
			out = append(out, fs[idx])
		}
	}
	return out
}

// Already-normalised transcripts (LibriSpeech, speechocean762, FSDD, all
// spelled-out words) must come out unchanged but for case.
func TestNormalisedCorporaUnchanged(t *testing.T) {
	var texts []string
	dev := sharedPath(t, "corpora/librispeech/dev")
	trans, _ := filepath.Glob(filepath.Join(dev, "*/*/*.trans.txt"))
	libri := 0
	for _, p := range trans {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
			if _, text, ok := strings.Cut(line, " "); ok {
				texts = append(texts, text)
				libri++
			}
		}
	}
	texts = append(texts, readManifest(t, sharedPath(t, "corpora/speechocean762-train/manifest.tsv"), "text")...)
	texts = append(texts, readManifest(t, sharedPath(t, "corpora/fsdd/manifest.tsv"), "text")...)
	changed := 0
	for _, s := range texts {
		if got, want := Normalize(s), strings.ToLower(s); got != want {
			changed++
			t.Logf("changed: %q → %q", s, got)
		}
	}
	unchanged := 1 - float64(changed)/float64(len(texts))
	t.Logf("%d transcripts (%d LibriSpeech), %.2f%% unchanged", len(texts), libri, 100*unchanged)
	if unchanged < 0.995 {
		t.Errorf("%.2f%% unchanged, want ≥ 99.5%%", 100*unchanged)
	}
}

// Raw transcripts with case, punctuation and numbers (Kathleen, LJSpeech,
// RAVDESS) must come out in the spoken alphabet.
func TestRawCorporaSpoken(t *testing.T) {
	for _, c := range []struct{ dir, col string }{
		{"corpora/kathleen", "text"}, {"corpora/ljspeech-part1", "text"}, {"corpora/ravdess", "statement"},
	} {
		for _, s := range readManifest(t, sharedPath(t, c.dir+"/manifest.tsv"), c.col) {
			if got := Normalize(s); !spokenOK(got) || got == "" {
				t.Errorf("%s: Normalize(%q) = %q", c.dir, s, got)
			}
		}
	}
}

// LJSpeech ships a normalised column made by its own normaliser; agreement
// with it is reported, not required: it reads dates as cardinals
// ("november twenty two") and prices without "and", where we follow the
// issue ("november twenty second", "three dollars and fifty cents").
func TestLJSpeechAgreement(t *testing.T) {
	f, err := os.Open(sharedPath(t, "text/ljspeech.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	sc.Scan()
	n, same, digits, digitsSame := 0, 0, 0, 0
	for sc.Scan() {
		fs := strings.Split(sc.Text(), "\t")
		if len(fs) < 3 {
			continue
		}
		n++
		raw, norm := Normalize(fs[1]), Normalize(fs[2])
		hasDigit := strings.ContainsAny(fs[1], "0123456789")
		if hasDigit {
			digits++
		}
		if raw == norm {
			same++
			if hasDigit {
				digitsSame++
			}
		}
	}
	t.Logf("LJSpeech: %d/%d (%.2f%%) agree with the shipped normalised text; with digits: %d/%d",
		same, n, 100*float64(same)/float64(n), digitsSame, digits)
	if float64(same)/float64(n) < 0.95 {
		t.Errorf("agreement fell below 95%%")
	}
}

// The target: over ../shared/text/lm the LM lines hold no digits
// and nothing outside a–z, apostrophe and space. Reports MB/s.
func TestLMBooks(t *testing.T) {
	if testing.Short() {
		t.Skip("reads 29 MB of books")
	}
	books, _ := filepath.Glob(filepath.Join(sharedPath(t, "text/lm"), "*.txt"))
	var st LMStats
	var wall time.Duration
	cpu0 := processCPU()
	bad := 0
	for _, b := range books {
		f, err := os.Open(b)
		if err != nil {
			t.Fatal(err)
		}
		pr, pw := io.Pipe()
		done := make(chan struct{})
		go func() {
			defer close(done)
			sc := bufio.NewScanner(pr)
			sc.Buffer(nil, 1<<20)
			for sc.Scan() {
				if line := sc.Text(); !spokenOK(line) || line == "" {
					if bad < 5 {
						t.Errorf("%s: bad LM line %q", filepath.Base(b), line)
					}
					bad++
				}
			}
			io.Copy(io.Discard, pr)
		}()
		start := time.Now()
		s, err := WriteLM(pw, f)
		wall += time.Since(start)
		pw.Close()
		<-done
		f.Close()
		if err != nil {
			t.Fatal(err)
		}
		st.Sentences += s.Sentences
		st.Lines += s.Lines
		st.Words += s.Words
		st.BytesIn += s.BytesIn
		st.Report = st.Report.Add(s.Report)
	}
	// CPU time includes the checking goroutine, so MB/s per CPU-second is
	// a lower bound on WriteLM's own speed.
	cpu := processCPU() - cpu0
	mb := float64(st.BytesIn) / 1e6
	t.Logf("%d books: %d sentences, %d lines, %d words, %.1f MB in %v wall (%.1f MB/s), %v CPU (%.1f MB/CPU-s); %d letters transliterated, %d characters dropped",
		len(books), st.Sentences, st.Lines, st.Words, mb, wall.Round(time.Millisecond), mb/wall.Seconds(),
		cpu.Round(time.Millisecond), mb/cpu.Seconds(), st.Transliterated, st.Dropped)
}
