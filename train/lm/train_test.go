package lm

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	ngram "github.com/mynah-speech/mynah/lm"
)

func write(t *testing.T, path, body string) string {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func load(t *testing.T, path string) *ngram.Model {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	m, err := ngram.Parse(data)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestTrain(t *testing.T) {
	dir := t.TempDir()
	books := filepath.Join(dir, "books")
	write(t, filepath.Join(books, "a.txt"), "The cat sat on the mat. The dog sat on the log.\nThe cat ran.")
	write(t, filepath.Join(books, "b.txt"), "A dog ran to 2 cats. The cat sat.")
	held := write(t, filepath.Join(books, "held.txt"), "The heldoutword sat on the mat.")
	write(t, filepath.Join(books, "notes.md"), "ignored notmarkdown")
	manifest := write(t, filepath.Join(dir, "train.jsonl"), `{"id":"1","text":"THE CAT SAT ON THE MAT"}`+"\n"+`{"id":"2","text":"Mr. Smith's dog"}`+"\n")
	vocab := write(t, filepath.Join(dir, "dict"), ";;; comment\nzebra Z IY1 B R AH0\nzebra(2) Z EH1 B R AH0\n'bout B AW1 T\na.m. EY2 EH1 M\nokapi OW0 K AA1 P IY0\n")
	out := filepath.Join(dir, "out.bin")
	var progress strings.Builder
	rep, err := Train(context.Background(), Options{
		Texts: []string{books, manifest}, HeldOut: []string{held}, Vocabulary: []string{vocab},
		Out: out, Build: ngram.BuildConfig{Order: 3}, Progress: &progress,
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Files) != 3 || rep.Sentences != 7 {
		t.Errorf("files %v, %d sentences", rep.Files, rep.Sentences)
	}
	if rep.HeldOut.Words != 6 || rep.HeldOut.OOV != 1 {
		t.Errorf("held out %+v", rep.HeldOut)
	}
	m := load(t, out)
	for word, want := range map[string]bool{"cats": true, "two": true, "mister": true, "smith's": true, "zebra": true, "okapi": true,
		"heldoutword": false, "notmarkdown": false, "'bout": false, "bout": false, "a.m.": false, "THE": false} {
		if _, ok := m.Lookup(word); ok != want {
			t.Errorf("%q in vocabulary: %v, want %v", word, ok, want)
		}
	}
	if st, _ := os.Stat(out); int(st.Size()) != rep.Bytes {
		t.Errorf("%d bytes written, report says %d", st.Size(), rep.Bytes)
	}

	// ARPA output, and a mixture with the first model.
	arpa := filepath.Join(dir, "out.arpa")
	if _, err := Train(context.Background(), Options{Texts: []string{manifest}, Out: arpa, Build: ngram.BuildConfig{Order: 2}}); err != nil {
		t.Fatal(err)
	}
	if body, _ := os.ReadFile(arpa); !strings.HasPrefix(string(body), "\\data\\") {
		t.Errorf("ARPA output starts %q", body[:min(20, len(body))])
	}
	first, _ := os.ReadFile(out)
	mixed := filepath.Join(dir, "mixed.bin")
	rep, err = Train(context.Background(), Options{Texts: []string{arpa}, Out: mixed, Build: ngram.BuildConfig{Order: 2},
		Mix: []Mix{{Name: "first", Model: first, Weight: 0.5}}, HeldOut: []string{held}})
	if err != nil {
		t.Fatal(err)
	}
	mm := load(t, mixed)
	if w := mm.Components(); len(w) != 2 || w[0] != 0.5 {
		t.Errorf("mixture weights %v", w)
	}
	if _, ok := mm.Lookup("zebra"); !ok {
		t.Error("mixture lost the first model's vocabulary")
	}
}

func TestTrainErrors(t *testing.T) {
	dir := t.TempDir()
	txt := write(t, filepath.Join(dir, "a.txt"), "some words here.")
	bad := write(t, filepath.Join(dir, "bad.jsonl"), "{\"text\": \"ok\"}\n{not json\n")
	ctx := context.Background()
	out := filepath.Join(dir, "o.bin")
	for name, opts := range map[string]Options{
		"no out":       {Texts: []string{txt}, Build: ngram.BuildConfig{Order: 3}},
		"no text":      {Out: out, Build: ngram.BuildConfig{Order: 3}},
		"bad order":    {Texts: []string{txt}, Out: out, Build: ngram.BuildConfig{Order: 9}},
		"missing file": {Texts: []string{filepath.Join(dir, "nope.txt")}, Out: out, Build: ngram.BuildConfig{Order: 3}},
		"bad jsonl":    {Texts: []string{bad}, Out: out, Build: ngram.BuildConfig{Order: 3}},
		"all held out": {Texts: []string{txt}, HeldOut: []string{txt}, Out: out, Build: ngram.BuildConfig{Order: 3}},
		"mix weight":   {Texts: []string{txt}, Out: out, Build: ngram.BuildConfig{Order: 3}, Mix: []Mix{{Name: "x", Weight: 1.5}}},
		"mix garbage":  {Texts: []string{txt}, Out: out, Build: ngram.BuildConfig{Order: 3}, Mix: []Mix{{Name: "x", Model: []byte("junk"), Weight: 0.5}}},
	} {
		if _, err := Train(ctx, opts); err == nil {
			t.Errorf("%s: no error", name)
		} else if name == "bad jsonl" && !strings.Contains(err.Error(), "bad.jsonl:2") {
			t.Errorf("%s: error %q does not name the line", name, err)
		}
	}
	if _, err := os.Stat(out); err == nil {
		t.Error("a failed run left an output file")
	}
}
