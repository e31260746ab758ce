package server

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestMetricsContent checks that /metrics carries every series the issue
// asks for — requests, errors, latency histograms, audio seconds, queue
// depth — with the values a known sequence of requests must leave, in the
// Prometheus text format.
func TestMetricsContent(t *testing.T) {
	s, ts := newTestServer(t, Config{Workers: 1})
	s.recs.base = &fakeTranscriber{text: "hello there"}
	clip := shortWAV(t, samples[0], 2) // 2 s of audio

	for i := 0; i < 2; i++ {
		body, ct := form(t, clip, "response_format", "text")
		if status, _, out := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct); status != 200 {
			t.Fatalf("valid request: %d %s", status, out)
		}
	}
	body, ct := form(t, []byte("RIFF garbage, not audio"))
	if status, _, _ := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct); status != 400 {
		t.Fatalf("corrupt file: status %d, want 400", status)
	}
	body, ct = form(t, clip, "language", "fr")
	if status, _, _ := post(t, ts.Client(), ts.URL+"/v1/audio/transcriptions", body, ct); status != 400 {
		t.Fatalf("french: status %d, want 400", status)
	}

	resp, err := ts.Client().Get(ts.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/plain") {
		t.Errorf("/metrics Content-Type %q, want the Prometheus text format", ct)
	}
	text := getBody(t, ts, "/metrics")

	for _, c := range []struct {
		series string
		want   func(float64) bool
		what   string
	}{
		{`mynahd_requests_total{code="200",endpoint="transcriptions"}`, eq(2), "2"},
		{`mynahd_requests_total{code="400",endpoint="transcriptions"}`, eq(2), "2"},
		{`mynahd_request_errors_total{code="invalid_audio",endpoint="transcriptions"}`, eq(1), "1"},
		{`mynahd_request_errors_total{code="unsupported_language",endpoint="transcriptions"}`, eq(1), "1"},
		{`mynahd_request_duration_seconds_count{endpoint="transcriptions"}`, eq(4), "4"},
		{`mynahd_request_duration_seconds_bucket{endpoint="transcriptions",le="+Inf"}`, eq(4), "4"},
		{`mynahd_request_duration_seconds_sum{endpoint="transcriptions"}`, func(v float64) bool { return v > 0 }, "> 0"},
		{`mynahd_audio_seconds_total{endpoint="transcriptions"}`, func(v float64) bool { return v > 3.99 && v < 4.01 }, "4 (two 2 s clips)"},
		{`mynahd_queue_depth`, eq(0), "0"},
		{`mynahd_workers_busy`, eq(0), "0"},
		{`mynahd_listen_streams`, eq(0), "0"},
		{`go_goroutines`, func(v float64) bool { return v > 0 }, "> 0"},
	} {
		v, ok := metricValue(text, c.series)
		switch {
		case !ok:
			t.Errorf("/metrics lacks %s:\n%s", c.series, grepLines(text, "mynahd_"))
		case !c.want(v):
			t.Errorf("%s = %v, want %s", c.series, v, c.what)
		}
	}
	for _, help := range []string{"mynahd_requests_total counter", "mynahd_request_errors_total counter",
		"mynahd_request_duration_seconds histogram", "mynahd_audio_seconds_total counter", "mynahd_queue_depth gauge"} {
		if !strings.Contains(text, "# TYPE "+help) {
			t.Errorf("/metrics lacks # TYPE %s", help)
		}
	}
}

func eq(want float64) func(float64) bool { return func(v float64) bool { return v == want } }

// metricValue finds one sample line "series value" in the text format.
func metricValue(text, series string) (float64, bool) {
	re := regexp.MustCompile(`(?m)^` + regexp.QuoteMeta(series) + ` (\S+)$`)
	m := re.FindStringSubmatch(text)
	if m == nil {
		return 0, false
	}
	v, err := strconv.ParseFloat(m[1], 64)
	return v, err == nil
}
