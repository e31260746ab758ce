package server

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah"
)

func TestTranscriptionFormats(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	// Every format for two clips; TestSameAsTranscribe covers the rest
	// (and the recogniser is what costs CPU here).
	for _, name := range []string{samples[0], samples[2]} {
		clip := readFile(t, name)
		get := func(format string, extra ...string) []byte {
			body, ct := form(t, clip, append([]string{"model", "whisper-1", "response_format", format}, extra...)...)
			status, h, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct)
			if status != 200 {
				t.Fatalf("%s %s: status %d: %s", name, format, status, out)
			}
			if format == "json" || format == "verbose_json" {
				if h.Get("Content-Type") != "application/json" {
					t.Errorf("%s: Content-Type %q", format, h.Get("Content-Type"))
				}
			}
			return out
		}
		var plain struct{ Text string }
		if err := json.Unmarshal(get("json"), &plain); err != nil {
			t.Fatal(err)
		}
		if text := get("text"); string(text) != plain.Text+"\n" {
			t.Errorf("%s: text %q and json text %q differ", name, text, plain.Text)
		}
		var verbose map[string]any
		if err := json.Unmarshal(get("verbose_json"), &verbose); err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"task", "language", "duration", "text", "words", "segments", "model"} {
			if _, ok := verbose[key]; !ok {
				t.Errorf("%s: verbose_json lacks %q", name, key)
			}
		}
		if _, ok := verbose["file"]; ok {
			t.Errorf("%s: verbose_json carries the client's file name", name)
		}
		if d, _ := verbose["duration"].(float64); d < 2 || d > 6 {
			t.Errorf("%s: duration %v", name, verbose["duration"])
		}
		verbose = nil
		if err := json.Unmarshal(get("verbose_json", "timestamp_granularities[]", "word"), &verbose); err != nil {
			t.Fatal(err)
		}
		if _, ok := verbose["segments"]; ok || verbose["words"] == nil {
			t.Errorf("%s: granularity word alone should give words, not segments: %v", name, verbose)
		}
		if srt := get("srt"); plain.Text != "" && !bytes.HasPrefix(srt, []byte("1\n00:00:")) {
			t.Errorf("%s: srt %q", name, srt)
		}
		if vtt := get("vtt"); !bytes.HasPrefix(vtt, []byte("WEBVTT\n\n")) {
			t.Errorf("%s: vtt %q", name, vtt)
		}
	}
}

func TestTranscriptionErrors(t *testing.T) {
	s, ts := newTestServer(t, Config{MaxUploadBytes: 1 << 20, MaxAudio: 2 * time.Second})
	clip := readFile(t, samples[0]) // 3.5 s: over MaxAudio
	short := shortWAV(t, samples[0], 1.5)
	big := bytes.Repeat([]byte{0}, 2<<20)
	corrupt := append([]byte("RIFF\xff\xff\xff\x7fWAVEfmt "), bytes.Repeat([]byte{0xAB}, 100)...)
	type request struct {
		name        string
		body        func() (io.Reader, string)
		status      int
		code, param string
	}
	withFile := func(file []byte, fields ...string) func() (io.Reader, string) {
		return func() (io.Reader, string) { return form(t, file, fields...) }
	}
	raw := func(body, ct string) func() (io.Reader, string) {
		return func() (io.Reader, string) { return strings.NewReader(body), ct }
	}
	truncated := func() (io.Reader, string) {
		b, ct := form(t, short)
		return bytes.NewReader(b.Bytes()[:b.Len()-30]), ct
	}
	for _, tc := range []request{
		{"no file", withFile(nil, "model", "whisper-1"), 400, "missing_file", "file"},
		{"not multipart", raw(`{"file": "x"}`, "application/json"), 415, "invalid_content_type", ""},
		{"no boundary", raw("x", "multipart/form-data"), 400, "invalid_multipart", ""},
		{"truncated body", truncated, 400, "invalid_multipart", ""},
		{"garbage body", raw("garbage", "multipart/form-data; boundary=xyz"), 400, "invalid_multipart", ""},
		{"corrupt audio", withFile(corrupt), 400, "invalid_audio", "file"},
		{"text as audio", withFile([]byte("hello, this is not audio at all")), 400, "invalid_audio", "file"},
		{"empty file", withFile([]byte{}), 400, "invalid_audio", "file"},
		{"too long", withFile(clip), 413, "audio_too_long", "file"},
		{"too large", withFile(big), 413, "file_too_large", "file"},
		{"french", withFile(short, "language", "fr"), 400, "unsupported_language", "language"},
		{"format", withFile(short, "response_format", "xml"), 400, "invalid_response_format", "response_format"},
		{"granularity", withFile(short, "timestamp_granularities[]", "char"), 400, "invalid_value", "timestamp_granularities[]"},
		{"model", withFile(short, "model", "gpt-9"), 400, "model_not_found", "model"},
		{"temperature", withFile(short, "temperature", "hot"), 400, "invalid_value", "temperature"},
		{"prompt", withFile(short, "prompt", "mynah:lots"), 400, "invalid_prompt", "prompt"},
		{"emotion", withFile(short, "emotion", "yes please"), 400, "invalid_value", "emotion"},
		{"two files", func() (io.Reader, string) {
			b, ct := form(t, short)
			s := strings.Replace(b.String(), "--\r\n", "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"b.wav\"\r\n\r\nxx\r\n--"+ct[strings.Index(ct, "=")+1:]+"--\r\n", 1)
			return strings.NewReader(s), ct
		}, 400, "invalid_multipart", "file"},
		{"long field", withFile(short, "prompt", strings.Repeat("a", maxFieldBytes+1)), 413, "field_too_large", "prompt"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			body, ct := tc.body()
			status, _, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct)
			if status != tc.status {
				t.Fatalf("status %d, want %d: %s", status, tc.status, out)
			}
			e := apiErrorOf(t, out)
			if code(e) != tc.code {
				t.Errorf("code %q, want %q (%s)", code(e), tc.code, e.Message)
			}
			if tc.param != "" && (e.Param == nil || *e.Param != tc.param) {
				t.Errorf("param %v, want %q", e.Param, tc.param)
			}
		})
	}
	// The server still serves after all that.
	body, ct := form(t, short)
	if status, _, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct); status != 200 {
		t.Fatalf("after the errors: status %d: %s", status, out)
	}
	_ = s
}

func TestMethodsAndRoutes(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	for _, tc := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/v1/audio/transcriptions", 405},
		{"PUT", "/v1/audio/speech", 405},
		{"GET", "/v1/nothing", 404},
		{"GET", "/v1/models", 200},
		{"GET", "/healthz", 200},
		{"GET", "/metrics", 200},
		{"GET", "/v1/models/whisper-9", 404},
	} {
		req, _ := http.NewRequest(tc.method, ts.URL+tc.path, nil)
		resp, err := ts.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%s %s: %d, want %d", tc.method, tc.path, resp.StatusCode, tc.status)
		}
		if tc.status >= 400 {
			apiErrorOf(t, body)
		}
	}
}

func TestModels(t *testing.T) {
	s, ts := newTestServer(t, Config{})
	resp, err := ts.Client().Get(ts.URL + "/v1/models")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct {
		Object string
		Data   []struct{ ID, Object string }
	}
	json.NewDecoder(resp.Body).Decode(&list)
	if list.Object != "list" || len(list.Data) != 1 || list.Data[0].ID != s.ModelName() || list.Data[0].Object != "model" {
		t.Errorf("models %+v", list)
	}
	resp, err = ts.Client().Get(ts.URL + "/v1/models/" + s.ModelName())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("model by id: %d", resp.StatusCode)
	}
}

func TestAuth(t *testing.T) {
	key := "sk-test-0123456789abcdef"
	_, ts := newTestServer(t, Config{APIKeys: []string{"another-key-0123456789", key}})
	clip := readFile(t, samples[0])
	for _, tc := range []struct {
		header string
		status int
	}{
		{"", 401},
		{"Bearer wrong-key-0123456789abc", 401},
		{"Basic " + key, 401},
		{"Bearer " + key, 200},
		{"bearer  " + key, 200},
	} {
		body, ct := form(t, clip)
		var h []string
		if tc.header != "" {
			h = []string{"Authorization", tc.header}
		}
		status, hdr, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct, h...)
		if status != tc.status {
			t.Errorf("%q: status %d, want %d: %s", tc.header, status, tc.status, out)
		}
		if status == 401 && (hdr.Get("WWW-Authenticate") == "" || apiErrorOf(t, out).Type != typeAuthentication) {
			t.Errorf("%q: 401 without WWW-Authenticate or authentication_error: %s", tc.header, out)
		}
	}
	for path, want := range map[string]int{"/healthz": 200, "/metrics": 401, "/v1/models": 401} {
		resp, err := ts.Client().Get(ts.URL + path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("%s without key: %d, want %d", path, resp.StatusCode, want)
		}
	}
}

func TestKeyringConstantShape(t *testing.T) {
	k := newKeyring([]string{"a-key-that-is-long-enough"})
	for _, tc := range []struct {
		token string
		ok    bool
	}{{"a-key-that-is-long-enough", true}, {"a-key-that-is-long-enougH", false}, {"", false}, {"a", false}} {
		if k.check(tc.token) != tc.ok {
			t.Errorf("check(%q) = %v", tc.token, !tc.ok)
		}
	}
	if _, err := ReadAPIKeys(strings.NewReader("# keys\n\nshort\n")); err == nil {
		t.Error("a short key was accepted")
	}
	keys, err := ReadAPIKeys(strings.NewReader("# keys\n\n  sk-0123456789abcdef  \nsk-fedcba9876543210\n"))
	if err != nil || len(keys) != 2 || keys[0] != "sk-0123456789abcdef" {
		t.Errorf("ReadAPIKeys: %q, %v", keys, err)
	}
}

// TestQueueFull fills the pool and its queue: the next request is refused
// at once with 429 and Retry-After, without reading its upload.
func TestQueueFull(t *testing.T) {
	s, ts := newTestServer(t, Config{Workers: 1, Queue: 1})
	fake := &fakeTranscriber{text: "hello", block: make(chan struct{}), started: make(chan struct{}, 4)}
	s.recs.base = fake
	clip := readFile(t, samples[0])
	results := make(chan int, 2)
	for i := 0; i < 2; i++ {
		go func() {
			body, ct := form(t, clip)
			status, _, _ := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct)
			results <- status
		}()
	}
	<-fake.started // one runs; wait for the other to queue
	deadline := time.Now().Add(5 * time.Second)
	for s.pool.waiting.Load() != 1 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	body, ct := form(t, clip)
	status, h, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct)
	if status != 429 || h.Get("Retry-After") == "" || code(apiErrorOf(t, out)) != "queue_full" {
		t.Errorf("full server: status %d, Retry-After %q: %s", status, h.Get("Retry-After"), out)
	}
	// The gauges follow the counters a moment after them (each change
	// reports once it is made): poll, as a scraper would see it settle.
	var metrics string
	for {
		metrics = getBody(t, ts, "/metrics")
		ok := strings.Contains(metrics, "mynahd_queue_depth 1") && strings.Contains(metrics, "mynahd_workers_busy 1")
		if ok || time.Now().After(deadline) {
			if !ok {
				t.Errorf("metrics do not show the queue:\n%s", grepLines(metrics, "mynahd_"))
			}
			break
		}
		time.Sleep(5 * time.Millisecond)
	}
	close(fake.block)
	for i := 0; i < 2; i++ {
		if st := <-results; st != 200 {
			t.Errorf("queued request: %d", st)
		}
	}
}

// TestDisconnectCancels checks that a client that hangs up cancels its
// transcription.
func TestDisconnectCancels(t *testing.T) {
	s, ts := newTestServer(t, Config{Workers: 1})
	fake := &fakeTranscriber{text: "x", block: make(chan struct{}), started: make(chan struct{}, 1)}
	s.recs.base = fake
	body, ct := form(t, readFile(t, samples[0]))
	conn, err := net.Dial("tcp", ts.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	fmt.Fprintf(conn, "POST /v1/audio/transcriptions HTTP/1.1\r\nHost: x\r\nContent-Type: %s\r\nContent-Length: %d\r\n\r\n", ct, body.Len())
	conn.Write(body.Bytes())
	<-fake.started
	conn.Close()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		fake.mu.Lock()
		n := fake.ctxErrs
		fake.mu.Unlock()
		if n == 1 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Fatal("the transcription was not cancelled when its client left")
}

func TestPromptHotwords(t *testing.T) {
	for _, tc := range []struct {
		prompt string
		want   []mynah.Hotword
		ok     bool
	}{
		{"", nil, true},
		{"mynah", []mynah.Hotword{{Phrase: "mynah", Weight: mynah.DefaultHotwordWeight}}, true},
		{"mynah:3, speech toolkit\nkaldi:2.5", []mynah.Hotword{{Phrase: "mynah", Weight: 3}, {Phrase: "speech toolkit", Weight: mynah.DefaultHotwordWeight}, {Phrase: "kaldi", Weight: 2.5}}, true},
		{"x:abc", nil, false},
		{"x:99", nil, false},
		{strings.Repeat("w,", maxPromptHotwords+1), nil, false},
	} {
		got, err := parsePrompt(tc.prompt)
		if (err == nil) != tc.ok {
			t.Errorf("%q: error %v", tc.prompt, err)
			continue
		}
		if tc.ok && fmt.Sprint(got) != fmt.Sprint(tc.want) {
			t.Errorf("%q: %v, want %v", tc.prompt, got, tc.want)
		}
	}
	// A prompt builds (once) a recognizer with its hotwords and answers.
	s, ts := newTestServer(t, Config{})
	clip := readFile(t, samples[1])
	for i := 0; i < 2; i++ {
		body, ct := form(t, clip, "prompt", "seven, eight:2")
		if status, _, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct); status != 200 {
			t.Fatalf("status %d: %s", status, out)
		}
	}
	if n := s.recs.order.Len(); n != 1 {
		t.Errorf("%d cached prompt recognizers, want 1", n)
	}
}

func getBody(t testing.TB, ts *httptest.Server, path string) string {
	t.Helper()
	resp, err := ts.Client().Get(ts.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

func grepLines(text, prefix string) string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, prefix) {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}
