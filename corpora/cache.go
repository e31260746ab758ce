package corpora

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

// CacheRate is the sample rate of the PCM cache: what every mynah model
// hears.
const CacheRate audio.Rate = 16000

// cacheHeader is the first line of every shard index; a different line is a
// different format, refused rather than misread.
const cacheHeader = "# mynah pcm cache v1: s16le mono 16000 Hz; id<TAB>offset<TAB>samples<TAB>source"

// CacheDir is the default cache folder: $MYNAH_CACHE, else
// $XDG_CACHE_HOME/mynah, else ~/.cache/mynah. It is outside the repository
// on purpose: caches are never committed.
func CacheDir() (string, error) {
	if d := os.Getenv("MYNAH_CACHE"); d != "" {
		return d, nil
	}
	if d := os.Getenv("XDG_CACHE_HOME"); d != "" {
		return filepath.Join(d, "mynah"), nil
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return "", fmt.Errorf("cache dir: %w (set MYNAH_CACHE)", err)
	}
	return filepath.Join(home, ".cache", "mynah"), nil
}

// pcmDir is where the shards live inside a cache folder.
func pcmDir(dir string) string { return filepath.Join(dir, "pcm") }

// shardName turns a corpus name into a file name: letters, digits, '-',
// '_' and '.' kept, anything else '_'.
func shardName(corpus string) string {
	if corpus == "" {
		corpus = "default"
	}
	b := []byte(corpus)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.') {
			b[i] = '_'
		}
	}
	if b[0] == '.' {
		b[0] = '_'
	}
	return string(b)
}

// span is where an utterance lies in its shard, in samples.
type span struct {
	off, n int64
}

// shardIndex is one shard's index as read from disk.
type shardIndex struct {
	spans map[string]span // by id
	end   int64           // samples covered by the index
	good  int64           // bytes of the index file that parsed
}

// readShardIndex parses a shard index, stopping at the first torn or
// malformed line (a crash mid-append): everything before it is kept.
func readShardIndex(r io.Reader) (*shardIndex, error) {
	ix := &shardIndex{spans: map[string]span{}}
	br := bufio.NewReaderSize(r, 64<<10)
	first := true
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return ix, nil // EOF, or a torn last line without '\n': dropped
		}
		if first {
			if strings.TrimSuffix(line, "\n") != cacheHeader {
				return nil, fmt.Errorf("not a mynah pcm cache v1 index (first line %.60q)", line)
			}
			first = false
			ix.good += int64(len(line))
			continue
		}
		f := strings.Split(strings.TrimSuffix(line, "\n"), "\t")
		if len(f) != 4 || f[0] == "" {
			return ix, nil
		}
		off, err1 := strconv.ParseInt(f[1], 10, 64)
		n, err2 := strconv.ParseInt(f[2], 10, 64)
		if err1 != nil || err2 != nil || off < 0 || n < 0 || off != ix.end {
			return ix, nil // appends are contiguous; anything else is damage
		}
		ix.spans[f[0]] = span{off, n}
		ix.end = off + n
		ix.good += int64(len(line))
	}
}

// Cache reads utterances from a PCM cache folder. It is safe for
// concurrent use: reads are ReadAt calls on shared files.
type Cache struct {
	dir    string
	files  []*os.File
	spans  map[string]cacheLoc
	totalN int64
}

type cacheLoc struct {
	file int
	span
}

// OpenCache opens the cache folder dir (as BuildCache made it) for reading.
// A shard whose index outruns its data (an interrupted build) is read up to
// what its data holds.
func OpenCache(dir string) (*Cache, error) {
	idxs, err := filepath.Glob(filepath.Join(pcmDir(dir), "*.idx"))
	if err != nil {
		return nil, err
	}
	sort.Strings(idxs)
	c := &Cache{dir: dir, spans: map[string]cacheLoc{}}
	for _, ip := range idxs {
		shard := strings.TrimSuffix(filepath.Base(ip), ".idx")
		f, err := os.Open(ip)
		if err != nil {
			c.Close()
			return nil, err
		}
		ix, err := readShardIndex(f)
		f.Close()
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("cache %s: %w", ip, err)
		}
		data, err := os.Open(strings.TrimSuffix(ip, ".idx") + ".s16")
		if err != nil {
			c.Close()
			return nil, fmt.Errorf("cache shard %s: %w", shard, err)
		}
		st, err := data.Stat()
		if err != nil {
			data.Close()
			c.Close()
			return nil, err
		}
		have := st.Size() / 2
		c.files = append(c.files, data)
		for id, sp := range ix.spans {
			if sp.off+sp.n > have {
				continue
			}
			c.spans[shard+"/"+id] = cacheLoc{len(c.files) - 1, sp}
			c.totalN += sp.n
		}
	}
	return c, nil
}

// Close closes the shard files.
func (c *Cache) Close() error {
	var first error
	for _, f := range c.files {
		if err := f.Close(); err != nil && first == nil {
			first = err
		}
	}
	c.files = nil
	return first
}

// Len returns how many utterances the cache holds.
func (c *Cache) Len() int { return len(c.spans) }

// Seconds returns how much audio the cache holds.
func (c *Cache) Seconds() float64 { return float64(c.totalN) / float64(CacheRate) }

// Has reports whether e's samples are cached.
func (c *Cache) Has(e Entry) bool {
	_, ok := c.spans[shardName(e.Corpus)+"/"+e.ID]
	return ok
}

// NumSamples returns the number of cached samples of e, or -1.
func (c *Cache) NumSamples(e Entry) int {
	l, ok := c.spans[shardName(e.Corpus)+"/"+e.ID]
	if !ok {
		return -1
	}
	return int(l.n)
}

// ErrNotCached reports an entry the cache does not hold.
var ErrNotCached = errors.New("not in the pcm cache")

// Samples returns e's 16 kHz mono samples in [-1, 1).
func (c *Cache) Samples(e Entry) ([]float32, error) { return c.AppendSamples(nil, e) }

// AppendSamples appends e's samples to dst and returns the extended slice,
// so a training loop can reuse one buffer.
func (c *Cache) AppendSamples(dst []float32, e Entry) ([]float32, error) {
	l, ok := c.spans[shardName(e.Corpus)+"/"+e.ID]
	if !ok {
		return dst, fmt.Errorf("%s/%s: %w", e.Corpus, e.ID, ErrNotCached)
	}
	buf := make([]byte, 2*l.n)
	if _, err := c.files[l.file].ReadAt(buf, 2*l.off); err != nil {
		return dst, fmt.Errorf("read cached %s/%s: %w", e.Corpus, e.ID, err)
	}
	start := len(dst)
	dst = append(dst, make([]float32, l.n)...)
	out := dst[start:]
	for i := range out {
		out[i] = float32(int16(binary.LittleEndian.Uint16(buf[2*i:]))) * (1.0 / 32768)
	}
	return dst, nil
}

// BuildOptions tune BuildEntries.
type BuildOptions struct {
	// Workers decoding in parallel; 0 means min(2, GOMAXPROCS).
	Workers int
	// Decode reads an audio file as mono samples at rate; nil means
	// audio.Load.
	Decode func(path string, rate audio.Rate) ([]float32, error)
	// Progress receives a line every few seconds; nil means silence.
	Progress io.Writer
	// ProgressEvery is the interval between progress lines (default 5 s).
	ProgressEvery time.Duration
}

// BuildStats says what a build did.
type BuildStats struct {
	Cached, Skipped, Failed int
	// DecodedSeconds is the audio decoded by this build.
	DecodedSeconds float64
	Wall           time.Duration
}

// BuildCache decodes every entry of the manifests into the PCM cache in dir
// (CacheDir() if dir is empty), two workers at a time, printing progress to
// progress (may be nil). Entries already cached are skipped, so an
// interrupted build resumes where it stopped; a file that fails to decode
// is reported and skipped, and BuildCache returns an error naming the
// failures after caching everything else.
func BuildCache(ctx context.Context, manifests []string, dir string, progress io.Writer) error {
	var all []Entry
	for _, m := range manifests {
		es, err := ReadManifestFile(m)
		if err != nil {
			return err
		}
		all = append(all, es...)
	}
	if dir == "" {
		d, err := CacheDir()
		if err != nil {
			return err
		}
		dir = d
	}
	_, err := BuildEntries(ctx, all, dir, BuildOptions{Progress: progress})
	return err
}

// decoded is one finished decode on its way to the writer.
type decoded struct {
	e       Entry
	samples []float32
	err     error
}

// BuildEntries caches entries into dir: one shard per corpus,
// dir/pcm/CORPUS.s16 (raw int16 little-endian samples, 16 kHz mono) and
// dir/pcm/CORPUS.idx (a header line, then "id<TAB>offset<TAB>samples<TAB>
// source" per utterance, offsets in samples). Data is appended and synced
// before its index lines, so a crash leaves at worst data that no index
// line names; the next build truncates it and carries on.
func BuildEntries(ctx context.Context, entries []Entry, dir string, opts BuildOptions) (BuildStats, error) {
	start := time.Now()
	var st BuildStats
	if err := os.MkdirAll(pcmDir(dir), 0o755); err != nil {
		return st, err
	}
	unlock, err := lockDir(pcmDir(dir))
	if err != nil {
		return st, err
	}
	defer unlock()

	writers := map[string]*shardWriter{}
	defer func() {
		for _, w := range writers {
			w.close()
		}
	}()
	var todo []Entry
	seen := map[string]bool{}
	for _, e := range entries {
		key := shardName(e.Corpus) + "/" + e.ID
		if seen[key] {
			continue // the same utterance listed twice (train and dev manifests overlap)
		}
		seen[key] = true
		name := shardName(e.Corpus)
		w := writers[name]
		if w == nil {
			if w, err = openShardWriter(pcmDir(dir), name); err != nil {
				return st, err
			}
			writers[name] = w
		}
		if _, ok := w.ix.spans[e.ID]; ok {
			st.Skipped++
			continue
		}
		todo = append(todo, e)
	}
	// Longest first: the pool ends evenly instead of waiting on one long file.
	sort.SliceStable(todo, func(i, j int) bool { return todo[i].Duration > todo[j].Duration })

	workers := opts.Workers
	if workers <= 0 {
		workers = min(2, runtime.GOMAXPROCS(0))
	}
	decode := opts.Decode
	if decode == nil {
		decode = audio.Load
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	jobs := make(chan Entry)
	results := make(chan decoded, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for e := range jobs {
				s, err := decode(e.Audio, CacheRate)
				select {
				case results <- decoded{e, s, err}:
				case <-ctx.Done():
					return
				}
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, e := range todo {
			select {
			case jobs <- e:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	every := opts.ProgressEvery
	if every <= 0 {
		every = 5 * time.Second
	}
	var todoSeconds float64
	for _, e := range todo {
		todoSeconds += e.Duration
	}
	lastReport := time.Now()
	var doneSeconds float64 // manifest seconds of finished entries, for the ETA
	var failures []string
	var writeErr error
	for r := range results {
		doneSeconds += r.e.Duration
		if r.err != nil {
			st.Failed++
			failures = append(failures, fmt.Sprintf("%s (%s): %v", r.e.ID, r.e.Audio, r.err))
			continue
		}
		if err := writers[shardName(r.e.Corpus)].append(r.e, r.samples); err != nil {
			writeErr = err
			cancel()
			break
		}
		st.Cached++
		st.DecodedSeconds += float64(len(r.samples)) / float64(CacheRate)
		if opts.Progress != nil && time.Since(lastReport) >= every {
			lastReport = time.Now()
			el := time.Since(start).Seconds()
			speed := doneSeconds / el
			eta := time.Duration(math.Max(todoSeconds-doneSeconds, 0) / math.Max(speed, 1e-9) * float64(time.Second))
			fmt.Fprintf(opts.Progress, "cache: %d/%d utterances, %.2f h decoded, %.0fx realtime, ETA %s\n",
				st.Cached+st.Failed, len(todo), st.DecodedSeconds/3600, speed, eta.Round(time.Second))
		}
	}
	for range results {
		// drain after a write error so workers can exit
	}
	for name, w := range writers {
		if err := w.close(); err != nil && writeErr == nil {
			writeErr = fmt.Errorf("cache shard %s: %w", name, err)
		}
		delete(writers, name)
	}
	st.Wall = time.Since(start)
	if opts.Progress != nil {
		fmt.Fprintf(opts.Progress, "cache: %d cached, %d already there, %d failed; %.2f h decoded in %s (%.0fx realtime) into %s\n",
			st.Cached, st.Skipped, st.Failed, st.DecodedSeconds/3600, st.Wall.Round(time.Millisecond),
			st.DecodedSeconds/math.Max(st.Wall.Seconds(), 1e-9), pcmDir(dir))
	}
	if writeErr != nil {
		return st, writeErr
	}
	if err := ctx.Err(); err != nil && st.Cached+st.Failed < len(todo) {
		return st, fmt.Errorf("cache build interrupted after %d of %d: %w", st.Cached+st.Failed, len(todo), err)
	}
	if len(failures) > 0 {
		show := failures
		if len(show) > 5 {
			show = show[:5]
		}
		return st, fmt.Errorf("cache: %d files failed to decode, e.g. %s", len(failures), strings.Join(show, "; "))
	}
	return st, nil
}

// shardWriter appends to one shard.
type shardWriter struct {
	data, idx *os.File
	ix        *shardIndex
	pending   []byte // index lines not yet written
	unsynced  int
}

// syncEvery bounds how many utterances may sit in the page cache before a
// sync; losing them to a power cut only costs re-decoding them.
const syncEvery = 64

func openShardWriter(dir, name string) (*shardWriter, error) {
	idxPath := filepath.Join(dir, name+".idx")
	idx, err := os.OpenFile(idxPath, os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		return nil, err
	}
	ix, err := readShardIndex(idx)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("cache %s: %w", idxPath, err)
	}
	data, err := os.OpenFile(filepath.Join(dir, name+".s16"), os.O_RDWR|os.O_CREATE, 0o644)
	if err != nil {
		idx.Close()
		return nil, err
	}
	w := &shardWriter{data: data, idx: idx, ix: ix}
	fail := func(err error) (*shardWriter, error) {
		data.Close()
		idx.Close()
		return nil, fmt.Errorf("cache shard %s: %w", name, err)
	}
	st, err := data.Stat()
	if err != nil {
		return fail(err)
	}
	if st.Size() < 2*ix.end {
		// The index names data that never reached the disk: start over,
		// which costs one re-decode of this shard and never misreads.
		ix = &shardIndex{spans: map[string]span{}}
		w.ix = ix
	}
	if err := data.Truncate(2 * ix.end); err != nil {
		return fail(err)
	}
	if ix.good == 0 {
		if err := idx.Truncate(0); err != nil {
			return fail(err)
		}
		if _, err := idx.WriteAt([]byte(cacheHeader+"\n"), 0); err != nil {
			return fail(err)
		}
		ix.good = int64(len(cacheHeader) + 1)
	} else if err := idx.Truncate(ix.good); err != nil {
		return fail(err)
	}
	if _, err := idx.Seek(ix.good, io.SeekStart); err != nil {
		return fail(err)
	}
	if _, err := data.Seek(2*ix.end, io.SeekStart); err != nil {
		return fail(err)
	}
	return w, nil
}

func (w *shardWriter) append(e Entry, samples []float32) error {
	buf := make([]byte, 2*len(samples))
	for i, x := range samples {
		binary.LittleEndian.PutUint16(buf[2*i:], uint16(toInt16(x)))
	}
	if _, err := w.data.Write(buf); err != nil {
		return err
	}
	src := strings.NewReplacer("\t", " ", "\n", " ").Replace(e.Audio)
	w.pending = fmt.Appendf(w.pending, "%s\t%d\t%d\t%s\n", e.ID, w.ix.end, len(samples), src)
	w.ix.spans[e.ID] = span{w.ix.end, int64(len(samples))}
	w.ix.end += int64(len(samples))
	w.unsynced++
	if w.unsynced >= syncEvery {
		return w.flush()
	}
	return nil
}

// flush syncs the data, then writes and syncs the index lines naming it.
func (w *shardWriter) flush() error {
	if len(w.pending) == 0 {
		return nil
	}
	if err := w.data.Sync(); err != nil {
		return err
	}
	if _, err := w.idx.Write(w.pending); err != nil {
		return err
	}
	w.pending = w.pending[:0]
	w.unsynced = 0
	return w.idx.Sync()
}

func (w *shardWriter) close() error {
	if w.data == nil {
		return nil
	}
	err := w.flush()
	if e := w.data.Close(); err == nil {
		err = e
	}
	if e := w.idx.Close(); err == nil {
		err = e
	}
	w.data, w.idx = nil, nil
	return err
}

// toInt16 quantises a sample in [-1, 1] to 16 bits, rounding to nearest
// and clipping; NaN becomes 0.
func toInt16(x float32) int16 {
	v := math.Round(float64(x) * 32768)
	switch {
	case v >= 32767:
		return 32767
	case v <= -32768:
		return -32768
	case v == v:
		return int16(v)
	}
	return 0
}
