#!/usr/bin/env bash
# Builds and runs lede-bench (Benchmarks/Sources/lede-bench): tokenizer MB/s, model load, featurize+score
# docs/s, allocations per document in the steady state (malloc-interposer preloaded), and the system BLAS
# against Lede's fixed-order kernels (which training uses), once with Debian's reference BLAS and once with
# OpenBLAS behind the same binary (needs libblas-dev and libopenblas0-pthread).
#
#   Benchmarks/bench.sh [MODEL] [LINES_FILE]
# Defaults: a 20 Newsgroups model trained into $WORK, and the 20 Newsgroups texts one per line.
set -euo pipefail
cd "$(dirname "$0")/.."
work=${WORK:-/tmp/lede-bench}
corpora=${CORPORA:-../shared/corpora}
mkdir -p "$work"
swift build -c release >/dev/null
if [ $# -ge 2 ]; then
    model=$1; lines=$2
else
    [ -d "$corpora/20newsgroups" ] || { echo "no $corpora/20newsgroups: pass MODEL and LINES_FILE" >&2; exit 1; }
    model=$work/ng.lede; lines=$work/ng_lines.txt
    [ -f "$model" ] || .build/release/lede-train "$corpora/20newsgroups/train.tsv" --output "$model" --quiet >/dev/null
    [ -f "$lines" ] || cut -f2- "$corpora/20newsgroups/train.tsv" "$corpora/20newsgroups/test.tsv" > "$lines"
fi
[ -f /usr/include/cblas.h ] || [ -f /usr/include/x86_64-linux-gnu/cblas.h ] ||
    { echo "lede-bench compares Lede's kernels with CBLAS: apt-get install libblas-dev libopenblas0-pthread" >&2; exit 1; }
swift build -c release --package-path Benchmarks >/dev/null
bin=$(swift build -c release --package-path Benchmarks --show-bin-path)
interposer=$bin/libMallocInterposerSwift.so
[ -f "$interposer" ] || { echo "no $interposer" >&2; exit 1; }
for blas in /usr/lib/x86_64-linux-gnu/blas /usr/lib/x86_64-linux-gnu/openblas-pthread; do
    if [ ! -f "$blas/libblas.so.3" ]; then echo "skipping $blas: not installed" >&2; continue; fi
    echo "== libblas.so.3 from $blas"
    LD_LIBRARY_PATH=$blas LD_PRELOAD=$interposer taskset -c 0 "$bin/lede-bench" "$model" "$lines"
    echo
done
