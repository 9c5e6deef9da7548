#!/usr/bin/env bash
# Trains Lede with lede-train's defaults (plus any options given to this script, e.g. --autotune) on the
# training split of every benchmark corpus in ../shared, evaluates the model on the test split (the dev
# split for the topic set), and prints one table: corpus, metric, Lede, best anchor, target, train seconds.
# The anchors' figures are the best of fastText, scikit-learn and Vowpal Wabbit measured on this machine
# (../shared/anchors/RESULTS.md, and ../shared/topics/README.md for the topic set).
#
#   Benchmarks/quality.sh                 # defaults
#   Benchmarks/quality.sh --threads 1     # one core
#   CORPORA="bbc topics" Benchmarks/quality.sh
set -euo pipefail
cd "$(dirname "$0")/.."
shared=${SHARED:-../shared}
[ -d "$shared/corpora" ] || { echo "no $shared/corpora: the benchmark corpora are not here" >&2; exit 1; }
command -v python3 >/dev/null || { echo "python3 is needed to read the JSON reports" >&2; exit 1; }
swift build -c release >/dev/null
train=.build/release/lede-train
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# corpus | training data | evaluation data | metric | best anchor | target
corpora() {
    cat <<EOF
20newsgroups|$shared/corpora/20newsgroups/train.tsv|$shared/corpora/20newsgroups/test.tsv|accuracy|0.8629 sklearn TF-IDF+LinearSVC|0.870
reuters21578|$shared/corpora/reuters21578/train.tsv|$shared/corpora/reuters21578/test.tsv|micro-F1|0.8465 sklearn hashing+SGD|0.870
reuters21578|||macro-F1|0.400 sklearn hashing+SGD|0.550
bbc|$shared/corpora/bbc/train.tsv|$shared/corpora/bbc/test.tsv|accuracy|0.9887 sklearn TF-IDF+LinearSVC/LR|0.990
topics|$shared/topics/train.jsonl|$shared/topics/dev.jsonl|micro-F1|0.846 sklearn TF-IDF+LR, CV thresholds|0.870
topics|||macro-F1|0.850 sklearn TF-IDF+LR, CV thresholds|0.870
EOF
}

wanted=${CORPORA:-20newsgroups reuters21578 bbc topics}
printf '%-14s %-9s %7s  %-40s %7s %6s %9s\n' corpus metric Lede "best anchor" target meets "train s"
while IFS='|' read -r corpus data test metric anchor target; do
    [[ " $wanted " == *" $corpus "* ]] || continue
    if [ -n "$data" ]; then
        start=$(date +%s.%N)
        "$train" "$data" --output "$work/$corpus.lede" --quiet "$@" > /dev/null
        seconds=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")
        "$train" evaluate "$work/$corpus.lede" "$test" --json > "$work/$corpus.json"
    fi
    value=$(python3 - "$work/$corpus.json" "$metric" <<'PY'
import json, sys
report = json.load(open(sys.argv[1]))
metric = sys.argv[2]
value = {"accuracy": report["accuracy"], "micro-F1": report["micro"]["f1"], "macro-F1": report["macro"]["f1"]}[metric]
print(f"{value:.4f}")
PY
)
    meets=$(python3 -c "import sys; print('yes' if float(sys.argv[1]) >= float(sys.argv[2]) else 'NO')" "$value" "$target")
    printf '%-14s %-9s %7s  %-40s %7s %6s %9s\n' "$corpus" "$metric" "$value" "$anchor" ">=$target" "$meets" "${data:+$seconds}"
done < <(corpora)
