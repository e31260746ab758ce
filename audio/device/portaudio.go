//go:build portaudio

package device

import (
	"context"
	"errors"
	"fmt"

	"github.com/gordonklaus/portaudio"
	"github.com/mynah-speech/mynah/audio"
)

// PortAudio's Pa_Initialize/Pa_Terminate are reference counted, so each
// stream (and each device listing) holds its own initialisation.

// built reports whether PortAudio support is compiled in.
const built = true

func devices() ([]Info, error) {
	if err := portaudio.Initialize(); err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	defer portaudio.Terminate()
	return listDevices()
}

// listDevices copies PortAudio's device table; it must run between
// Initialize and Terminate.
func listDevices() ([]Info, error) {
	devs, err := portaudio.Devices()
	if err != nil {
		return nil, fmt.Errorf("list devices: %w", err)
	}
	var defIn, defOut int = -1, -1
	if d, err := portaudio.DefaultInputDevice(); err == nil && d != nil {
		defIn = d.Index
	}
	if d, err := portaudio.DefaultOutputDevice(); err == nil && d != nil {
		defOut = d.Index
	}
	out := make([]Info, 0, len(devs))
	for _, d := range devs {
		info := Info{
			Index: d.Index, Name: d.Name,
			InputChannels: d.MaxInputChannels, OutputChannels: d.MaxOutputChannels,
			DefaultRate:  audio.Rate(d.DefaultSampleRate + 0.5),
			DefaultInput: d.Index == defIn, DefaultOutput: d.Index == defOut,
		}
		if d.HostApi != nil {
			info.Host = d.HostApi.Name
		}
		out = append(out, info)
	}
	return out, nil
}

// findInput returns the PortAudio device that spec names (FindInput); it
// must run between Initialize and Terminate.
func findInput(spec string) (Info, *portaudio.DeviceInfo, error) {
	infos, err := listDevices()
	if err != nil {
		return Info{}, nil, err
	}
	info, err := FindInput(infos, spec)
	if err != nil {
		return Info{}, nil, err
	}
	devs, err := portaudio.Devices()
	if err != nil {
		return Info{}, nil, err
	}
	for _, d := range devs {
		if d.Index == info.Index {
			return info, d, nil
		}
	}
	return Info{}, nil, fmt.Errorf("device %d went away", info.Index)
}

func openCapture(opt CaptureOptions) (*Capture, error) {
	if err := portaudio.Initialize(); err != nil {
		return nil, fmt.Errorf("open capture: %w", err)
	}
	info, dev, err := findInput(opt.Device)
	if err != nil {
		portaudio.Terminate()
		return nil, fmt.Errorf("open capture: %w", err)
	}
	p := portaudio.HighLatencyParameters(dev, nil)
	p.Input.Channels = 1
	if opt.FramesPerCallback > 0 {
		p.FramesPerBuffer = opt.FramesPerCallback
	}
	c := newCapture(audio.Rate(dev.DefaultSampleRate+0.5), opt)
	c.device = info
	stream, err := portaudio.OpenStream(p, func(in []float32) { c.push(in) })
	if err != nil {
		portaudio.Terminate()
		return nil, fmt.Errorf("open capture on %q at %v: %w", dev.Name, c.rate, err)
	}
	if err := stream.Start(); err != nil {
		stream.Close()
		portaudio.Terminate()
		return nil, fmt.Errorf("start capture on %q: %w", dev.Name, err)
	}
	c.stop = func() error {
		return errors.Join(stream.Stop(), stream.Close(), portaudio.Terminate())
	}
	return c, nil
}

func play(ctx context.Context, samples []float32, rate audio.Rate) error {
	if err := portaudio.Initialize(); err != nil {
		return fmt.Errorf("play: %w", err)
	}
	defer portaudio.Terminate()
	dev, err := portaudio.DefaultOutputDevice()
	if err != nil {
		return fmt.Errorf("play: no default output device: %w", err)
	}
	p := portaudio.HighLatencyParameters(nil, dev)
	p.Output.Channels = 1
	p.SampleRate = float64(rate)
	done := make(chan struct{})
	pos, finished := 0, false
	stream, err := portaudio.OpenStream(p, func(out []float32) {
		n := copy(out, samples[pos:])
		pos += n
		clear(out[n:])
		if pos == len(samples) && !finished {
			finished = true
			close(done)
		}
	})
	if err != nil {
		return fmt.Errorf("play on %q at %v: %w", dev.Name, rate, err)
	}
	defer stream.Close()
	if err := stream.Start(); err != nil {
		return fmt.Errorf("play on %q: %w", dev.Name, err)
	}
	select {
	case <-done:
		// Let the device drain what it has buffered.
		return stream.Stop()
	case <-ctx.Done():
		stream.Abort()
		return ctx.Err()
	}
}
