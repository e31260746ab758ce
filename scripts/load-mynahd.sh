#!/usr/bin/env bash
# Runs mynahd's bounded load test (issue 15) and prints its table: 16
# clients for 60 s against a mynahd on loopback, sending valid clips,
# corrupt files and uploads over the limit; requests/s, latency p50/p99,
# answers by status, 5xx, answers that differ from `transcribe`, and
# mynahd's peak RSS. The test fails on any 5xx or differing text.
#
#   scripts/load-mynahd.sh [CLIENTS [SECONDS]]
#
# The test (server/load_test.go, TestLoad) builds mynahd and transcribe
# from this tree. Report the figures beside the machine's load: they are
# CPU-bound, and say nothing without it.
set -euo pipefail
cd "$(dirname "$0")/.."
report=$(mktemp)
trap 'rm -f "$report"' EXIT
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) cores" >&2
MYNAH_LOAD=1 MYNAH_LOAD_CLIENTS=${1:-16} MYNAH_LOAD_SECONDS=${2:-60} MYNAH_LOAD_REPORT="$report" \
	go test -count=1 -run '^TestLoad$' -timeout 20m ./server >&2
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
cat "$report"
