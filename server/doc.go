// Package server is mynahd's HTTP and WebSocket front: the OpenAI audio API
// over mynah's recognizer, and live dictation over a WebSocket.
//
// # Endpoints
//
//	POST /v1/audio/transcriptions  multipart "file" (WAV, FLAC, MP3) → json, text, srt, vtt or verbose_json
//	POST /v1/audio/speech          JSON {model, input, voice, response_format, speed} → streamed wav, pcm or flac
//	GET  /v1/models                the served models
//	GET  /v1/listen?rate=16000     WebSocket: binary s16le frames in, JSON partial/final events out
//	GET  /healthz                  200 {"status":"ok"}, 503 while draining; needs no key
//	GET  /metrics                  Prometheus text format
//
// A transcription is the same call with the same options that `transcribe`
// makes for a file (audio.Decode, then Recognizer.Transcribe), rendered by
// Render, so the server answers with exactly the text `transcribe` prints. The prompt field adds hotwords: a comma-separated list of
// "phrase[:weight]", as `transcribe --hotword` takes them.
//
// # Bounded work
//
// Every job runs on a pool of Config.Workers workers with a queue of
// Config.Queue places. A request that finds the pool and its queue full is
// refused at once with 429 and a Retry-After estimate; a client that
// disconnects cancels its job. Uploads are bounded in size (large ones are
// spooled to an unlinked temporary file, not held in memory), audio in
// duration, speech input in characters, multipart bodies in parts and field
// sizes. Errors use the OpenAI shape:
//
//	{"error": {"message": "...", "type": "invalid_request_error", "param": "file", "code": "invalid_audio"}}
//
// # Scaling out
//
// A Server keeps no state between requests: run as many instances as the
// load needs behind any HTTP load balancer, with /healthz as the probe.
package server
