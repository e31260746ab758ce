package vad

import (
	"fmt"
	"math"
)

// Span is a stretch of audio in samples, [Start, End), counted from the
// first pushed sample.
type Span struct {
	Start, End int64
}

// Chunk is one speech segment ready for recognition.
type Chunk struct {
	Span
	// Samples is the segment's audio (owned by the caller).
	Samples []float32
}

// Segmenter cuts a stream into speech segments of at most a maximum
// length, in pauses found by a Detector. Over-long speech is split at its
// quietest point (smoothed frame energy) in the second half of the allowed
// length, which falls between words rather than inside one. It keeps only
// the audio of the segment in progress, so memory stays bounded on
// recordings of any length. Not safe for concurrent use.
type Segmenter struct {
	det       Detector
	maxFrames int
	padFrames int
	frameLen  int64

	buf      []float32 // audio from bufStart on
	energy   []float64 // per whole frame of buf, dB
	bufStart int64
	pushed   int64
	segStart int64 // start of the open segment, or -1
	lastEnd  int64 // end of the last emitted segment: segments never overlap
	events   []Event
}

// SegmentConfig bounds the segments a Segmenter cuts.
type SegmentConfig struct {
	// MaxMs bounds every segment's length.
	MaxMs int `json:"max_ms"`
	// PadMs widens each segment on both sides (within the audio).
	PadMs int `json:"pad_ms"`
	// FrameMs is the energy frame in which cut points are searched; 0
	// means 10 ms.
	FrameMs int `json:"frame_ms"`
}

// NewSegmenter returns a segmenter over an EnergyDetector of cfg, padded
// by cfg.PadMs; maxMs bounds every segment's length.
func NewSegmenter(cfg EnergyConfig, maxMs int) (*Segmenter, error) {
	det, err := NewEnergyDetector(cfg)
	if err != nil {
		return nil, err
	}
	cfg = det.cfg
	return NewSegmenterFor(det, SegmentConfig{MaxMs: maxMs, PadMs: cfg.PadMs, FrameMs: cfg.FrameMs})
}

// NewSegmenterFor returns a segmenter that finds pauses with det (an
// EnergyDetector or a LearnedDetector, fresh) and cuts as cfg says.
func NewSegmenterFor(det Detector, cfg SegmentConfig) (*Segmenter, error) {
	if cfg.FrameMs == 0 {
		cfg.FrameMs = 10
	}
	rate := det.SampleRate()
	switch {
	case cfg.FrameMs < 1 || cfg.FrameMs > 100:
		return nil, fmt.Errorf("vad: segment frame %d ms outside 1..100", cfg.FrameMs)
	case cfg.MaxMs < 4*cfg.FrameMs || cfg.MaxMs > 3600_000:
		return nil, fmt.Errorf("vad: maximum segment %d ms outside %d..3600000", cfg.MaxMs, 4*cfg.FrameMs)
	case cfg.PadMs < 0 || cfg.PadMs > 10_000:
		return nil, fmt.Errorf("vad: segment padding %d ms outside 0..10000", cfg.PadMs)
	case rate*cfg.FrameMs < 1000:
		return nil, fmt.Errorf("vad: %d ms frames at %d Hz are empty", cfg.FrameMs, rate)
	}
	return &Segmenter{
		det:       det,
		maxFrames: cfg.MaxMs / cfg.FrameMs,
		padFrames: cfg.PadMs / cfg.FrameMs,
		frameLen:  int64(rate * cfg.FrameMs / 1000),
		segStart:  -1,
	}, nil
}

// Push feeds samples and appends finished segments to out.
func (s *Segmenter) Push(samples []float32, out []Chunk) []Chunk {
	s.buf = append(s.buf, samples...)
	s.pushed += int64(len(samples))
	for n := int64(len(s.energy)+1) * s.frameLen; n <= int64(len(s.buf)); n += s.frameLen {
		s.energy = append(s.energy, frameDB(s.buf[n-s.frameLen:n]))
	}
	s.events = s.det.Push(samples, s.events[:0])
	// One push may carry several events and more than the maximum
	// length of audio: each segment is split only up to its own end.
	for _, ev := range s.events {
		switch ev.Kind {
		case SpeechStart:
			if s.segStart < 0 {
				s.segStart = max(s.bufStart, s.lastEnd, ev.Sample-int64(s.padFrames)*s.frameLen)
			}
		case SpeechEnd:
			end := min(s.pushed, ev.Sample+int64(s.padFrames)*s.frameLen)
			out = s.splitLong(end, out)
			out = s.emit(end, out)
			s.segStart = -1
		}
	}
	out = s.splitLong(s.pushed, out)
	s.trim()
	return out
}

// Flush ends the stream and returns the last segment, if any.
func (s *Segmenter) Flush(out []Chunk) []Chunk {
	for _, ev := range s.det.Flush(nil) {
		if ev.Kind == SpeechEnd && s.segStart >= 0 {
			out = s.splitLong(s.pushed, out)
			out = s.emit(s.pushed, out)
			s.segStart = -1
		}
	}
	return out
}

// splitLong cuts the open segment, which runs at least to upTo, while it
// is longer than the maximum.
func (s *Segmenter) splitLong(upTo int64, out []Chunk) []Chunk {
	maxLen := int64(s.maxFrames) * s.frameLen
	for s.segStart >= 0 && upTo-s.segStart > maxLen {
		if to := s.segStart + maxLen; (to-s.bufStart)/s.frameLen > int64(len(s.energy)) {
			break // the window's last frame is incomplete: wait for more audio
		}
		cut := s.quietestCut(s.segStart+maxLen/2, s.segStart+maxLen)
		out = s.emit(cut, out)
		s.segStart = cut
	}
	return out
}

// quietestCut returns the frame boundary in [from, to) where a cut is
// least likely to split a word, in two passes. First the quietest stretch:
// the frame whose centred 210 ms mean level (dB) is lowest, since a pause
// between utterances outlasts the dips inside words, and with loud,
// changing noise (bells, music) a single quiet frame is as likely to be
// a stop closure as a pause. Then, within that stretch, the frame whose
// 5-frame (50 ms) smoothed level is lowest.
func (s *Segmenter) quietestCut(from, to int64) int64 {
	first := int((from - s.bufStart + s.frameLen - 1) / s.frameLen)
	last := min(int((to-s.bufStart)/s.frameLen), len(s.energy))
	stretch := s.lowestMean(first, last, 10)
	if stretch < 0 {
		return to
	}
	f := s.lowestMean(max(first, stretch-10), min(last, stretch+11), 2)
	best := s.bufStart + int64(f)*s.frameLen
	if best <= s.segStart {
		best = to
	}
	return best
}

// lowestMean returns the frame in [first, last) whose mean level over the
// frames within radius of it (clipped to the buffer) is lowest, or -1.
func (s *Segmenter) lowestMean(first, last, radius int) int {
	best, bestE := -1, math.Inf(1)
	for f := max(first, 0); f < last; f++ {
		var sum float64
		// Only frames before last count, so the choice does not depend
		// on how much audio has arrived beyond the window.
		lo, hi := max(0, f-radius), min(len(s.energy), last)-1
		hi = min(hi, f+radius)
		for k := lo; k <= hi; k++ {
			sum += s.energy[k]
		}
		if e := sum / float64(hi-lo+1); e < bestE {
			best, bestE = f, e
		}
	}
	return best
}

func (s *Segmenter) emit(end int64, out []Chunk) []Chunk {
	if s.segStart < 0 || end <= s.segStart {
		return out
	}
	from, to := s.segStart-s.bufStart, min(end, s.pushed)-s.bufStart
	samples := make([]float32, to-from)
	copy(samples, s.buf[from:to])
	s.lastEnd = s.segStart + int64(len(samples))
	return append(out, Chunk{Span: Span{Start: s.segStart, End: s.segStart + int64(len(samples))}, Samples: samples})
}

// trim drops audio no open or future segment can need: everything before
// the open segment, or before the padding window when none is open.
func (s *Segmenter) trim() {
	keepFrom := s.segStart
	if keepFrom < 0 {
		keepFrom = s.pushed - int64(s.padFrames)*s.frameLen - int64(s.det.EventDelay())
	}
	// Keep frame alignment between buf and energy.
	keepFrom = s.bufStart + (keepFrom-s.bufStart)/s.frameLen*s.frameLen
	if drop := keepFrom - s.bufStart; drop > 0 && drop <= int64(len(s.buf)) {
		dropFrames := int(drop / s.frameLen)
		dropFrames = min(dropFrames, len(s.energy))
		drop = int64(dropFrames) * s.frameLen
		s.buf = append(s.buf[:0], s.buf[drop:]...)
		s.energy = append(s.energy[:0], s.energy[dropFrames:]...)
		s.bufStart += drop
	}
}

// Segment cuts a whole recording into speech segments of at most maxMs,
// with an EnergyDetector of cfg.
func Segment(samples []float32, cfg EnergyConfig, maxMs int) ([]Chunk, error) {
	seg, err := NewSegmenter(cfg, maxMs)
	if err != nil {
		return nil, err
	}
	out := seg.Push(samples, nil)
	return seg.Flush(out), nil
}

// SegmentWith cuts a whole recording into segments with a fresh detector
// (a LearnedDetector from Model.NewDetector, say) as cfg says.
func SegmentWith(samples []float32, det Detector, cfg SegmentConfig) ([]Chunk, error) {
	seg, err := NewSegmenterFor(det, cfg)
	if err != nil {
		return nil, err
	}
	out := seg.Push(samples, nil)
	return seg.Flush(out), nil
}
