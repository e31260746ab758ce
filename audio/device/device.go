package device

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
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
	// Device chooses the input device (see Devices and FindInput): its
	// Index in decimal, or its name or a case-insensitive part of it that
	// only one input has; "" is the default input device.
	Device string
	// Buffer is how much audio the ring between the audio thread and the
	// reader holds before samples are dropped (default 10 s).
	Buffer time.Duration
	// FramesPerCallback is the PortAudio buffer size; 0 lets PortAudio
	// choose.
	FramesPerCallback int
	// StopTimeout bounds how long Close waits for the audio backend to
	// stop (default 2 s); past it Close returns ErrStopTimeout and the
	// backend finishes stopping in the background.
	StopTimeout time.Duration
}

const (
	defaultBuffer      = 10 * time.Second
	defaultStopTimeout = 2 * time.Second
)

// ErrStopTimeout is wrapped by Close when the backend did not stop within
// CaptureOptions.StopTimeout. The capture is closed for its reader all
// the same; the backend's own stop goes on in the background.
var ErrStopTimeout = errors.New("the audio backend did not stop in time; it goes on stopping in the background")

// FindInput returns the input device that spec names among devs: an
// Index in decimal digits, else a device whose name equals spec, else the
// one input whose name contains spec (case-insensitive). "" is the
// default input. The error lists the inputs when spec names none, or the
// candidates when it names several.
func FindInput(devs []Info, spec string) (Info, error) {
	var inputs []Info
	for _, d := range devs {
		if d.InputChannels > 0 {
			inputs = append(inputs, d)
		}
	}
	list := func(ds []Info) string {
		parts := make([]string, len(ds))
		for i, d := range ds {
			parts[i] = fmt.Sprintf("%d %q", d.Index, d.Name)
		}
		if len(parts) == 0 {
			return "none"
		}
		return strings.Join(parts, ", ")
	}
	if spec == "" {
		for _, d := range inputs {
			if d.DefaultInput {
				return d, nil
			}
		}
		return Info{}, fmt.Errorf("no default input device (inputs: %s)", list(inputs))
	}
	if index, err := strconv.Atoi(spec); err == nil {
		for _, d := range devs {
			if d.Index != index {
				continue
			}
			if d.InputChannels == 0 {
				return Info{}, fmt.Errorf("device %d (%q) has no input channels (inputs: %s)", index, d.Name, list(inputs))
			}
			return d, nil
		}
		return Info{}, fmt.Errorf("no device %d (inputs: %s)", index, list(inputs))
	}
	var matches []Info
	for _, d := range inputs {
		if d.Name == spec {
			return d, nil
		}
		if strings.Contains(strings.ToLower(d.Name), strings.ToLower(spec)) {
			matches = append(matches, d)
		}
	}
	switch len(matches) {
	case 1:
		return matches[0], nil
	case 0:
		return Info{}, fmt.Errorf("no input device matches %q (inputs: %s)", spec, list(inputs))
	}
	return Info{}, fmt.Errorf("%q matches %d input devices (%s): give an index or more of the name", spec, len(matches), list(matches))
}

// Capture is an open recording stream: an audio.Source of mono samples at
// the device's native rate. Read blocks until samples arrive and returns
// io.EOF after Close. Read and Close may be called from different
// goroutines; Read from one only.
type Capture struct {
	rate        audio.Rate
	ring        *Ring
	notify      chan struct{} // a token after each callback, dropped when one waits
	done        chan struct{}
	once        sync.Once
	closeErr    error
	stop        func() error // stops and closes the backend stream
	stopTimeout time.Duration
	device      Info
}

// newCapture makes the consumer side of a capture; the backend calls push
// from its audio thread.
func newCapture(rate audio.Rate, opt CaptureOptions) *Capture {
	buffer := opt.Buffer
	if buffer <= 0 {
		buffer = defaultBuffer
	}
	stopTimeout := opt.StopTimeout
	if stopTimeout <= 0 {
		stopTimeout = defaultStopTimeout
	}
	n := int(int64(rate) * int64(buffer) / int64(time.Second))
	return &Capture{
		rate:        rate,
		ring:        NewRing(max(n, 1024)),
		notify:      make(chan struct{}, 1),
		done:        make(chan struct{}),
		stopTimeout: stopTimeout,
	}
}

// Device returns the device the capture records from.
func (c *Capture) Device() Info { return c.device }

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

// Close stops recording. Samples already buffered can still be read, and
// Read returns io.EOF after them at once. Close never blocks for long:
// PortAudio's stop waits for the audio thread, which on a loaded machine
// (or a wedged driver) can take seconds, so Close waits at most
// CaptureOptions.StopTimeout and then returns ErrStopTimeout, leaving
// the stop to finish in the background. Later calls return the first
// call's result.
func (c *Capture) Close() error {
	c.once.Do(func() {
		close(c.done)
		if c.stop == nil {
			return
		}
		stopped := make(chan error, 1)
		go func() { stopped <- c.stop() }()
		timer := time.NewTimer(c.stopTimeout)
		defer timer.Stop()
		select {
		case err := <-stopped:
			if err != nil {
				c.closeErr = fmt.Errorf("close capture: %w", err)
			}
		case <-timer.C:
			c.closeErr = fmt.Errorf("close capture after %v: %w", c.stopTimeout, ErrStopTimeout)
		}
	})
	return c.closeErr
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
