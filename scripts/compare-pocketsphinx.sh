#!/usr/bin/env bash
# Scores mynah and PocketSphinx on the same dev files, per corpus family,
# with ../shared/bench/wer.py (the peer's own scorer), as issue 16 asks.
#
#   scripts/compare-pocketsphinx.sh [--model FILE] [--corpus NAME] [--limit N] [DEV_MANIFEST]
#
# DEV_MANIFEST defaults to ~/.cache/mynah/manifests/dev.jsonl (written by
# `train asr --shared ../shared/corpora`). Both systems get the same files
# in the same order; mynah runs greedy (--beam 1) unless --beam is given.
# Output: one table line per system and corpus; work files stay in $OUT_DIR
# (default a temporary folder) for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
manifest=${MYNAH_CACHE:-$HOME/.cache/mynah}/manifests/dev.jsonl
model=""
corpus=""
limit=0
beam=1
while [ $# -gt 0 ]; do
	case $1 in
	--model) model=$2; shift 2 ;;
	--corpus) corpus=$2; shift 2 ;;
	--limit) limit=$2; shift 2 ;;
	--beam) beam=$2; shift 2 ;;
	-h|--help) sed -n '2,12p' "$0"; exit 0 ;;
	*) manifest=$1; shift ;;
	esac
done
out=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$out"
python3 - "$manifest" "$corpus" "$limit" "$out" <<'PY'
import json, sys
manifest, corpus, limit, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
rows = [json.loads(l) for l in open(manifest) if l.strip()]
if corpus:
    rows = [r for r in rows if r["corpus"].startswith(corpus)]
if limit:
    rows = rows[:limit]
with open(f"{out}/list.tsv", "w") as lst, open(f"{out}/ref.tsv", "w") as ref, open(f"{out}/input.jsonl", "w") as inp:
    for r in rows:
        key = r["corpus"] + "__" + r["id"]
        lst.write(f"{key}\t{r['audio']}\n")
        ref.write(f"{key}\t{r['text']}\n")
        inp.write(json.dumps({"id": key, "audio": r["audio"]}) + "\n")
print(f"{len(rows)} files", file=sys.stderr)
PY
start=$(date +%s.%N)
"$shared/bench/peers/asr_pocketsphinx.sh" --batch "$out/list.tsv" -o "$out/pocketsphinx.tsv" 2>"$out/pocketsphinx.log" || true
ps_wall=$(echo "$(date +%s.%N) - $start" | bc)
go build -o "$out/transcribe" ./cmd/transcribe
args=(--input-list "$out/input.jsonl" --format json --beam "$beam" --progress never)
[ -n "$model" ] && args+=(--model "$model")
start=$(date +%s.%N)
"$out/transcribe" "${args[@]}" >"$out/mynah.jsonl" 2>"$out/mynah.log" || true
my_wall=$(echo "$(date +%s.%N) - $start" | bc)
python3 - "$out" <<'PY'
import json, sys
out = sys.argv[1]
with open(f"{out}/mynah.tsv", "w") as f:
    for l in open(f"{out}/mynah.jsonl"):
        o = json.loads(l)
        f.write(f"{o.get('id', o['file'])}\t{o.get('text', '')}\n")
PY
for system in pocketsphinx mynah; do
	for family in $(cut -f1 "$out/ref.tsv" | sed 's/__.*//; s/-.*//' | sort -u); do
		grep "^$family" "$out/ref.tsv" >"$out/ref.$family.tsv"
		grep "^$family" "$out/$system.tsv" >"$out/$system.$family.tsv" || true
		printf '%-13s %-16s %s\n' "$system" "$family" "$(python3 "$shared/bench/wer.py" "$out/ref.$family.tsv" "$out/$system.$family.tsv" 2>/dev/null | tail -1)"
	done
done
echo "wall seconds: pocketsphinx $ps_wall, mynah $my_wall (files in $out)"
