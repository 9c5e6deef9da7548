#!/usr/bin/env bash
# What word vectors cost and give: trains the topic model twice on the same data (--word-vectors on and
# off, defaults otherwise), prints each model's size, training seconds and dev-set micro/macro-F1, then
# classifies one text file (one document per line; default: the 20 Newsgroups training texts from
# ../shared) with both models on one thread, alternating, and prints the median MB/s of each, their
# ratio, and the median of the time ratio within each round. The machine is shared: only figures
# from one run compare.
#
#   Benchmarks/word-vectors.sh [LINES]        RUNS=5 by default
#   PAIRED=1 Benchmarks/word-vectors.sh        the two models at once, one per core, in each round
#                                              (each run's reader then shares its worker's core)
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
runs=${RUNS:-5}
swift build -c release >/dev/null 2>&1
train=.build/release/lede-train
classify=.build/release/lede-classify
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
lines=${1:-}
if [ -z "$lines" ]; then
    [ -f "$shared/corpora/20newsgroups/train.tsv" ] || { echo "no $shared/corpora: pass a file of one document per line" >&2; exit 1; }
    lines=$work/lines.txt
    cut -f2- "$shared/corpora/20newsgroups/train.tsv" > "$lines"
fi
for mode in on off; do
    start=$(date +%s.%N)
    "$train" datasets/topics/train.jsonl --validation datasets/topics/dev.jsonl --word-vectors "$mode" \
        --output "$work/$mode.lede" --quiet --json > "$work/$mode.json"
    end=$(date +%s.%N)
    python3 - "$mode" "$work/$mode.json" "$work/$mode.lede" "$start" "$end" <<'PY'
import json, os, sys
mode, report, model, start, end = sys.argv[1], json.load(open(sys.argv[2])), sys.argv[3], float(sys.argv[4]), float(sys.argv[5])
print(f"word vectors {mode:3s}: model {os.path.getsize(model) / 1e6:.1f} MB, trained in {end - start:.1f} s, "
      f"dev micro-F1 {report['micro']['f1']:.4f}, macro-F1 {report['macro']['f1']:.4f}")
PY
done
cat "$lines" > /dev/null
# One run of MODE's model on one thread, printed as "MODE MB/s"; CORE pins it (reader and worker) to a core.
classify_once() {
    local mode=$1 core=${2:-}
    ${core:+taskset -c "$core"} "$classify" --model "$work/$mode.lede" --threads 1 --input-format lines --json-summary "$lines" 2>&1 >/dev/null |
        tail -1 | python3 -c "import json, sys; print('$mode', json.load(sys.stdin)['mb_per_second'])"
}
for run in $(seq "$runs"); do
    if [ "${PAIRED:-0}" = 1 ]; then
        # Both models at once, one per core (swapped every round): the host's noise then hits the two
        # alike, at the price of sharing the last-level cache and memory with each other.
        # (each waited for by its own id: a failed run stops the benchmark instead of losing its figure)
        classify_once on $((run % 2)) > "$work/on.out" &
        on_run=$!
        classify_once off $(((run + 1) % 2)) > "$work/off.out" &
        off_run=$!
        wait "$on_run"
        wait "$off_run"
        cat "$work/on.out" "$work/off.out"
    else
        for mode in on off; do classify_once "$mode"; done
    fi
done | python3 -c '
import os, statistics, sys
figures = {}
for line in sys.stdin:
    mode, value = line.split()
    figures.setdefault(mode, []).append(float(value))
on, off = statistics.median(figures["on"]), statistics.median(figures["off"])
count = len(figures["on"])
method = "paired" if os.environ.get("PAIRED") == "1" else "alternating"
# Each round runs the two models back to back: the ratio within a round is the steadier figure when
# the speed of the machine drifts between rounds.
rounds = sorted(b / a for a, b in zip(figures["on"], figures["off"]))
print(f"scoring, one thread, median of {count} {method} runs: {on:.1f} MB/s with word vectors, {off:.1f} MB/s without ({on / off:.2f}x)")
print(f"time with word vectors / time without, per round: median {statistics.median(rounds):.2f}x (range {rounds[0]:.2f}-{rounds[-1]:.2f})")
'
