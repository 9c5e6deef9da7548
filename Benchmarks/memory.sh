#!/usr/bin/env bash
# Peak resident memory of lede-classify on about 2 GB of input, two ways: many article files in a
# directory, and one file of many lines. lede-classify streams (files are memory-mapped one at a time,
# lines are read in chunks, batches are bounded), so the peak should stay within the model file's size
# plus 100 MB. Measured with /usr/bin/time -v (maximum resident set size).
#
#   Benchmarks/memory.sh [GB]        default 2; WORK=/tmp/lede-memory (about 2 x GB of disk)
set -euo pipefail
cd "$(dirname "$0")/.."
gb=${1:-2}
work=${WORK:-/tmp/lede-memory}
corpora=${CORPORA:-../shared/corpora}
mkdir -p "$work"
swift build -c release >/dev/null
classify=.build/release/lede-classify
model=$work/ng.lede
[ -f "$model" ] || .build/release/lede-train "$corpora/20newsgroups/train.tsv" --output "$model" --quiet >/dev/null
target=$((gb * 1000 * 1000 * 1000))
lines=$work/lines.txt
if [ ! -f "$lines" ] || [ "$(stat -c %s "$lines")" -lt "$target" ]; then
    cut -f2- "$corpora/20newsgroups/train.tsv" "$corpora/20newsgroups/test.tsv" > "$work/one.txt"
    : > "$lines"
    while [ "$(stat -c %s "$lines")" -lt "$target" ]; do cat "$work/one.txt" >> "$lines"; done
fi
files=$work/files
if [ ! -d "$files" ]; then
    mkdir -p "$files"
    # 2 GB as files of about 100 KB, 1,000 per sub-directory.
    split -C 100000 -d -a 6 "$lines" "$files/article-"
    (cd "$files" && i=0 && for f in article-*; do d=$((i / 1000)); mkdir -p "$d"; mv "$f" "$d/$f.txt"; i=$((i + 1)); done)
fi
model_mb=$(( $(stat -c %s "$model") / 1000000 ))
for mode in files lines; do
    input=$([ "$mode" = files ] && echo "$files" || echo "$lines")
    /usr/bin/time -v "$classify" --model "$model" --input-format "$mode" "$input" > /dev/null 2> "$work/$mode.time" || true
    rss_kb=$(grep "Maximum resident set size" "$work/$mode.time" | awk '{print $NF}')
    summary=$(grep "^classified" "$work/$mode.time" || true)
    printf '%-5s  peak RSS %4d MB  (model %d MB, limit %d MB)  %s\n' "$mode" $((rss_kb / 1000)) "$model_mb" $((model_mb + 100)) "$summary"
done
