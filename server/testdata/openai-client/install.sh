#!/usr/bin/env bash
# Installs the official `openai` npm package (pinned in package.json) for
# server/openai_test.go into a directory outside the repository, and prints
# that directory. .ci/run calls it and exports the result:
#
#   export MYNAH_OPENAI_CLIENT_DIR=$(bash server/testdata/openai-client/install.sh)
#
# Default directory: ${XDG_CACHE_HOME:-~/.cache}/mynah/openai-client. Exits 1
# (with the reason on stderr) when npm is missing or cannot reach the registry.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
dest="${1:-${XDG_CACHE_HOME:-$HOME/.cache}/mynah/openai-client}"
command -v npm >/dev/null || { echo "install.sh: npm not found" >&2; exit 1; }
mkdir -p "$dest"
cp "$here/package.json" "$dest/package.json"
if [ ! -f "$dest/node_modules/openai/package.json" ] ||
   [ "$(node -p "require('$dest/node_modules/openai/package.json').version")" != "$(node -p "require('$here/package.json').dependencies.openai")" ]; then
  (cd "$dest" && npm install --no-audit --no-fund --loglevel=error >&2)
fi
echo "$dest"
