package server_test

import (
	"bytes"
	"fmt"
	"io"
	"log"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"

	"github.com/mynah-speech/mynah"
	"github.com/mynah-speech/mynah/server"
)

// A server on loopback answering an OpenAI-style transcription request. In
// a program, serve s.Handler() with an http.Server (cmd/mynahd does).
func ExampleNew() {
	s, err := server.New(server.Config{Recognizer: mynah.Config{VAD: true}})
	if err != nil {
		log.Fatal(err)
	}
	defer s.Close()
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()

	clip, err := os.ReadFile("../samples/hello.wav")
	if err != nil {
		log.Fatal(err)
	}
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fw, _ := mw.CreateFormFile("file", "hello.wav")
	fw.Write(clip)
	mw.WriteField("model", "whisper-1")
	mw.WriteField("response_format", "text")
	mw.Close()
	resp, err := http.Post(ts.URL+"/v1/audio/transcriptions", mw.FormDataContentType(), &body)
	if err != nil {
		log.Fatal(err)
	}
	text, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, resp.Header.Get("Content-Type"), strings.Count(string(text), "\n"), "line")

	// Text to speech answers 501 until a synthesiser is configured.
	resp, err = http.Post(ts.URL+"/v1/audio/speech", "application/json",
		strings.NewReader(`{"model": "tts-1", "input": "Hello.", "voice": "alloy"}`))
	if err != nil {
		log.Fatal(err)
	}
	errBody, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	fmt.Println(resp.StatusCode, strings.Contains(string(errBody), `"code":"tts_unavailable"`))
	// Output:
	// 200 text/plain; charset=utf-8 1 line
	// 501 true
}
