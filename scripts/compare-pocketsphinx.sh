#!/usr/bin/env bash
# Scores mynah and PocketSphinx on the same dev files, per corpus family,
# with ../shared/bench/wer.py (the peer's own scorer), and times both whole
# processes (model load included), as issues 9 and 16 ask.
#
#   scripts/compare-pocketsphinx.sh [--model FILE] [--corpus NAME] [--limit N]
#       [--per-corpus N] [--beams "1 0"] [--peer-from DIR] [DEV_MANIFEST]
#
# DEV_MANIFEST defaults to ~/.cache/mynah/manifests/dev.jsonl (written by
# `train asr --shared ../shared/corpora`). Both systems get the same files
# in the same order. --per-corpus N keeps the first N files of each corpus
# (the dev list is sorted by corpus, so --limit alone would take one
# corpus). --beams lists the mynah runs: 1 is greedy without the LM, 0 the
# default beam search with the embedded LM (default "1 0"). Every run is on
# one core (GOMAXPROCS=1, -j 1 --threads 1; pocketsphinx_batch is single
# threaded). $TRANSCRIBE names a prebuilt binary (default: go build).
# --peer-from DIR reuses PocketSphinx's transcripts and times from an
# earlier run's $OUT_DIR (it is deterministic: 12 CPU-minutes saved on the
# 240 speechocean762 files) after checking that its file list is the same.
# Output: a WER/CER line per system and corpus family, then wall and CPU
# seconds per system and the speed ratios; work files stay in $OUT_DIR
# (default a temporary folder) for inspection.
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
manifest=${MYNAH_CACHE:-$HOME/.cache/mynah}/manifests/dev.jsonl
model=""
corpus=""
limit=0
per_corpus=0
beams="1 0"
peer_from=""
while [ $# -gt 0 ]; do
	case $1 in
	--model) model=$2; shift 2 ;;
	--corpus) corpus=$2; shift 2 ;;
	--limit) limit=$2; shift 2 ;;
	--per-corpus) per_corpus=$2; shift 2 ;;
	--beams|--beam) beams=$2; shift 2 ;;
	--peer-from) peer_from=$2; shift 2 ;;
	-h|--help) sed -n '2,20p' "$0"; exit 0 ;;
	-*) echo "compare-pocketsphinx: unknown flag $1" >&2; exit 2 ;;
	*) manifest=$1; shift ;;
	esac
done
out=${OUT_DIR:-$(mktemp -d)}
mkdir -p "$out"
python3 - "$manifest" "$corpus" "$limit" "$per_corpus" "$out" <<'PY'
import collections, json, sys
manifest, corpus, limit, per_corpus, out = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
rows = [json.loads(l) for l in open(manifest) if l.strip()]
if corpus:
    rows = [r for r in rows if r["corpus"].startswith(corpus)]
if per_corpus:
    seen = collections.Counter()
    kept = []
    for r in rows:
        if seen[r["corpus"]] < per_corpus:
            seen[r["corpus"]] += 1
            kept.append(r)
    rows = kept
if limit:
    rows = rows[:limit]
with open(f"{out}/list.tsv", "w") as lst, open(f"{out}/ref.tsv", "w") as ref, open(f"{out}/input.jsonl", "w") as inp:
    for r in rows:
        key = r["corpus"] + "__" + r["id"]
        lst.write(f"{key}\t{r['audio']}\n")
        ref.write(f"{key}\t{r['text']}\n")
        inp.write(json.dumps({"id": key, "audio": r["audio"]}) + "\n")
print(f"{len(rows)} files, {sum(r.get('duration', 0) for r in rows):.1f} s of audio", file=sys.stderr)
PY
# timed LABEL CMD...: runs CMD, appending "LABEL wall cpu" (seconds; CPU is
# user+system of the process and its children) to $out/times.
timed() {
	local label=$1
	shift
	/usr/bin/time -o "$out/time.$label" -f '%e %U %S' "$@"
	awk -v l="$label" '{printf "%s %s %.2f\n", l, $1, $2 + $3}' "$out/time.$label" >>"$out/times"
}
: >"$out/times"
if [ -n "$peer_from" ]; then
	if ! cmp -s "$peer_from/list.tsv" "$out/list.tsv"; then
		echo "compare-pocketsphinx: --peer-from $peer_from: its file list differs from this run's" >&2
		exit 2
	fi
	cp "$peer_from/pocketsphinx.tsv" "$out/pocketsphinx.tsv"
	grep '^pocketsphinx ' "$peer_from/times" >>"$out/times"
	echo "pocketsphinx: transcripts and times reused from $peer_from" >&2
else
	timed pocketsphinx "$shared/bench/peers/asr_pocketsphinx.sh" --batch "$out/list.tsv" -o "$out/pocketsphinx.tsv" 2>"$out/pocketsphinx.log" || true
fi
bin=${TRANSCRIBE:-}
if [ -z "$bin" ]; then
	bin="$out/transcribe"
	go build -o "$bin" ./cmd/transcribe
fi
systems=pocketsphinx
for beam in $beams; do
	name=mynah-beam$beam
	[ "$beam" = 1 ] && name=mynah-greedy
	[ "$beam" = 0 ] && name=mynah-lm
	args=(--input-list "$out/input.jsonl" --format json --progress never -j 1 --threads 1)
	[ "$beam" != 0 ] && args+=(--beam "$beam")
	[ -n "$model" ] && args+=(--model "$model")
	GOMAXPROCS=1 timed "$name" "$bin" "${args[@]}" >"$out/$name.jsonl" 2>"$out/$name.log" || true
	python3 - "$out/$name.jsonl" "$out/$name.tsv" <<'PY'
import json, sys
with open(sys.argv[2], "w") as f:
    for l in open(sys.argv[1]):
        o = json.loads(l)
        f.write(f"{o.get('id', o['file'])}\t{o.get('text', '')}\n")
PY
	systems="$systems $name"
done
for system in $systems; do
	for family in $(cut -f1 "$out/ref.tsv" | sed 's/__.*//; s/-.*//' | sort -u) all; do
		if [ "$family" = all ]; then
			cp "$out/ref.tsv" "$out/ref.$family.tsv"
			cp "$out/$system.tsv" "$out/$system.$family.tsv"
		else
			grep "^$family" "$out/ref.tsv" >"$out/ref.$family.tsv"
			grep "^$family" "$out/$system.tsv" >"$out/$system.$family.tsv" || true
		fi
		printf '%-13s %-16s %s\n' "$system" "$family" "$(python3 "$shared/bench/wer.py" "$out/ref.$family.tsv" "$out/$system.$family.tsv" 2>/dev/null | tail -1)"
	done
done
echo "whole processes, one core (wall s, CPU s):"
cat "$out/times"
awk '$1 == "pocketsphinx" {w = $2; c = $3} $1 != "pocketsphinx" && w > 0 {printf "%s: %.2fx faster than pocketsphinx in wall time, %.2fx in CPU time\n", $1, w / $2, c / $3}' "$out/times"
echo "(files in $out)"
