package server

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"github.com/coder/websocket"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
	"github.com/mynah-speech/mynah/vad"
)

// Event is one JSON message of /v1/listen: mynah.LiveEvent, the type
// `livemic --format json` writes too, so both speak one schema. Times are
// seconds of audio from the start of the session. A final's Reason is
// "endpoint" (a pause), "maxlen" (the utterance reached the longest
// segment), "eof" (the client ended the stream) or "shutdown" (the server
// is draining).
type Event = mynah.LiveEvent

// errorEvent is the message sent before a session is closed for an error,
// with the HTTP endpoints' error object.
type errorEvent struct {
	Type  string    `json:"type"` // "error"
	Error *apiError `json:"error"`
}

// Live session limits.
const (
	listenRate        = 16000   // the rate the recognizer and VAD run at
	maxListenMessage  = 1 << 20 // bytes in one WebSocket message (32 s of 16 kHz s16le)
	listenMaxSegment  = 20 * time.Second
	listenWriteTimout = 10 * time.Second
	listenKeepSeconds = 1 // audio kept before speech for a partial's context
	minListenRate     = 8000
	maxListenRate     = 192000
)

// listenParams are the query parameters of /v1/listen.
type listenParams struct {
	rate     int
	partials bool
}

func parseListenQuery(q url.Values) (listenParams, *apiError) {
	p := listenParams{rate: listenRate, partials: true}
	for _, name := range []string{"rate", "sample_rate"} {
		if v := q.Get(name); v != "" {
			r, err := strconv.Atoi(v)
			if err != nil || r < minListenRate || r > maxListenRate {
				return p, badRequest(name, "invalid_value", "%s %q: want the sample rate of the s16le frames, %d to %d Hz",
					name, v, minListenRate, maxListenRate)
			}
			p.rate = r
		}
	}
	if v := q.Get("partials"); v != "" {
		on, err := strconv.ParseBool(v)
		if err != nil {
			return p, badRequest("partials", "invalid_value", "partials %q: want true or false", v)
		}
		p.partials = on
	}
	return p, nil
}

func (s *Server) handleListen(w http.ResponseWriter, r *http.Request) *apiError {
	params, apiErr := parseListenQuery(r.URL.Query())
	if apiErr != nil {
		return apiErr
	}
	select {
	case s.streamSlots <- struct{}{}:
		defer func() { <-s.streamSlots }()
	default:
		e := newError(http.StatusTooManyRequests, typeRateLimit, "too_many_streams", "",
			"the server has %d live sessions open, its limit; retry later", cap(s.streamSlots))
		e.retryAfter = 5
		return e
	}
	if !s.startStream() {
		e := newError(http.StatusServiceUnavailable, typeServer, "shutting_down", "", "the server is shutting down")
		e.retryAfter = 1
		return e
	}
	defer s.streams.Done()
	// A session outlives the HTTP server's read and write timeouts; it has
	// its own idle and write timeouts instead.
	rc := http.NewResponseController(w)
	rc.SetReadDeadline(time.Time{})
	rc.SetWriteDeadline(time.Time{})
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{OriginPatterns: s.cfg.OriginPatterns})
	if err != nil {
		return nil // Accept has answered (400 bad handshake, 403 origin)
	}
	defer conn.CloseNow()
	conn.SetReadLimit(maxListenMessage)
	s.metrics.streams.Inc()
	defer s.metrics.streams.Dec()

	partialEvery := 0
	if params.partials && s.cfg.PartialInterval > 0 {
		partialEvery = int(s.cfg.PartialInterval.Seconds() * listenRate)
	}
	sess := &listenSession{
		conn:         conn,
		rec:          s.recs.base,
		pool:         s.pool,
		rate:         params.rate,
		idle:         s.cfg.StreamIdleTimeout,
		partialEvery: partialEvery,
		draining:     s.draining,
		onAudio:      func(sec float64) { s.metrics.audioSeconds.WithLabelValues("listen").Add(sec) },
	}
	sess.run(s.base)
	return nil
}

// startStream counts a live session in, unless the server is draining.
func (s *Server) startStream() bool {
	s.streamsMu.Lock()
	defer s.streamsMu.Unlock()
	select {
	case <-s.draining:
		return false
	default:
		s.streams.Add(1)
		return true
	}
}

// listenSession is one /v1/listen WebSocket: a reader goroutine turns the
// client's messages into samples, and the session's own goroutine resamples
// them to 16 kHz, cuts utterances with the VAD, recognises each finished one
// with Recognizer.Transcribe and sends the events.
//
// Until a streaming acoustic model exists, partials re-recognise the
// utterance so far every partialEvery samples, when a worker is free.
type listenSession struct {
	conn         *websocket.Conn
	rec          transcriber
	pool         *pool
	rate         int
	idle         time.Duration
	partialEvery int // samples at 16 kHz between partials; 0: none
	draining     <-chan struct{}
	onAudio      func(seconds float64)

	ctx    context.Context
	cancel context.CancelFunc

	// The processing state, owned by the session goroutine.
	heard        int64     // samples at 16 kHz heard so far
	pending      []float32 // audio from pendingStart to heard
	pendingStart int64
	speechStart  int64 // where the open utterance's speech began, -1 when none
	lastPartial  int64
	partialText  string
	det          *vad.EnergyDetector
	seg          *vad.Segmenter
	events       []vad.Event
	chunks       []vad.Chunk
	closeOnce    sync.Once
}

// run serves the session until the client ends it, it fails, or ctx ends.
func (ls *listenSession) run(parent context.Context) {
	ls.ctx, ls.cancel = context.WithCancel(parent)
	defer ls.cancel()
	cfg := vad.DefaultEnergyConfig()
	cfg.SampleRate = listenRate
	var err error
	if ls.det, err = vad.NewEnergyDetector(cfg); err == nil {
		ls.seg, err = vad.NewSegmenter(cfg, int(listenMaxSegment/time.Millisecond))
	}
	if err != nil {
		ls.fail(websocket.StatusInternalError, newError(http.StatusInternalServerError, typeServer, "vad_failed", "", "vad: %v", err))
		return
	}
	ls.speechStart = -1

	frames := make(chan []float32, 8)
	readerDone := make(chan struct{})
	go func() {
		defer close(readerDone)
		ls.read(frames)
	}()
	defer func() {
		ls.cancel()
		ls.conn.CloseNow()
		<-readerDone
	}()

	src := &frameSource{frames: frames, rate: audio.Rate(ls.rate), ctx: ls.ctx, draining: ls.draining}
	var in audio.Source = src
	if ls.rate != listenRate {
		in = audio.Resample(src, listenRate)
	}
	buf := make([]float32, listenRate/10)
	var readErr error
	for {
		n, err := in.Read(buf)
		if n > 0 {
			ls.onAudio(float64(n) / listenRate)
			if !ls.push(buf[:n]) {
				return
			}
		}
		if err != nil {
			readErr = err
			break
		}
	}
	if readErr != io.EOF {
		return // the client left, failed or stalled: its reader has said so
	}
	reason, status := mynah.ReasonEOF, websocket.StatusNormalClosure
	if src.drained {
		reason, status = mynah.ReasonShutdown, websocket.StatusGoingAway
	}
	for _, c := range ls.seg.Flush(ls.chunks[:0]) {
		if !ls.final(c, reason) {
			return
		}
	}
	ls.closeOnce.Do(func() { ls.conn.Close(status, "") })
}

// read turns the client's messages into samples on frames, which it closes
// when the stream ends: at an {"type": "eof"} message, an error, or when
// the client sends nothing for the idle timeout.
func (ls *listenSession) read(frames chan<- []float32) {
	defer close(frames)
	var dec s16Decoder
	stall := time.AfterFunc(ls.idle, func() {
		ls.fail(websocket.StatusPolicyViolation, newError(http.StatusRequestTimeout, typeInvalidRequest, "idle_timeout", "",
			"no audio for %s: the session is closed", ls.idle))
	})
	defer stall.Stop()
	for {
		typ, data, err := ls.conn.Read(ls.ctx)
		if err != nil {
			// The client is gone or broke the protocol (the library has
			// closed the connection with the matching status, 1009 for a
			// message over the read limit): stop its work.
			ls.cancel()
			return
		}
		stall.Stop()
		if typ == websocket.MessageText {
			ctl, err := parseControl(data)
			if err != nil {
				ls.fail(websocket.StatusUnsupportedData, badRequest("", "invalid_message", "%v", err))
				ls.cancel()
				return
			}
			if ctl.eof {
				return
			}
			stall.Reset(ls.idle)
			continue
		}
		samples := dec.decode(nil, data)
		if len(samples) > 0 {
			select {
			case frames <- samples:
			case <-ls.ctx.Done():
				return
			}
		}
		stall.Reset(ls.idle)
	}
}

// push takes new 16 kHz audio: it feeds the VAD, sends a final for each
// utterance it ends and a partial when one is due. It reports false when
// the session should end.
func (ls *listenSession) push(samples []float32) bool {
	ls.heard += int64(len(samples))
	ls.pending = append(ls.pending, samples...)
	ls.events = ls.det.Push(samples, ls.events[:0])
	for _, ev := range ls.events {
		if ev.Kind == vad.SpeechStart && ls.speechStart < 0 {
			ls.speechStart = ev.Sample
		}
	}
	ls.chunks = ls.seg.Push(samples, ls.chunks[:0])
	for _, c := range ls.chunks {
		reason := mynah.ReasonEndpoint
		if ls.det.InSpeech() {
			reason = mynah.ReasonMaxLen
		}
		if !ls.final(c, reason) {
			return false
		}
		ls.trim(c.End)
	}
	if !ls.det.InSpeech() {
		ls.speechStart = -1
		ls.trim(ls.heard - listenKeepSeconds*listenRate)
		return true
	}
	if ls.partialEvery > 0 && ls.heard-ls.lastPartial >= int64(ls.partialEvery) {
		ls.lastPartial = ls.heard
		ls.partial()
	}
	return ls.ctx.Err() == nil
}

// trim drops pending audio before sample at.
func (ls *listenSession) trim(at int64) {
	if at <= ls.pendingStart {
		return
	}
	drop := min(int(at-ls.pendingStart), len(ls.pending))
	ls.pending = append(ls.pending[:0], ls.pending[drop:]...)
	ls.pendingStart += int64(drop)
}

// partial recognises the open utterance if a worker is free now; a busy
// server skips partials rather than queue them.
func (ls *listenSession) partial() {
	from := max(ls.pendingStart, ls.speechStart-listenRate/10)
	audioSoFar := ls.pending[from-ls.pendingStart:]
	var tr mynah.Transcript
	var err error
	if !ls.pool.tryRun(func() { tr, err = transcribeSafely(ls.ctx, ls.rec, &sliceSource{samples: audioSoFar}) }) || err != nil {
		return
	}
	ev := ls.event(mynah.LivePartial, tr, from)
	if ev.Text == "" || ev.Text == ls.partialText {
		return
	}
	ls.partialText = ev.Text
	ls.send(ev)
}

// final recognises a finished utterance and sends it; an utterance with no
// words sends nothing. It reports false when the session should end.
func (ls *listenSession) final(c vad.Chunk, reason string) bool {
	var tr mynah.Transcript
	var err error
	if runErr := ls.pool.run(ls.ctx, func() { tr, err = transcribeSafely(ls.ctx, ls.rec, &sliceSource{samples: c.Samples}) }); runErr != nil {
		return false
	}
	ls.partialText = ""
	if err != nil {
		if ls.ctx.Err() == nil {
			ls.fail(websocket.StatusInternalError, newError(http.StatusInternalServerError, typeServer, "recognition_failed", "",
				"recognition failed: %v", err))
		}
		return false
	}
	ev := ls.event(mynah.LiveFinal, tr, c.Start)
	if ev.Text == "" {
		return true
	}
	ev.Reason = reason
	return ls.send(ev)
}

// event makes an event of a transcript of audio that began at sample
// offset, with times counted from the start of the session.
func (ls *listenSession) event(typ string, tr mynah.Transcript, offset int64) Event {
	base := float64(offset) / listenRate
	words := make([]mynah.Word, len(tr.Words))
	for i, w := range tr.Words {
		w.Start, w.End = round3(base+w.Start), round3(base+w.End)
		words[i] = w
	}
	ev := mynah.NewLiveEvent(typ, words, round3(float64(ls.heard)/listenRate))
	ev.Text = transcriptText(tr)
	if len(words) == 0 && len(tr.Segments) > 0 {
		ev.Start, ev.End = round3(base+tr.Segments[0].Start), round3(base+tr.Segments[len(tr.Segments)-1].End)
	}
	return ev
}

func round3(x float64) float64 { return float64(int64(x*1000+0.5)) / 1000 }

// send writes one JSON message; a client that does not read it in time
// ends the session.
func (ls *listenSession) send(v any) bool {
	data, err := json.Marshal(v)
	if err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ls.ctx, listenWriteTimout)
	defer cancel()
	if err := ls.conn.Write(ctx, websocket.MessageText, data); err != nil {
		ls.cancel()
		return false
	}
	return true
}

// fail sends an error event and closes the session with code.
func (ls *listenSession) fail(code websocket.StatusCode, e *apiError) {
	ls.closeOnce.Do(func() {
		ls.send(errorEvent{Type: "error", Error: e})
		ls.conn.Close(code, shortReason(e.Message))
		ls.cancel()
	})
}

// shortReason fits a close reason into the 123 bytes a close frame allows.
func shortReason(s string) string {
	if len(s) <= 120 {
		return s
	}
	return s[:120]
}

// control is a text message of the client's.
type control struct {
	eof bool
}

// parseControl reads a text message: {"type": "eof"}, or Vosk's {"eof": 1},
// ends the stream; {"type": "keepalive"} only resets the idle timer.
func parseControl(data []byte) (control, error) {
	var msg struct {
		Type string          `json:"type"`
		EOF  json.RawMessage `json:"eof"`
	}
	if err := json.Unmarshal(data, &msg); err != nil {
		return control{}, fmt.Errorf("text messages are JSON controls such as {\"type\": \"eof\"}; audio goes in binary messages as s16le: %v", err)
	}
	switch {
	case msg.Type == "eof":
		return control{eof: true}, nil
	case msg.Type == "keepalive":
		return control{}, nil
	case msg.Type == "" && len(msg.EOF) > 0:
		switch string(msg.EOF) {
		case "1", "true":
			return control{eof: true}, nil
		}
	}
	return control{}, fmt.Errorf("unknown control message %.60q: want {\"type\": \"eof\"} or {\"type\": \"keepalive\"}", data)
}

// s16Decoder turns binary messages of signed 16-bit little-endian mono PCM
// into samples. A message may end inside a sample: the odd byte waits for
// the next message.
type s16Decoder struct {
	carry    byte
	hasCarry bool
}

func (d *s16Decoder) decode(dst []float32, data []byte) []float32 {
	if d.hasCarry && len(data) > 0 {
		dst = append(dst, float32(int16(uint16(d.carry)|uint16(data[0])<<8))/32768)
		data = data[1:]
		d.hasCarry = false
	}
	for len(data) >= 2 {
		dst = append(dst, float32(int16(binary.LittleEndian.Uint16(data)))/32768)
		data = data[2:]
	}
	if len(data) == 1 {
		d.carry, d.hasCarry = data[0], true
	}
	return dst
}

// frameSource is the audio.Source of a session's frames: Read blocks until
// the reader has samples, and ends with io.EOF when the stream ends or the
// server drains.
type frameSource struct {
	frames   <-chan []float32
	rate     audio.Rate
	ctx      context.Context
	draining <-chan struct{}
	drained  bool
	rest     []float32
}

func (f *frameSource) SampleRate() audio.Rate { return f.rate }

func (f *frameSource) Read(p []float32) (int, error) {
	for len(f.rest) == 0 {
		select {
		case frame, ok := <-f.frames:
			if !ok {
				return 0, io.EOF
			}
			f.rest = frame
		case <-f.draining:
			f.drained = true
			return 0, io.EOF
		case <-f.ctx.Done():
			return 0, f.ctx.Err()
		}
	}
	n := copy(p, f.rest)
	f.rest = f.rest[n:]
	return n, nil
}

// sliceSource is an audio.Source over samples at 16 kHz.
type sliceSource struct{ samples []float32 }

func (s *sliceSource) SampleRate() audio.Rate { return listenRate }

func (s *sliceSource) Read(p []float32) (int, error) {
	if len(s.samples) == 0 {
		return 0, io.EOF
	}
	n := copy(p, s.samples)
	s.samples = s.samples[n:]
	return n, nil
}
