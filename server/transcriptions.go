package server

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// transcriptionRequest is a validated /v1/audio/transcriptions request.
type transcriptionRequest struct {
	format   string // json, text, srt, vtt or verbose_json
	hotwords []mynah.Hotword
	words    bool // verbose_json carries words
	segments bool // verbose_json carries segments
	emotion  bool // json and verbose_json carry the emotion object
}

// parseTranscriptionFields validates the form's fields, as the OpenAI API
// defines them.
func (s *Server) parseTranscriptionFields(form *uploadForm) (transcriptionRequest, *apiError) {
	req := transcriptionRequest{format: "json", words: true, segments: true}
	if form.file == nil {
		return req, badRequest("file", "missing_file", "the audio goes in a multipart part named \"file\"")
	}
	if m := form.value("model"); !s.knownModel(m) {
		return req, badRequest("model", "model_not_found",
			"model %q is not served here: use %s (or an OpenAI name such as whisper-1, which means it)", m, s.ModelName())
	}
	if f := form.value("response_format"); f != "" {
		switch f {
		case "json", "text", "srt", "vtt", "verbose_json":
			req.format = f
		default:
			return req, badRequest("response_format", "invalid_response_format",
				"response_format %q: want json, text, srt, vtt or verbose_json", f)
		}
	}
	if lang := form.value("language"); !isEnglish(lang) {
		return req, badRequest("language", "unsupported_language",
			"language %q is not supported: this server transcribes English only (language \"en\")", lang)
	}
	if t := form.value("temperature"); t != "" {
		if v, err := strconv.ParseFloat(t, 64); err != nil || v < 0 || v > 1 {
			return req, badRequest("temperature", "invalid_value", "temperature %q: want a number from 0 to 1", t)
		}
	}
	granularities := append(form.fields["timestamp_granularities[]"], form.fields["timestamp_granularities"]...)
	if len(granularities) > 0 {
		req.words, req.segments = false, false
		for _, g := range granularities {
			switch g {
			case "word":
				req.words = true
			case "segment":
				req.segments = true
			default:
				return req, badRequest("timestamp_granularities[]", "invalid_value",
					"timestamp granularity %q: want word or segment", g)
			}
		}
	}
	if e := form.value("emotion"); e != "" {
		on, err := strconv.ParseBool(e)
		if err != nil {
			return req, badRequest("emotion", "invalid_value", "emotion %q: want true or false", e)
		}
		req.emotion = on
	}
	hotwords, err := parsePrompt(form.value("prompt"))
	if err != nil {
		return req, badRequest("prompt", "invalid_prompt",
			"prompt: %v (the prompt is a comma-separated list of hotwords, each \"phrase[:weight]\")", err)
	}
	req.hotwords = hotwords
	return req, nil
}

// isEnglish accepts "", "en", "english" and regional tags such as "en-GB".
func isEnglish(lang string) bool {
	lang = strings.ToLower(strings.TrimSpace(lang))
	return lang == "" || lang == "en" || lang == "english" || strings.HasPrefix(lang, "en-") || strings.HasPrefix(lang, "en_")
}

// errAudioTooLong ends the transcription of audio over the duration limit.
var errAudioTooLong = errors.New("audio longer than the limit")

// audioError marks an error that came from reading the audio, so it is the
// upload's fault (400), not the server's.
type audioError struct{ err error }

func (e audioError) Error() string { return e.err.Error() }
func (e audioError) Unwrap() error { return e.err }

// checkedSource counts samples against a duration limit and marks read
// errors as the audio's.
type checkedSource struct {
	src       audio.Source
	read, max int64
}

func (c *checkedSource) SampleRate() audio.Rate { return c.src.SampleRate() }

func (c *checkedSource) Read(p []float32) (int, error) {
	n, err := c.src.Read(p)
	c.read += int64(n)
	if c.read > c.max {
		return n, audioError{errAudioTooLong}
	}
	if err != nil && err != io.EOF {
		return n, audioError{err}
	}
	return n, err
}

func (s *Server) handleTranscription(w http.ResponseWriter, r *http.Request) *apiError {
	if r.ContentLength > s.cfg.MaxUploadBytes {
		return tooLarge(s.cfg.MaxUploadBytes)
	}
	boundary, apiErr := multipartBoundary(r.Header.Get("Content-Type"))
	if apiErr != nil {
		return apiErr
	}
	release, ok := s.pool.admit()
	if !ok {
		return s.busy()
	}
	defer release()

	body := http.MaxBytesReader(w, r.Body, s.cfg.MaxUploadBytes)
	form, apiErr := readUploadForm(body, boundary, s.cfg.MaxUploadBytes, s.cfg.TempDir)
	if apiErr != nil {
		if r.Context().Err() != nil {
			return errClientGone
		}
		return apiErr
	}
	defer form.close()
	req, apiErr := s.parseTranscriptionFields(form)
	if apiErr != nil {
		return apiErr
	}
	rec, err := s.recs.forRequest(req.hotwords, req.emotion)
	if err != nil {
		return badRequest("prompt", "invalid_prompt", "prompt: %v", err)
	}
	tr, apiErr := s.transcribe(r.Context(), rec, form)
	if apiErr != nil {
		return apiErr
	}
	s.metrics.audioSeconds.WithLabelValues("transcriptions").Add(tr.Duration)
	return writeTranscript(w, req, tr)
}

// busy is the 429 of a full queue.
func (s *Server) busy() *apiError {
	e := newError(http.StatusTooManyRequests, typeRateLimit, "queue_full", "",
		"the server is busy (%d workers, %d waiting); retry after the time in Retry-After",
		cap(s.pool.workers), s.pool.waiting.Load())
	e.retryAfter = s.pool.retryAfter()
	return e
}

// jobContext is a request's working context: it ends when the client goes,
// at the request timeout, or when the server is closed.
func (s *Server) jobContext(parent context.Context) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(parent, s.cfg.RequestTimeout)
	stop := context.AfterFunc(s.base, cancel)
	return ctx, func() { stop(); cancel() }
}

// transcribe decodes the upload and runs the recognizer on a worker: the
// same calls, with the same options, as `transcribe` makes for a file.
func (s *Server) transcribe(parent context.Context, rec transcriber, form *uploadForm) (mynah.Transcript, *apiError) {
	src, err := audio.Decode(form.file, audio.DecodeOptions{})
	if err != nil {
		return mynah.Transcript{}, invalidAudio(err)
	}
	ctx, cancel := s.jobContext(parent)
	defer cancel()
	checked := &checkedSource{src: src, max: int64(s.cfg.MaxAudio.Seconds() * float64(src.SampleRate()))}
	var tr mynah.Transcript
	var trErr error
	if err := s.pool.run(ctx, func() { tr, trErr = transcribeSafely(ctx, rec, checked) }); err != nil {
		return tr, s.contextError(parent, ctx)
	}
	var aerr audioError
	switch {
	case errors.Is(trErr, errAudioTooLong):
		return tr, newError(http.StatusRequestEntityTooLarge, typeInvalidRequest, "audio_too_long", "file",
			"the audio is longer than the server's limit of %s", s.cfg.MaxAudio)
	case errors.As(trErr, &aerr):
		return tr, invalidAudio(aerr.err)
	case trErr != nil && ctx.Err() != nil:
		return tr, s.contextError(parent, ctx)
	case trErr != nil:
		return tr, newError(http.StatusInternalServerError, typeServer, "recognition_failed", "", "recognition failed: %v", trErr)
	}
	return tr, nil
}

// transcribeSafely turns a panic in the recognizer into an error for this
// request only, as transcribe does for one input.
func transcribeSafely(ctx context.Context, rec transcriber, src audio.Source) (tr mynah.Transcript, err error) {
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("internal error: %v", p)
		}
	}()
	return rec.Transcribe(ctx, src)
}

func invalidAudio(err error) *apiError {
	return badRequest("file", "invalid_audio", "cannot decode the audio: %v (mynah reads WAV, FLAC and MP3)", err)
}

// contextError says why a job's context ended: the client left, the
// request ran out of time, or the server is shutting down.
func (s *Server) contextError(parent, ctx context.Context) *apiError {
	switch {
	case parent.Err() != nil:
		return errClientGone
	case errors.Is(ctx.Err(), context.DeadlineExceeded):
		return newError(http.StatusGatewayTimeout, typeServer, "timeout", "",
			"the request took longer than the server's limit of %s", s.cfg.RequestTimeout)
	default:
		e := newError(http.StatusServiceUnavailable, typeServer, "shutting_down", "", "the server is shutting down")
		e.retryAfter = 1
		return e
	}
}

// verboseTranscript is the verbose_json answer: the `transcribe --format
// json` object with OpenAI's task and language added; words and segments
// can be left out with timestamp_granularities[].
type verboseTranscript struct {
	Task     string `json:"task"`
	Language string `json:"language"`
	mynah.Transcript
	Words    *[]mynah.Word    `json:"words,omitempty"`
	Segments *[]mynah.Segment `json:"segments,omitempty"`
}

// writeTranscript renders tr in the request's format. The text, srt and vtt
// bodies are exactly what `transcribe --format text|srt|vtt` prints.
func writeTranscript(w http.ResponseWriter, req transcriptionRequest, tr mynah.Transcript) *apiError {
	tr = completeTranscript(tr)
	tr.File, tr.ID = "", ""
	if !req.emotion {
		tr = withoutEmotion(tr)
	}
	var b bytes.Buffer
	contentType := "text/plain; charset=utf-8"
	var err error
	switch req.format {
	case "json":
		contentType = "application/json"
		err = json.NewEncoder(&b).Encode(struct {
			Text    string         `json:"text"`
			Warning string         `json:"warning,omitempty"`
			Emotion *mynah.Emotion `json:"emotion,omitempty"`
		}{transcriptText(tr), tr.Warning, tr.Emotion})
	case "verbose_json":
		contentType = "application/json"
		v := verboseTranscript{Task: "transcribe", Language: "english", Transcript: tr}
		if req.words {
			v.Words = &tr.Words
		}
		if req.segments {
			v.Segments = &tr.Segments
		}
		err = json.NewEncoder(&b).Encode(v)
	case "vtt":
		contentType = "text/vtt; charset=utf-8"
		err = Render(&b, "vtt", tr, false)
	default: // text, srt
		err = Render(&b, req.format, tr, false)
	}
	if err != nil {
		return newError(http.StatusInternalServerError, typeServer, "render_failed", "", "render: %v", err)
	}
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", strconv.Itoa(b.Len()))
	w.Write(b.Bytes())
	return nil
}

// withoutEmotion drops the emotion objects of a recognizer configured to
// tag (mynah.Config.Emotion) from an answer that did not ask for them.
func withoutEmotion(tr mynah.Transcript) mynah.Transcript {
	tr.Emotion = nil
	segs := make([]mynah.Segment, len(tr.Segments))
	for i, seg := range tr.Segments {
		seg.Emotion = nil
		segs[i] = seg
	}
	tr.Segments = segs
	return tr
}
