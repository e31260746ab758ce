package corpora

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mynah-speech/mynah/audio"
)

// fakeAudio makes deterministic samples for a path: its length and values
// follow from the path's hash, so tests can check what comes back.
func fakeAudio(path string, rate audio.Rate) ([]float32, error) {
	if strings.Contains(path, "broken") {
		return nil, errors.New("corrupt audio")
	}
	h := fnv.New32a()
	h.Write([]byte(path))
	seed := h.Sum32()
	n := 100 + int(seed%3000)
	s := make([]float32, n)
	for i := range s {
		seed = seed*1664525 + 1013904223
		s[i] = float32(int16(seed>>16)) / 32768
	}
	return s, nil
}

func cacheEntries(corpus string, n int) []Entry {
	es := make([]Entry, n)
	for i := range es {
		es[i] = Entry{ID: fmt.Sprintf("u%03d", i), Audio: fmt.Sprintf("/data/%s/u%03d.mp3", corpus, i), Duration: float64(i%7) + 0.5, Corpus: corpus}
	}
	return es
}

func checkCache(t *testing.T, dir string, entries []Entry) {
	t.Helper()
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Len() != len(entries) {
		t.Errorf("cache holds %d, want %d", c.Len(), len(entries))
	}
	var buf []float32
	for _, e := range entries {
		want, _ := fakeAudio(e.Audio, CacheRate)
		buf, err = c.AppendSamples(buf[:0], e)
		if err != nil {
			t.Fatal(err)
		}
		if len(buf) != len(want) || c.NumSamples(e) != len(want) {
			t.Fatalf("%s: %d samples, want %d", e.ID, len(buf), len(want))
		}
		for i := range want {
			if buf[i] != want[i] { // values are exact multiples of 1/32768
				t.Fatalf("%s sample %d = %v, want %v", e.ID, i, buf[i], want[i])
			}
		}
	}
}

func TestCacheBuildAndRead(t *testing.T) {
	dir := t.TempDir()
	entries := append(cacheEntries("corpus-a", 40), cacheEntries("corpus b", 25)...)
	entries = append(entries, entries[3]) // listed twice: cached once
	var progress bytes.Buffer
	st, err := BuildEntries(context.Background(), entries, dir, BuildOptions{Decode: fakeAudio, Progress: &progress})
	if err != nil {
		t.Fatal(err)
	}
	if st.Cached != 65 || st.Skipped != 0 || st.Failed != 0 {
		t.Errorf("stats %+v", st)
	}
	if !strings.Contains(progress.String(), "65 cached") {
		t.Errorf("progress: %q", progress.String())
	}
	checkCache(t, dir, entries[:65])
	if _, err := os.Stat(filepath.Join(dir, "pcm", "corpus_b.s16")); err != nil {
		t.Errorf("shard file name: %v", err)
	}
	st, err = BuildEntries(context.Background(), entries, dir, BuildOptions{Decode: fakeAudio})
	if err != nil || st.Cached != 0 || st.Skipped != 65 {
		t.Errorf("rebuild: %+v %v", st, err)
	}
	c, _ := OpenCache(dir)
	defer c.Close()
	if _, err := c.Samples(Entry{ID: "nope", Corpus: "corpus-a"}); !errors.Is(err, ErrNotCached) {
		t.Errorf("missing id: %v", err)
	}
	if c.Has(Entry{ID: "u000", Corpus: "corpus-c"}) || !c.Has(entries[0]) {
		t.Error("Has keys on corpus and id")
	}
}

func TestCacheResumesAfterCrash(t *testing.T) {
	dir := t.TempDir()
	entries := cacheEntries("c", 30)
	if _, err := BuildEntries(context.Background(), entries[:20], dir, BuildOptions{Decode: fakeAudio}); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(dir, "pcm", "c.idx")
	data := filepath.Join(dir, "pcm", "c.s16")
	// A crash mid-append: data written past the index, and a torn index line.
	f, _ := os.OpenFile(data, os.O_APPEND|os.O_WRONLY, 0)
	f.Write(make([]byte, 1234))
	f.Close()
	f, _ = os.OpenFile(idx, os.O_APPEND|os.O_WRONLY, 0)
	f.WriteString("u020\t999")
	f.Close()
	st, err := BuildEntries(context.Background(), entries, dir, BuildOptions{Decode: fakeAudio})
	if err != nil || st.Cached != 10 || st.Skipped != 20 {
		t.Fatalf("resume: %+v %v", st, err)
	}
	checkCache(t, dir, entries)

	// Data lost behind an intact index (power cut before sync): the shard
	// is rebuilt rather than misread.
	os.Truncate(data, 100)
	if c, err := OpenCache(dir); err != nil || c.Len() >= 30 {
		t.Fatalf("open with short data: len %d, %v", c.Len(), err)
	} else {
		c.Close()
	}
	if _, err := BuildEntries(context.Background(), entries, dir, BuildOptions{Decode: fakeAudio}); err != nil {
		t.Fatal(err)
	}
	checkCache(t, dir, entries)
}

func TestCacheFailuresAndCancel(t *testing.T) {
	dir := t.TempDir()
	entries := cacheEntries("c", 10)
	entries[4].Audio = "/data/broken.mp3"
	st, err := BuildEntries(context.Background(), entries, dir, BuildOptions{Decode: fakeAudio})
	if err == nil || !strings.Contains(err.Error(), "1 files failed") || st.Cached != 9 {
		t.Fatalf("%+v %v", st, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = BuildEntries(ctx, cacheEntries("d", 50), dir, BuildOptions{Decode: fakeAudio})
	if !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled build: %v", err)
	}
	if err := os.WriteFile(filepath.Join(dir, "pcm", "bad.idx"), []byte("something else\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := OpenCache(dir); err == nil || !strings.Contains(err.Error(), "not a mynah pcm cache") {
		t.Errorf("foreign index: %v", err)
	}
}

func TestCacheConcurrentReads(t *testing.T) {
	dir := t.TempDir()
	entries := cacheEntries("c", 20)
	if _, err := BuildEntries(context.Background(), entries, dir, BuildOptions{Decode: fakeAudio, Workers: 3}); err != nil {
		t.Fatal(err)
	}
	c, err := OpenCache(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range entries {
				e := entries[(i+g*5)%len(entries)]
				s, err := c.Samples(e)
				want, _ := fakeAudio(e.Audio, CacheRate)
				if err != nil || len(s) != len(want) {
					t.Errorf("%s: %d %v", e.ID, len(s), err)
				}
			}
		}()
	}
	wg.Wait()
}

func TestCacheDir(t *testing.T) {
	t.Setenv("MYNAH_CACHE", "/m")
	t.Setenv("XDG_CACHE_HOME", "/x")
	if d, _ := CacheDir(); d != "/m" {
		t.Errorf("MYNAH_CACHE: %q", d)
	}
	t.Setenv("MYNAH_CACHE", "")
	if d, _ := CacheDir(); d != "/x/mynah" {
		t.Errorf("XDG: %q", d)
	}
	t.Setenv("XDG_CACHE_HOME", "")
	t.Setenv("HOME", "/h")
	if d, _ := CacheDir(); d != "/h/.cache/mynah" {
		t.Errorf("home: %q", d)
	}
}

func TestToInt16(t *testing.T) {
	for _, tt := range []struct {
		in   float32
		want int16
	}{{0, 0}, {1, 32767}, {-1, -32768}, {2, 32767}, {0.5, 16384}, {float32(nan()), 0}, {1.0 / 65536 * 1.01, 1}} {
		if got := toInt16(tt.in); got != tt.want {
			t.Errorf("toInt16(%v) = %d, want %d", tt.in, got, tt.want)
		}
	}
}

func nan() float64 { var z float64; return z / z }

func BenchmarkCacheRead(b *testing.B) {
	dir := b.TempDir()
	entries := cacheEntries("c", 64)
	long := func(path string, rate audio.Rate) ([]float32, error) { return make([]float32, 16000*5), nil }
	if _, err := BuildEntries(context.Background(), entries, dir, BuildOptions{Decode: long}); err != nil {
		b.Fatal(err)
	}
	c, _ := OpenCache(dir)
	defer c.Close()
	var buf []float32
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		buf, _ = c.AppendSamples(buf[:0], entries[i%len(entries)])
	}
	b.ReportMetric(float64(b.N)*5/b.Elapsed().Seconds(), "x-realtime")
}
