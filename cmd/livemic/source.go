package main

import (
	"errors"
	"fmt"
	"io"
	"sync"
	"sync/atomic"
	"time"

	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/audio/device"
)

// input is where the samples come from, at their own rate.
type input struct {
	src audio.Source
	// clock returns how much audio has arrived at the input so far (the
	// audio clock events are stamped with); nil means what was read.
	clock func() time.Duration
	// dropped returns how many overruns there were and how many samples
	// (at the input's rate) they lost.
	dropped func() (overruns, samples uint64)
	// stop ends the input early (Ctrl-C): Read returns what is already
	// buffered, then io.EOF. It may be called from any goroutine.
	stop func()
	// close releases the input after the last Read.
	close func() error
	name  string
}

// openFile opens a recording or, for "-", raw s16le mono on stdin.
func openFile(path string, rate int, stdin io.Reader) (audio.Source, func() error, error) {
	if path == "-" {
		src, err := audio.DecodeRaw(stdin, audio.Rate(rate), 1)
		if err != nil {
			return nil, nil, fmt.Errorf("standard input: %w", err)
		}
		return src, func() error { return nil }, nil
	}
	f, err := audio.Open(path, audio.DecodeOptions{})
	if err != nil {
		return nil, nil, err
	}
	return f, f.Close, nil
}

// openMic opens a capture device: spec is an index from --list-devices, a
// part of a device name, or "" for the default input (device.FindInput).
func openMic(spec string, buffer time.Duration) (*input, error) {
	opt := device.CaptureOptions{Device: spec, Buffer: buffer}
	c, err := device.OpenCapture(opt)
	if err != nil && !errors.Is(err, device.ErrNotBuilt) {
		// PortAudio gives its audio thread a second to start; a loaded
		// machine can miss that (paTimedOut), so try once more.
		time.Sleep(500 * time.Millisecond)
		c, err = device.OpenCapture(opt)
	}
	if err != nil {
		return nil, err
	}
	m := &mic{c: c}
	m.stopAt.Store(-1)
	var once sync.Once
	display := fmt.Sprintf("device %d %q", c.Device().Index, c.Device().Name)
	return &input{
		src:     m,
		clock:   m.clock,
		dropped: func() (uint64, uint64) { return c.Overruns(), c.Dropped() },
		stop:    m.stop,
		close: func() error {
			var err error
			once.Do(func() { err = c.Close() })
			return err
		},
		name: fmt.Sprintf("%s at %v", display, c.SampleRate()),
	}, nil
}

// mic reads a capture and keeps its audio clock.
//
// Ctrl-C does not close the capture to end the input: PortAudio's stop
// waits for the audio thread, which on a loaded machine takes seconds.
// The stream keeps running while the loop reads up to the audio that had
// arrived when the user pressed it, then the input ends; the capture
// closes after the last final is out.
type mic struct {
	c      *device.Capture
	read   atomic.Int64 // samples read
	first  atomic.Int64 // UnixNano when the first samples arrived, 0 before
	stopAt atomic.Int64 // samples arrived by the stop, -1 before it
}

// clock is the audio that has arrived: the time since the first samples
// began (the device delivers at its rate), or what was read when that is
// more (a backend may deliver a burst as it starts).
func (m *mic) clock() time.Duration {
	read := m.c.SampleRate().Duration(m.read.Load())
	first := m.first.Load()
	if first == 0 {
		return read
	}
	return max(read, time.Duration(time.Now().UnixNano()-first))
}

func (m *mic) SampleRate() audio.Rate { return m.c.SampleRate() }

func (m *mic) Read(p []float32) (int, error) {
	read := m.read.Load()
	if stop := m.stopAt.Load(); stop >= 0 {
		if read >= stop {
			return 0, io.EOF
		}
		p = p[:min(int64(len(p)), stop-read)]
	}
	n, err := m.c.Read(p)
	if n > 0 && read == 0 {
		// The first samples began their duration ago.
		m.first.Store(time.Now().Add(-m.c.SampleRate().Duration(int64(n))).UnixNano())
	}
	m.read.Add(int64(n))
	return n, err
}

// stop ends the input at the audio that has arrived by now.
func (m *mic) stop() {
	arrived := int64(m.clock() * time.Duration(m.c.SampleRate()) / time.Second)
	m.stopAt.CompareAndSwap(-1, arrived)
}

// paced plays a source in at real time through the same kind of lock-free
// ring a microphone's audio thread fills (device.Ring), so a recording
// exercises what a live session does: the recogniser reads whatever has
// arrived, blocks when it is ahead, and overflows (counted) when it falls
// more than the ring behind.
type paced struct {
	src     audio.Source
	rate    audio.Rate
	ring    *device.Ring
	notify  chan struct{} // a token after each write; dropped when one waits
	done    chan struct{} // closed when no more will be written
	once    sync.Once
	err     error        // the source's error, set before done closes
	arrived atomic.Int64 // samples released so far
	quit    chan struct{}
	quitter sync.Once
	exited  chan struct{} // closed when the producer has returned
}

// pacedBlock is how much the producer releases at a time: 10 ms, the
// order of a sound card's period.
const pacedBlock = 10 * time.Millisecond

// newPaced starts releasing src at real time from now.
func newPaced(src audio.Source, buffer time.Duration) *paced {
	rate := src.SampleRate()
	p := &paced{
		src:    src,
		rate:   rate,
		ring:   device.NewRing(max(int(int64(rate)*int64(buffer)/int64(time.Second)), 1024)),
		notify: make(chan struct{}, 1),
		done:   make(chan struct{}),
		quit:   make(chan struct{}),
		exited: make(chan struct{}),
	}
	go p.produce(time.Now())
	return p
}

func (p *paced) finish(err error) {
	p.once.Do(func() {
		p.err = err
		close(p.done)
	})
}

// produce reads the source and releases each block when its last sample
// is due. A source slower than real time (a pipe) is released as it comes.
func (p *paced) produce(start time.Time) {
	defer close(p.exited)
	block := max(1, int(int64(p.rate)*int64(pacedBlock)/int64(time.Second)))
	buf := make([]float32, block)
	var released int64
	for {
		n, err := p.src.Read(buf)
		if n > 0 {
			due := start.Add(p.rate.Duration(released + int64(n)))
			if wait := time.Until(due); wait > 0 {
				select {
				case <-time.After(wait):
				case <-p.quit:
					p.finish(nil)
					return
				}
			}
			select {
			case <-p.quit:
				p.finish(nil)
				return
			default:
			}
			p.ring.Write(buf[:n])
			released += int64(n)
			p.arrived.Store(released)
			select {
			case p.notify <- struct{}{}:
			default:
			}
		}
		if err == io.EOF {
			p.finish(nil)
			return
		}
		if err != nil {
			p.finish(err)
			return
		}
	}
}

// SampleRate implements audio.Source.
func (p *paced) SampleRate() audio.Rate { return p.rate }

// Read implements audio.Source like device.Capture's: it waits for at
// least one sample and returns what has arrived, up to len(p).
func (p *paced) Read(buf []float32) (int, error) {
	if len(buf) == 0 {
		return 0, nil
	}
	for {
		if n := p.ring.Read(buf); n > 0 {
			return n, nil
		}
		select {
		case <-p.notify:
		case <-p.done:
			if n := p.ring.Read(buf); n > 0 {
				return n, nil
			}
			if p.err != nil {
				return 0, p.err
			}
			return 0, io.EOF
		}
	}
}

// stop ends the playback: what was released can still be read. A
// producer blocked reading a pipe is left to the process's exit.
func (p *paced) stop() {
	p.quitter.Do(func() { close(p.quit) })
	p.finish(nil)
}

// openInput opens what the options name: a recording (paced or not), raw
// audio on stdin, or a capture device.
func openInput(o options, stdin io.Reader) (*input, error) {
	if o.input == "" {
		return openMic(o.device, o.buffer)
	}
	src, closeSrc, err := openFile(o.input, o.sampleRate, stdin)
	if err != nil {
		return nil, err
	}
	name := o.input
	if name == "-" {
		name = "standard input"
	}
	if src.SampleRate() <= 0 {
		closeSrc()
		return nil, errors.New(name + ": no sample rate")
	}
	if o.noPace {
		return &input{src: src, stop: func() {}, close: closeSrc, name: name,
			dropped: func() (uint64, uint64) { return 0, 0 }}, nil
	}
	p := newPaced(src, o.buffer)
	closePaced := func() error {
		p.stop()
		if o.input != "-" {
			// The producer may be inside the decoder's Read; a file read
			// returns promptly, a pipe might never.
			<-p.exited
		}
		return closeSrc()
	}
	return &input{
		src:     p,
		clock:   func() time.Duration { return p.rate.Duration(p.arrived.Load()) },
		dropped: func() (uint64, uint64) { return p.ring.Overruns(), p.ring.Dropped() },
		stop:    p.stop,
		close:   closePaced,
		name:    name + " (paced at real time)",
	}, nil
}
