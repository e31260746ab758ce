package vad

import (
	"fmt"
	"math"
)

// EnergyConfig tunes the energy detector. Zero fields take the defaults
// of DefaultEnergyConfig.
type EnergyConfig struct {
	// SampleRate of the pushed audio in Hz.
	SampleRate int `json:"sample_rate"`
	// FrameMs is the analysis frame (and hop) length.
	FrameMs int `json:"frame_ms"`
	// ThresholdDB is how far above the noise floor a frame must be to
	// count as speech.
	ThresholdDB float64 `json:"threshold_db"`
	// MinSpeechMs is the shortest run of speech frames that starts speech.
	MinSpeechMs int `json:"min_speech_ms"`
	// MinSilenceMs is the silence that ends speech (the hangover).
	MinSilenceMs int `json:"min_silence_ms"`
	// PadMs widens each reported segment on both sides.
	PadMs int `json:"pad_ms"`
	// FloorDB is the absolute level below which nothing is speech (dBFS).
	FloorDB float64 `json:"floor_db"`
}

// DefaultEnergyConfig suits 16 kHz speech recordings.
func DefaultEnergyConfig() EnergyConfig {
	return EnergyConfig{SampleRate: 16000, FrameMs: 10, ThresholdDB: 9, MinSpeechMs: 60, MinSilenceMs: 300, PadMs: 100, FloorDB: -60}
}

func (c EnergyConfig) withDefaults() EnergyConfig {
	d := DefaultEnergyConfig()
	setDefault(&c.SampleRate, d.SampleRate)
	setDefault(&c.FrameMs, d.FrameMs)
	setDefault(&c.ThresholdDB, d.ThresholdDB)
	setDefault(&c.MinSpeechMs, d.MinSpeechMs)
	setDefault(&c.MinSilenceMs, d.MinSilenceMs)
	setDefault(&c.FloorDB, d.FloorDB)
	return c
}

// Validate reports a config that cannot work.
func (c EnergyConfig) Validate() error {
	c = c.withDefaults()
	switch {
	case c.SampleRate < 1000 || c.SampleRate > 384000:
		return fmt.Errorf("vad: sample rate %d outside 1000..384000", c.SampleRate)
	case c.FrameMs < 1 || c.FrameMs > 100:
		return fmt.Errorf("vad: frame %d ms outside 1..100", c.FrameMs)
	case c.MinSpeechMs < 0 || c.MinSilenceMs < 0 || c.PadMs < 0:
		return fmt.Errorf("vad: negative duration in %+v", c)
	}
	return nil
}

// EventKind says whether speech started or ended.
type EventKind int

// Event kinds.
const (
	SpeechStart EventKind = iota + 1
	SpeechEnd
)

func (k EventKind) String() string {
	switch k {
	case SpeechStart:
		return "speech-start"
	case SpeechEnd:
		return "speech-end"
	}
	return "unknown"
}

// Event is a speech boundary at Sample (counted from the first pushed sample).
type Event struct {
	Kind   EventKind
	Sample int64
}

// EnergyDetector is a streaming energy VAD. It is not safe for concurrent
// use; make one per stream.
type EnergyDetector struct {
	cfg       EnergyConfig
	frameLen  int
	frame     []float32
	filled    int
	frames    int64 // frames completed
	noiseDB   float64
	noiseInit bool
	hys       hysteresis
}

// NewEnergyDetector returns a detector for cfg.
func NewEnergyDetector(cfg EnergyConfig) (*EnergyDetector, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	cfg = cfg.withDefaults()
	frameLen := cfg.SampleRate * cfg.FrameMs / 1000
	return &EnergyDetector{
		cfg:      cfg,
		frameLen: frameLen,
		frame:    make([]float32, frameLen),
		hys:      newHysteresis(int64(frameLen), cfg.MinSpeechMs/cfg.FrameMs, cfg.MinSilenceMs/cfg.FrameMs),
	}, nil
}

// InSpeech reports whether the detector is inside speech now.
func (d *EnergyDetector) InSpeech() bool { return d.hys.inSpeech }

// Push feeds samples and appends any boundary events to events, which it
// returns. Start events point at the first frame of the speech run; end
// events at the first frame of the silence that ended it.
func (d *EnergyDetector) Push(samples []float32, events []Event) []Event {
	for len(samples) > 0 {
		n := copy(d.frame[d.filled:], samples)
		d.filled += n
		samples = samples[n:]
		if d.filled < d.frameLen {
			break
		}
		d.filled = 0
		events = d.step(frameDB(d.frame), events)
	}
	return events
}

// Flush ends the stream: open speech gets its end event.
func (d *EnergyDetector) Flush(events []Event) []Event {
	if ev, ok := d.hys.flush(d.frames * int64(d.frameLen)); ok {
		events = append(events, ev)
	}
	return events
}

// frameDB is the frame's mean-square level in dBFS.
func frameDB(frame []float32) float64 {
	var sum float64
	for _, s := range frame {
		sum += float64(s) * float64(s)
	}
	return 10 * math.Log10(sum/float64(len(frame))+1e-12)
}

func (d *EnergyDetector) step(db float64, events []Event) []Event {
	idx := d.frames
	d.frames++
	// The noise floor follows quiet frames quickly and loud ones slowly:
	// an asymmetric tracker in the spirit of minimum statistics (Martin, 2001).
	if !d.noiseInit {
		d.noiseDB, d.noiseInit = math.Max(db, d.cfg.FloorDB-10), true
	} else if db < d.noiseDB {
		d.noiseDB += 0.3 * (db - d.noiseDB)
	} else {
		d.noiseDB += 0.002 * (db - d.noiseDB)
	}
	speech := db > d.noiseDB+d.cfg.ThresholdDB && db > d.cfg.FloorDB
	if ev, ok := d.hys.step(idx, speech, speech); ok {
		events = append(events, ev)
	}
	return events
}
