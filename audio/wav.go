package audio

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
)

// WAV format tags (Microsoft, "Multimedia Programming Interface and Data
// Specifications 1.0", 1991, and mmreg.h).
const (
	wavePCM        = 0x0001
	waveFloat      = 0x0003
	waveALaw       = 0x0006
	waveULaw       = 0x0007
	waveExtensible = 0xFFFE
)

// waveTagNames names format tags that are seen in the wild but not decoded
// here, so the error can say what the file is.
var waveTagNames = map[uint16]string{
	0x0002: "Microsoft ADPCM",
	0x0011: "IMA ADPCM",
	0x0016: "ITU G.723 ADPCM",
	0x0022: "DSP Group TrueSpeech",
	0x0031: "GSM 6.10",
	0x0040: "G.721 ADPCM",
	0x0050: "MPEG",
	0x0055: "MPEG Layer III",
	0x0092: "Dolby AC-3 SPDIF",
	0x0160: "Windows Media Audio v1",
	0x0161: "Windows Media Audio",
	0x0162: "Windows Media Audio Pro",
	0x0163: "Windows Media Audio Lossless",
	0x0200: "Creative ADPCM",
	0x1610: "MPEG-2 AAC",
	0x2000: "Dolby AC-3",
	0x2001: "DTS",
	0xF1AC: "FLAC",
}

// ksdataformatSubtypeTail is bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID
// derived from a format tag (00000000-0000-0010-8000-00aa00389b71).
var ksdataformatSubtypeTail = []byte{0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xAA, 0x00, 0x38, 0x9B, 0x71}

// unknownSize is the 32-bit size a streaming writer leaves when it cannot
// seek back (and RF64's placeholder for "see ds64").
const unknownSize = 0xFFFFFFFF

// countingReader counts the bytes read through it, so header errors can be
// checked against the known size of the input.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// skip discards n bytes without buffering them.
func (c *countingReader) skip(n int64) error {
	got, err := io.CopyN(io.Discard, c, n)
	if got < n {
		if err == nil || err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return err
	}
	return nil
}

// wavFormat is the content of a fmt chunk.
type wavFormat struct {
	tag        uint16
	channels   int
	rate       int64
	blockAlign int
	bits       int
	kind       sampleKind
}

// decodeWAV parses a RIFF/RF64/BW64 WAVE header and returns a stream over
// its data chunk. size is the number of bytes r holds, or -1 when unknown;
// when known, a data chunk that claims more than the input holds fails at
// once instead of at the end of the data.
func decodeWAV(r io.Reader, size int64, opt DecodeOptions) (*pcmReader, error) {
	cr := &countingReader{r: r}
	var hdr [12]byte
	if n, err := io.ReadFull(cr, hdr[:]); err != nil {
		return nil, corruptf("WAV: truncated RIFF header (%d of 12 bytes)", n)
	}
	id := string(hdr[0:4])
	switch id {
	case "RIFF", "RF64", "BW64":
	case "RIFX", "RIFS":
		return nil, unsupportedf("big-endian WAV (%s) is not supported; %s", id, ffmpegHint)
	default:
		return nil, corruptf("WAV: no RIFF signature")
	}
	if form := string(hdr[8:12]); form != "WAVE" {
		return nil, unsupportedf("RIFF form %q is not WAVE audio; %s", form, ffmpegHint)
	}
	var (
		fm       *wavFormat
		ds64Data int64 = -1
	)
	for {
		var ch [8]byte
		if n, err := io.ReadFull(cr, ch[:]); err != nil {
			if n == 0 && errors.Is(err, io.EOF) {
				if fm == nil {
					return nil, corruptf("WAV: header only, no fmt chunk")
				}
				return nil, corruptf("WAV: header only, no data chunk")
			}
			return nil, corruptf("WAV: truncated chunk header")
		}
		cid := string(ch[0:4])
		csize := int64(binary.LittleEndian.Uint32(ch[4:8]))
		switch cid {
		case "ds64":
			// EBU Tech 3306 (RF64): 64-bit RIFF size, data size, sample count.
			var b [16]byte
			if csize < 16 {
				return nil, corruptf("WAV: ds64 chunk of %d bytes is too short", csize)
			}
			if _, err := io.ReadFull(cr, b[:]); err != nil {
				return nil, corruptf("WAV: truncated ds64 chunk")
			}
			ds64Data = int64(binary.LittleEndian.Uint64(b[8:16]))
			if err := cr.skip(csize - 16 + csize&1); err != nil {
				return nil, corruptf("WAV: truncated ds64 chunk")
			}
		case "fmt ":
			f, err := parseWAVFormat(cr, csize)
			if err != nil {
				return nil, err
			}
			fm = f
		case "data":
			if fm == nil {
				return nil, corruptf("WAV: data chunk before fmt chunk")
			}
			dataBytes := csize
			if csize == unknownSize {
				dataBytes = -1 // a writer on a pipe: read to the end
				if ds64Data >= 0 && id != "RIFF" {
					dataBytes = ds64Data
				}
			}
			if dataBytes >= 0 && size >= 0 {
				if rest := size - cr.n; dataBytes > rest {
					return nil, corruptf("WAV: truncated or lying header: the data chunk claims %d bytes but only %d follow", dataBytes, rest)
				}
			}
			pick, err := pickChannel(opt, fm.channels)
			if err != nil {
				return nil, err
			}
			return newPCMReader(cr, FormatWAV, Rate(fm.rate), fm.channels, pick, fm.kind, dataBytes), nil
		default:
			if err := cr.skip(csize + csize&1); err != nil {
				return nil, corruptf("WAV: truncated %q chunk (claims %d bytes)", cid, csize)
			}
		}
	}
}

// parseWAVFormat reads a fmt chunk of csize bytes (WAVEFORMATEX, or
// WAVEFORMATEXTENSIBLE when the tag is 0xFFFE) and validates it.
func parseWAVFormat(cr *countingReader, csize int64) (*wavFormat, error) {
	if csize < 16 {
		return nil, corruptf("WAV: fmt chunk of %d bytes is too short (need 16)", csize)
	}
	var b [40]byte
	n := min(csize, int64(len(b)))
	if _, err := io.ReadFull(cr, b[:n]); err != nil {
		return nil, corruptf("WAV: truncated fmt chunk")
	}
	if err := cr.skip(csize - n + csize&1); err != nil {
		return nil, corruptf("WAV: truncated fmt chunk (claims %d bytes)", csize)
	}
	f := &wavFormat{
		tag:        binary.LittleEndian.Uint16(b[0:]),
		channels:   int(binary.LittleEndian.Uint16(b[2:])),
		rate:       int64(binary.LittleEndian.Uint32(b[4:])),
		blockAlign: int(binary.LittleEndian.Uint16(b[12:])),
		bits:       int(binary.LittleEndian.Uint16(b[14:])),
	}
	tag := f.tag
	if tag == waveExtensible {
		if n < 40 {
			return nil, corruptf("WAV: WAVE_FORMAT_EXTENSIBLE fmt chunk of %d bytes is too short (need 40)", csize)
		}
		if !bytes.Equal(b[26:40], ksdataformatSubtypeTail) {
			return nil, unsupportedf("WAV: WAVE_FORMAT_EXTENSIBLE with a non-standard subformat GUID; %s", ffmpegHint)
		}
		tag = binary.LittleEndian.Uint16(b[24:])
	}
	if f.channels == 0 {
		return nil, corruptf("WAV: zero channels")
	}
	if f.rate == 0 {
		return nil, corruptf("WAV: zero sample rate")
	}
	if f.rate > maxRate {
		return nil, corruptf("WAV: implausible sample rate %d Hz", f.rate)
	}
	switch tag {
	case wavePCM:
		switch {
		case f.bits == 0:
			return nil, corruptf("WAV: zero bits per sample")
		case f.bits <= 8:
			f.kind = kindU8
		case f.bits <= 16:
			f.kind = kindS16
		case f.bits <= 24:
			f.kind = kindS24
		case f.bits <= 32:
			f.kind = kindS32
		default:
			return nil, unsupportedf("WAV: %d-bit integer PCM is not supported", f.bits)
		}
		// A 24-bit sample in a 32-bit container (left-justified, as
		// WAVE_FORMAT_EXTENSIBLE requires) decodes as 32-bit.
		if f.kind == kindS24 && f.blockAlign == 4*f.channels {
			f.kind = kindS32
		}
	case waveFloat:
		switch f.bits {
		case 32:
			f.kind = kindF32
		case 64:
			f.kind = kindF64
		default:
			return nil, unsupportedf("WAV: %d-bit IEEE float is not supported", f.bits)
		}
	case waveULaw, waveALaw:
		if f.bits != 8 {
			return nil, corruptf("WAV: G.711 with %d bits per sample (must be 8)", f.bits)
		}
		f.kind = kindULaw
		if tag == waveALaw {
			f.kind = kindALaw
		}
	default:
		name := waveTagNames[tag]
		if name == "" {
			name = "unknown codec"
		}
		return nil, unsupportedf("WAV format 0x%X (%s) is not supported; %s", tag, name, ffmpegHint)
	}
	if want := f.channels * f.kind.bytes(); f.blockAlign != want {
		return nil, corruptf("WAV: block align %d does not match %d channels of %d-byte samples", f.blockAlign, f.channels, f.kind.bytes())
	}
	return f, nil
}

// pickChannel checks opt.Channel against the channel count of a stream and
// returns the 0-based channel to keep, or -1 to average them all.
func pickChannel(opt DecodeOptions, channels int) (int, error) {
	if opt.Channel == 0 {
		return -1, nil
	}
	if opt.Channel > channels {
		return 0, fmt.Errorf("channel %d requested but the audio has %d", opt.Channel, channels)
	}
	return opt.Channel - 1, nil
}
