#!/usr/bin/env bash
# Measures transcribe's peak memory on a long recording (issue 9: "a 2-hour
# file peaks under 400 MB RSS"), and checks that it does not grow with the
# length: it transcribes a short and a long file made by repeating the
# project's sample clips (samples/, made by samples/make.sh) with 1.5 s of
# silence after each, and prints peak RSS and CPU seconds of each run.
#
#   scripts/long-rss.sh [HOURS] [-- TRANSCRIBE FLAGS...]
#
# HOURS defaults to 2 (the short run is 10 minutes). Needs sox and GNU time
# (/usr/bin/time). $TRANSCRIBE names a prebuilt binary (default: go build).
# The audio (230 MB for 2 h of 16 kHz 16-bit WAV) goes under $OUT_DIR
# (default a temporary folder, removed at the end); never commit it.
set -euo pipefail
cd "$(dirname "$0")/.."
hours=${1:-2}
shift || true
[ "${1:-}" = "--" ] && shift
for tool in sox /usr/bin/time; do
	command -v $tool >/dev/null || { echo "long-rss.sh: needs $tool (apt-get install sox time)" >&2; exit 2; }
done
out=${OUT_DIR:-}
if [ -z "$out" ]; then
	out=$(mktemp -d)
	trap 'rm -rf "$out"' EXIT
fi
bin=${TRANSCRIBE:-}
if [ -z "$bin" ]; then
	bin=$out/transcribe
	go build -o "$bin" ./cmd/transcribe
fi

# One cycle: the four clips at 16 kHz mono, each followed by 1.5 s of silence (20 s).
sox -n -r 16000 -c 1 -b 16 "$out/pause.wav" trim 0 1.5
parts=()
for clip in samples/hello.wav samples/numbers.flac samples/fox.mp3 samples/window.wav; do
	sox "$clip" -r 16000 -c 1 -b 16 "$out/$(basename "$clip").wav"
	parts+=("$out/$(basename "$clip").wav" "$out/pause.wav")
done
sox "${parts[@]}" "$out/cycle.wav"
cycle=$(soxi -D "$out/cycle.wav")

measure() { # name seconds
	local name=$1 seconds=$2
	shift 2
	local repeats
	repeats=$(awk -v s="$seconds" -v c="$cycle" 'BEGIN { n = int(s / c + 0.5); print (n > 1 ? n - 1 : 0) }')
	sox "$out/cycle.wav" "$out/$name.wav" repeat "$repeats"
	/usr/bin/time -v "$bin" "$@" "$out/$name.wav" >"$out/$name.txt" 2>"$out/$name.time"
	awk -v name="$name" -v dur="$(soxi -D "$out/$name.wav")" '
		/Maximum resident set size/ { rss = $NF }
		/User time/ { user = $NF }
		/System time/ { sys = $NF }
		/Elapsed \(wall clock\)/ { wall = $NF }
		END { printf "| %s | %.0f s | %.0f MiB | %.1f s | %.0fx | %s |\n", name, dur, rss / 1024, user + sys, dur / (user + sys), wall }' "$out/$name.time"
	rm -f "$out/$name.wav"
}
echo "| file | audio | peak RSS | CPU (user+sys) | audio s per CPU s | wall |"
echo "|---|---|---|---|---|---|"
measure short 600 "$@"
measure long "$(awk -v h="$hours" 'BEGIN { print h * 3600 }')" "$@"
