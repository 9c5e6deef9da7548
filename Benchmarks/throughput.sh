#!/usr/bin/env bash
# Classifies the BBC News article files (../shared/corpora/bbc/articles, 2,225 files) with the shipped
# model, with 1 and 2 threads, alternating, and prints lede-classify's own summary line of each run
# (documents, MB, seconds, docs/s, MB/s). Output goes to /dev/null; the page cache is warmed first.
set -euo pipefail
cd "$(dirname "$0")/.."
articles=${1:-../shared/corpora/bbc/articles}
runs=${RUNS:-3}
[ -d "$articles" ] || { echo "no $articles: pass a directory of article files" >&2; exit 1; }
swift build -c release >/dev/null 2>&1
classify=.build/release/lede-classify
cat "$articles"/*/* > /dev/null 2>&1 || true
for run in $(seq "$runs"); do
    for threads in 1 2; do
        printf 'run %d, %d thread(s): ' "$run" "$threads"
        # exit status 1 is expected when an article is not UTF-8 (it gets an error record)
        { "$classify" --threads "$threads" "$articles" 2>&1 >/dev/null || true; } | tail -1
    done
done
