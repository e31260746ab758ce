package server

import (
	"context"
	"encoding/binary"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/mynah-speech/mynah/audio"
)

// s16 encodes samples as s16le.
func s16(samples []float32) []byte {
	return appendS16(nil, samples)
}

func dialListen(t testing.TB, ctx context.Context, url, query string, header http.Header) (*websocket.Conn, *http.Response, error) {
	t.Helper()
	return websocket.Dial(ctx, "ws"+strings.TrimPrefix(url, "http")+"/v1/listen"+query, &websocket.DialOptions{HTTPHeader: header})
}

// readEvents reads JSON events until the server closes the session.
func readEvents(t testing.TB, ctx context.Context, c *websocket.Conn) (events []map[string]any, closeErr error) {
	t.Helper()
	for {
		typ, data, err := c.Read(ctx)
		if err != nil {
			return events, err
		}
		if typ != websocket.MessageText {
			t.Errorf("binary message from the server")
			continue
		}
		var ev map[string]any
		if err := json.Unmarshal(data, &ev); err != nil {
			t.Errorf("event is not JSON: %s", data)
			continue
		}
		events = append(events, ev)
	}
}

// speechWithPauses is a clip, a pause, the clip again and a pause, at rate.
func speechWithPauses(t testing.TB, rate int) []float32 {
	clip, err := audio.Load(samples[0], audio.Rate(rate))
	if err != nil {
		t.Fatal(err)
	}
	pause := make([]float32, rate)
	var out []float32
	out = append(out, clip...)
	out = append(out, pause...)
	out = append(out, clip...)
	out = append(out, pause...)
	return out
}

func TestListen(t *testing.T) {
	// The real recogniser at 16 kHz; the resampled rates with a fake one,
	// which is all they need (and the recogniser is what costs CPU).
	for _, rate := range []int{16000, 44100, 8000} {
		t.Run(itoa(rate), func(t *testing.T) {
			s, ts := newTestServer(t, Config{PartialInterval: 500 * time.Millisecond})
			if rate != 16000 {
				s.recs.base = &fakeTranscriber{text: "hello there"}
			}
			ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
			defer cancel()
			c, _, err := dialListen(t, ctx, ts.URL, "?rate="+itoa(rate), nil)
			if err != nil {
				t.Fatal(err)
			}
			defer c.CloseNow()
			pcm := s16(speechWithPauses(t, rate))
			done := make(chan struct{})
			var events []map[string]any
			var closeErr error
			go func() {
				defer close(done)
				events, closeErr = readEvents(t, ctx, c)
			}()
			// Frames of 100 ms, the first of an odd length to split a sample.
			frame := rate / 10 * 2
			for i := 0; i < len(pcm); {
				n := min(frame, len(pcm)-i)
				if i == 0 {
					n = 333
				}
				if err := c.Write(ctx, websocket.MessageBinary, pcm[i:i+n]); err != nil {
					t.Fatal(err)
				}
				i += n
			}
			c.Write(ctx, websocket.MessageText, []byte(`{"type": "eof"}`))
			<-done
			if websocket.CloseStatus(closeErr) != websocket.StatusNormalClosure {
				t.Errorf("session ended with %v, want a normal closure", closeErr)
			}
			finals := 0
			last := 0.0
			for _, ev := range events {
				typ, _ := ev["type"].(string)
				if typ != "partial" && typ != "final" {
					t.Fatalf("event %v", ev)
				}
				for _, key := range []string{"text", "start", "end", "emitted_at", "words"} {
					if _, ok := ev[key]; !ok {
						t.Errorf("event lacks %q: %v", key, ev)
					}
				}
				start, end, at := ev["start"].(float64), ev["end"].(float64), ev["emitted_at"].(float64)
				if start > end || end > at+0.1 || at < last {
					t.Errorf("times start %v end %v emitted_at %v (previous %v)", start, end, at, last)
				}
				last = at
				if typ == "final" {
					finals++
					if r := ev["reason"]; r != "endpoint" && r != "eof" && r != "maxlen" {
						t.Errorf("final reason %v", r)
					}
				}
			}
			if finals < 1 {
				t.Errorf("no final among %d events", len(events))
			}
			t.Logf("rate %d: %d events, %d finals", rate, len(events), finals)
		})
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

func TestListenErrors(t *testing.T) {
	s, ts := newTestServer(t, Config{StreamIdleTimeout: time.Second, MaxStreams: 1})
	s.recs.base = &fakeTranscriber{text: "hello"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()

	// A bad rate is refused before the upgrade, as JSON.
	if _, resp, err := dialListen(t, ctx, ts.URL, "?rate=12", nil); err == nil || resp == nil || resp.StatusCode != 400 {
		t.Errorf("rate=12: %v", err)
	}

	// wantCode "" expects no error event: the WebSocket library closes the
	// connection itself.
	expectError := func(name string, send func(c *websocket.Conn), wantStatus websocket.StatusCode, wantCode string) {
		t.Helper()
		c, err := dialFreeSlot(t, ctx, ts.URL)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		defer c.CloseNow()
		send(c)
		events, closeErr := readEvents(t, ctx, c)
		if websocket.CloseStatus(closeErr) != wantStatus {
			t.Errorf("%s: closed with %v, want %v", name, closeErr, wantStatus)
		}
		if wantCode == "" {
			return
		}
		if len(events) == 0 || events[len(events)-1]["type"] != "error" {
			t.Fatalf("%s: no error event: %v", name, events)
		}
		e, _ := events[len(events)-1]["error"].(map[string]any)
		if e["code"] != wantCode || e["message"] == "" {
			t.Errorf("%s: error %v, want code %s", name, e, wantCode)
		}
	}
	expectError("garbage text", func(c *websocket.Conn) {
		c.Write(ctx, websocket.MessageBinary, make([]byte, 3200))
		c.Write(ctx, websocket.MessageText, []byte("\x00\xffnot json"))
	}, websocket.StatusUnsupportedData, "invalid_message")
	expectError("stall", func(c *websocket.Conn) {
		c.Write(ctx, websocket.MessageBinary, make([]byte, 3200))
	}, websocket.StatusPolicyViolation, "idle_timeout")
	expectError("huge message", func(c *websocket.Conn) {
		c.Write(ctx, websocket.MessageBinary, make([]byte, maxListenMessage+2))
	}, websocket.StatusMessageTooBig, "")

	// One session at a time here: a second gets 429. (The slot of the
	// last session frees when its handler returns, just after the close.)
	c, err := dialFreeSlot(t, ctx, ts.URL)
	if err != nil {
		t.Fatal(err)
	}
	_, resp, err := dialListen(t, ctx, ts.URL, "", nil)
	if err == nil || resp == nil || resp.StatusCode != 429 {
		t.Errorf("second session: %v", err)
	}
	c.Write(ctx, websocket.MessageText, []byte(`{"eof": 1}`))
	if _, closeErr := readEvents(t, ctx, c); websocket.CloseStatus(closeErr) != websocket.StatusNormalClosure {
		t.Errorf("Vosk-style eof: %v", closeErr)
	}
}

// TestListenDrain checks that Shutdown ends a live session with its final
// result and status 1001.
func TestListenDrain(t *testing.T) {
	s, ts := newTestServer(t, Config{})
	s.recs.base = &fakeTranscriber{text: "so far"}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	c, _, err := dialListen(t, ctx, ts.URL, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer c.CloseNow()
	// Speech that has not ended yet.
	tone := make([]float32, 16000)
	for i := range tone {
		tone[i] = 0.3 * float32(((i/20)%2)*2-1)
	}
	c.Write(ctx, websocket.MessageBinary, s16(make([]float32, 8000)))
	c.Write(ctx, websocket.MessageBinary, s16(tone))
	time.Sleep(200 * time.Millisecond)
	drained := make(chan error, 1)
	go func() { drained <- s.Shutdown(ctx) }()
	events, closeErr := readEvents(t, ctx, c)
	if websocket.CloseStatus(closeErr) != websocket.StatusGoingAway {
		t.Errorf("closed with %v, want going away", closeErr)
	}
	if len(events) == 0 || events[len(events)-1]["type"] != "final" || events[len(events)-1]["reason"] != "shutdown" {
		t.Errorf("events %v: want a final with reason shutdown last", events)
	}
	if err := <-drained; err != nil {
		t.Errorf("Shutdown: %v", err)
	}
	if _, resp, err := dialListen(t, ctx, ts.URL, "", nil); err == nil || resp == nil || resp.StatusCode != 503 {
		t.Errorf("a session after the drain: %v", err)
	}
}

func TestS16Decoder(t *testing.T) {
	want := []float32{0, 0.5, -1, 32767.0 / 32768}
	pcm := make([]byte, 0, 8)
	for _, v := range []int16{0, 16384, -32768, 32767} {
		pcm = binary.LittleEndian.AppendUint16(pcm, uint16(v))
	}
	for split := 0; split <= len(pcm); split++ {
		var d s16Decoder
		got := d.decode(nil, pcm[:split])
		got = d.decode(got, pcm[split:])
		if len(got) != len(want) {
			t.Fatalf("split %d: %v", split, got)
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("split %d: sample %d = %v, want %v", split, i, got[i], want[i])
			}
		}
	}
}

func TestParseControl(t *testing.T) {
	for _, tc := range []struct {
		msg      string
		eof, bad bool
	}{
		{`{"type":"eof"}`, true, false},
		{`{"eof":1}`, true, false},
		{`{"eof":true}`, true, false},
		{`{"type":"keepalive"}`, false, false},
		{`{"eof":0}`, false, true},
		{`{"type":"dance"}`, false, true},
		{`[]`, false, true},
		{`eof`, false, true},
		{``, false, true},
	} {
		ctl, err := parseControl([]byte(tc.msg))
		if (err != nil) != tc.bad || ctl.eof != tc.eof {
			t.Errorf("%q: %+v, %v", tc.msg, ctl, err)
		}
	}
}

// dialFreeSlot opens a session, retrying while the server's only slot is
// still held by the session before (it frees when that handler returns,
// just after the close the client saw).
func dialFreeSlot(t testing.TB, ctx context.Context, url string) (*websocket.Conn, error) {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		c, resp, err := dialListen(t, ctx, url, "", nil)
		if err == nil || resp == nil || resp.StatusCode != 429 || time.Now().After(deadline) {
			return c, err
		}
	}
}
