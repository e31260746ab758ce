package server

import (
	"bytes"
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// FuzzUploadForm feeds arbitrary bodies to the multipart reader and the
// field validation: they must never panic, and every refusal must be a 4xx
// (or a 5xx about storage, which a fuzzer cannot provoke).
func FuzzUploadForm(f *testing.F) {
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a.wav\"\r\n\r\nRIFF\r\n--B\r\nContent-Disposition: form-data; name=\"model\"\r\n\r\nwhisper-1\r\n--B--\r\n"))
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"response_format\"\r\n\r\nsrt\r\n--B\r\nContent-Disposition: form-data; name=\"timestamp_granularities[]\"\r\n\r\nword\r\n--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\nx\r\n--B--\r\n"))
	f.Add([]byte("--B\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nmynah:3, kaldi\r\n--B\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n"))
	f.Add([]byte("--B\r\n\r\n--B--"))
	f.Add([]byte("garbage"))
	s := &Server{cfg: Config{}.withDefaults(), recs: &recognizers{modelName: "mynah-en@0123"}}
	dir := f.TempDir()
	f.Fuzz(func(t *testing.T, body []byte) {
		form, apiErr := readUploadForm(bytes.NewReader(body), "B", 1<<16, dir)
		if apiErr != nil {
			if apiErr.status < 400 || apiErr.status >= 500 || apiErr.Message == "" {
				t.Fatalf("refusal %d %q", apiErr.status, apiErr.Message)
			}
			if form != nil {
				t.Fatal("a form with an error")
			}
			return
		}
		defer form.close()
		if form.file != nil && form.fileSize > 1<<16 {
			t.Fatalf("file of %d bytes over the limit", form.fileSize)
		}
		if _, apiErr := s.parseTranscriptionFields(form); apiErr != nil && (apiErr.status < 400 || apiErr.status > 501) {
			t.Fatalf("field refusal %d %q", apiErr.status, apiErr.Message)
		}
	})
}

// FuzzListenMessages sends arbitrary WebSocket messages to a live session
// (with a fake recognizer): the session must answer with events or one
// error event and close with a proper status, and the server keep serving.
// Input bytes are split into messages: a header byte (low bit: text or
// binary; the rest: a length) and that many bytes.
func FuzzListenMessages(f *testing.F) {
	f.Add([]byte{0x00 | 100<<1})
	f.Add(append([]byte{0x01 | 14<<1}, `{"type":"eof"}`...))
	f.Add(append([]byte{0x01 | 5<<1}, `{{{{{`...))
	f.Add(append([]byte{0x00 | 3<<1, 1, 2, 3, 0x01 | 10<<1}, `{"eof": 1}`...))
	f.Add(append([]byte{0x01 | 20<<1}, `{"type":"keepalive"}`...))
	s, err := New(Config{StreamIdleTimeout: time.Second})
	if err != nil {
		f.Fatal(err)
	}
	s.recs.base = &fakeTranscriber{text: "fuzz"}
	ts := newServerForFuzz(f, s)
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		c, _, err := dialListen(t, ctx, ts, "?rate=8000", nil)
		if err != nil {
			t.Fatal(err)
		}
		defer c.CloseNow()
		for len(data) > 0 {
			head := data[0]
			n := min(int(head>>1), len(data)-1)
			msg := data[1 : 1+n]
			data = data[1+n:]
			typ := websocket.MessageBinary
			if head&1 == 1 {
				typ = websocket.MessageText
			}
			if c.Write(ctx, typ, msg) != nil {
				break // the server has closed the session
			}
		}
		c.Write(ctx, websocket.MessageText, []byte(`{"type":"eof"}`))
		events, closeErr := readEvents(t, ctx, c)
		status := websocket.CloseStatus(closeErr)
		if status != websocket.StatusNormalClosure && status != websocket.StatusUnsupportedData {
			t.Fatalf("closed with %v", closeErr)
		}
		for _, ev := range events {
			switch ev["type"] {
			case "partial", "final":
			case "error":
				if status != websocket.StatusUnsupportedData {
					t.Fatalf("error event %v with status %v", ev, status)
				}
			default:
				t.Fatalf("event %v", ev)
			}
		}
	})
}

// newServerForFuzz serves s on loopback for the whole fuzz run.
func newServerForFuzz(f *testing.F, s *Server) string {
	srv := &http.Server{Handler: s.Handler()}
	ln, err := listenLoopback()
	if err != nil {
		f.Fatal(err)
	}
	go srv.Serve(ln)
	f.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return "http://" + strings.TrimPrefix(ln.Addr().String(), "tcp://")
}
