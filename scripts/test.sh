#!/usr/bin/env bash
# The whole test suite, as CI runs it: `make test` calls this script.
# gofmt, go vet, go test (default, purego and portaudio builds) and
# CGO_ENABLED=0 cross-builds. On Debian, as root, it installs what the
# otherwise skipped tests need and says so: the system packages of the
# portaudio build and of livemic's real-device test
# (scripts/livemic-device-test.sh --install-only; the -tags portaudio run
# then runs TestRealDevice), and the openai npm client of the server's
# TestOpenAIClient (server/testdata/openai-client/install.sh). An install
# that fails (no network) is reported, and those tests skip saying why.
set -euo pipefail
cd "$(dirname "$0")/.."

step() { printf '\n== %s\n' "$*"; }

have_portaudio() { pkg-config --exists portaudio-2.0 2>/dev/null; }

if ! have_portaudio; then
	if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
		step "installing portaudio19-dev and pkg-config (Debian, as root) for the portaudio build"
		export DEBIAN_FRONTEND=noninteractive
		apt-get install -y -q portaudio19-dev pkg-config >/dev/null 2>&1 ||
			{ apt-get update -q >/dev/null && apt-get install -y -q portaudio19-dev pkg-config >/dev/null; }
	else
		echo "note: portaudio19-dev is missing and this is not root on Debian; the -tags portaudio run is skipped" >&2
	fi
fi

if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
	step "installing the real-device test's packages (Debian, as root)"
	bash scripts/livemic-device-test.sh --install-only ||
		echo "note: livemic's real-device test will skip" >&2
fi

if [ -z "${MYNAH_OPENAI_CLIENT_DIR:-}" ] && command -v npm >/dev/null && command -v node >/dev/null; then
	step "installing the openai npm client for server/openai_test.go"
	if dir=$(timeout 300 bash server/testdata/openai-client/install.sh); then
		export MYNAH_OPENAI_CLIENT_DIR="$dir"
		echo "$dir"
	else
		echo "note: the openai npm client could not be installed (no network?); TestOpenAIClient will skip" >&2
		export MYNAH_OPENAI_CLIENT_DIR="none: install.sh failed (no network?)"
	fi
fi

step "gofmt"
unformatted=$(gofmt -l $(git ls-files '*.go' 2>/dev/null || find . -name '*.go') 2>/dev/null || true)
if [ -n "$unformatted" ]; then
	echo "gofmt would change:"; echo "$unformatted"; exit 1
fi

step "go vet"
go vet ./...

step "go test"
go test ./...

# The openai client test is a black-box HTTP test that the build tags do
# not change: it runs in the default build only (3 min under load on a
# 2-core machine each time).
once="${MYNAH_OPENAI_CLIENT_DIR:-}"
case "$once" in none*) ;; *) once="none: TestOpenAIClient runs in the default build only" ;; esac

step "go test -tags purego"
MYNAH_OPENAI_CLIENT_DIR="$once" go test -tags purego ./...

if have_portaudio; then
	step "go test -tags portaudio (runs livemic's TestRealDevice)"
	MYNAH_OPENAI_CLIENT_DIR="$once" go test -tags portaudio ./...
fi

step "CGO_ENABLED=0 cross-builds"
for target in linux/arm64 darwin/arm64 windows/amd64; do
	echo "$target"
	CGO_ENABLED=0 GOOS=${target%/*} GOARCH=${target#*/} go build ./...
done
echo
echo "all checks passed"
