//go:build linux

package main

import (
	"bufio"
	"bytes"
	"encoding/binary"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"syscall"
	"testing"

	"github.com/mynah-speech/mynah/audio"
)

// TestLongRecordingMemory is issue 9's "a 2-hour file peaks under 400 MB
// RSS" as a test, run only with MYNAH_LONG_RSS=HOURS (it takes about 25 CPU
// seconds per hour of audio on the development machine):
//
//	MYNAH_LONG_RSS=2 go test -run TestLongRecordingMemory -v -timeout 1h ./cmd/transcribe
//
// It builds transcribe, writes a 10-minute and a HOURS-long WAV of the
// sample clips each followed by 1.5 s of silence (streamed to disk, never
// held in memory), transcribes both with the default flags, and checks the
// long run's peak RSS against 400 MB and its live heap (from the
// collector's trace) for growth over the run: memory must not grow with
// the length. scripts/long-rss.sh measures the peaks from the shell.
func TestLongRecordingMemory(t *testing.T) {
	hours, err := strconv.ParseFloat(os.Getenv("MYNAH_LONG_RSS"), 64)
	if err != nil || hours <= 0 {
		t.Skip("set MYNAH_LONG_RSS=HOURS (e.g. 2) to measure transcribe's peak RSS on a long recording")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "transcribe")
	if out, err := exec.Command("go", "build", "-o", bin, ".").CombinedOutput(); err != nil {
		t.Fatalf("build: %v\n%s", err, out)
	}
	var cycle []int16
	for _, name := range []string{"hello.wav", "numbers.flac", "fox.mp3", "window.wav"} {
		pcm, err := audio.Load(filepath.Join("../../samples", name), 16000)
		if err != nil {
			t.Fatal(err)
		}
		for _, x := range pcm {
			cycle = append(cycle, int16(max(-32768, min(32767, math.Round(float64(x)*32768)))))
		}
		cycle = append(cycle, make([]int16, 16000*3/2)...)
	}

	// run transcribes seconds of the cycle with the collector's trace on,
	// and returns the peak RSS, the CPU time and the live heap after each
	// collection (gctrace's "A->B->C MB": C is what survived).
	run := func(name string, seconds float64) (rssBytes int64, cpuSeconds float64, liveMB []float64) {
		t.Helper()
		path := filepath.Join(dir, name+".wav")
		writeRepeatedWAV(t, path, cycle, int(math.Ceil(seconds*16000/float64(len(cycle)))))
		defer os.Remove(path)
		cmd := exec.Command(bin, path)
		cmd.Env = append(os.Environ(), "GODEBUG=gctrace=1")
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Run(); err != nil {
			t.Fatalf("transcribe %s: %v\n%.2000s", name, err, stderr.Bytes())
		}
		for _, m := range gcLive.FindAllSubmatch(stderr.Bytes(), -1) {
			v, _ := strconv.ParseFloat(string(m[1]), 64)
			liveMB = append(liveMB, v)
		}
		ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage)
		if !ok {
			t.Skip("no rusage on this system")
		}
		cpu := cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
		return ru.Maxrss << 10, cpu.Seconds(), liveMB // Linux reports Maxrss in KiB
	}
	shortRSS, shortCPU, _ := run("short", 600)
	longRSS, longCPU, live := run("long", hours*3600)
	t.Logf("10 min: peak RSS %.0f MiB, CPU %.1f s; %g h: peak RSS %.0f MiB, CPU %.1f s, %d collections",
		float64(shortRSS)/(1<<20), shortCPU, hours, float64(longRSS)/(1<<20), longCPU, len(live))
	if longRSS > 400e6 {
		t.Errorf("%g h of audio peaked at %.0f MB RSS, over the 400 MB target", hours, float64(longRSS)/1e6)
	}
	// Growth with the length shows in what survives collections, which
	// the peak hides: the peak depends on how many segments a collection
	// happens to find in flight (runs of one file differ by 60 MiB and
	// more), and so does any one collection's live heap. Its floor, the
	// collections that found no segment in flight, is what the run keeps.
	// The model load's collections come first, each leaving more than the
	// last; after them, compare the floor of the first half of the run's
	// collections with that of the second.
	start := 1
	for start < len(live) && live[start] >= live[start-1] {
		start++
	}
	rest := live[start:]
	if len(rest) < 6 {
		t.Fatalf("only %d collections traced after the model load; cannot tell growth", len(rest))
	}
	early, late := slices.Min(rest[:len(rest)/2]), slices.Min(rest[len(rest)/2:])
	t.Logf("least live heap after a collection: %.0f MB in the first half of the run, %.0f MB in the second", early, late)
	if late-early > 32 {
		t.Errorf("the live heap grows with the length: at least %.0f MB in the first half of the run, %.0f MB in the second", early, late)
	}
}

// gcLive matches a GODEBUG=gctrace=1 line's heap sizes, capturing the live
// heap after the collection.
var gcLive = regexp.MustCompile(`(?m)^gc \d+ @.*?, \d+->\d+->(\d+) MB`)

// writeRepeatedWAV writes a 16 kHz mono 16-bit WAV of cycle repeated n
// times, streaming it to disk.
func writeRepeatedWAV(t *testing.T, path string, cycle []int16, n int) {
	t.Helper()
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	w := bufio.NewWriterSize(f, 1<<20)
	dataBytes := uint32(2 * len(cycle) * n)
	header := []any{
		[4]byte{'R', 'I', 'F', 'F'}, 36 + dataBytes, [4]byte{'W', 'A', 'V', 'E'},
		[4]byte{'f', 'm', 't', ' '}, uint32(16), uint16(1), uint16(1), uint32(16000), uint32(32000), uint16(2), uint16(16),
		[4]byte{'d', 'a', 't', 'a'}, dataBytes,
	}
	for _, v := range header {
		binary.Write(w, binary.LittleEndian, v)
	}
	for i := 0; i < n; i++ {
		binary.Write(w, binary.LittleEndian, cycle)
	}
	if err := w.Flush(); err != nil {
		t.Fatal(err)
	}
}
