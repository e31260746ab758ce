package audio

import (
	"errors"
	"fmt"
	"io"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
)

// flacDecoder streams FLAC frames (xiph.org FLAC format, RFC 9639) decoded
// by github.com/mewkiz/flac.
type flacDecoder struct {
	stream   *flac.Stream
	rate     Rate
	channels int
	pick     int
	bps      int
	total    int64 // samples per channel from STREAMINFO, -1 when unknown
	done     int64
	frame    *frame.Frame
	pos      int // next sample of frame
	err      error
}

// decodeFLAC reads the FLAC signature and metadata (skipping all blocks
// but STREAMINFO without buffering them) and returns a frame-by-frame
// stream.
func decodeFLAC(r io.Reader, opt DecodeOptions) (decoder, error) {
	s, err := newFLAC(r)
	if err != nil {
		if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
			return nil, corruptf("FLAC: truncated header")
		}
		return nil, corruptf("FLAC: %v", err)
	}
	info := s.Info
	switch {
	case info.NChannels == 0:
		return nil, corruptf("FLAC: zero channels")
	case info.SampleRate == 0:
		return nil, corruptf("FLAC: zero sample rate")
	case info.SampleRate > maxRate:
		return nil, corruptf("FLAC: implausible sample rate %d Hz", info.SampleRate)
	case info.BitsPerSample < 4 || info.BitsPerSample > 32:
		return nil, corruptf("FLAC: %d bits per sample (must be 4 to 32)", info.BitsPerSample)
	}
	pick, err := pickChannel(opt, int(info.NChannels))
	if err != nil {
		return nil, err
	}
	d := &flacDecoder{
		stream: s, rate: Rate(info.SampleRate), channels: int(info.NChannels),
		pick: pick, bps: int(info.BitsPerSample), total: -1,
	}
	if info.NSamples > 0 && info.NSamples < 1<<62 {
		d.total = int64(info.NSamples)
	}
	return d, nil
}

// newFLAC and nextFrame call mewkiz/flac, turning a panic on malformed
// input into an error: it is a third-party parser of outside bytes and this
// package promises never to panic.
func newFLAC(r io.Reader) (s *flac.Stream, err error) {
	defer func() {
		if p := recover(); p != nil {
			s, err = nil, fmt.Errorf("malformed stream (decoder panicked: %v)", p)
		}
	}()
	return flac.New(r)
}

func (d *flacDecoder) nextFrame() (f *frame.Frame, err error) {
	defer func() {
		if p := recover(); p != nil {
			f, err = nil, fmt.Errorf("malformed frame (decoder panicked: %v)", p)
		}
	}()
	return d.stream.ParseNext()
}

func (d *flacDecoder) SampleRate() Rate { return d.rate }
func (d *flacDecoder) format() Format   { return FormatFLAC }
func (d *flacDecoder) numChannels() int { return d.channels }
func (d *flacDecoder) frames() (int64, bool) {
	return d.total, d.total >= 0
}
func (d *flacDecoder) remaining() (int64, bool) {
	if d.total < 0 {
		return 0, false
	}
	return max(d.total-d.done, 0), true
}

// Read implements Source.
func (d *flacDecoder) Read(p []float32) (int, error) {
	if len(p) == 0 && d.err == nil {
		return 0, nil
	}
	for d.frame == nil || d.pos >= int(d.frame.BlockSize) {
		if d.err != nil {
			return 0, d.err
		}
		f, err := d.nextFrame()
		if err != nil {
			switch {
			case err == io.EOF:
				d.err = io.EOF
				if d.total >= 0 && d.done < d.total {
					d.err = corruptf("FLAC: truncated: %d of %d samples", d.done, d.total)
				}
			case errors.Is(err, io.ErrUnexpectedEOF):
				d.err = corruptf("FLAC: truncated frame after %d samples", d.done)
			default:
				d.err = corruptf("FLAC: frame after %d samples: %v", d.done, err)
			}
			d.frame = nil
			continue
		}
		if f.Channels.Count() != d.channels || len(f.Subframes) != d.channels {
			d.err = corruptf("FLAC: frame with %d channels in a %d-channel stream", f.Channels.Count(), d.channels)
			continue
		}
		for _, sf := range f.Subframes {
			if sf == nil || len(sf.Samples) < int(f.BlockSize) {
				d.err = corruptf("FLAC: frame shorter than its block size")
				break
			}
		}
		if d.err != nil {
			continue
		}
		d.frame, d.pos = f, 0
	}
	f := d.frame
	bps := d.bps
	if f.BitsPerSample >= 4 && f.BitsPerSample <= 32 {
		bps = int(f.BitsPerSample)
	}
	scale := 1 / float64(int64(1)<<(bps-1))
	n := min(len(p), int(f.BlockSize)-d.pos)
	if d.pick >= 0 {
		s := f.Subframes[d.pick].Samples[d.pos : d.pos+n]
		for i, v := range s {
			p[i] = clamp(float64(v) * scale)
		}
	} else {
		scale /= float64(d.channels)
		for i := range n {
			var sum int64
			for _, sf := range f.Subframes {
				sum += int64(sf.Samples[d.pos+i])
			}
			p[i] = clamp(float64(sum) * scale)
		}
	}
	d.pos += n
	d.done += int64(n)
	return n, nil
}
