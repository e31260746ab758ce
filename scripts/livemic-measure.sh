#!/bin/sh
# Issue 10's live-dictation figures (docs/livemic.md): WER of live finals
# against transcribe and the chunked model, endpoint latency, first-partial
# delay and CPU, on the committed samples and a deterministic subset of the
# acoustic model's dev split (LIVEMIC_DEV_MANIFEST, by default
# ~/.cache/mynah/manifests/dev.jsonl), livemic's defaults beside the
# chunked-pass variants. Then, with LONG set (e.g. LONG=30m), CPU per chunk
# minute by minute over a long unpaced session.
set -eu
cd "$(dirname "$0")/.."
LIVEMIC_MEASURE=1 \
LIVEMIC_MEASURE_ALT="${LIVEMIC_MEASURE_ALT:---full-context-partials;--chunked-finals}" \
	go test -run 'TestMeasure$' -timeout 3h -v ./cmd/livemic/
if [ -n "${LONG:-}" ]; then
	LIVEMIC_MEASURE_LONG="$LONG" go test -run 'TestMeasureLong$' -timeout 3h -v ./cmd/livemic/
fi
