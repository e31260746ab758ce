package server

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"mime"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/mewkiz/flac"
	"github.com/mewkiz/flac/frame"
	"github.com/mewkiz/flac/meta"

	"github.com/mynah-speech/mynah/audio"
)

// SpeechRequest is a validated /v1/audio/speech request.
type SpeechRequest struct {
	// Model as the client sent it (an OpenAI name or the synthesiser's).
	Model string `json:"model"`
	// Input is the text to speak, at most Config.MaxTextChars characters.
	Input string `json:"input"`
	// Voice is one of the Synthesizer's Voices (OpenAI's stock voice names
	// select the default voice).
	Voice string `json:"voice"`
	// ResponseFormat is wav (the default here), pcm or flac.
	ResponseFormat string `json:"response_format"`
	// Speed is the speaking rate, 0.25 to 4; 1 is normal.
	Speed float64 `json:"speed"`
	// Instructions are style hints; a synthesiser may ignore them.
	Instructions string `json:"instructions,omitempty"`
}

// Synthesizer speaks text for /v1/audio/speech. The server validates the
// request, queues it like any job, and streams what Synthesize emits to the
// client as it comes.
type Synthesizer interface {
	// Name is the model id listed by /v1/models.
	Name() string
	// Voices lists the voice names; the first is the default.
	Voices() []string
	// SampleRate is the rate of the audio Synthesize emits.
	SampleRate() audio.Rate
	// Synthesize speaks req.Input, calling emit with each piece of audio
	// (mono, in [-1, 1]) as soon as it is ready — a sentence, say — so the
	// first bytes reach the client before the whole text is spoken. It
	// stops with emit's error, or when ctx ends (the client left).
	Synthesize(ctx context.Context, req SpeechRequest, emit func(samples []float32) error) error
}

// openAIVoices are the stock voice names of the OpenAI API; they select the
// synthesiser's default voice, so drop-in clients work unchanged.
var openAIVoices = []string{"alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse"}

// speechBodySlack is the room a speech request's JSON needs besides its
// input text (other fields, escapes).
const speechBodySlack = 64 << 10

// parseSpeechRequest reads and validates a speech request's JSON body.
func (s *Server) parseSpeechRequest(r *http.Request, w http.ResponseWriter) (SpeechRequest, *apiError) {
	var req SpeechRequest
	if ct := r.Header.Get("Content-Type"); ct != "" {
		if mt, _, err := mime.ParseMediaType(ct); err != nil || mt != "application/json" {
			return req, newError(http.StatusUnsupportedMediaType, typeInvalidRequest, "invalid_content_type", "",
				"the body must be JSON (Content-Type: application/json), got %q", ct)
		}
	}
	// A JSON string escapes a character in at most 12 bytes (a surrogate
	// pair of \uXXXX), so this bounds the body without cutting valid input.
	limit := int64(s.cfg.MaxTextChars)*12 + speechBodySlack
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, limit))
	if err := dec.Decode(&req); err != nil {
		var maxErr *http.MaxBytesError
		if errors.As(err, &maxErr) {
			return req, newError(http.StatusRequestEntityTooLarge, typeInvalidRequest, "body_too_large", "",
				"the request body is larger than %s", byteSize(limit))
		}
		return req, badRequest("", "invalid_json", "the body is not a valid JSON speech request: %v", err)
	}
	if dec.More() {
		return req, badRequest("", "invalid_json", "the body holds more than one JSON value")
	}
	return req, s.validateSpeech(&req)
}

// validateSpeech checks a speech request's fields and fills the defaults.
func (s *Server) validateSpeech(req *SpeechRequest) *apiError {
	if !s.knownModel(req.Model) {
		return badRequest("model", "model_not_found", "model %q is not served here", req.Model)
	}
	if strings.TrimSpace(req.Input) == "" {
		return badRequest("input", "missing_input", "input is empty: give the text to speak")
	}
	if !utf8.ValidString(req.Input) {
		return badRequest("input", "invalid_value", "input is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(req.Input); n > s.cfg.MaxTextChars {
		return badRequest("input", "string_above_max_length",
			"input is %d characters long; the limit is %d (send longer text in pieces)", n, s.cfg.MaxTextChars)
	}
	if req.Voice == "" {
		return badRequest("voice", "missing_voice", "voice is required")
	}
	switch req.ResponseFormat {
	case "":
		req.ResponseFormat = "wav"
	case "wav", "pcm", "flac":
	case "mp3", "opus", "aac":
		return badRequest("response_format", "unsupported_response_format",
			"response_format %q is not supported here: use wav, pcm or flac", req.ResponseFormat)
	default:
		return badRequest("response_format", "invalid_response_format",
			"response_format %q: want wav, pcm or flac", req.ResponseFormat)
	}
	if req.Speed == 0 {
		req.Speed = 1
	}
	if math.IsNaN(req.Speed) || req.Speed < 0.25 || req.Speed > 4 {
		return badRequest("speed", "invalid_value", "speed %g: want 0.25 to 4", req.Speed)
	}
	if len(req.Instructions) > maxFieldBytes {
		return badRequest("instructions", "string_above_max_length", "instructions longer than %d bytes", maxFieldBytes)
	}
	return nil
}

// resolveVoice maps the request's voice to one of the synthesiser's.
func resolveVoice(syn Synthesizer, voice string) (string, bool) {
	voices := syn.Voices()
	for _, v := range voices {
		if strings.EqualFold(v, voice) {
			return v, true
		}
	}
	for _, v := range openAIVoices {
		if strings.EqualFold(v, voice) && len(voices) > 0 {
			return voices[0], true
		}
	}
	return "", false
}

func (s *Server) handleSpeech(w http.ResponseWriter, r *http.Request) *apiError {
	req, apiErr := s.parseSpeechRequest(r, w)
	if apiErr != nil {
		return apiErr
	}
	syn := s.cfg.Synthesizer
	if syn == nil {
		return newError(http.StatusNotImplemented, typeServer, "tts_unavailable", "",
			"text to speech is not available in this build yet: mynah's tts package does not exist yet")
	}
	voice, ok := resolveVoice(syn, req.Voice)
	if !ok {
		return badRequest("voice", "invalid_voice", "voice %q: want one of %s", req.Voice, strings.Join(syn.Voices(), ", "))
	}
	req.Voice = voice
	release, ok := s.pool.admit()
	if !ok {
		return s.busy()
	}
	defer release()
	ctx, cancel := s.jobContext(r.Context())
	defer cancel()

	out := &speechStream{w: w, rc: http.NewResponseController(w), format: req.ResponseFormat, rate: syn.SampleRate()}
	var synErr error
	if err := s.pool.run(ctx, func() {
		synErr = synthesizeSafely(ctx, syn, req, out.emit)
		if synErr == nil {
			synErr = out.finish()
		}
	}); err != nil {
		return s.contextError(r.Context(), ctx)
	}
	s.metrics.audioSeconds.WithLabelValues("speech").Add(float64(out.samples) / float64(syn.SampleRate()))
	switch {
	case synErr == nil:
		return nil
	case ctx.Err() != nil:
		return s.contextError(r.Context(), ctx)
	default:
		// When the audio has started, the endpoint wrapper cuts the
		// connection instead, so the client sees the stream is incomplete.
		return newError(http.StatusInternalServerError, typeServer, "synthesis_failed", "", "synthesis failed: %v", synErr)
	}
}

func synthesizeSafely(ctx context.Context, syn Synthesizer, req SpeechRequest, emit func([]float32) error) (err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	return syn.Synthesize(ctx, req, emit)
}

// speechStream writes synthesised audio to the client as it comes: the
// headers and the container's header on the first piece, then each piece,
// flushed, so it leaves at once (chunked transfer encoding).
type speechStream struct {
	w       http.ResponseWriter
	rc      *http.ResponseController
	format  string
	rate    audio.Rate
	started bool
	samples int64
	enc     sampleEncoder
}

// sampleEncoder encodes samples into one of the response formats.
type sampleEncoder interface {
	write(samples []float32) error
	close() error
}

var speechContentTypes = map[string]string{"wav": "audio/wav", "pcm": "audio/pcm", "flac": "audio/flac"}

func (o *speechStream) start() error {
	o.started = true
	h := o.w.Header()
	h.Set("Content-Type", speechContentTypes[o.format])
	h.Set("X-Sample-Rate", fmt.Sprint(int(o.rate)))
	o.w.WriteHeader(http.StatusOK)
	var err error
	switch o.format {
	case "wav":
		o.enc, err = newWAVStream(o.w, o.rate)
	case "flac":
		o.enc, err = newFLACStream(o.w, o.rate)
	default:
		o.enc = pcmStream{o.w}
	}
	return err
}

func (o *speechStream) emit(samples []float32) error {
	if len(samples) == 0 {
		return nil
	}
	if !o.started {
		if err := o.start(); err != nil {
			return err
		}
	}
	o.samples += int64(len(samples))
	if err := o.enc.write(samples); err != nil {
		return err
	}
	return o.rc.Flush()
}

func (o *speechStream) finish() error {
	if !o.started {
		if err := o.start(); err != nil { // no audio at all: an empty but valid file
			return err
		}
	}
	if err := o.enc.close(); err != nil {
		return err
	}
	return o.rc.Flush()
}

// wavStream is a WAV file with its sizes left unknown (0xFFFFFFFF), which
// decoders read as "to the end of the stream".
type wavStream struct{ ww *audio.WAVWriter }

func newWAVStream(w io.Writer, rate audio.Rate) (sampleEncoder, error) {
	ww, err := audio.NewWAVWriter(w, rate, audio.PCM16)
	return wavStream{ww}, err
}

func (s wavStream) write(samples []float32) error { return s.ww.Write(samples) }
func (s wavStream) close() error                  { return s.ww.Close() }

// pcmStream is raw signed 16-bit little-endian mono PCM, as OpenAI's pcm
// format (at the synthesiser's rate, given in X-Sample-Rate).
type pcmStream struct{ w io.Writer }

func (s pcmStream) write(samples []float32) error {
	_, err := s.w.Write(appendS16(nil, samples))
	return err
}
func (s pcmStream) close() error { return nil }

// appendS16 appends samples as s16le, rounded and clipped.
func appendS16(dst []byte, samples []float32) []byte {
	for _, x := range samples {
		dst = binary.LittleEndian.AppendUint16(dst, uint16(toS16(x)))
	}
	return dst
}

func toS16(x float32) int16 {
	v := math.Round(float64(x) * 32767)
	if v != v {
		return 0
	}
	return int16(max(-32768, min(32767, v)))
}

// flacBlock is the FLAC block size: 4096 samples, libFLAC's default.
const flacBlock = 4096

// flacStream is a FLAC stream (RFC 9639) whose STREAMINFO leaves the total
// sample count and MD5 unknown (zero), as a live encoder must: the frames
// are written as whole blocks fill, the last one shorter.
type flacStream struct {
	enc     *flac.Encoder
	pending []int32
}

func newFLACStream(w io.Writer, rate audio.Rate) (sampleEncoder, error) {
	info := &meta.StreamInfo{
		BlockSizeMin:  flacBlock,
		BlockSizeMax:  flacBlock,
		SampleRate:    uint32(rate),
		NChannels:     1,
		BitsPerSample: 16,
	}
	enc, err := flac.NewEncoder(w, info)
	if err != nil {
		return nil, fmt.Errorf("flac: %w", err)
	}
	return &flacStream{enc: enc}, nil
}

func (s *flacStream) write(samples []float32) error {
	for _, x := range samples {
		s.pending = append(s.pending, int32(toS16(x)))
	}
	for len(s.pending) >= flacBlock {
		if err := s.frame(s.pending[:flacBlock]); err != nil {
			return err
		}
		s.pending = append(s.pending[:0], s.pending[flacBlock:]...)
	}
	return nil
}

func (s *flacStream) frame(block []int32) error {
	f := &frame.Frame{
		Header: frame.Header{
			HasFixedBlockSize: true,
			BlockSize:         uint16(len(block)),
			SampleRate:        s.enc.Info.SampleRate,
			Channels:          frame.ChannelsMono,
			BitsPerSample:     16,
		},
		Subframes: []*frame.Subframe{{
			SubHeader: frame.SubHeader{Pred: frame.PredVerbatim},
			Samples:   append([]int32(nil), block...),
			NSamples:  len(block),
		}},
	}
	if err := s.enc.WriteFrame(f); err != nil {
		return fmt.Errorf("flac: %w", err)
	}
	return nil
}

func (s *flacStream) close() error {
	if len(s.pending) > 0 {
		if err := s.frame(s.pending); err != nil {
			return err
		}
		s.pending = s.pending[:0]
	}
	return nil
}
