package audio

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"time"
	"unicode/utf8"
)

// Format is an audio container/codec this package decodes.
type Format int

// Formats Decode recognises and decodes.
const (
	FormatUnknown Format = iota
	FormatWAV
	FormatFLAC
	FormatMP3
	FormatRaw // signed 16-bit little-endian PCM without a header
)

// String returns the format's usual name ("WAV", "FLAC", "MP3", "raw").
func (f Format) String() string {
	switch f {
	case FormatWAV:
		return "WAV"
	case FormatFLAC:
		return "FLAC"
	case FormatMP3:
		return "MP3"
	case FormatRaw:
		return "raw"
	}
	return "unknown"
}

// DecodeOptions tune Decode and Open. The zero value decodes any supported
// format and averages its channels to mono.
type DecodeOptions struct {
	// Channel keeps only channel Channel (1 is the first, the left of a
	// stereo pair) instead of averaging all channels. 0 averages.
	Channel int
	// RawRate, when set, says the input may be raw signed 16-bit
	// little-endian PCM at this rate: input that starts with a WAV, FLAC or
	// ID3 signature is still decoded as such, anything else is raw. (MPEG
	// frame sync is not trusted here: silent raw PCM starts with 0xFFFF.)
	RawRate Rate
	// RawChannels is the interleaved channel count of raw input (default 1).
	RawChannels int
}

// maxRawChannels bounds the channel count of raw input.
const maxRawChannels = 1024

func (o DecodeOptions) validate() error {
	switch {
	case o.Channel < 0:
		return fmt.Errorf("invalid channel %d (0 averages, 1 is the first)", o.Channel)
	case o.RawRate < 0 || o.RawRate > maxRate:
		return fmt.Errorf("invalid raw sample rate %d", int(o.RawRate))
	case o.RawChannels < 0 || o.RawChannels > maxRawChannels:
		return fmt.Errorf("invalid raw channel count %d", o.RawChannels)
	}
	return nil
}

// decoder is a Source that knows what it decodes.
type decoder interface {
	Source
	format() Format
	numChannels() int
	frames() (int64, bool) // samples per channel in the whole stream
	remaining() (int64, bool)
}

// Decode starts decoding r, detecting its format from its first bytes (see
// the package comment for the formats). It parses only the header; samples
// are decoded as they are read. When r is an io.Seeker (a file, a
// bytes.Reader), its size is used to reject at once a header that claims
// more data than the input holds.
func Decode(r io.Reader, opt DecodeOptions) (Source, error) {
	d, err := decode(r, inputSize(r), opt)
	if err != nil {
		return nil, err
	}
	return d, nil
}

// DecodeRaw decodes headerless signed 16-bit little-endian PCM with the
// given rate and interleaved channel count, averaged to mono.
func DecodeRaw(r io.Reader, rate Rate, channels int) (Source, error) {
	return decodeRaw(r, rate, channels, DecodeOptions{})
}

func decodeRaw(r io.Reader, rate Rate, channels int, opt DecodeOptions) (decoder, error) {
	if rate <= 0 || rate > maxRate {
		return nil, fmt.Errorf("raw PCM: invalid sample rate %d", int(rate))
	}
	if channels <= 0 || channels > maxRawChannels {
		return nil, fmt.Errorf("raw PCM: invalid channel count %d", channels)
	}
	pick, err := pickChannel(opt, channels)
	if err != nil {
		return nil, err
	}
	d := newPCMReader(r, FormatRaw, rate, channels, pick, kindS16, -1)
	d.strict = true
	return d, nil
}

// inputSize returns how many bytes remain in r, or -1 when unknown.
func inputSize(r io.Reader) int64 {
	s, ok := r.(io.Seeker)
	if !ok {
		return -1
	}
	cur, err := s.Seek(0, io.SeekCurrent)
	if err != nil {
		return -1
	}
	end, err := s.Seek(0, io.SeekEnd)
	if _, err2 := s.Seek(cur, io.SeekStart); err != nil || err2 != nil || end < cur {
		return -1
	}
	return end - cur
}

// sniffBytes is how much of the input format detection looks at.
const sniffBytes = 64

func decode(r io.Reader, size int64, opt DecodeOptions) (decoder, error) {
	if err := opt.validate(); err != nil {
		return nil, err
	}
	br := bufio.NewReaderSize(r, 16<<10)
	head, perr := br.Peek(sniffBytes)
	if len(head) == 0 && perr != nil && perr != io.EOF {
		return nil, fmt.Errorf("read: %w", perr)
	}
	if len(head) == 0 {
		if opt.RawRate > 0 {
			return decodeRaw(br, opt.RawRate, max(opt.RawChannels, 1), opt)
		}
		return nil, corruptf("empty input (0 bytes)")
	}
	switch {
	case hasPrefix(head, "RIFF", "RF64", "BW64", "RIFX", "RIFS"):
		return decodeWAV(br, size, opt)
	case hasPrefix(head, "fLaC"):
		return decodeFLAC(br, opt)
	case hasPrefix(head, "ID3"):
		// An ID3v2 tag may precede MP3 or FLAC; skip it and look again.
		skipped, err := skipID3(br)
		if err != nil {
			return nil, err
		}
		if size >= 0 {
			size -= skipped
		}
		head, _ = br.Peek(4)
		if hasPrefix(head, "fLaC") {
			return decodeFLAC(br, opt)
		}
		return decodeMP3(br, opt)
	}
	if what := unsupportedName(head); what != "" {
		return nil, unsupportedf("%s is not supported; %s", what, ffmpegHint)
	}
	if opt.RawRate > 0 {
		return decodeRaw(br, opt.RawRate, max(opt.RawChannels, 1), opt)
	}
	if looksLikeMP3(head) {
		return decodeMP3(br, opt)
	}
	if looksLikeText(head) {
		return nil, unsupportedf("the input is text, not audio (it starts %q)", clip(head, 24))
	}
	return nil, unsupportedf("unrecognised audio format (first bytes % x); %s", clip(head, 8), ffmpegHint)
}

func hasPrefix(b []byte, prefixes ...string) bool {
	for _, p := range prefixes {
		if bytes.HasPrefix(b, []byte(p)) {
			return true
		}
	}
	return false
}

func clip(b []byte, n int) []byte { return b[:min(len(b), n)] }

// unsupportedName recognises formats we do not decode by their signature,
// so the error can name them.
func unsupportedName(h []byte) string {
	switch {
	case hasPrefix(h, "OggS"):
		switch {
		case bytes.Contains(h, []byte("OpusHead")):
			return "Ogg Opus"
		case bytes.Contains(h, []byte("\x01vorbis")):
			return "Ogg Vorbis"
		case bytes.Contains(h, []byte("\x7fFLAC")):
			return "Ogg FLAC"
		case bytes.Contains(h, []byte("Speex")):
			return "Ogg Speex"
		}
		return "Ogg"
	case len(h) >= 8 && string(h[4:8]) == "ftyp":
		return "MP4/M4A (AAC or ALAC)"
	case hasPrefix(h, "FORM") && len(h) >= 12 && (string(h[8:12]) == "AIFF" || string(h[8:12]) == "AIFC"):
		return "AIFF"
	case hasPrefix(h, ".snd"):
		return "Sun/NeXT AU"
	case hasPrefix(h, "caff"):
		return "Apple CAF"
	case hasPrefix(h, "#!AMR"):
		return "AMR"
	case hasPrefix(h, "\x1a\x45\xdf\xa3"):
		return "Matroska/WebM"
	case hasPrefix(h, "\x30\x26\xb2\x75\x8e\x66\xcf\x11"):
		return "ASF/WMA"
	case hasPrefix(h, "wvpk"):
		return "WavPack"
	case hasPrefix(h, "MAC "):
		return "Monkey's Audio"
	case hasPrefix(h, "2BIT"), hasPrefix(h, "NIST_1A"):
		return "NIST SPHERE"
	case len(h) >= 2 && h[0] == 0xFF && h[1]&0xF6 == 0xF0:
		return "AAC (ADTS)"
	}
	return ""
}

// looksLikeText reports whether b is printable UTF-8 text.
func looksLikeText(b []byte) bool {
	// The peek may cut a multi-byte rune at its end.
	for len(b) > 0 {
		r, n := utf8.DecodeRune(b)
		if r == utf8.RuneError && n <= 1 {
			return len(b) < utf8.UTFMax && !utf8.FullRune(b)
		}
		if r < 0x20 && r != '\n' && r != '\r' && r != '\t' {
			return false
		}
		b = b[n:]
	}
	return true
}

// File is an audio file being decoded: a Source with its metadata. It is
// not safe for concurrent use.
type File struct {
	name string
	f    *os.File
	d    decoder
}

// Open opens the audio file at path and starts decoding it (see Decode).
// Every error, from Open and from Read, names the file.
func Open(path string, opt DecodeOptions) (*File, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open audio: %w", err) // *PathError names the file
	}
	size := int64(-1)
	if st, err := f.Stat(); err == nil {
		if st.IsDir() {
			f.Close()
			return nil, fmt.Errorf("open audio %s: is a directory", path)
		}
		if st.Mode().IsRegular() {
			size = st.Size()
		}
	}
	d, err := decode(f, size, opt)
	if err != nil {
		f.Close()
		return nil, fmt.Errorf("decode %s: %w", path, err)
	}
	return &File{name: path, f: f, d: d}, nil
}

// Name returns the path the file was opened with.
func (f *File) Name() string { return f.name }

// SampleRate implements Source.
func (f *File) SampleRate() Rate { return f.d.SampleRate() }

// Read implements Source; errors other than io.EOF name the file.
func (f *File) Read(p []float32) (int, error) {
	n, err := f.d.Read(p)
	if err != nil && err != io.EOF {
		err = fmt.Errorf("decode %s: %w", f.name, err)
	}
	return n, err
}

func (f *File) remaining() (int64, bool) { return f.d.remaining() }

// Format returns the detected format.
func (f *File) Format() Format { return f.d.format() }

// Channels returns the channel count stored in the file (before mixing).
func (f *File) Channels() int { return f.d.numChannels() }

// Duration returns the length of the whole file when its header says it
// (WAV, FLAC with a sample count, MP3 with a Xing/Info frame), and
// ok == false otherwise.
func (f *File) Duration() (d time.Duration, ok bool) {
	n, ok := f.d.frames()
	if !ok {
		return 0, false
	}
	return f.d.SampleRate().Duration(n), true
}

// Close closes the file.
func (f *File) Close() error {
	if err := f.f.Close(); err != nil && !errors.Is(err, os.ErrClosed) {
		return fmt.Errorf("close %s: %w", f.name, err)
	}
	return nil
}
