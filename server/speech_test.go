package server

import (
	"bytes"
	"context"
	"encoding/binary"
	"io"
	"math"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mynah-speech/mynah/audio"
)

// toneSynth speaks each sentence of its input as 0.25 s of tone. With a
// gate, it waits after the first sentence until the gate opens: a test
// holds it shut until it has read the first bytes.
type toneSynth struct {
	gate chan struct{}
}

func (toneSynth) Name() string           { return "tone-1" }
func (toneSynth) Voices() []string       { return []string{"kathleen", "other"} }
func (toneSynth) SampleRate() audio.Rate { return 22050 }

func (s toneSynth) Synthesize(ctx context.Context, req SpeechRequest, emit func([]float32) error) error {
	for i, sentence := range strings.Split(req.Input, ".") {
		if strings.TrimSpace(sentence) == "" {
			continue
		}
		if i == 1 && s.gate != nil {
			select {
			case <-s.gate:
			case <-ctx.Done():
				return ctx.Err()
			}
		}
		n := int(0.25 * 22050 / req.Speed)
		tone := make([]float32, n)
		for j := range tone {
			tone[j] = 0.5 * float32(math.Sin(2*math.Pi*440*float64(j)/22050))
		}
		if err := emit(tone); err != nil {
			return err
		}
	}
	return nil
}

func speechRequest(t testing.TB, url, body string) *http.Response {
	t.Helper()
	req, _ := http.NewRequest(http.MethodPost, url+"/v1/audio/speech", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

func TestSpeechUnavailable(t *testing.T) {
	_, ts := newTestServer(t, Config{})
	resp := speechRequest(t, ts.URL, `{"model": "tts-1", "input": "Hello.", "voice": "alloy"}`)
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 501 || code(apiErrorOf(t, body)) != "tts_unavailable" {
		t.Errorf("without a synthesiser: %d %s", resp.StatusCode, body)
	}
}

// TestSpeechStreams checks that the first audio leaves before the rest of
// the text is synthesised, in each format, and that the streams decode.
func TestSpeechStreams(t *testing.T) {
	for _, format := range []string{"wav", "pcm", "flac"} {
		t.Run(format, func(t *testing.T) {
			gate := make(chan struct{})
			_, ts := newTestServer(t, Config{Synthesizer: toneSynth{gate: gate}})
			resp := speechRequest(t, ts.URL, `{"model": "tts-1", "input": "One. Two. Three.", "voice": "alloy", "response_format": "`+format+`"}`)
			defer resp.Body.Close()
			if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "audio/"+format || resp.Header.Get("X-Sample-Rate") != "22050" {
				t.Fatalf("status %d, headers %v", resp.StatusCode, resp.Header)
			}
			// The first sentence arrives while the second waits at the gate.
			first := make([]byte, 2000)
			if _, err := io.ReadFull(resp.Body, first); err != nil {
				t.Fatalf("first bytes did not arrive before the rest was synthesised: %v", err)
			}
			close(gate)
			rest, err := io.ReadAll(resp.Body)
			if err != nil {
				t.Fatal(err)
			}
			all := append(first, rest...)
			quarter := 0.25 * 22050
			want := 3 * int(quarter)
			var got int
			if format == "pcm" {
				got = len(all) / 2
				if v := int16(binary.LittleEndian.Uint16(all[2*100:])); v == 0 {
					t.Error("pcm is silent")
				}
			} else {
				src, err := audio.Decode(bytes.NewReader(all), audio.DecodeOptions{})
				if err != nil {
					t.Fatal(err)
				}
				pcm, err := audio.ReadAll(src)
				if err != nil {
					t.Fatal(err)
				}
				got = len(pcm)
				if src.SampleRate() != 22050 {
					t.Errorf("rate %v", src.SampleRate())
				}
			}
			if got != want {
				t.Errorf("%d samples, want %d", got, want)
			}
		})
	}
}

func TestSpeechValidation(t *testing.T) {
	_, ts := newTestServer(t, Config{Synthesizer: toneSynth{}, MaxTextChars: 50})
	for _, tc := range []struct {
		body   string
		status int
		code   string
	}{
		{`{"input": "Hi.", "voice": "kathleen"}`, 200, ""},
		{`{"input": "Hi.", "voice": "Shimmer", "speed": 4}`, 200, ""},
		{`{"input": "", "voice": "alloy"}`, 400, "missing_input"},
		{`{"input": "` + strings.Repeat("é", 51) + `", "voice": "alloy"}`, 400, "string_above_max_length"},
		{`{"input": "Hi.", "voice": ""}`, 400, "missing_voice"},
		{`{"input": "Hi.", "voice": "darth"}`, 400, "invalid_voice"},
		{`{"input": "Hi.", "voice": "alloy", "response_format": "mp3"}`, 400, "unsupported_response_format"},
		{`{"input": "Hi.", "voice": "alloy", "response_format": "ogg"}`, 400, "invalid_response_format"},
		{`{"input": "Hi.", "voice": "alloy", "speed": 9}`, 400, "invalid_value"},
		{`{"input": "Hi.", "voice": "alloy", "model": "dall-e"}`, 400, "model_not_found"},
		{`{"input": "Hi.", "voice": "alloy"} {}`, 400, "invalid_json"},
		{`{"input": "Hi.", "voice": `, 400, "invalid_json"},
		{`{"input": "` + strings.Repeat("x", 50*12+speechBodySlack) + `"}`, 413, "body_too_large"},
	} {
		resp := speechRequest(t, ts.URL, tc.body)
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != tc.status {
			t.Errorf("%.60s: status %d, want %d: %.200s", tc.body, resp.StatusCode, tc.status, body)
			continue
		}
		if tc.code != "" && code(apiErrorOf(t, body)) != tc.code {
			t.Errorf("%.60s: %s, want code %s", tc.body, body, tc.code)
		}
	}
}

// TestSpeechCancel checks that a client leaving mid-stream stops the
// synthesis.
func TestSpeechCancel(t *testing.T) {
	gate := make(chan struct{})
	s, ts := newTestServer(t, Config{Synthesizer: toneSynth{gate: gate}, Workers: 1})
	resp := speechRequest(t, ts.URL, `{"input": "One. Two.", "voice": "alloy"}`)
	io.ReadFull(resp.Body, make([]byte, 100))
	resp.Body.Close()
	http.DefaultClient.CloseIdleConnections()
	// The worker comes free once the synthesis has seen the cancellation.
	deadline := time.Now().Add(5 * time.Second)
	for len(s.pool.workers) != 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if len(s.pool.workers) != 0 {
		t.Fatal("the synthesis kept its worker after the client left")
	}
}
