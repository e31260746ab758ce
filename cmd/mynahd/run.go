package main

import (
	"context"
	"crypto/tls"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/cmd/internal/vadflag"
	"github.com/mynah-speech/mynah/server"
)

// options are the parsed command-line flags.
type options struct {
	addr         string
	apiKeyFile   string
	insecure     bool
	tlsCert      string
	tlsKey       string
	modelPath    string
	lmPath       string
	beam         int
	vad          string
	vadOn        bool          // --vad parsed: segment by voice activity
	vadKind      mynah.VADKind // --vad parsed: with this detector
	raw          bool
	threads      int
	hotwords     []mynah.Hotword
	workers      int
	queue        int
	maxUpload    byteFlag
	maxAudio     time.Duration
	maxText      int
	maxStreams   int
	reqTimeout   time.Duration
	readTimeout  time.Duration
	headerTimout time.Duration
	idleTimeout  time.Duration
	streamIdle   time.Duration
	partials     time.Duration
	drainTimeout time.Duration
	origins      stringsFlag
	logFormat    string
	quiet        bool
}

// errUsage marks errors that print a usage hint and exit 2.
var errUsage = errors.New("usage")

// byteFlag is a size such as 200MB, 1G or 4096.
type byteFlag int64

func (b *byteFlag) String() string { return strconv.FormatInt(int64(*b), 10) }

func (b *byteFlag) Set(s string) error {
	n, err := parseBytes(s)
	if err != nil {
		return err
	}
	*b = byteFlag(n)
	return nil
}

// parseBytes reads a byte count with an optional K, M or G suffix (powers
// of 1024, "B" and "iB" optional): 200MB, 64k, 1GiB, 4096.
func parseBytes(s string) (int64, error) {
	t := strings.ToUpper(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "B"), "I")
	shift := 0
	switch {
	case strings.HasSuffix(t, "K"):
		shift = 10
	case strings.HasSuffix(t, "M"):
		shift = 20
	case strings.HasSuffix(t, "G"):
		shift = 30
	}
	if shift > 0 {
		t = t[:len(t)-1]
	}
	n, err := strconv.ParseInt(strings.TrimSpace(t), 10, 64)
	if err != nil || n <= 0 || n > (1<<62)>>shift {
		return 0, fmt.Errorf("%q: want a positive size such as 200MB", s)
	}
	return n << shift, nil
}

type stringsFlag []string

func (f *stringsFlag) String() string     { return strings.Join(*f, ",") }
func (f *stringsFlag) Set(s string) error { *f = append(*f, s); return nil }

func parseArgs(args []string, stderr io.Writer) (options, error) {
	o := options{maxUpload: 200 << 20}
	fs := flag.NewFlagSet("mynahd", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "listen address host:port (port 0 picks a free one)")
	fs.StringVar(&o.apiKeyFile, "api-key-file", "", "file of API keys, one per line: clients must send 'Authorization: Bearer <key>'")
	fs.BoolVar(&o.insecure, "insecure", false, "allow serving on a non-loopback address without API keys")
	fs.StringVar(&o.tlsCert, "tls-cert", "", "TLS certificate file (PEM); with --tls-key serves HTTPS")
	fs.StringVar(&o.tlsKey, "tls-key", "", "TLS private key file (PEM)")
	fs.StringVar(&o.modelPath, "model", "", "acoustic model file (default: the embedded English model)")
	fs.StringVar(&o.lmPath, "lm", "", "language model file, or none (default: the embedded English LM)")
	fs.IntVar(&o.beam, "beam", 0, "beam width (0: the decoder's default; 1: greedy), as transcribe --beam")
	fs.StringVar(&o.vad, "vad", "on", vadflag.Usage)
	fs.BoolVar(&o.raw, "raw", false, "plain normalised words: no punctuation or casing, as transcribe --raw")
	fs.IntVar(&o.threads, "threads", 1, "threads per request (0: one per CPU); workers already run requests in parallel")
	fs.Var((*mynah.HotwordList)(&o.hotwords), "hotword", `boost a phrase in every request: "phrase[:weight]" (repeatable)`)
	fs.IntVar(&o.workers, "workers", 0, "jobs run at once (0: one per CPU)")
	fs.IntVar(&o.queue, "queue", 0, "requests that may wait for a worker before new ones get 429 (0: 2 x workers)")
	fs.Var(&o.maxUpload, "max-upload", "largest transcription upload (K, M, G suffixes)")
	fs.DurationVar(&o.maxAudio, "max-audio", 3*time.Hour, "longest audio a transcription accepts")
	fs.IntVar(&o.maxText, "max-text", 4096, "longest speech input, in characters")
	fs.IntVar(&o.maxStreams, "max-streams", 0, "open /v1/listen sessions at most (0: 4 x workers)")
	fs.DurationVar(&o.reqTimeout, "request-timeout", 10*time.Minute, "longest a request may work, queue wait included")
	fs.DurationVar(&o.readTimeout, "read-timeout", 5*time.Minute, "longest a client may take to send a request")
	fs.DurationVar(&o.headerTimout, "read-header-timeout", 10*time.Second, "longest a client may take to send the headers")
	fs.DurationVar(&o.idleTimeout, "idle-timeout", 2*time.Minute, "how long an idle keep-alive connection stays open")
	fs.DurationVar(&o.streamIdle, "stream-idle-timeout", 30*time.Second, "end a /v1/listen session silent for this long")
	fs.DurationVar(&o.partials, "partial-interval", time.Second, "audio between live partial results (0: none)")
	fs.DurationVar(&o.drainTimeout, "drain-timeout", 30*time.Second, "on SIGTERM, how long running requests have to finish")
	fs.Var(&o.origins, "allow-origin", "browser origin host pattern allowed to open /v1/listen (repeatable)")
	fs.StringVar(&o.logFormat, "log-format", "text", "request log on stderr: text or json")
	fs.BoolVar(&o.quiet, "quiet", false, "no request log")
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: mynahd [flags]\n\nServes the OpenAI audio API and live dictation over HTTP.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("%w: %v", errUsage, err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("%w: unexpected argument %q", errUsage, fs.Arg(0))
	}
	var err error
	if o.vadOn, o.vadKind, err = vadflag.Parse(o.vad); err != nil {
		return o, fmt.Errorf("%w: %w", errUsage, err)
	}
	if o.logFormat != "text" && o.logFormat != "json" {
		return o, fmt.Errorf("%w: --log-format %q: want text or json", errUsage, o.logFormat)
	}
	if (o.tlsCert == "") != (o.tlsKey == "") {
		return o, fmt.Errorf("%w: --tls-cert and --tls-key go together", errUsage)
	}
	if o.beam < 0 || o.threads < 0 || o.workers < 0 || o.queue < 0 || o.maxStreams < 0 || o.maxText <= 0 {
		return o, fmt.Errorf("%w: counts cannot be negative", errUsage)
	}
	for _, d := range []time.Duration{o.maxAudio, o.reqTimeout, o.readTimeout, o.headerTimout, o.idleTimeout, o.streamIdle, o.drainTimeout} {
		if d <= 0 {
			return o, fmt.Errorf("%w: timeouts and --max-audio must be positive", errUsage)
		}
	}
	if o.partials < 0 {
		return o, fmt.Errorf("%w: --partial-interval cannot be negative", errUsage)
	}
	return o, nil
}

// recognizerConfig is the recognizer the flags ask for, built as
// transcribe builds it from the flags of the same names.
func (o options) recognizerConfig() mynah.Config {
	return mynah.Config{
		ModelPath: o.modelPath,
		LMPath:    o.lmPath,
		Beam:      o.beam,
		Hotwords:  o.hotwords,
		Threads:   o.threads,
		VAD:       o.vadOn,
		VADKind:   o.vadKind,
		Raw:       o.raw,
	}
}

// isLoopback reports whether a listen address only takes local clients.
func isLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// run is the whole command, testable: it serves until ctx ends, then
// drains, and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	o, err := parseArgs(args, stderr)
	if err != nil {
		if errors.Is(err, errUsage) {
			if !strings.Contains(err.Error(), "flag provided but not defined") && !strings.Contains(err.Error(), "help requested") {
				fmt.Fprintf(stderr, "mynahd: %v\n", strings.TrimPrefix(err.Error(), "usage: "))
			}
			fmt.Fprintln(stderr, "run 'mynahd -h' for the flags")
			return 2
		}
		fmt.Fprintf(stderr, "mynahd: %v\n", err)
		return 1
	}
	var keys []string
	if o.apiKeyFile != "" {
		f, err := os.Open(o.apiKeyFile)
		if err != nil {
			fmt.Fprintf(stderr, "mynahd: --api-key-file: %v\n", err)
			return 2
		}
		keys, err = server.ReadAPIKeys(f)
		f.Close()
		if err != nil {
			fmt.Fprintf(stderr, "mynahd: --api-key-file %s: %v\n", o.apiKeyFile, err)
			return 2
		}
	}
	if len(keys) == 0 && !isLoopback(o.addr) && !o.insecure {
		fmt.Fprintf(stderr, "mynahd: refusing to serve %s without API keys: anyone who can reach it could use it.\n"+
			"Give --api-key-file FILE (clients send 'Authorization: Bearer <key>'), listen on 127.0.0.1, or pass --insecure.\n", o.addr)
		return 2
	}
	var logger *slog.Logger
	switch {
	case o.quiet:
		logger = slog.New(slog.DiscardHandler)
	case o.logFormat == "json":
		logger = slog.New(slog.NewJSONHandler(stderr, nil))
	default:
		logger = slog.New(slog.NewTextHandler(stderr, nil))
	}
	partials := o.partials
	if partials == 0 {
		partials = -1
	}
	synth, err := newVoiceSynthesizer()
	if err != nil {
		fmt.Fprintf(stderr, "mynahd: %v\n", err)
		return 1
	}
	srv, err := server.New(server.Config{
		Synthesizer:       synth,
		Recognizer:        o.recognizerConfig(),
		APIKeys:           keys,
		Workers:           o.workers,
		Queue:             o.queue,
		MaxUploadBytes:    int64(o.maxUpload),
		MaxAudio:          o.maxAudio,
		MaxTextChars:      o.maxText,
		MaxStreams:        o.maxStreams,
		RequestTimeout:    o.reqTimeout,
		StreamIdleTimeout: o.streamIdle,
		PartialInterval:   partials,
		OriginPatterns:    o.origins,
		Logger:            logger,
	})
	if err != nil {
		fmt.Fprintf(stderr, "mynahd: %v\n", err)
		return 1
	}
	defer srv.Close()

	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		fmt.Fprintf(stderr, "mynahd: %v\n", err)
		return 1
	}
	httpServer := &http.Server{
		Handler:           srv.Handler(),
		ReadHeaderTimeout: o.headerTimout,
		ReadTimeout:       o.readTimeout,
		// The write deadline runs from the end of the headers, so it has
		// to cover the body, the queue and the work: the request timeout
		// plus the upload time, plus a margin to send the answer.
		WriteTimeout:   o.readTimeout + o.reqTimeout + 30*time.Second,
		IdleTimeout:    o.idleTimeout,
		MaxHeaderBytes: 64 << 10,
		ErrorLog:       slog.NewLogLogger(logger.Handler(), slog.LevelWarn),
		BaseContext:    func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	scheme := "http"
	if o.tlsCert != "" {
		cert, err := tls.LoadX509KeyPair(o.tlsCert, o.tlsKey)
		if err != nil {
			ln.Close()
			fmt.Fprintf(stderr, "mynahd: TLS: %v\n", err)
			return 1
		}
		httpServer.TLSConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		ln = tls.NewListener(ln, httpServer.TLSConfig)
		scheme = "https"
	}
	fmt.Fprintf(stderr, "mynahd: serving %s on %s://%s\n", srv.ModelName(), scheme, ln.Addr())

	served := make(chan error, 1)
	go func() { served <- httpServer.Serve(ln) }()
	select {
	case err := <-served:
		fmt.Fprintf(stderr, "mynahd: %v\n", err)
		return 1
	case <-ctx.Done():
	}

	fmt.Fprintf(stderr, "mynahd: draining (up to %s)\n", o.drainTimeout)
	drainCtx, cancel := context.WithTimeout(context.Background(), o.drainTimeout)
	defer cancel()
	streamsDone := make(chan error, 1)
	go func() { streamsDone <- srv.Shutdown(drainCtx) }()
	httpErr := httpServer.Shutdown(drainCtx)
	streamErr := <-streamsDone
	<-served
	if httpErr != nil || streamErr != nil {
		// Past the deadline: what still runs is cut off.
		srv.Close()
		httpServer.Close()
		fmt.Fprintf(stderr, "mynahd: drain deadline passed; cut off the requests still running\n")
	} else {
		fmt.Fprintln(stderr, "mynahd: drained")
	}
	return 0
}
