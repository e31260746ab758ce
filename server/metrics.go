package server

import (
	"strconv"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// metrics are the server's Prometheus series. Each Server has its own
// registry (no global state), served at /metrics in the text format.
type metrics struct {
	registry     *prometheus.Registry
	requests     *prometheus.CounterVec
	errors       *prometheus.CounterVec
	latency      *prometheus.HistogramVec
	audioSeconds *prometheus.CounterVec
	queueDepth   prometheus.Gauge
	busyWorkers  prometheus.Gauge
	streams      prometheus.Gauge
}

func newMetrics() *metrics {
	m := &metrics{
		registry: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mynahd_requests_total",
			Help: "HTTP requests answered, by endpoint and status code.",
		}, []string{"endpoint", "code"}),
		errors: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mynahd_request_errors_total",
			Help: "Requests that ended in an error, by endpoint and error code (invalid_audio, queue_full, ...).",
		}, []string{"endpoint", "code"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "mynahd_request_duration_seconds",
			Help:    "Time from the request's headers to its last byte, by endpoint.",
			Buckets: []float64{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}, []string{"endpoint"}),
		audioSeconds: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "mynahd_audio_seconds_total",
			Help: "Seconds of audio recognised (transcriptions, listen) or synthesised (speech).",
		}, []string{"endpoint"}),
		queueDepth: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mynahd_queue_depth",
			Help: "Requests admitted and waiting for a worker.",
		}),
		busyWorkers: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mynahd_workers_busy",
			Help: "Workers running a job now.",
		}),
		streams: prometheus.NewGauge(prometheus.GaugeOpts{
			Name: "mynahd_listen_streams",
			Help: "Open /v1/listen WebSocket sessions.",
		}),
	}
	m.registry.MustRegister(m.requests, m.errors, m.latency, m.audioSeconds, m.queueDepth, m.busyWorkers, m.streams,
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

func (m *metrics) observe(endpoint string, status int, seconds float64) {
	m.requests.WithLabelValues(endpoint, strconv.Itoa(status)).Inc()
	m.latency.WithLabelValues(endpoint).Observe(seconds)
}

func (m *metrics) failed(endpoint string, e *apiError) {
	code := "unknown"
	if e.Code != nil {
		code = *e.Code
	}
	m.errors.WithLabelValues(endpoint, code).Inc()
}
