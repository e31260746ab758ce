package server

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/audio"
)

// samples are the committed clips, one per input format.
var samples = []string{"../samples/hello.wav", "../samples/numbers.flac", "../samples/fox.mp3", "../samples/window.wav"}

// newTestServer starts a Server on loopback; it is closed with the test.
func newTestServer(t testing.TB, cfg Config) (*Server, *httptest.Server) {
	t.Helper()
	s, err := New(cfg)
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return s, ts
}

// form builds a multipart body: fields in order, then the file when given.
func form(t testing.TB, file []byte, fields ...string) (body *bytes.Buffer, contentType string) {
	t.Helper()
	body = &bytes.Buffer{}
	mw := multipart.NewWriter(body)
	for i := 0; i+1 < len(fields); i += 2 {
		mw.WriteField(fields[i], fields[i+1])
	}
	if file != nil {
		fw, err := mw.CreateFormFile("file", "clip.wav")
		if err != nil {
			t.Fatal(err)
		}
		fw.Write(file)
	}
	mw.Close()
	return body, mw.FormDataContentType()
}

func readFile(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// post sends a transcription request and returns the status and body.
func post(t testing.TB, client *http.Client, url string, body io.Reader, contentType string, header ...string) (int, http.Header, []byte) {
	t.Helper()
	req, err := http.NewRequest(http.MethodPost, url, body)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", contentType)
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, resp.Header, b
}

// apiErrorOf decodes an error body and checks its OpenAI shape.
func apiErrorOf(t testing.TB, body []byte) apiError {
	t.Helper()
	var doc struct {
		Error *struct {
			Message string  `json:"message"`
			Type    string  `json:"type"`
			Param   *string `json:"param"`
			Code    *string `json:"code"`
		} `json:"error"`
	}
	if err := json.Unmarshal(body, &doc); err != nil || doc.Error == nil || doc.Error.Message == "" || doc.Error.Type == "" {
		t.Fatalf("error body not in the OpenAI shape: %s", body)
	}
	return apiError{Message: doc.Error.Message, Type: doc.Error.Type, Param: doc.Error.Param, Code: doc.Error.Code}
}

func code(e apiError) string {
	if e.Code == nil {
		return ""
	}
	return *e.Code
}

// fakeTranscriber returns a fixed transcript, or blocks until released or
// its context ends.
type fakeTranscriber struct {
	text    string
	block   chan struct{} // nil: answer at once
	started chan struct{} // receives once per call, when given
	mu      sync.Mutex
	calls   int
	ctxErrs int
}

func (f *fakeTranscriber) Transcribe(ctx context.Context, src audio.Source) (mynah.Transcript, error) {
	f.mu.Lock()
	f.calls++
	f.mu.Unlock()
	samples, err := audio.ReadAll(src)
	if err != nil {
		return mynah.Transcript{}, err
	}
	if f.started != nil {
		f.started <- struct{}{}
	}
	if f.block != nil {
		select {
		case <-f.block:
		case <-ctx.Done():
			f.mu.Lock()
			f.ctxErrs++
			f.mu.Unlock()
			return mynah.Transcript{}, ctx.Err()
		}
	}
	d := float64(len(samples)) / float64(src.SampleRate())
	tr := mynah.Transcript{Duration: d, Text: f.text}
	if f.text != "" {
		for i, w := range strings.Fields(f.text) {
			tr.Words = append(tr.Words, mynah.Word{Word: w, Start: float64(i) * 0.1, End: float64(i)*0.1 + 0.05, Confidence: 1})
		}
		tr.Segments = []mynah.Segment{{Start: 0, End: d, Text: f.text}}
	}
	return tr, nil
}

// shortWAV returns the first seconds of a clip as a 16 kHz WAV file.
func shortWAV(t testing.TB, name string, seconds float64) []byte {
	t.Helper()
	pcm, err := audio.Load(name, 16000)
	if err != nil {
		t.Fatal(err)
	}
	pcm = pcm[:min(len(pcm), int(seconds*16000))]
	var b bytes.Buffer
	if err := audio.WriteWAV(&b, pcm, 16000, audio.PCM16); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// recognizerConfigOfTranscribe is the mynah.Config `transcribe` builds
// with its default flags (--vad on, the rest zero).
func recognizerConfigOfTranscribe() mynah.Config { return mynah.Config{VAD: true} }

func listenLoopback() (net.Listener, error) { return net.Listen("tcp", "127.0.0.1:0") }
