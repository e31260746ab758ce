package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

// ErrNotBuilt is wrapped by every function of a build without the
// portaudio tag.
var ErrNotBuilt = errors.New("audio device support is not built in: build with `go build -tags portaudio ./cmd/livemic` (needs portaudio19-dev)")

// Info describes a sound device.
type Info struct {
	Index          int // PortAudio's device index
	Name           string
	Host           string // host API, e.g. "ALSA", "Core Audio", "WASAPI"
	InputChannels  int
	OutputChannels int
	// DefaultRate is the device's native sample rate.
	DefaultRate   audio.Rate
	DefaultInput  bool // the system's default input device
	DefaultOutput bool // the system's default output device
}

// CaptureOptions configure OpenCapture. The zero value records from the
// default input device.
type CaptureOptions struct {
	// Device is a substring of the name of the input device to use (see
	// Devices); "" is the default input device.
	Device string
	// Buffer is how much audio the ring between the audio thread and the
	// reader holds before samples are dropped (default 10 s).
	Buffer time.Duration
	// FramesPerCallback is the PortAudio buffer size; 0 lets PortAudio
	// choose.
	FramesPerCallback int
}

const defaultBuffer = 10 * time.Second

// Capture is an open recording stream: an audio.Source of mono samples at
// the device's native rate. Read blocks until samples arrive and returns
// io.EOF after Close. Read and Close may be called from different
// goroutines; Read from one only.
type Capture struct {
	rate   audio.Rate
	ring   *Ring
	notify chan struct{} // a token after each callback, dropped when one waits
	done   chan struct{}
	once   sync.Once
	stop   func() error // closes the backend stream
}

// newCapture makes the consumer side of a capture; the backend calls push
// from its audio thread.
func newCapture(rate audio.Rate, buffer time.Duration) *Capture {
	if buffer <= 0 {
		buffer = defaultBuffer
	}
	n := int(int64(rate) * int64(buffer) / int64(time.Second))
	return &Capture{
		rate:   rate,
		ring:   NewRing(max(n, 1024)),
		notify: make(chan struct{}, 1),
		done:   make(chan struct{}),
	}
}

// push is called by the audio thread with each buffer of mono samples. It
// never blocks and does not allocate.
func (c *Capture) push(in []float32) {
	c.ring.Write(in)
	select {
	case c.notify <- struct{}{}:
	default:
	}
}

// SampleRate implements audio.Source.
func (c *Capture) SampleRate() audio.Rate { return c.rate }

// Read implements audio.Source: it waits for at least one sample and
// returns what is buffered, up to len(p). After Close it returns the
// samples still buffered, then io.EOF.
func (c *Capture) Read(p []float32) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	for {
		if n := c.ring.Read(p); n > 0 {
			return n, nil
		}
		select {
		case <-c.notify:
		case <-c.done:
			if n := c.ring.Read(p); n > 0 {
				return n, nil
			}
			return 0, io.EOF
		}
	}
}

// Overruns returns how many times the reader fell so far behind that the
// ring was full and samples were dropped.
func (c *Capture) Overruns() uint64 { return c.ring.Overruns() }

// Dropped returns how many samples were dropped because the ring was full.
func (c *Capture) Dropped() uint64 { return c.ring.Dropped() }

// Close stops recording. Samples already buffered can still be read.
func (c *Capture) Close() error {
	var err error
	c.once.Do(func() {
		if c.stop != nil {
			err = c.stop()
		}
		close(c.done)
	})
	if err != nil {
		return fmt.Errorf("close capture: %w", err)
	}
	return nil
}

// Devices lists the sound devices.
func Devices() ([]Info, error) { return devices() }

// OpenCapture starts recording mono audio at the chosen device's native
// rate.
func OpenCapture(opt CaptureOptions) (*Capture, error) { return openCapture(opt) }

// Play plays mono samples at rate on the default output device and returns
// when they have been played or ctx is done.
func Play(ctx context.Context, samples []float32, rate audio.Rate) error {
	if rate <= 0 {
		return fmt.Errorf("play: invalid sample rate %d", int(rate))
	}
	return play(ctx, samples, rate)
}
