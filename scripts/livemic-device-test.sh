#!/usr/bin/env bash
# Real-device test of livemic (issue 10): a private PulseAudio server with
# a null sink, a recording played into it with paplay, livemic capturing
# the sink's monitor through PortAudio (ALSA's "pulse" device), and the
# transcript checked. The work is done by TestRealDevice in cmd/livemic;
# this script installs what it needs and runs it.
#
# On Debian, as root, it installs (once) pulseaudio, pulseaudio-utils
# (paplay, pactl), libasound2-plugins (ALSA's pulse device), and
# portaudio19-dev and pkg-config (the -tags portaudio build). Elsewhere
# it runs what it can and the test says what is missing.
#
# Usage: scripts/livemic-device-test.sh [-h] [--install-only]
# --install-only installs the packages and exits (scripts/test.sh uses it:
# its -tags portaudio run then runs the test). Exit status: 0 passed (or
# skipped, with the reason printed), 1 failed, 2 usage error; with
# --install-only, 1 when the packages could not be installed.
set -euo pipefail
cd "$(dirname "$0")/.."

case "${1:-}" in
-h | --help)
	sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'
	exit 0
	;;
"" | --install-only) ;;
*)
	echo "usage: scripts/livemic-device-test.sh [-h] [--install-only]" >&2
	exit 2
	;;
esac

packages=(pulseaudio pulseaudio-utils libasound2-plugins portaudio19-dev pkg-config)
missing=()
for p in "${packages[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		echo "installing ${missing[*]} (Debian, as root) for the real-device test"
		export DEBIAN_FRONTEND=noninteractive
		if ! { apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null 2>&1 && apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null 2>&1; }; }; then
			echo "note: could not install ${missing[*]} (no network?); the real-device test will skip" >&2
			[ "${1:-}" = --install-only ] && exit 1
		fi
	else
		echo "note: missing ${missing[*]} and this is not root on Debian; the test will skip" >&2
		[ "${1:-}" = --install-only ] && exit 1
	fi
fi
[ "${1:-}" = --install-only ] && exit 0

tags=()
if pkg-config --exists portaudio-2.0 2>/dev/null; then
	tags=(-tags portaudio)
fi
# ALSA and JACK print probing noise on stderr while PortAudio lists
# devices; it is harmless and filtered out here.
set +e
go test "${tags[@]}" -count=1 -v -run '^TestRealDevice$' ./cmd/livemic/ 2>&1 |
	grep -v -E '^(ALSA lib|Cannot connect to server|jack server is not running|JackShmReadWritePtr|Expression .* failed in)'
status=${PIPESTATUS[0]}
set -e
exit "$status"
