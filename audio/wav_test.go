package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// wavSpec describes a WAV file built byte by byte in tests, independently
// of WriteWAV, so that every format tag and layout can be produced.
type wavSpec struct {
	riff       string // "RIFF" by default
	tag        uint16
	channels   int
	rate       int
	bits       int
	blockAlign int    // 0: channels*ceil(bits/8)
	subTag     uint16 // with tag 0xFFFE
	validBits  int
	data       []byte
	dataSize   int64 // -1: len(data)
	noData     bool
	junkFirst  bool // a LIST chunk before fmt
	dataFirst  bool // data chunk before fmt
}

func buildWAV(s wavSpec) []byte {
	le := binary.LittleEndian
	var b []byte
	riff := s.riff
	if riff == "" {
		riff = "RIFF"
	}
	b = append(b, riff...)
	b = le.AppendUint32(b, 0)
	b = append(b, "WAVE"...)
	if s.junkFirst {
		b = append(b, "LIST"...)
		b = le.AppendUint32(b, 5)
		b = append(b, "INFOx\x00"...) // odd size plus pad byte
	}
	ba := s.blockAlign
	if ba == 0 {
		ba = s.channels * ((s.bits + 7) / 8)
	}
	fmtChunk := func() {
		b = append(b, "fmt "...)
		if s.tag == waveExtensible {
			b = le.AppendUint32(b, 40)
		} else {
			b = le.AppendUint32(b, 16)
		}
		b = le.AppendUint16(b, s.tag)
		b = le.AppendUint16(b, uint16(s.channels))
		b = le.AppendUint32(b, uint32(s.rate))
		b = le.AppendUint32(b, uint32(s.rate*ba))
		b = le.AppendUint16(b, uint16(ba))
		b = le.AppendUint16(b, uint16(s.bits))
		if s.tag == waveExtensible {
			b = le.AppendUint16(b, 22)
			vb := s.validBits
			if vb == 0 {
				vb = s.bits
			}
			b = le.AppendUint16(b, uint16(vb))
			b = le.AppendUint32(b, 0) // channel mask
			b = le.AppendUint16(b, s.subTag)
			b = append(b, ksdataformatSubtypeTail...)
		}
	}
	dataChunk := func() {
		b = append(b, "data"...)
		size := s.dataSize
		if size < 0 {
			size = int64(len(s.data))
		}
		b = le.AppendUint32(b, uint32(size))
		b = append(b, s.data...)
	}
	if s.dataFirst {
		dataChunk()
		fmtChunk()
	} else {
		fmtChunk()
		if !s.noData {
			dataChunk()
		}
	}
	le.PutUint32(b[4:], uint32(len(b)-8))
	return b
}

func decodeAll(t *testing.T, data []byte, opt DecodeOptions) ([]float32, Rate, error) {
	t.Helper()
	src, err := Decode(bytes.NewReader(data), opt)
	if err != nil {
		return nil, 0, err
	}
	got, err := ReadAll(src)
	return got, src.SampleRate(), err
}

func near(a, b []float32, tol float64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if math.Abs(float64(a[i]-b[i])) > tol {
			return false
		}
	}
	return true
}

func TestDecodeWAVFormats(t *testing.T) {
	le := binary.LittleEndian
	s16 := func(v ...int16) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint16(b, uint16(x))
		}
		return b
	}
	s24 := func(v ...int32) []byte {
		var b []byte
		for _, x := range v {
			b = append(b, byte(x), byte(x>>8), byte(x>>16))
		}
		return b
	}
	s32 := func(v ...int32) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint32(b, uint32(x))
		}
		return b
	}
	f32 := func(v ...float32) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint32(b, math.Float32bits(x))
		}
		return b
	}
	f64 := func(v ...float64) []byte {
		var b []byte
		for _, x := range v {
			b = le.AppendUint64(b, math.Float64bits(x))
		}
		return b
	}
	tests := []struct {
		name string
		spec wavSpec
		opt  DecodeOptions
		want []float32
	}{
		{"pcm8", wavSpec{tag: 1, channels: 1, rate: 8000, bits: 8, data: []byte{128, 0, 255, 192}},
			DecodeOptions{}, []float32{0, -1, 127.0 / 128, 0.5}},
		{"pcm16", wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, data: s16(0, -32768, 16384, 32767)},
			DecodeOptions{}, []float32{0, -1, 0.5, 32767.0 / 32768}},
		{"pcm16 stereo average", wavSpec{tag: 1, channels: 2, rate: 16000, bits: 16, data: s16(16384, 0, -16384, -16384)},
			DecodeOptions{}, []float32{0.25, -0.5}},
		{"pcm16 stereo right", wavSpec{tag: 1, channels: 2, rate: 16000, bits: 16, data: s16(16384, 0, -16384, 8192)},
			DecodeOptions{Channel: 2}, []float32{0, 0.25}},
		{"pcm16 3ch average", wavSpec{tag: 1, channels: 3, rate: 16000, bits: 16, data: s16(3000, 6000, 9000)},
			DecodeOptions{}, []float32{6000.0 / 32768}},
		{"pcm24", wavSpec{tag: 1, channels: 1, rate: 48000, bits: 24, data: s24(0, -1<<23, 1<<22, -1)},
			DecodeOptions{}, []float32{0, -1, 0.5, -1.0 / (1 << 23)}},
		{"pcm24 stereo left", wavSpec{tag: 1, channels: 2, rate: 48000, bits: 24, data: s24(1<<22, 0)},
			DecodeOptions{Channel: 1}, []float32{0.5}},
		{"pcm32", wavSpec{tag: 1, channels: 1, rate: 48000, bits: 32, data: s32(0, math.MinInt32, 1<<30)},
			DecodeOptions{}, []float32{0, -1, 0.5}},
		{"float32 clamped", wavSpec{tag: 3, channels: 1, rate: 16000, bits: 32, data: f32(0.25, -0.75, 2, float32(math.NaN()))},
			DecodeOptions{}, []float32{0.25, -0.75, 1, 0}},
		{"float64", wavSpec{tag: 3, channels: 1, rate: 16000, bits: 64, data: f64(0.125, -1.5)},
			DecodeOptions{}, []float32{0.125, -1}},
		// G.711 reference points: Table 2a/1a decision values of the
		// standard (µ-law 0x80 = +8031·4 = 32124; A-law 0xAA = +32256).
		{"mulaw", wavSpec{tag: 7, channels: 1, rate: 8000, bits: 8, data: []byte{0xFF, 0x7F, 0x80, 0x00}},
			DecodeOptions{}, []float32{0, 0, 32124.0 / 32768, -32124.0 / 32768}},
		{"alaw", wavSpec{tag: 6, channels: 1, rate: 8000, bits: 8, data: []byte{0xD5, 0x55, 0xAA, 0x2A}},
			DecodeOptions{}, []float32{8.0 / 32768, -8.0 / 32768, 32256.0 / 32768, -32256.0 / 32768}},
		{"extensible pcm16", wavSpec{tag: waveExtensible, subTag: 1, channels: 1, rate: 16000, bits: 16, data: s16(8192)},
			DecodeOptions{}, []float32{0.25}},
		{"extensible 20-in-24", wavSpec{tag: waveExtensible, subTag: 1, validBits: 20, channels: 1, rate: 48000, bits: 24, data: s24(1 << 22)},
			DecodeOptions{}, []float32{0.5}},
		{"extensible 24-in-32", wavSpec{tag: waveExtensible, subTag: 1, validBits: 24, channels: 1, rate: 48000, bits: 32, data: s32(1 << 30)},
			DecodeOptions{}, []float32{0.5}},
		{"pcm 24 bits in 4-byte blocks", wavSpec{tag: 1, channels: 1, rate: 48000, bits: 24, blockAlign: 4, data: s32(1 << 30)},
			DecodeOptions{}, []float32{0.5}},
		{"extensible float", wavSpec{tag: waveExtensible, subTag: 3, channels: 2, rate: 44100, bits: 32, data: f32(0.5, 0.25)},
			DecodeOptions{}, []float32{0.375}},
		{"chunk before fmt", wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, data: s16(16384), junkFirst: true},
			DecodeOptions{}, []float32{0.5}},
		{"odd trailing byte dropped", wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, data: append(s16(16384), 7)},
			DecodeOptions{}, []float32{0.5}},
		{"size unknown (pipe)", wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, data: s16(16384, 8192), dataSize: unknownSize},
			DecodeOptions{}, []float32{0.5, 0.25}},
		{"zero samples", wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16},
			DecodeOptions{}, []float32{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if tc.spec.dataSize == 0 {
				tc.spec.dataSize = -1
			}
			got, rate, err := decodeAll(t, buildWAV(tc.spec), tc.opt)
			if err != nil {
				t.Fatalf("decode: %v", err)
			}
			if int(rate) != tc.spec.rate {
				t.Errorf("rate %v, want %d", rate, tc.spec.rate)
			}
			if !near(got, tc.want, 1e-6) {
				t.Errorf("got %v, want %v", got, tc.want)
			}
		})
	}
}

// TestG711Tables checks the whole µ-law and A-law expansions against the
// defining formulas of G.711 (segment, step), written independently of
// the bit tricks in pcm.go.
func TestG711Tables(t *testing.T) {
	for b := range 256 {
		// µ-law: complement, then sign, 3-bit segment, 4-bit step:
		// |x| = ((2·step + 33) << segment) - 33, in 14-bit units (×4).
		u := ^byte(b)
		seg, step := int(u>>4)&7, int(u&15)
		mag := (((2*step + 33) << seg) - 33) * 4
		if u&0x80 != 0 {
			mag = -mag
		}
		if got := int(ulawDecode(byte(b))); got != mag {
			t.Fatalf("µ-law %#02x: got %d, want %d", b, got, mag)
		}
		// A-law: even bits inverted; |x| = (2·step+1)·... per segment, in
		// 13-bit units (×8 to 16 bits).
		a := byte(b) ^ 0x55
		seg, step = int(a>>4)&7, int(a&15)
		var amag int
		if seg == 0 {
			amag = 2*step + 1
		} else {
			amag = (2*step + 33) << (seg - 1)
		}
		amag *= 8
		if a&0x80 == 0 {
			amag = -amag
		}
		if got := int(alawDecode(byte(b))); got != amag {
			t.Fatalf("A-law %#02x: got %d, want %d", b, got, amag)
		}
	}
}

func TestRF64(t *testing.T) {
	le := binary.LittleEndian
	var b []byte
	b = append(b, "RF64"...)
	b = le.AppendUint32(b, unknownSize)
	b = append(b, "WAVE"...)
	b = append(b, "ds64"...)
	b = le.AppendUint32(b, 28)
	b = le.AppendUint64(b, 0) // riff size (unused)
	b = le.AppendUint64(b, 4) // data size
	b = le.AppendUint64(b, 2) // sample count
	b = le.AppendUint32(b, 0)
	spec := buildWAV(wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, noData: true})
	b = append(b, spec[12:]...) // its fmt chunk
	b = append(b, "data"...)
	b = le.AppendUint32(b, unknownSize)
	b = le.AppendUint16(b, uint16(16384))
	b = le.AppendUint16(b, uint16(8192))
	b = append(b, 1, 2, 3, 4) // a chunk after data, not audio
	got, _, err := decodeAll(t, b, DecodeOptions{})
	if err != nil || !near(got, []float32{0.5, 0.25}, 0) {
		t.Fatalf("got %v, %v", got, err)
	}
}

func TestWAVRoundTrip(t *testing.T) {
	in := []float32{0, 0.5, -0.5, 1, -1, 0.25, 1.5, float32(math.NaN())}
	for _, enc := range []Encoding{PCM16, Float32} {
		var buf bytes.Buffer
		if err := WriteWAV(&buf, in, 22050, enc); err != nil {
			t.Fatal(err)
		}
		got, rate, err := decodeAll(t, buf.Bytes(), DecodeOptions{})
		if err != nil {
			t.Fatalf("%v: %v", enc, err)
		}
		want := []float32{0, 0.5, -0.5, 32767.0 / 32768, -1, 0.25, 32767.0 / 32768, 0}
		if enc == Float32 {
			want = []float32{0, 0.5, -0.5, 1, -1, 0.25, 1, 0} // clamped on decode
		}
		if rate != 22050 || !near(got, want, 1e-7) {
			t.Errorf("%v: got %v at %v, want %v", enc, got, rate, want)
		}
	}
}

func TestWAVWriter(t *testing.T) {
	in := make([]float32, 10000)
	for i := range in {
		in[i] = float32(math.Sin(float64(i) / 10))
	}
	// To a pipe-like writer: sizes stay unknown and the decoder reads to EOF.
	var pipe bytes.Buffer
	w, err := NewWAVWriter(struct{ io.Writer }{&pipe}, 16000, Float32)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < len(in); i += 3000 {
		if err := w.Write(in[i:min(i+3000, len(in))]); err != nil {
			t.Fatal(err)
		}
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	got, _, err := decodeAll(t, pipe.Bytes(), DecodeOptions{})
	if err != nil || !near(got, in, 0) {
		t.Fatalf("pipe: %d samples, %v", len(got), err)
	}
	// To a file: Close patches the sizes, so the file equals WriteWAV's.
	path := filepath.Join(t.TempDir(), "w.wav")
	f, err := os.Create(path)
	if err != nil {
		t.Fatal(err)
	}
	w, err = NewWAVWriter(f, 16000, PCM16)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Write(in); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	f.Close()
	var ref bytes.Buffer
	if err := WriteWAV(&ref, in, 16000, PCM16); err != nil {
		t.Fatal(err)
	}
	file, _ := os.ReadFile(path)
	if !bytes.Equal(file, ref.Bytes()) {
		t.Fatalf("WAVWriter file differs from WriteWAV (%d vs %d bytes)", len(file), ref.Len())
	}
}

func TestWriteWAVInvalid(t *testing.T) {
	if err := WriteWAV(io.Discard, nil, 0, PCM16); err == nil {
		t.Error("rate 0 accepted")
	}
	if err := WriteWAV(io.Discard, nil, 16000, Encoding(0)); err == nil {
		t.Error("encoding 0 accepted")
	}
}

// TestBadInput covers every bad input the issue lists: each gets an error
// of the right class that says what is wrong, and Open names the file.
func TestBadInput(t *testing.T) {
	pcm := wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, data: make([]byte, 200), dataSize: -1}
	full := buildWAV(pcm)
	lying := pcm
	lying.dataSize = 2 << 30
	lyingWAV := buildWAV(lying)
	lyingWAV = append(lyingWAV, make([]byte, 1024-len(lyingWAV))...)
	with := func(f func(*wavSpec)) []byte {
		s := pcm
		f(&s)
		return buildWAV(s)
	}
	mp25, err := os.ReadFile("testdata/tone-8k-mpeg25.mp3")
	if err != nil {
		t.Fatal(err)
	}
	flacData, err := os.ReadFile("testdata/tone-16k-stereo.flac")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		data    []byte
		opt     DecodeOptions
		class   error
		contain string
	}{
		{"empty", nil, DecodeOptions{}, ErrCorrupt, "empty input"},
		{"riff only", full[:12], DecodeOptions{}, ErrCorrupt, "header only"},
		{"header only", with(func(s *wavSpec) { s.noData = true }), DecodeOptions{}, ErrCorrupt, "no data chunk"},
		{"cut in riff header", full[:7], DecodeOptions{}, ErrCorrupt, "truncated"},
		{"cut in fmt", full[:30], DecodeOptions{}, ErrCorrupt, "truncated fmt"},
		{"truncated data", full[:100], DecodeOptions{}, ErrCorrupt, "truncated"},
		{"text renamed .wav", []byte("Hello, this is not a WAV file at all.\n"), DecodeOptions{}, ErrUnsupportedFormat, "text"},
		{"binary junk", []byte{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 200, 201}, DecodeOptions{}, ErrUnsupportedFormat, "unrecognised"},
		{"zero channels", with(func(s *wavSpec) { s.channels = 0; s.blockAlign = 2 }), DecodeOptions{}, ErrCorrupt, "zero channels"},
		{"zero rate", with(func(s *wavSpec) { s.rate = 0 }), DecodeOptions{}, ErrCorrupt, "zero sample rate"},
		{"zero bits", with(func(s *wavSpec) { s.bits = 0; s.blockAlign = 2 }), DecodeOptions{}, ErrCorrupt, "zero bits"},
		{"bad block align", with(func(s *wavSpec) { s.blockAlign = 3 }), DecodeOptions{}, ErrCorrupt, "block align"},
		{"ima adpcm", with(func(s *wavSpec) { s.tag = 0x11; s.bits = 4; s.blockAlign = 256 }), DecodeOptions{}, ErrUnsupportedFormat, "WAV format 0x11 (IMA ADPCM) is not supported"},
		{"unknown tag", with(func(s *wavSpec) { s.tag = 0x1234 }), DecodeOptions{}, ErrUnsupportedFormat, "0x1234 (unknown codec)"},
		{"float16", with(func(s *wavSpec) { s.tag = 3 }), DecodeOptions{}, ErrUnsupportedFormat, "16-bit IEEE float"},
		{"data before fmt", with(func(s *wavSpec) { s.dataFirst = true }), DecodeOptions{}, ErrCorrupt, "before fmt"},
		{"big-endian RIFX", with(func(s *wavSpec) { s.riff = "RIFX" }), DecodeOptions{}, ErrUnsupportedFormat, "big-endian"},
		{"2 GB claim in 1 KB", lyingWAV, DecodeOptions{}, ErrCorrupt, "claims 2147483648 bytes"},
		{"channel out of range", full, DecodeOptions{Channel: 2}, nil, "channel 2 requested but the audio has 1"},
		{"flac channel out of range", flacData, DecodeOptions{Channel: 3}, nil, "channel 3 requested"},
		{"negative channel", full, DecodeOptions{Channel: -1}, nil, "invalid channel"},
		{"ogg vorbis", append([]byte("OggS\x00\x02"), append(make([]byte, 22), "\x01vorbis"...)...), DecodeOptions{}, ErrUnsupportedFormat, "Ogg Vorbis is not supported; convert it with `ffmpeg"},
		{"ogg opus", append([]byte("OggS\x00\x02"), append(make([]byte, 22), "OpusHead"...)...), DecodeOptions{}, ErrUnsupportedFormat, "Ogg Opus"},
		{"m4a", []byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00"), DecodeOptions{}, ErrUnsupportedFormat, "MP4/M4A"},
		{"aiff", []byte("FORM\x00\x00\x00\x20AIFFCOMM"), DecodeOptions{}, ErrUnsupportedFormat, "AIFF"},
		{"mpeg-2.5", mp25, DecodeOptions{}, ErrUnsupportedFormat, "MPEG-2.5 MP3 (8000 Hz) is not supported"},
		{"mp3 layer II", []byte{0xFF, 0xFD, 0x90, 0xC4, 0, 0, 0, 0}, DecodeOptions{}, ErrUnsupportedFormat, "Layer II"},
		{"id3 without audio", append([]byte("ID3\x04\x00\x00\x00\x00\x00\x04"), "abcdjunkjunkjunk"...), DecodeOptions{}, ErrCorrupt, "no MPEG audio frame"},
		{"id3 lying size", []byte("ID3\x04\x00\x00\x7f\x7f\x7f\x7f"), DecodeOptions{}, ErrCorrupt, "ID3: tag claims"},
		{"flac signature only", []byte("fLaC"), DecodeOptions{}, ErrCorrupt, "FLAC: truncated"},
		{"flac truncated", flacData[:len(flacData)/2], DecodeOptions{}, ErrCorrupt, "FLAC: truncated"},
		{"raw odd byte", []byte{1, 2, 3}, DecodeOptions{RawRate: 16000}, ErrCorrupt, "trailing"},
	}
	dir := t.TempDir()
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			check := func(err error, name string) {
				t.Helper()
				if err == nil {
					t.Fatalf("%s: no error", name)
				}
				if tc.class != nil && !errors.Is(err, tc.class) {
					t.Errorf("%s: %v is not %v", name, err, tc.class)
				}
				if !strings.Contains(err.Error(), tc.contain) {
					t.Errorf("%s: %q does not say %q", name, err, tc.contain)
				}
			}
			_, _, err := decodeAll(t, tc.data, tc.opt)
			check(err, "Decode")
			// Not seekable: header errors must still come, at the latest
			// when the data runs out.
			src, err := Decode(struct{ io.Reader }{bytes.NewReader(tc.data)}, tc.opt)
			if err == nil {
				_, err = ReadAll(src)
			}
			check(err, "Decode(stream)")
			path := filepath.Join(dir, strings.ReplaceAll(tc.name, " ", "_")+".wav")
			if err := os.WriteFile(path, tc.data, 0o644); err != nil {
				t.Fatal(err)
			}
			f, err := Open(path, tc.opt)
			if err == nil {
				_, err = ReadAll(f)
				f.Close()
			}
			check(err, "Open")
			if !strings.Contains(err.Error(), path) {
				t.Errorf("Open error %q does not name the file", err)
			}
		})
	}
}

// TestLyingHeaderDoesNotAllocate checks that a header claiming 2 GB inside
// a 1 KB file fails without allocating anything near what it claims.
func TestLyingHeaderDoesNotAllocate(t *testing.T) {
	s := wavSpec{tag: 1, channels: 1, rate: 16000, bits: 16, dataSize: 2 << 30}
	data := buildWAV(s)
	data = append(data, make([]byte, 1024-len(data))...)
	for _, stream := range []bool{false, true} {
		var before, after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)
		var r io.Reader = bytes.NewReader(data)
		if stream {
			r = struct{ io.Reader }{r}
		}
		src, err := Decode(r, DecodeOptions{})
		if err == nil {
			_, err = ReadAll(src)
		}
		runtime.ReadMemStats(&after)
		if err == nil || !errors.Is(err, ErrCorrupt) {
			t.Fatalf("stream=%v: err = %v", stream, err)
		}
		if got := after.TotalAlloc - before.TotalAlloc; got > 1<<20 {
			t.Errorf("stream=%v: allocated %d bytes for a 1 KB file", stream, got)
		}
	}
}

func TestOpenMissing(t *testing.T) {
	_, err := Open("no/such/file.wav", DecodeOptions{})
	if err == nil || !strings.Contains(err.Error(), "no/such/file.wav") || !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("err = %v", err)
	}
	dir := t.TempDir()
	if _, err := Open(dir, DecodeOptions{}); err == nil || !strings.Contains(err.Error(), "is a directory") {
		t.Fatalf("directory: err = %v", err)
	}
}

// errReader fails every Read.
type errReader struct{}

func (errReader) Read([]byte) (int, error) { return 0, errors.New("disk on fire") }

func TestReadErrorIsNotEmpty(t *testing.T) {
	_, err := Decode(errReader{}, DecodeOptions{})
	if err == nil || !strings.Contains(err.Error(), "disk on fire") {
		t.Fatalf("err = %v", err)
	}
}

func TestRaw(t *testing.T) {
	data := []byte{0, 0x40, 0, 0xC0, 0, 0x20, 0, 0}
	src, err := DecodeRaw(bytes.NewReader(data), 8000, 2)
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadAll(src)
	if err != nil || !near(got, []float32{0, 0.125}, 0) || src.SampleRate() != 8000 {
		t.Fatalf("got %v, %v", got, err)
	}
	// Through Decode: a raw stream that happens to start with 0xFFFF (an
	// MPEG sync pattern) stays raw when a raw rate is given.
	data = []byte{0xFF, 0xFF, 0xFF, 0xFF, 0, 0x40}
	s2, err := Decode(bytes.NewReader(data), DecodeOptions{RawRate: 16000})
	if err != nil {
		t.Fatal(err)
	}
	got, err = ReadAll(s2)
	if err != nil || !near(got, []float32{-1.0 / 32768, -1.0 / 32768, 0.5}, 0) {
		t.Fatalf("got %v, %v", got, err)
	}
	// A WAV is still recognised with a raw rate given.
	var wav bytes.Buffer
	WriteWAV(&wav, []float32{0.5}, 22050, PCM16)
	s3, err := Decode(&wav, DecodeOptions{RawRate: 16000})
	if err != nil || s3.SampleRate() != 22050 {
		t.Fatalf("WAV with RawRate: %v", err)
	}
	// Empty raw input is zero samples, not an error.
	s4, err := Decode(bytes.NewReader(nil), DecodeOptions{RawRate: 16000})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := ReadAll(s4); err != nil || len(got) != 0 {
		t.Fatalf("empty raw: %v, %v", got, err)
	}
	for _, bad := range []struct {
		rate Rate
		ch   int
	}{{0, 1}, {-1, 1}, {16000, 0}, {16000, 5000}} {
		if _, err := DecodeRaw(bytes.NewReader(data), bad.rate, bad.ch); err == nil {
			t.Errorf("DecodeRaw(%d, %d) accepted", bad.rate, bad.ch)
		}
	}
}

// slowReader returns one byte per Read, as a pipe may.
type slowReader struct{ r io.Reader }

func (s slowReader) Read(p []byte) (int, error) {
	if len(p) > 1 {
		p = p[:1]
	}
	return s.r.Read(p)
}

func TestWAVShortReads(t *testing.T) {
	in := []float32{0.5, -0.25, 0.125, 0}
	var buf bytes.Buffer
	WriteWAV(&buf, in, 16000, PCM16)
	src, err := Decode(slowReader{&buf}, DecodeOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := ReadAll(src)
	if err != nil || !near(got, in, 0) {
		t.Fatalf("got %v, %v", got, err)
	}
}
