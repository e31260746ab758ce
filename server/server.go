package server

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"runtime"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mynah-speech/mynah"
)

// Config sets up a Server. The zero value serves the embedded English model
// with the limits documented on each field.
type Config struct {
	// Recognizer configures the recognizer every transcription uses, as the
	// matching `transcribe` flags do (--model, --lm, --beam, --vad, --raw,
	// --threads). Hotwords from a request's prompt are added to its
	// Hotwords for that request.
	Recognizer mynah.Config
	// Synthesizer speaks /v1/audio/speech requests; nil answers them with
	// 501 Not Implemented.
	Synthesizer Synthesizer
	// APIKeys, when any, are required as "Authorization: Bearer <key>" on
	// every endpoint but /healthz.
	APIKeys []string
	// Workers is how many jobs (transcriptions, syntheses, live segments)
	// run at once; 0 means one per CPU (GOMAXPROCS).
	Workers int
	// Queue is how many admitted requests may wait for a worker; beyond it
	// requests get 429 with Retry-After. 0 means 2 × Workers; negative
	// means none wait.
	Queue int
	// MaxUploadBytes bounds a transcription request's body; 0 means 200 MB.
	MaxUploadBytes int64
	// MaxAudio bounds the duration of uploaded audio; 0 means 3 hours.
	MaxAudio time.Duration
	// MaxTextChars bounds /v1/audio/speech input; 0 means 4096 (OpenAI's limit).
	MaxTextChars int
	// MaxStreams bounds open /v1/listen sessions; 0 means 4 × Workers.
	MaxStreams int
	// RequestTimeout bounds one request's work, queue wait included; 0
	// means 10 minutes.
	RequestTimeout time.Duration
	// StreamIdleTimeout ends a /v1/listen session that sends nothing for
	// this long; 0 means 30 s.
	StreamIdleTimeout time.Duration
	// PartialInterval is how much new audio a live session hears between
	// partial results; 0 means 1 s, negative turns partials off.
	PartialInterval time.Duration
	// OriginPatterns lists the browser origins (path.Match patterns of
	// host names) allowed to open /v1/listen besides the server's own host.
	OriginPatterns []string
	// TempDir holds uploads larger than 4 MB while they are transcribed
	// (unlinked at once where the OS allows); empty means os.TempDir().
	TempDir string
	// Logger receives one line per request; nil discards.
	Logger *slog.Logger
}

func (c Config) withDefaults() Config {
	if c.Workers <= 0 {
		c.Workers = runtime.GOMAXPROCS(0)
	}
	switch {
	case c.Queue == 0:
		c.Queue = 2 * c.Workers
	case c.Queue < 0:
		c.Queue = 0
	}
	if c.MaxUploadBytes <= 0 {
		c.MaxUploadBytes = 200 << 20
	}
	if c.MaxAudio <= 0 {
		c.MaxAudio = 3 * time.Hour
	}
	if c.MaxTextChars <= 0 {
		c.MaxTextChars = 4096
	}
	if c.MaxStreams <= 0 {
		c.MaxStreams = 4 * c.Workers
	}
	if c.RequestTimeout <= 0 {
		c.RequestTimeout = 10 * time.Minute
	}
	if c.StreamIdleTimeout <= 0 {
		c.StreamIdleTimeout = 30 * time.Second
	}
	if c.PartialInterval == 0 {
		c.PartialInterval = time.Second
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// Server answers the OpenAI audio API and the live /v1/listen WebSocket.
// It keeps no state between requests, so any number of instances can sit
// behind one load balancer. Its Handler is safe for concurrent use.
type Server struct {
	cfg     Config
	keys    *keyring
	recs    *recognizers
	pool    *pool
	metrics *metrics
	mux     *http.ServeMux

	streamSlots chan struct{}
	// draining is closed by Shutdown: live sessions finish their utterance
	// and close.
	draining  chan struct{}
	drainOnce sync.Once
	// base is the parent of every job's context; Close cancels it.
	base   context.Context
	cancel context.CancelFunc
	// streams counts live sessions; streamsMu orders Add against the
	// close of draining, so Shutdown's Wait never races an Add.
	streams   sync.WaitGroup
	streamsMu sync.Mutex
}

// New loads the recognizer and returns a Server.
func New(cfg Config) (*Server, error) {
	cfg = cfg.withDefaults()
	if cfg.MaxAudio < time.Second {
		return nil, errors.New("server: MaxAudio below one second")
	}
	recs, err := newRecognizers(cfg.Recognizer)
	if err != nil {
		return nil, err
	}
	s := &Server{
		cfg:         cfg,
		keys:        newKeyring(cfg.APIKeys),
		recs:        recs,
		metrics:     newMetrics(),
		streamSlots: make(chan struct{}, cfg.MaxStreams),
		draining:    make(chan struct{}),
	}
	s.base, s.cancel = context.WithCancel(context.Background())
	s.pool = newPool(cfg.Workers, cfg.Queue, func(waiting, running int) {
		s.metrics.queueDepth.Set(float64(waiting))
		s.metrics.busyWorkers.Set(float64(running))
	})
	mux := http.NewServeMux()
	mux.Handle("/v1/audio/transcriptions", s.endpoint("transcriptions", http.MethodPost, s.handleTranscription))
	mux.Handle("/v1/audio/speech", s.endpoint("speech", http.MethodPost, s.handleSpeech))
	mux.Handle("/v1/models", s.endpoint("models", http.MethodGet, s.handleModels))
	mux.Handle("/v1/models/{id}", s.endpoint("models", http.MethodGet, s.handleModel))
	mux.Handle("/v1/listen", s.endpoint("listen", http.MethodGet, s.handleListen))
	mux.Handle("/healthz", http.HandlerFunc(s.handleHealth))
	mux.Handle("/metrics", s.authorized(promhttp.HandlerFor(s.metrics.registry, promhttp.HandlerOpts{})))
	mux.Handle("/", s.endpoint("other", "", func(w http.ResponseWriter, r *http.Request) *apiError {
		return newError(http.StatusNotFound, typeInvalidRequest, "unknown_url", "",
			"unknown request URL: %s %s", r.Method, r.URL.Path)
	}))
	s.mux = mux
	return s, nil
}

// Handler returns the HTTP handler of every endpoint.
func (s *Server) Handler() http.Handler { return s.mux }

// ModelName names the served acoustic model, "<name>@<sha256 prefix>".
func (s *Server) ModelName() string { return s.recs.modelName }

// Shutdown drains the live sessions: each finishes the utterance it has
// heard, sends its final result and closes with status 1001 (going away).
// It returns when they are all closed or ctx ends, whichever is first; then
// it cancels whatever work remains. HTTP requests are drained by
// http.Server.Shutdown, which the caller runs beside it.
func (s *Server) Shutdown(ctx context.Context) error {
	s.startDrain()
	done := make(chan struct{})
	go func() {
		s.streams.Wait()
		close(done)
	}()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		s.cancel()
		<-done
		return ctx.Err()
	}
}

// Close cancels all work in progress at once.
func (s *Server) Close() error {
	s.startDrain()
	s.cancel()
	s.streams.Wait()
	return nil
}

func (s *Server) startDrain() {
	s.streamsMu.Lock()
	s.drainOnce.Do(func() { close(s.draining) })
	s.streamsMu.Unlock()
}

// handlerFunc is an endpoint that returns its error instead of writing it.
type handlerFunc func(w http.ResponseWriter, r *http.Request) *apiError

// statusWriter records the status an endpoint answered with.
type statusWriter struct {
	http.ResponseWriter
	status  int
	written bool
}

func (w *statusWriter) WriteHeader(code int) {
	if !w.written {
		w.status, w.written = code, true
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(p []byte) (int, error) {
	if !w.written {
		w.status, w.written = http.StatusOK, true
	}
	return w.ResponseWriter.Write(p)
}

// Unwrap lets http.ResponseController (flushing, deadlines, hijacking)
// reach the connection.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// statusClientGone is what the metrics and log record for a request whose
// client went away before its answer (nginx's 499).
const statusClientGone = 499

// endpoint wraps h with authentication, a method check (405 in the API's
// error shape; HEAD goes with GET), metrics, logging and a recover that
// turns a panic into a 500 for that request only.
func (s *Server) endpoint(name, method string, h handlerFunc) http.Handler {
	return http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		start := time.Now()
		w := &statusWriter{ResponseWriter: rw}
		var apiErr *apiError
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				s.cfg.Logger.Error("panic", "endpoint", name, "panic", fmt.Sprint(p))
				apiErr = newError(http.StatusInternalServerError, typeServer, "internal_error", "", "internal error")
				if !w.written {
					writeError(w, apiErr)
				}
			}
			status := w.status
			if apiErr != nil {
				s.metrics.failed(name, apiErr)
				status = apiErr.status
			}
			if !w.written && apiErr == nil {
				status = statusClientGone
			}
			s.metrics.observe(name, status, time.Since(start).Seconds())
			s.cfg.Logger.Info("request", "method", r.Method, "path", r.URL.Path, "status", status,
				"seconds", time.Since(start).Seconds(), "remote", r.RemoteAddr)
		}()
		if method != "" && r.Method != method && !(method == http.MethodGet && r.Method == http.MethodHead) {
			w.Header().Set("Allow", method)
			apiErr = newError(http.StatusMethodNotAllowed, typeInvalidRequest, "method_not_allowed", "",
				"%s %s: this endpoint takes %s", r.Method, r.URL.Path, method)
			writeError(w, apiErr)
			return
		}
		if e := s.keys.authorize(r); e != nil {
			apiErr = e
			writeError(w, e)
			return
		}
		if apiErr = h(w, r); apiErr != nil && apiErr.status != statusClientGone {
			if w.written {
				// The answer had started (a stream): the error cannot be
				// sent, so the connection is cut to show it is incomplete.
				panic(http.ErrAbortHandler)
			}
			writeError(w, apiErr)
		}
	})
}

// authorized guards a plain handler with the API keys.
func (s *Server) authorized(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if e := s.keys.authorize(r); e != nil {
			writeError(w, e)
			return
		}
		h.ServeHTTP(w, r)
	})
}

// errClientGone marks work abandoned because its client disconnected.
var errClientGone = &apiError{status: statusClientGone, Message: "client went away", Type: typeInvalidRequest}

// writeJSON sends v as a 200 JSON response.
func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	json.NewEncoder(w).Encode(v)
}

// model is one entry of /v1/models.
type model struct {
	ID      string `json:"id"`
	Object  string `json:"object"`
	Created int64  `json:"created"`
	OwnedBy string `json:"owned_by"`
}

// modelAliases are the OpenAI model names a drop-in client sends; the
// server answers them with its own model.
var modelAliases = []string{"whisper-1", "gpt-4o-transcribe", "gpt-4o-mini-transcribe", "tts-1", "tts-1-hd", "gpt-4o-mini-tts"}

func (s *Server) models() []model {
	out := []model{{ID: s.ModelName(), Object: "model", OwnedBy: "mynah"}}
	if s.cfg.Synthesizer != nil {
		out = append(out, model{ID: s.cfg.Synthesizer.Name(), Object: "model", OwnedBy: "mynah"})
	}
	return out
}

// knownModel reports whether a request's model field names what this
// server serves: empty, an alias, the model's id or its name without the
// hash.
func (s *Server) knownModel(name string) bool {
	if name == "" {
		return true
	}
	for _, a := range modelAliases {
		if name == a {
			return true
		}
	}
	for _, m := range s.models() {
		if name == m.ID || name == strings.SplitN(m.ID, "@", 2)[0] {
			return true
		}
	}
	return false
}

func (s *Server) handleModels(w http.ResponseWriter, r *http.Request) *apiError {
	writeJSON(w, struct {
		Object string  `json:"object"`
		Data   []model `json:"data"`
	}{"list", s.models()})
	return nil
}

func (s *Server) handleModel(w http.ResponseWriter, r *http.Request) *apiError {
	id := r.PathValue("id")
	for _, m := range s.models() {
		if m.ID == id {
			writeJSON(w, m)
			return nil
		}
	}
	return newError(http.StatusNotFound, typeInvalidRequest, "model_not_found", "model", "model %q does not exist", id)
}

// handleHealth answers load balancers' probes; it needs no key. While
// draining it answers 503, so balancers stop sending new work.
func (s *Server) handleHealth(w http.ResponseWriter, r *http.Request) {
	select {
	case <-s.draining:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusServiceUnavailable)
		fmt.Fprintln(w, `{"status":"draining"}`)
	default:
		writeJSON(w, struct {
			Status string `json:"status"`
			Model  string `json:"model"`
		}{"ok", s.ModelName()})
	}
}
