package audio

import (
	"bufio"
	"encoding/binary"
	"errors"
	"fmt"
	"io"

	"github.com/hajimehoshi/go-mp3"
)

// mpegHeader is a decoded MPEG audio frame header (ISO/IEC 11172-3 §2.4.2.3,
// ISO/IEC 13818-3 for the MPEG-2 low sampling frequencies; MPEG-2.5 is the
// unofficial Fraunhofer extension).
type mpegHeader struct {
	version    int // 10 = MPEG-1, 20 = MPEG-2, 25 = MPEG-2.5
	layer      int // 1, 2 or 3
	crc        bool
	bitrate    int // bits per second; 0 = free format
	rate       int
	padding    bool
	channels   int
	frameBytes int // Layer III only; 0 when unknown
}

var (
	mpegRates = [3]int{44100, 48000, 32000}
	// Layer III bitrates in kbit/s, ISO/IEC 11172-3 Table 2.4.2.3 and
	// ISO/IEC 13818-3 Table 2.4.2.3 (shared by MPEG-2 and 2.5).
	l3Bitrates = [2][15]int{
		{0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320},
		{0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160},
	}
)

// parseMPEGHeader decodes the 4 header bytes at b, reporting false when
// they are not a valid MPEG audio frame header.
func parseMPEGHeader(b []byte) (mpegHeader, bool) {
	if len(b) < 4 || b[0] != 0xFF || b[1]&0xE0 != 0xE0 {
		return mpegHeader{}, false
	}
	var h mpegHeader
	switch (b[1] >> 3) & 3 {
	case 0:
		h.version = 25
	case 2:
		h.version = 20
	case 3:
		h.version = 10
	default:
		return h, false
	}
	layerBits := (b[1] >> 1) & 3
	if layerBits == 0 {
		return h, false
	}
	h.layer = 4 - int(layerBits)
	h.crc = b[1]&1 == 0
	brIndex := int(b[2] >> 4)
	rateIndex := int(b[2]>>2) & 3
	if brIndex == 15 || rateIndex == 3 || b[3]&3 == 2 {
		return h, false
	}
	h.rate = mpegRates[rateIndex]
	switch h.version {
	case 20:
		h.rate /= 2
	case 25:
		h.rate /= 4
	}
	h.padding = b[2]&2 != 0
	h.channels = 2
	if b[3]>>6 == 3 {
		h.channels = 1
	}
	if h.layer == 3 {
		lsf := 0
		if h.version != 10 {
			lsf = 1
		}
		h.bitrate = l3Bitrates[lsf][brIndex] * 1000
		if h.bitrate > 0 {
			h.frameBytes = (144 >> lsf) * h.bitrate / h.rate
			if h.padding {
				h.frameBytes++
			}
		}
	}
	return h, true
}

// samplesPerFrame is the Layer III frame length: 1152 for MPEG-1, 576 for
// MPEG-2 and 2.5.
func (h mpegHeader) samplesPerFrame() int {
	if h.version == 10 {
		return 1152
	}
	return 576
}

// sideInfoBytes is the size of the Layer III side information that follows
// the header (and its CRC), where a Xing/Info tag begins.
func (h mpegHeader) sideInfoBytes() int {
	switch {
	case h.version == 10 && h.channels == 1:
		return 17
	case h.version == 10:
		return 32
	case h.channels == 1:
		return 9
	}
	return 17
}

// looksLikeMP3 reports whether b starts with an MPEG audio frame header
// and, when b reaches that far, a second one where the first frame ends.
func looksLikeMP3(b []byte) bool {
	h, ok := parseMPEGHeader(b)
	if !ok {
		return false
	}
	if h.frameBytes > 0 && len(b) >= h.frameBytes+4 {
		h2, ok := parseMPEGHeader(b[h.frameBytes:])
		return ok && h2.version == h.version && h2.layer == h.layer && h2.rate == h.rate
	}
	return true
}

// skipID3 discards an ID3v2 tag (id3.org, ID3v2.4.0 structure §3.1) at the
// start of br without buffering it and returns the bytes skipped.
func skipID3(br *bufio.Reader) (int64, error) {
	var h [10]byte
	if _, err := io.ReadFull(br, h[:]); err != nil {
		return 0, corruptf("ID3: truncated tag header")
	}
	if h[6]|h[7]|h[8]|h[9] >= 0x80 {
		return 0, corruptf("ID3: size is not a synchsafe integer")
	}
	size := int64(h[6])<<21 | int64(h[7])<<14 | int64(h[8])<<7 | int64(h[9])
	if h[5]&0x10 != 0 { // footer present
		size += 10
	}
	n, err := io.CopyN(io.Discard, br, size)
	if err != nil {
		return 0, corruptf("ID3: tag claims %d bytes, input ends after %d", size, n)
	}
	return 10 + size, nil
}

// gapless is what a LAME/Xing "Info" frame says about the stream.
type gapless struct {
	frames       int64 // audio frames after the Info frame, -1 when absent
	delay, pad   int   // encoder delay and end padding in samples, from the LAME tag
	hasLAMEDelay bool
}

// mp3DecoderDelay is the delay of the Layer III synthesis (528 samples of
// the hybrid filterbank plus one), which LAME's delay field does not
// include; mpg123 and ffmpeg remove both.
const mp3DecoderDelay = 529

// parseXing reads a Xing/Info tag inside the first frame f (its header at
// f[0:4]), following the LAME technical specification ("Mp3 Info Tag rev 1
// specifications", Gabriel Bouvigne).
func parseXing(h mpegHeader, f []byte) (gapless, bool) {
	g := gapless{frames: -1}
	off := 4 + h.sideInfoBytes()
	if h.crc {
		off += 2
	}
	if len(f) < off+8 {
		return g, false
	}
	if tag := string(f[off : off+4]); tag != "Xing" && tag != "Info" {
		return g, false
	}
	flags := binary.BigEndian.Uint32(f[off+4:])
	p := off + 8
	if flags&1 != 0 {
		if len(f) < p+4 {
			return g, false
		}
		g.frames = int64(binary.BigEndian.Uint32(f[p:]))
		p += 4
	}
	if flags&2 != 0 {
		p += 4
	}
	if flags&4 != 0 {
		p += 100
	}
	if flags&8 != 0 {
		p += 4
	}
	// The LAME extension: 9-byte encoder string, then at +21 the 12-bit
	// encoder delay and 12-bit padding.
	if len(f) >= p+24 && (string(f[p:p+4]) == "LAME" || string(f[p:p+4]) == "Lavf" || string(f[p:p+4]) == "Lavc") {
		d := f[p+21:]
		g.delay = int(d[0])<<4 | int(d[1])>>4
		g.pad = int(d[1]&0x0F)<<8 | int(d[2])
		g.hasLAMEDelay = true
	}
	return g, true
}

// onlyReader hides every method but Read, so go-mp3 streams instead of
// scanning the whole input for a frame index first.
type onlyReader struct{ r io.Reader }

func (o onlyReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// mp3Decoder decodes MPEG-1/2 Layer III through go-mp3, which always
// produces interleaved 16-bit stereo.
type mp3Decoder struct {
	dec      *mp3.Decoder
	rate     Rate
	channels int
	pick     int
	skip     int64 // samples still to drop at the start (gapless)
	left     int64 // samples still to deliver, or -1 when unknown
	total    int64
	buf      []byte
	have     int
	err      error
}

// mp3FirstFrameSearch bounds how far past the start (or an ID3 tag) the
// first frame header is looked for.
const mp3FirstFrameSearch = 8 << 10

func decodeMP3(br *bufio.Reader, opt DecodeOptions) (decoder, error) {
	peek, _ := br.Peek(mp3FirstFrameSearch)
	start := -1
	for i := 0; i+4 <= len(peek); i++ {
		if looksLikeMP3(peek[i:]) {
			start = i
			break
		}
	}
	if start < 0 {
		return nil, corruptf("MP3: no MPEG audio frame header found")
	}
	h, _ := parseMPEGHeader(peek[start:])
	if h.version == 25 {
		return nil, unsupportedf("MPEG-2.5 MP3 (%d Hz) is not supported, only MPEG-1 and MPEG-2 (16 to 48 kHz); %s", h.rate, ffmpegHint)
	}
	if h.layer != 3 {
		return nil, unsupportedf("MPEG audio Layer %s is not supported, only Layer III (MP3); %s", [4]string{"", "I", "II", "III"}[h.layer], ffmpegHint)
	}
	if h.bitrate == 0 {
		return nil, unsupportedf("free-format MP3 is not supported; %s", ffmpegHint)
	}
	if _, err := br.Discard(start); err != nil {
		return nil, corruptf("MP3: %v", err)
	}
	g := gapless{frames: -1}
	first, _ := br.Peek(h.frameBytes)
	xing, hasXing := parseXing(h, first)
	if hasXing {
		g = xing
	}
	pick, err := pickChannel(opt, h.channels)
	if err != nil {
		return nil, err
	}
	dec, err := newMP3(onlyReader{br})
	if err != nil {
		if errors.Is(err, io.EOF) {
			// A header with nothing after it: no audio.
			return &emptyDecoder{fmt: FormatMP3, rate: Rate(h.rate), channels: h.channels}, nil
		}
		return nil, corruptf("MP3: %v", err)
	}
	spf := int64(h.samplesPerFrame())
	d := &mp3Decoder{
		dec: dec, rate: Rate(h.rate), channels: h.channels, pick: pick,
		left: -1, total: -1, buf: make([]byte, 16<<10),
	}
	if hasXing {
		d.skip = spf // the Info frame decodes to silence of one frame
		if g.hasLAMEDelay {
			d.skip += int64(g.delay) + mp3DecoderDelay
		}
		if g.frames >= 0 {
			n := g.frames * spf
			if g.hasLAMEDelay {
				n -= int64(g.delay + g.pad)
			}
			d.left, d.total = max(n, 0), max(n, 0)
		}
	}
	return d, nil
}

// newMP3 calls go-mp3, turning a panic on malformed input into an error.
func newMP3(r io.Reader) (dec *mp3.Decoder, err error) {
	defer func() {
		if p := recover(); p != nil {
			dec, err = nil, fmt.Errorf("malformed stream (decoder panicked: %v)", p)
		}
	}()
	return mp3.NewDecoder(r)
}

func (d *mp3Decoder) SampleRate() Rate { return d.rate }
func (d *mp3Decoder) format() Format   { return FormatMP3 }
func (d *mp3Decoder) numChannels() int { return d.channels }
func (d *mp3Decoder) frames() (int64, bool) {
	return d.total, d.total >= 0
}
func (d *mp3Decoder) remaining() (int64, bool) { return d.left, d.left >= 0 }

// readPCM reads decoded bytes from go-mp3, turning a panic on malformed
// input into an error: the decoder is a third-party parser of outside
// bytes and this package promises never to panic.
func (d *mp3Decoder) readPCM(p []byte) (n int, err error) {
	defer func() {
		if r := recover(); r != nil {
			n, err = 0, corruptf("MP3: malformed frame (decoder panicked: %v)", r)
		}
	}()
	n, err = d.dec.Read(p)
	if err != nil && err != io.EOF {
		if !errors.Is(err, ErrCorrupt) {
			err = corruptf("MP3: %v", err)
		}
	}
	return n, err
}

// Read implements Source.
func (d *mp3Decoder) Read(p []float32) (int, error) {
	for {
		if d.err != nil {
			return 0, d.err
		}
		if len(p) == 0 {
			return 0, nil
		}
		if d.left == 0 {
			d.err = io.EOF
			continue
		}
		want := min(len(p)*4, len(d.buf))
		n, err := d.readPCM(d.buf[d.have:want])
		got := d.have + n
		frames := got / 4
		src := d.buf[:frames*4]
		d.have = copy(d.buf, d.buf[frames*4:got])
		if d.skip > 0 {
			s := min(int64(frames), d.skip)
			d.skip -= s
			src = src[s*4:]
		}
		if err != nil {
			d.err = err
			// Only an Info frame gives the length, so only then can a
			// cut-off MP3 be told from a short one. An encoder padding
			// shorter than the decoder delay leaves up to 529 samples short.
			if missing := d.left - int64(len(src)/4); err == io.EOF && d.left >= 0 && missing > mp3DecoderDelay {
				d.err = corruptf("MP3: truncated: %d samples missing of the %d its Info frame gives", missing, d.total)
			}
		}
		out := len(src) / 4
		if d.left >= 0 && int64(out) > d.left {
			out = int(d.left)
		}
		if out == 0 {
			continue
		}
		for i := range out {
			l := float32(int16(binary.LittleEndian.Uint16(src[4*i:])))
			r := float32(int16(binary.LittleEndian.Uint16(src[4*i+2:])))
			switch {
			case d.channels == 1 || d.pick == 0:
				p[i] = l * (1.0 / 32768)
			case d.pick == 1:
				p[i] = r * (1.0 / 32768)
			default:
				p[i] = (l + r) * (0.5 / 32768)
			}
		}
		if d.left >= 0 {
			d.left -= int64(out)
		}
		return out, nil
	}
}

// emptyDecoder is a valid stream without samples.
type emptyDecoder struct {
	fmt      Format
	rate     Rate
	channels int
}

func (e *emptyDecoder) SampleRate() Rate            { return e.rate }
func (e *emptyDecoder) Read([]float32) (int, error) { return 0, io.EOF }
func (e *emptyDecoder) format() Format              { return e.fmt }
func (e *emptyDecoder) numChannels() int            { return e.channels }
func (e *emptyDecoder) frames() (int64, bool)       { return 0, true }
func (e *emptyDecoder) remaining() (int64, bool)    { return 0, true }
