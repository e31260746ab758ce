package audio

import (
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"math"
)

// Encoding is the sample format WriteWAV stores.
type Encoding int

// WAV encodings.
const (
	// PCM16 is 16-bit signed integer PCM (format tag 1), rounded and
	// clipped to [-32768, 32767].
	PCM16 Encoding = iota + 1
	// Float32 is 32-bit IEEE float (format tag 3), stored as given.
	Float32
)

// String names the encoding.
func (e Encoding) String() string {
	switch e {
	case PCM16:
		return "PCM16"
	case Float32:
		return "Float32"
	}
	return fmt.Sprintf("Encoding(%d)", int(e))
}

func (e Encoding) bytes() int {
	if e == Float32 {
		return 4
	}
	return 2
}

// maxWAVData is the largest data chunk a 32-bit RIFF size can describe.
const maxWAVData = math.MaxUint32 - 64

// WriteWAV writes samples as a mono WAV file at rate with the given
// encoding.
func WriteWAV(w io.Writer, samples []float32, rate Rate, enc Encoding) error {
	if err := checkWAVParams(rate, enc); err != nil {
		return err
	}
	size := int64(len(samples)) * int64(enc.bytes())
	if size > maxWAVData {
		return fmt.Errorf("write WAV: %d samples do not fit in a 4 GB WAV file", len(samples))
	}
	if _, err := w.Write(wavHeader(rate, enc, uint32(size), uint32(len(samples)))); err != nil {
		return fmt.Errorf("write WAV: %w", err)
	}
	buf := make([]byte, 0, 16<<10)
	for len(samples) > 0 {
		n := min(len(samples), cap(buf)/enc.bytes())
		buf = encodeSamples(buf[:0], samples[:n], enc)
		if _, err := w.Write(buf); err != nil {
			return fmt.Errorf("write WAV: %w", err)
		}
		samples = samples[n:]
	}
	return nil
}

func checkWAVParams(rate Rate, enc Encoding) error {
	if rate <= 0 || rate > maxRate {
		return fmt.Errorf("write WAV: invalid sample rate %d", int(rate))
	}
	if enc != PCM16 && enc != Float32 {
		return fmt.Errorf("write WAV: invalid encoding %v", enc)
	}
	return nil
}

// wavHeader returns the RIFF header up to the data chunk's payload. Float
// files carry the fact chunk the WAVE specification requires of non-PCM
// formats.
func wavHeader(rate Rate, enc Encoding, dataBytes, samples uint32) []byte {
	le := binary.LittleEndian
	h := make([]byte, 0, 58)
	h = append(h, "RIFF"...)
	h = le.AppendUint32(h, 0) // patched below
	h = append(h, "WAVE"...)
	h = append(h, "fmt "...)
	tag := uint16(wavePCM)
	fmtSize := uint32(16)
	if enc == Float32 {
		tag = waveFloat
		fmtSize = 18
	}
	bps := enc.bytes()
	h = le.AppendUint32(h, fmtSize)
	h = le.AppendUint16(h, tag)
	h = le.AppendUint16(h, 1)
	h = le.AppendUint32(h, uint32(rate))
	h = le.AppendUint32(h, uint32(int(rate)*bps))
	h = le.AppendUint16(h, uint16(bps))
	h = le.AppendUint16(h, uint16(8*bps))
	if enc == Float32 {
		h = le.AppendUint16(h, 0) // cbSize
		h = append(h, "fact"...)
		h = le.AppendUint32(h, 4)
		h = le.AppendUint32(h, samples)
	}
	h = append(h, "data"...)
	h = le.AppendUint32(h, dataBytes)
	riff := uint32(len(h)) - 8 + dataBytes
	if dataBytes == unknownSize {
		riff = unknownSize
	}
	le.PutUint32(h[4:], riff)
	return h
}

func encodeSamples(dst []byte, samples []float32, enc Encoding) []byte {
	le := binary.LittleEndian
	if enc == Float32 {
		for _, s := range samples {
			dst = le.AppendUint32(dst, math.Float32bits(s))
		}
		return dst
	}
	for _, s := range samples {
		v := math.Round(float64(s) * 32768)
		switch {
		case v > 32767:
			v = 32767
		case v < -32768:
			v = -32768
		case v != v:
			v = 0
		}
		dst = le.AppendUint16(dst, uint16(int16(v)))
	}
	return dst
}

// WAVWriter writes a mono WAV file sample by sample. When the underlying
// writer is an io.WriteSeeker (a file), Close writes the final sizes into
// the header; otherwise (a pipe) the sizes stay 0xFFFFFFFF, which this
// package's decoder, sox and ffmpeg read as "to the end of the stream".
type WAVWriter struct {
	w       io.Writer
	rate    Rate
	enc     Encoding
	samples int64
	buf     []byte
	err     error
	closed  bool
}

// NewWAVWriter writes the header of a mono WAV file to w and returns a
// writer for its samples. Close it to finish the file; Close does not close
// w.
func NewWAVWriter(w io.Writer, rate Rate, enc Encoding) (*WAVWriter, error) {
	if err := checkWAVParams(rate, enc); err != nil {
		return nil, err
	}
	if _, err := w.Write(wavHeader(rate, enc, unknownSize, unknownSize)); err != nil {
		return nil, fmt.Errorf("write WAV: %w", err)
	}
	return &WAVWriter{w: w, rate: rate, enc: enc}, nil
}

// Write appends samples to the file.
func (ww *WAVWriter) Write(samples []float32) error {
	if ww.err != nil {
		return ww.err
	}
	if ww.closed {
		return errors.New("write WAV: writer is closed")
	}
	if (ww.samples+int64(len(samples)))*int64(ww.enc.bytes()) > maxWAVData {
		ww.err = errors.New("write WAV: more samples than a 4 GB WAV file holds")
		return ww.err
	}
	for len(samples) > 0 {
		n := min(len(samples), 4096)
		ww.buf = encodeSamples(ww.buf[:0], samples[:n], ww.enc)
		if _, err := ww.w.Write(ww.buf); err != nil {
			ww.err = fmt.Errorf("write WAV: %w", err)
			return ww.err
		}
		ww.samples += int64(n)
		samples = samples[n:]
	}
	return nil
}

// Samples returns how many samples have been written.
func (ww *WAVWriter) Samples() int64 { return ww.samples }

// Close finishes the file: it patches the header sizes when the writer can
// seek, and leaves them unknown otherwise.
func (ww *WAVWriter) Close() error {
	if ww.closed {
		return ww.err
	}
	ww.closed = true
	if ww.err != nil {
		return ww.err
	}
	ws, ok := ww.w.(io.WriteSeeker)
	if !ok {
		return nil
	}
	// The header is written at the writer's starting offset; find it from
	// the current end.
	dataBytes := ww.samples * int64(ww.enc.bytes())
	h := wavHeader(ww.rate, ww.enc, uint32(dataBytes), uint32(ww.samples))
	end, err := ws.Seek(0, io.SeekCurrent)
	if err != nil {
		return nil // not really seekable (a pipe behind *os.File): leave sizes unknown
	}
	start := end - dataBytes - int64(len(h))
	if start < 0 {
		return nil
	}
	if _, err := ws.Seek(start, io.SeekStart); err != nil {
		return nil
	}
	if _, err := ws.Write(h); err != nil {
		ww.err = fmt.Errorf("write WAV header: %w", err)
		return ww.err
	}
	if _, err := ws.Seek(end, io.SeekStart); err != nil {
		ww.err = fmt.Errorf("write WAV: %w", err)
	}
	return ww.err
}
