package audio

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"
	"testing"
)

// fuzzReadLimit bounds how many samples a fuzz iteration reads, so that a
// valid but long stream (a lying "unknown size") cannot stall the fuzzer.
const fuzzReadLimit = 1 << 20

// drain reads src like a caller would and checks the Source contract:
// samples in [-1, 1], never NaN; either n > 0 with no error or n == 0 with
// one.
func drain(t *testing.T, src Source) {
	t.Helper()
	if r := src.SampleRate(); r <= 0 || r > maxRate {
		t.Fatalf("sample rate %v", r)
	}
	buf := make([]float32, 1000)
	total := 0
	for total < fuzzReadLimit {
		n, err := src.Read(buf)
		if n > 0 && err != nil {
			t.Fatalf("Read returned %d samples and %v", n, err)
		}
		for _, v := range buf[:n] {
			if !(v >= -1 && v <= 1) {
				t.Fatalf("sample %v outside [-1, 1]", v)
			}
		}
		total += n
		if err != nil {
			return
		}
		if n == 0 {
			t.Fatal("Read returned 0 samples and no error")
		}
	}
}

// fuzzSeeds adds the committed fixtures and a few hand-made files.
func fuzzSeeds(f *testing.F, names ...string) {
	for _, n := range names {
		data, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
}

func FuzzDecode(f *testing.F) {
	fuzzSeeds(f, "tone-16k-mpeg2.mp3", "tone-16k-stereo.flac", "empty.flac")
	var wav bytes.Buffer
	WriteWAV(&wav, []float32{0, 0.5, -0.5}, 16000, PCM16)
	f.Add(wav.Bytes())
	f.Add([]byte("OggS\x00\x02"))
	f.Add([]byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xf3\x48\xc4"))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, stream := range []bool{false, true} {
			var r io.Reader = bytes.NewReader(data)
			if stream {
				r = struct{ io.Reader }{r}
			}
			src, err := Decode(r, DecodeOptions{})
			if err != nil {
				continue
			}
			drain(t, src)
		}
	})
}

func FuzzDecodeRaw(f *testing.F) {
	f.Add([]byte{0, 0, 0xFF, 0x7F, 0x00, 0x80}, uint8(1), uint8(0))
	f.Add([]byte{1, 2, 3}, uint8(2), uint8(2))
	f.Add([]byte("RIFF"), uint8(1), uint8(0))
	f.Fuzz(func(t *testing.T, data []byte, channels, pick uint8) {
		src, err := decodeRaw(bytes.NewReader(data), 16000, int(channels), DecodeOptions{Channel: int(pick)})
		if err != nil {
			return
		}
		drain(t, src)
		// Through Decode with a raw rate (headers still win).
		src2, err := Decode(bytes.NewReader(data), DecodeOptions{RawRate: 8000, RawChannels: int(channels), Channel: int(pick)})
		if err == nil {
			drain(t, src2)
		}
	})
}

func FuzzWAV(f *testing.F) {
	var wav bytes.Buffer
	WriteWAV(&wav, []float32{0, 0.5, -0.5, 1}, 16000, PCM16)
	f.Add(wav.Bytes())
	wav.Reset()
	WriteWAV(&wav, []float32{0.25, -1}, 44100, Float32)
	f.Add(wav.Bytes())
	f.Add(buildWAV(wavSpec{tag: waveExtensible, subTag: 1, channels: 3, rate: 48000, bits: 24, data: make([]byte, 18), dataSize: -1}))
	f.Add(buildWAV(wavSpec{tag: 7, channels: 2, rate: 8000, bits: 8, data: []byte{1, 2, 3, 4}, dataSize: -1, junkFirst: true}))
	f.Add(buildWAV(wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, dataSize: unknownSize, data: []byte{1, 2}}))
	f.Fuzz(func(t *testing.T, data []byte) {
		for _, size := range []int64{int64(len(data)), -1} {
			src, err := decodeWAV(bytes.NewReader(data), size, DecodeOptions{})
			if err != nil {
				continue
			}
			drain(t, src)
		}
	})
}

func FuzzFLAC(f *testing.F) {
	fuzzSeeds(f, "tone-16k-stereo.flac", "tone-48k-24bit.flac", "empty.flac")
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := decodeFLAC(bytes.NewReader(data), DecodeOptions{})
		if err != nil {
			return
		}
		drain(t, src)
	})
}

func FuzzMP3(f *testing.F) {
	fuzzSeeds(f, "tone-16k-mpeg2.mp3", "tone-16k-notag.mp3", "tone-44k-mpeg1-stereo.mp3", "tone-8k-mpeg25.mp3")
	f.Fuzz(func(t *testing.T, data []byte) {
		src, err := decodeMP3(bufio.NewReader(bytes.NewReader(data)), DecodeOptions{})
		if err != nil {
			return
		}
		drain(t, src)
	})
}

// TestWriteFuzzCorpus regenerates the committed seed corpora under
// testdata/fuzz from the seeds above (MYNAH_WRITE_FUZZ_CORPUS=1 go test
// -run TestWriteFuzzCorpus ./audio/). The go command also reads them on
// every plain `go test`, so each seed is checked in CI.
func TestWriteFuzzCorpus(t *testing.T) {
	if os.Getenv("MYNAH_WRITE_FUZZ_CORPUS") == "" {
		t.Skip("set MYNAH_WRITE_FUZZ_CORPUS=1 to regenerate testdata/fuzz")
	}
	write := func(target string, i int, args ...any) {
		dir := filepath.Join("testdata", "fuzz", target)
		if err := os.MkdirAll(dir, 0o755); err != nil {
			t.Fatal(err)
		}
		s := "go test fuzz v1\n"
		for _, a := range args {
			switch v := a.(type) {
			case []byte:
				s += fmt.Sprintf("[]byte(%q)\n", v)
			case uint8:
				s += fmt.Sprintf("byte(%q)\n", v)
			case uint16:
				s += fmt.Sprintf("uint16(%d)\n", v)
			case uint32:
				s += fmt.Sprintf("uint32(%d)\n", v)
			}
		}
		if err := os.WriteFile(filepath.Join(dir, fmt.Sprintf("seed%02d", i)), []byte(s), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	file := func(n string) []byte {
		b, err := os.ReadFile(filepath.Join("testdata", n))
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	var pcm, flt bytes.Buffer
	WriteWAV(&pcm, []float32{0, 0.5, -0.5, 1}, 16000, PCM16)
	WriteWAV(&flt, []float32{0.25, -1}, 44100, Float32)
	wavs := [][]byte{
		pcm.Bytes(), flt.Bytes(),
		buildWAV(wavSpec{tag: waveExtensible, subTag: 1, channels: 3, rate: 48000, bits: 24, data: make([]byte, 18), dataSize: -1}),
		buildWAV(wavSpec{tag: 7, channels: 2, rate: 8000, bits: 8, data: []byte{1, 2, 3, 4}, dataSize: -1, junkFirst: true}),
		buildWAV(wavSpec{tag: 6, channels: 1, rate: 8000, bits: 8, data: []byte{0xD5, 0x2A}, dataSize: -1}),
		buildWAV(wavSpec{tag: 3, channels: 1, rate: 16000, bits: 64, data: make([]byte, 16), dataSize: -1}),
		buildWAV(wavSpec{tag: 1, channels: 2, rate: 16000, bits: 8, data: []byte{1, 2, 3}, dataSize: unknownSize}),
		buildWAV(wavSpec{tag: 0x11, channels: 1, rate: 8000, bits: 4, blockAlign: 256, dataSize: -1}),
	}
	for i, w := range wavs {
		write("FuzzWAV", i, w)
	}
	for i, n := range []string{"tone-16k-stereo.flac", "tone-48k-24bit.flac", "empty.flac"} {
		write("FuzzFLAC", i, file(n))
	}
	for i, n := range []string{"tone-16k-mpeg2.mp3", "tone-16k-notag.mp3", "tone-44k-mpeg1-stereo.mp3", "tone-8k-mpeg25.mp3"} {
		write("FuzzMP3", i, file(n))
	}
	dec := [][]byte{pcm.Bytes(), file("tone-16k-mpeg2.mp3"), file("empty.flac"), []byte("OggS\x00\x02"),
		[]byte("ID3\x04\x00\x00\x00\x00\x00\x00\xff\xf3\x48\xc4"), []byte("Hello, world\n"), {}}
	for i, d := range dec {
		write("FuzzDecode", i, d)
	}
	write("FuzzDecodeRaw", 0, []byte{0, 0, 0xFF, 0x7F, 0x00, 0x80}, uint8(1), uint8(0))
	write("FuzzDecodeRaw", 1, []byte{1, 2, 3}, uint8(2), uint8(2))
	write("FuzzDecodeRaw", 2, []byte("RIFF\x00\x00"), uint8(1), uint8(0))
	for i, a := range [][4]int{{48000, 16000, 1000, 333}, {16001, 16000, 100, 7}, {8000, 44100, 50, 4096}, {1, 4000000, 2, 1}, {44100, 22050, 3000, 640}} {
		write("FuzzResample", i, uint32(a[0]), uint32(a[1]), uint16(a[2]), uint16(a[3]))
	}
}

// FuzzResample runs the resampler on arbitrary rate pairs (rates come from
// file headers) and read sizes: it must not panic, must give
// ceil(n·to/from) finite samples, or refuse the pair with an error.
func FuzzResample(f *testing.F) {
	f.Add(uint32(48000), uint32(16000), uint16(1000), uint16(333))
	f.Add(uint32(16001), uint32(16000), uint16(100), uint16(7))
	f.Add(uint32(8000), uint32(44100), uint16(50), uint16(4096))
	f.Add(uint32(1), uint32(4000000), uint16(2), uint16(1))
	f.Fuzz(func(t *testing.T, from, to uint32, n, readSize uint16) {
		from, to = from%(maxRate+2), to%(maxRate+2)
		if int64(n)*int64(to) > 1<<16*int64(max(from, 1)) {
			return // more output than a fuzz iteration should make
		}
		x := sine(int(n), Rate(max(from, 1)), 440, 0.9)
		r := Resample(&sliceSource{x: x, rate: Rate(from), chunk: 97}, Rate(to))
		buf := make([]float32, int(readSize)+1)
		total := int64(0)
		for {
			k, err := r.Read(buf)
			for _, v := range buf[:k] {
				if math.IsNaN(float64(v)) || math.IsInf(float64(v), 0) {
					t.Fatalf("%d→%d: sample %v", from, to, v)
				}
			}
			total += int64(k)
			if err == io.EOF {
				break
			}
			if err != nil {
				if total > 0 || from == to {
					t.Fatalf("%d→%d: error %v after %d samples", from, to, err, total)
				}
				return
			}
		}
		if from == to {
			return
		}
		if want := ceilDiv(int64(n)*int64(to), int64(from)); total != want {
			t.Fatalf("%d→%d, %d in: %d out, want %d", from, to, n, total, want)
		}
	})
}
