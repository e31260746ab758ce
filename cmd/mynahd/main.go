// Command mynahd serves mynah over HTTP: the OpenAI audio API
// (/v1/audio/transcriptions, /v1/audio/speech, /v1/models), live dictation
// over a WebSocket (/v1/listen), /healthz and Prometheus /metrics.
//
//	mynahd [flags]
//
// It listens on 127.0.0.1:8080 by default. On any other address it needs
// --api-key-file (clients send "Authorization: Bearer <key>") or, to serve
// without keys on purpose, --insecure. --tls-cert and --tls-key serve HTTPS.
// SIGTERM or SIGINT drains: the listener closes, running requests and live
// sessions finish within --drain-timeout, and the process exits 0.
//
// Exit status: 0 after a drain, 1 when the server cannot start or fails,
// 2 for usage errors.
//
// Memory is bounded by the work, not by the traffic: the model (about
// 120 MB live), 50-80 MB per running job (--workers), the recognizers
// cached for distinct prompts, and the collector's headroom, which mynahd
// halves as transcribe does (GOGC=50 unless $GOGC is set). $GOMEMLIMIT
// holds an instance to a budget.
package main

import (
	"context"
	"os"
	"os/signal"
	"runtime/debug"
	"syscall"
)

// gcPercent is the collector's target when $GOGC is unset: the heap may
// grow to 1.5 times what is live instead of Go's default twice, for about
// 2% more CPU (measured on transcribe's 2-hour run: peak RSS 460 -> 314 MiB).
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}
