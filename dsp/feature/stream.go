package feature

// Stream computes features from audio that arrives in chunks. Push samples
// as they come, Pop the frames that are complete, and Flush at the end of
// the utterance to release the last frames (a centred config's final
// frames reach past the end, into padding that depends on the last
// samples). Whatever the chunking, the frames equal Compute's on the whole
// signal bit for bit.
//
// A Stream shares its Extractor's immutable tables and has its own
// scratch; it is not safe for concurrent use, but several Streams of one
// Extractor may run in different goroutines.
type Stream struct {
	e   *Extractor
	scr frameScratch
	// buf holds the samples [bufStart, bufStart+len(buf)) of the stream.
	buf      []float32
	bufStart int
	received int  // samples pushed so far
	next     int  // index of the next frame to emit
	flushed  bool // no more samples will come; total = received
}

// NewStream starts a stream with fresh scratch buffers.
func (e *Extractor) NewStream() *Stream {
	return &Stream{e: e, scr: e.newScratch()}
}

// Reset forgets all samples and frames so the stream can start a new
// utterance; it keeps its buffers.
func (s *Stream) Reset() {
	s.buf = s.buf[:0]
	s.bufStart, s.received, s.next, s.flushed = 0, 0, 0, false
}

// Push appends samples to the stream. Pushing after Flush panics.
func (s *Stream) Push(samples []float32) {
	if s.flushed {
		panic("feature: Stream.Push after Flush")
	}
	s.compact()
	s.buf = append(s.buf, samples...)
	s.received += len(samples)
}

// Flush marks the end of the utterance; Pop then also returns the frames
// that reach past the last sample.
func (s *Stream) Flush() { s.flushed = true }

// ready reports whether frame t can be computed now.
func (s *Stream) ready(t int) bool {
	c := s.e.cfg
	if s.flushed {
		return t < c.NumFrames(s.received)
	}
	start := t*c.HopSamples - c.windowOffset()
	end := start + c.WindowSamples
	// A centred frame near the start reflects samples up to index
	// windowOffset; it must have arrived (and not be past the end).
	need := end
	if c.Center == Reflect && start < 0 {
		need = max(need, -start+1)
	}
	return need <= s.received
}

// Pending returns how many frames Pop could return now.
func (s *Stream) Pending() int {
	n := 0
	for s.ready(s.next + n) {
		n++
	}
	return n
}

// Pop writes as many complete frames as fit in dst (len(dst)/NumMels of
// them) and returns how many it wrote.
func (s *Stream) Pop(dst []float32) int {
	c := s.e.cfg
	n := 0
	off := c.windowOffset()
	total := s.received
	for (n+1)*c.NumMels <= len(dst) && s.ready(s.next) {
		start := s.next*c.HopSamples - off
		gather(s.scr.frame[:c.WindowSamples], s.buf, s.bufStart, total, start, c.Center)
		s.e.frame(&s.scr, dst[n*c.NumMels:(n+1)*c.NumMels])
		s.next++
		n++
	}
	return n
}

// compact drops samples no future frame can read. Reflection at the end of
// the signal reads a little before the last frame's window, so a margin of
// one window is kept; at the start every frame that reflects keeps index 0.
func (s *Stream) compact() {
	c := s.e.cfg
	keepFrom := s.next*c.HopSamples - c.windowOffset() - c.WindowSamples
	if keepFrom <= s.bufStart || keepFrom-s.bufStart < len(s.buf)/2 {
		return // drop only when that frees at least half: amortised O(1)
	}
	drop := keepFrom - s.bufStart
	n := copy(s.buf, s.buf[drop:])
	s.buf = s.buf[:n]
	s.bufStart = keepFrom
}
