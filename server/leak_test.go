package server

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// settleGoroutines waits until at most want goroutines run, and reports
// the last count.
func settleGoroutines(want int) int {
	var n int
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		if n = runtime.NumGoroutine(); n <= want {
			break
		}
	}
	return n
}

// TestNoGoroutineLeaks abuses a server every way the issue lists — a
// corrupt file, a truncated multipart body, an upload cut mid-way, a
// client leaving mid-transcription, a WebSocket sending garbage, one that
// stalls, one that vanishes — then checks that it still serves and that the
// goroutine count returns to where it was.
func TestNoGoroutineLeaks(t *testing.T) {
	before := runtime.NumGoroutine()
	s, err := New(Config{StreamIdleTimeout: 200 * time.Millisecond, Workers: 2})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	client := ts.Client()
	clip := shortWAV(t, samples[0], 2)
	ok := func() {
		t.Helper()
		body, ct := form(t, clip)
		if status, _, out := post(t, client, ts.URL+"/v1/audio/transcriptions", body, ct); status != 200 {
			t.Fatalf("status %d: %s", status, out)
		}
	}
	ok()
	client.CloseIdleConnections()
	time.Sleep(100 * time.Millisecond)
	baseline := runtime.NumGoroutine()

	for round := 0; round < 2; round++ {
		// A corrupt file and a truncated multipart body.
		body, ct := form(t, append([]byte("RIFF\x00\x00\x00\x00WAVEfmt "), make([]byte, 64)...))
		post(t, client, ts.URL+"/v1/audio/transcriptions", body, ct)
		body, ct = form(t, clip)
		post(t, client, ts.URL+"/v1/audio/transcriptions", bytes.NewReader(body.Bytes()[:body.Len()/2]), ct)

		// An upload that stops half-way, and a client that leaves while
		// its audio is being recognised.
		for _, cut := range []int{body.Len() / 2, body.Len()} {
			conn, err := net.Dial("tcp", ts.Listener.Addr().String())
			if err != nil {
				t.Fatal(err)
			}
			fmt.Fprintf(conn, "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ct, body.Len())
			conn.Write(body.Bytes()[:cut])
			time.Sleep(20 * time.Millisecond)
			conn.Close()
		}

		// WebSockets: garbage, a stall, and one that vanishes mid-stream.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		for _, behave := range []string{"garbage", "stall", "vanish"} {
			c, _, err := dialListen(t, ctx, ts.URL, "?rate=8000", nil)
			if err != nil {
				t.Fatal(err)
			}
			c.Write(ctx, websocket.MessageBinary, s16(make([]float32, 4000)))
			switch behave {
			case "garbage":
				c.Write(ctx, websocket.MessageText, []byte("{{{"))
				readEvents(t, ctx, c)
			case "stall":
				readEvents(t, ctx, c)
			case "vanish":
				c.CloseNow()
			}
		}
		cancel()
		ok()
	}
	client.CloseIdleConnections()
	if n := settleGoroutines(baseline); n > baseline {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after the abuse, %d before:\n%s", n, baseline, buf[:runtime.Stack(buf, true)])
	}
	ts.Close()
	s.Close()
	http.DefaultClient.CloseIdleConnections()
	if n := settleGoroutines(before); n > before {
		buf := make([]byte, 1<<20)
		t.Errorf("%d goroutines after closing the server, %d before it started:\n%s", n, before, buf[:runtime.Stack(buf, true)])
	}
}
