package audio

import (
	"errors"
	"fmt"
	"io"
	"time"
)

// Rate is a sample rate in samples per second (per channel).
type Rate int

// String formats the rate as "16000 Hz".
func (r Rate) String() string { return fmt.Sprintf("%d Hz", int(r)) }

// Duration returns how long n samples last at rate r, or 0 when r is not
// positive.
func (r Rate) Duration(n int64) time.Duration {
	if r <= 0 {
		return 0
	}
	// Split to avoid overflowing int64 nanoseconds for long recordings.
	sec := n / int64(r)
	rem := n % int64(r)
	return time.Duration(sec)*time.Second + time.Duration(rem*int64(time.Second)/int64(r))
}

// maxRate bounds the sample rate a header may claim. Real recordings stop
// at 768 kHz; anything above is a corrupt header, and accepting it would
// let the resampler size its filter from a lie.
const maxRate = 4_000_000

// A Source yields mono samples in [-1, 1] at a fixed rate.
//
// Read follows io.Reader: it fills up to len(p) samples and returns io.EOF
// at the end. The sources of this package return either n > 0 with a nil
// error or n == 0 with an error, so samples read before a failure are never
// lost; callers written for the general io.Reader contract work as well.
type Source interface {
	// SampleRate is the rate of the samples Read returns.
	SampleRate() Rate
	// Read reads up to len(p) samples into p.
	Read(p []float32) (n int, err error)
}

// Errors a caller may act on; decoders wrap them with detail, so test with
// errors.Is.
var (
	// ErrUnsupportedFormat reports audio this package recognises but cannot
	// decode (Ogg, Opus, M4A, ADPCM WAV, MPEG-2.5, ...), or bytes that are
	// not audio at all.
	ErrUnsupportedFormat = errors.New("unsupported audio format")
	// ErrCorrupt reports malformed or truncated audio.
	ErrCorrupt = errors.New("corrupt audio")
)

// ffmpegHint tells the user how to get any other format in.
const ffmpegHint = "convert it with `ffmpeg -i IN -f s16le -ac 1 -ar 16000 -` and pass the raw PCM with a 16000 Hz sample rate"

// corruptf returns an error wrapping ErrCorrupt.
func corruptf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrCorrupt, fmt.Sprintf(format, args...))
}

// unsupportedf returns an error wrapping ErrUnsupportedFormat.
func unsupportedf(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrUnsupportedFormat, fmt.Sprintf(format, args...))
}

// lengthHinter is implemented by sources that know how many samples remain;
// ReadAll uses it to allocate once. The hint is never trusted beyond what
// the input can hold: decoders only report it when the input size backs it.
type lengthHinter interface {
	remaining() (n int64, ok bool)
}

// maxHint caps a preallocation taken from a length hint (1 GiB of float32).
const maxHint = 1 << 28

// ReadAll reads src to its end and returns all its samples. On an error it
// returns the samples read before it together with the error.
func ReadAll(src Source) ([]float32, error) {
	var out []float32
	if h, ok := src.(lengthHinter); ok {
		if n, ok := h.remaining(); ok && n >= 0 && n <= maxHint {
			out = make([]float32, 0, n+1)
		}
	}
	if out == nil {
		out = make([]float32, 0, 1<<14)
	}
	for {
		if len(out) == cap(out) {
			out = append(out, 0)[:len(out)]
		}
		n, err := src.Read(out[len(out):cap(out)])
		out = out[:len(out)+n]
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
	}
}

// Load decodes the file at path, mixes it to mono, resamples it to rate and
// returns all its samples. It is Open, Resample and ReadAll in one call; on
// a decoding error it returns the samples read before it with the error.
func Load(path string, rate Rate) ([]float32, error) {
	if rate <= 0 {
		return nil, fmt.Errorf("load %s: invalid target sample rate %d", path, int(rate))
	}
	f, err := Open(path, DecodeOptions{})
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return ReadAll(Resample(f, rate))
}

// clamp maps a float sample into [-1, 1]; NaN becomes 0 so that one bad
// sample cannot poison every feature computed downstream.
func clamp(x float64) float32 {
	switch {
	case x >= 1:
		return 1
	case x <= -1:
		return -1
	case x == x:
		return float32(x)
	}
	return 0
}

// clamp32 is clamp for float32 input.
func clamp32(x float32) float32 {
	switch {
	case x >= 1:
		return 1
	case x <= -1:
		return -1
	case x == x:
		return x
	}
	return 0
}
