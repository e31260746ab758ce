package audio

import (
	"encoding/binary"
	"errors"
	"io"
	"math"
)

// sampleKind is how one interleaved PCM sample is stored.
type sampleKind int

const (
	kindU8   sampleKind = iota // unsigned 8-bit, 128 is zero
	kindS16                    // signed 16-bit little-endian
	kindS24                    // signed 24-bit little-endian
	kindS32                    // signed 32-bit little-endian (also 24-in-32, left-justified)
	kindF32                    // IEEE 754 binary32 little-endian
	kindF64                    // IEEE 754 binary64 little-endian
	kindULaw                   // ITU-T G.711 µ-law
	kindALaw                   // ITU-T G.711 A-law
)

// bytes is the container size of one sample.
func (k sampleKind) bytes() int {
	switch k {
	case kindU8, kindULaw, kindALaw:
		return 1
	case kindS16:
		return 2
	case kindS24:
		return 3
	case kindF64:
		return 8
	}
	return 4
}

// pcmBufferBytes is the read buffer of a PCM stream: big enough to amortise
// reads, small enough that no header can make it large (one frame of the
// widest WAV, 65535 channels of float64, is 512 KiB and is the only larger
// case).
const pcmBufferBytes = 32 << 10

// pcmReader streams interleaved fixed-size PCM frames (WAV data chunks and
// raw input) and mixes them to mono.
type pcmReader struct {
	r          io.Reader
	fmt        Format
	rate       Rate
	channels   int
	pick       int // channel kept, or -1 to average all
	kind       sampleKind
	blockAlign int   // bytes per frame
	left       int64 // data bytes not yet read, or -1 when unknown (read to EOF)
	claimed    int64 // data bytes the header gives, or -1
	total      int64 // frames in the stream, or -1 when unknown
	strict     bool  // a partial trailing frame is an error (raw input)
	buf        []byte
	have       int // bytes of a partial frame kept at the start of buf
	err        error
}

func newPCMReader(r io.Reader, f Format, rate Rate, channels, pick int, kind sampleKind, dataBytes int64) *pcmReader {
	ba := channels * kind.bytes()
	size := max(ba, pcmBufferBytes/ba*ba)
	d := &pcmReader{
		r: r, fmt: f, rate: rate, channels: channels, pick: pick, kind: kind,
		blockAlign: ba, left: dataBytes, claimed: dataBytes, total: -1, buf: make([]byte, size),
	}
	if dataBytes >= 0 {
		d.total = dataBytes / int64(ba)
	}
	return d
}

func (d *pcmReader) SampleRate() Rate { return d.rate }
func (d *pcmReader) format() Format   { return d.fmt }
func (d *pcmReader) numChannels() int { return d.channels }
func (d *pcmReader) frames() (int64, bool) {
	return d.total, d.total >= 0
}
func (d *pcmReader) remaining() (int64, bool) {
	if d.left < 0 {
		return 0, false
	}
	return d.left / int64(d.blockAlign), true
}

// Read implements Source.
func (d *pcmReader) Read(p []float32) (int, error) {
	if d.err != nil {
		return 0, d.err
	}
	if len(p) == 0 {
		return 0, nil
	}
	ba := d.blockAlign
	want := min(len(p), len(d.buf)/ba) * ba
	if d.left >= 0 && int64(want) > d.left+int64(d.have) {
		want = int(d.left) + d.have
	}
	if want < ba {
		// Whatever is left cannot make a whole frame: a data chunk whose
		// size is not a multiple of the block size. Its tail is dropped.
		d.err = io.EOF
		return 0, d.err
	}
	n, rerr := io.ReadAtLeast(d.r, d.buf[d.have:want], ba-d.have)
	got := d.have + n
	frames := got / ba
	d.convert(p[:frames], d.buf[:frames*ba])
	d.have = copy(d.buf, d.buf[frames*ba:got])
	if d.left >= 0 {
		d.left -= int64(n)
	}
	if rerr != nil {
		switch {
		case errors.Is(rerr, io.EOF) || errors.Is(rerr, io.ErrUnexpectedEOF):
			switch {
			case d.left > 0:
				d.err = corruptf("truncated or lying header: the data chunk claims %d bytes but the input ends after %d", d.claimed, d.claimed-d.left)
			case d.have > 0 && d.strict:
				d.err = corruptf("truncated: %d trailing bytes do not make a whole %d-byte frame", d.have, ba)
			default:
				d.err = io.EOF
			}
		default:
			d.err = rerr
		}
	}
	if frames > 0 {
		return frames, nil
	}
	return 0, d.err
}

// convert decodes len(dst) interleaved frames from src into mono.
func (d *pcmReader) convert(dst []float32, src []byte) {
	ch := d.channels
	if d.kind == kindS16 {
		// The common case gets its own loop.
		const scale = 1.0 / 32768
		if d.pick >= 0 {
			off := 2 * d.pick
			for i := range dst {
				b := src[i*2*ch+off:]
				dst[i] = float32(int16(binary.LittleEndian.Uint16(b))) * scale
			}
			return
		}
		if ch == 1 {
			for i := range dst {
				dst[i] = float32(int16(binary.LittleEndian.Uint16(src[2*i:]))) * scale
			}
			return
		}
		inv := scale / float32(ch)
		for i := range dst {
			frame := src[i*2*ch : (i+1)*2*ch]
			var sum int32
			for c := 0; c < len(frame); c += 2 {
				sum += int32(int16(binary.LittleEndian.Uint16(frame[c:])))
			}
			dst[i] = float32(sum) * inv
		}
		return
	}
	sb := d.kind.bytes()
	one := d.sampleFunc()
	if d.pick >= 0 {
		for i := range dst {
			dst[i] = clamp(one(src[(i*ch+d.pick)*sb:]))
		}
		return
	}
	inv := 1 / float64(ch)
	for i := range dst {
		frame := src[i*ch*sb : (i+1)*ch*sb]
		var sum float64
		for c := 0; c < len(frame); c += sb {
			sum += one(frame[c:])
		}
		dst[i] = clamp(sum * inv)
	}
}

// sampleFunc returns the decoder of one sample of d.kind, scaled to [-1, 1)
// for integers; floats are returned as stored and clamped by the caller.
func (d *pcmReader) sampleFunc() func([]byte) float64 {
	switch d.kind {
	case kindU8:
		return func(b []byte) float64 { return (float64(b[0]) - 128) / 128 }
	case kindS16:
		return func(b []byte) float64 { return float64(int16(binary.LittleEndian.Uint16(b))) / (1 << 15) }
	case kindS24:
		return func(b []byte) float64 {
			v := int32(uint32(b[0])<<8|uint32(b[1])<<16|uint32(b[2])<<24) >> 8
			return float64(v) / (1 << 23)
		}
	case kindS32:
		return func(b []byte) float64 { return float64(int32(binary.LittleEndian.Uint32(b))) / (1 << 31) }
	case kindF32:
		return func(b []byte) float64 { return float64(math.Float32frombits(binary.LittleEndian.Uint32(b))) }
	case kindF64:
		return func(b []byte) float64 { return math.Float64frombits(binary.LittleEndian.Uint64(b)) }
	case kindULaw:
		return func(b []byte) float64 { return float64(ulawDecode(b[0])) / (1 << 15) }
	case kindALaw:
		return func(b []byte) float64 { return float64(alawDecode(b[0])) / (1 << 15) }
	}
	panic("audio: unknown sample kind") // unreachable: kinds are set by this package
}

// ulawDecode expands one G.711 µ-law byte to 16-bit linear PCM
// (ITU-T Recommendation G.711, 1988, Table 2a; the bit manipulation is the
// one of the Sun reference implementation g711.c).
func ulawDecode(u byte) int16 {
	u = ^u
	t := (int32(u&0x0f) << 3) + 0x84
	t <<= (u & 0x70) >> 4
	if u&0x80 != 0 {
		return int16(0x84 - t)
	}
	return int16(t - 0x84)
}

// alawDecode expands one G.711 A-law byte to 16-bit linear PCM
// (ITU-T Recommendation G.711, Table 1a; Sun g711.c).
func alawDecode(a byte) int16 {
	a ^= 0x55
	t := int32(a&0x0f) << 4
	seg := (a & 0x70) >> 4
	switch seg {
	case 0:
		t += 8
	case 1:
		t += 0x108
	default:
		t += 0x108
		t <<= seg - 1
	}
	if a&0x80 != 0 {
		return int16(t)
	}
	return int16(-t)
}
