#!/usr/bin/env bash
# Side-by-side throughput on one big file: the 20 Newsgroups train+test texts repeated to about 200 MB,
# one document per line, classified by a 20 Newsgroups model, from the file on disk to predictions
# written to a file. Systems run in turns (round robin, RUNS rounds) so that the shared machine's noise
# hits them alike; the table reports the median wall time, MB/s and docs/s over the raw file, peak RSS,
# and the ratio to fastText; two lines after it give two threads against one, and one thread against
# fastText, within each round.
#
#   Benchmarks/compare.sh              # RUNS=3; WORK=/tmp/lede-compare is kept between runs
#   RUNS=5 Benchmarks/compare.sh
#
# Anchors (each skipped with a message when absent): fastText (Debian's `fasttext`), scikit-learn
# (`pip install scikit-learn`), Vowpal Wabbit (`pip install vowpalwabbit`), ../shared/anchors/ceiling.c
# (plain C doing the same TF-IDF + linear work, built with cc -O3 -march=native; it times only its scoring
# loop, after reading the file into memory), and ../shared/anchors/limit/limit.c (the same work with a
# layout made for the memory system: fused 64-byte binary16 slots in a 2^22-slot table, bucketed
# per-document counts, prefetched lookups, an AVX2 tokenizer; made-up weights; scoring loop only). Their inputs and settings come from ../shared/anchors
# (prep.py writes the normalized fastText/VW inputs; that normalization is not timed for them).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
anchors=${ANCHORS:-../shared/anchors}
corpora=${CORPORA:-../shared/corpora}
work=${WORK:-/tmp/lede-compare}
runs=${RUNS:-3}
[ -d "$corpora/20newsgroups" ] || { echo "no $corpora/20newsgroups: the benchmark corpora are not here" >&2; exit 1; }
[ -f "$anchors/prep.py" ] || { echo "no $anchors/prep.py: the anchor scripts are not here" >&2; exit 1; }
mkdir -p "$work"
swift build -c release >/dev/null
train=$root/.build/release/lede-train
classify=$root/.build/release/lede-classify

# --- inputs -------------------------------------------------------------------------------------------
if [ ! -f "$work/big.txt" ] || [ ! -f "$work/20newsgroups/train_full.ft" ]; then
    echo "preparing inputs under $work (../shared/anchors/prep.py) ..." >&2
    (cd "$anchors" && ANCHOR_WORK="$work" ANCHOR_DATA="$root/$corpora" python3 prep.py 20newsgroups big >&2)
fi
big=$work/big.txt
read -r mb docs < <(python3 -c "import json,sys; b=json.load(open(sys.argv[1])); print(b['mb'], b['docs'])" "$work/big.json")
echo "big file: $big, $mb MB, $docs documents" >&2

# --- models -------------------------------------------------------------------------------------------
# (again when the model was written in a format this Lede no longer reads or no longer writes)
"$train" inspect "$work/ng.lede" 2>/dev/null | head -1 | grep -v -q "writes format" ||
    "$train" "$corpora/20newsgroups/train.tsv" --output "$work/ng.lede" --quiet >/dev/null
systems=("lede-1" "lede-2")
if command -v fasttext >/dev/null; then
    [ -f "$work/ft.bin" ] || fasttext supervised -input "$work/20newsgroups/train_full.ft" -output "$work/ft" \
        -dim 10 -lr 0.5 -epoch 25 -wordNgrams 2 -bucket 2000000 -loss softmax -thread 2 -verbose 0
    systems+=("fasttext")
else
    echo "skipping fastText: not installed (apt-get install fasttext)" >&2
fi
if [ -f "$anchors/ceiling.c" ] && command -v cc >/dev/null; then
    [ -x "$work/ceiling" ] || cc -O3 -march=native -o "$work/ceiling" "$anchors/ceiling.c" -lm
    cut -f2- "$corpora/20newsgroups/train.tsv" "$corpora/20newsgroups/test.tsv" > "$work/vocab.txt"
    systems+=("ceiling.c")
else
    echo "skipping ceiling.c: no $anchors/ceiling.c or no C compiler" >&2
fi
if [ -f "$anchors/limit/limit.c" ] && command -v cc >/dev/null; then
    [ -x "$work/limit" ] || cc -O3 -march=native -o "$work/limit" "$anchors/limit/limit.c" -lm
    [ -f "$work/vocab20.txt" ] || head -c 20000000 "$big" > "$work/vocab20.txt"
    systems+=("limit.c")
else
    echo "skipping limit.c: no $anchors/limit/limit.c or no C compiler" >&2
fi
if python3 -c "import sklearn" 2>/dev/null; then
    [ -f "$work/sk.pickle" ] || python3 - "$corpora/20newsgroups/train.tsv" "$work/sk.pickle" <<'PY'
import pickle, sys, numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import make_pipeline
from sklearn.svm import LinearSVC
rows = [line.rstrip("\n").split("\t", 1) for line in open(sys.argv[1], encoding="utf-8")]
model = make_pipeline(TfidfVectorizer(ngram_range=(1, 2), sublinear_tf=True, min_df=2, dtype=np.float32), LinearSVC(C=1))
model.fit([r[1] for r in rows], [r[0] for r in rows])
pickle.dump(model, open(sys.argv[2], "wb"))
PY
    cat > "$work/sk_predict.py" <<'PY'
import pickle, sys
model = pickle.load(open(sys.argv[1], "rb"))
with open(sys.argv[2], encoding="utf-8") as f, open(sys.argv[3], "w") as out:
    chunk = []
    for line in f:
        chunk.append(line)
        if len(chunk) == 10000:
            out.writelines(p + "\n" for p in model.predict(chunk)); chunk = []
    if chunk:
        out.writelines(p + "\n" for p in model.predict(chunk))
PY
    systems+=("sklearn")
else
    echo "skipping scikit-learn: not installed (pip install scikit-learn)" >&2
fi
if python3 -c "import vowpalwabbit" 2>/dev/null; then
    if [ ! -f "$work/vw.model" ]; then
        (cd "$anchors" && python3 vw_cli.py --oaa 20 --ngram 2 -b 22 --loss_function logistic --passes 10 -c -k \
            -d "$work/20newsgroups/train_full.vw" -f "$work/vw.model" --quiet)
        python3 -c "
import sys; sys.path.insert(0, '$anchors'); from common import vw_normalize
with open('$big', encoding='utf-8') as f, open('$work/big.vw', 'w', encoding='utf-8') as o:
    for line in f: o.write('|w ' + vw_normalize(line[:-1]) + '\n')"
    fi
    systems+=("vw")
else
    echo "skipping Vowpal Wabbit: not installed (pip install vowpalwabbit)" >&2
fi

# --- runs ---------------------------------------------------------------------------------------------
command_for() {
    case $1 in
        lede-1) echo "taskset -c 0 $classify --model $work/ng.lede --input-format lines --threads 1 --quiet $big" ;;
        lede-2) echo "$classify --model $work/ng.lede --input-format lines --threads 2 --quiet $big" ;;
        fasttext) echo "taskset -c 0 fasttext predict $work/ft.bin $work/big.ft.txt 1" ;;
        ceiling.c) echo "taskset -c 0 $work/ceiling $work/vocab.txt $big 20" ;;
        limit.c) echo "taskset -c 0 $work/limit $work/vocab20.txt $big 20 fused lay=f16_64 lg=22 dt=1 dtidx=3 pf=32 tok=2 huge=1" ;;
        sklearn) echo "taskset -c 0 env OMP_NUM_THREADS=1 OPENBLAS_NUM_THREADS=1 python3 $work/sk_predict.py $work/sk.pickle $big /dev/stdout" ;;
        vw) echo "taskset -c 0 python3 $anchors/vw_cli.py -t -i $work/vw.model -d $work/big.vw -p /dev/stdout --quiet" ;;
    esac
}
cat "$big" "$work/big.ft.txt" > /dev/null 2>&1 || true
results=$work/results.txt
: > "$results"
for run in $(seq "$runs"); do
    for system in "${systems[@]}"; do
        # scikit-learn takes about 45 s a pass: one pass is enough to place it.
        [ "$system" = sklearn ] && [ "$run" -gt 1 ] && continue
        log=$work/$system.log
        /usr/bin/time -f "%e %M" -o "$work/time.txt" $(command_for "$system") > "$work/$system.out" 2> "$log" || {
            echo "$system failed: see $log" >&2; continue; }
        read -r wall rss < "$work/time.txt"
        if [ "$system" = ceiling.c ] || [ "$system" = limit.c ]; then
            # its own figure: the scoring loop only, after the file is in memory
            wall=$(python3 -c "import re,sys; t=open(sys.argv[1]).read(); m=re.search(r'([0-9.]+) MB/s', t); print(f'{float(sys.argv[2]) / float(m.group(1)):.3f}')" "$work/$system.out" "$mb")
        fi
        echo "$system $wall $rss $run" >> "$results"
        printf 'run %d %-10s %7.2f s  %6d MB\n' "$run" "$system" "$wall" "$((rss / 1024))" >&2
    done
done

# --- table --------------------------------------------------------------------------------------------
python3 - "$results" "$mb" "$docs" "$(stat -c %s "$work/ng.lede")" <<'PY'
import statistics, sys
results, mb, docs, model_bytes = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
runs = {}
for line in open(results):
    system, wall, rss, round_number = line.split()
    runs.setdefault(system, []).append((float(wall), int(rss), int(round_number)))
names = {"lede-1": "Lede lede-classify, 1 thread", "lede-2": "Lede lede-classify, 2 threads",
         "fasttext": "fastText 0.9.2 predict, dim 10", "ceiling.c": "ceiling.c -O3 -march=native (scoring loop)",
         "limit.c": "limit.c fused binary16 slots (scoring loop)",
         "sklearn": "scikit-learn TF-IDF + LinearSVC", "vw": "Vowpal Wabbit -t (pylibvw)"}
base = statistics.median(w for w, _, _ in runs["fasttext"]) if "fasttext" in runs else None
print(f"{mb:.1f} MB, {docs} documents, 20 Newsgroups model; Lede model file {model_bytes / 1e6:.1f} MB")
print(f"| system | runs | wall s (median, min-max) | MB/s | docs/s | peak RSS MB | vs fastText |")
print(f"|---|---|---|---|---|---|---|")
for system in ["lede-1", "lede-2", "fasttext", "ceiling.c", "limit.c", "vw", "sklearn"]:
    if system not in runs: continue
    walls = [w for w, _, _ in runs[system]]
    wall = statistics.median(walls)
    rss = max(r for _, r, _ in runs[system]) / 1024
    ratio = f"{base / wall:.2f}x" if base else "-"
    print(f"| {names[system]} | {len(walls)} | {wall:.2f} ({min(walls):.2f}-{max(walls):.2f}) | {mb / wall:.1f} | {docs / wall:.0f} | {rss:.0f} | {ratio} |")
# The same ratios within each round (the systems of a round ran minutes apart at most), for how far the
# host's noise moves them; rounds are paired by their number, so a failed run leaves out its round only.
def per_round(numerator, denominator, label):
    if numerator not in runs or denominator not in runs: return
    walls = [{r[2]: r[0] for r in runs[system]} for system in (numerator, denominator)]
    ratios = [walls[1][n] / walls[0][n] for n in sorted(walls[0].keys() & walls[1].keys())]
    if not ratios: return
    missing = max(len(walls[0]), len(walls[1])) - len(ratios)
    note = f"; {missing} round(s) without both left out" if missing else ""
    print(f"{label}, per round: " + ", ".join(f"{r:.2f}" for r in ratios) + f" (median {statistics.median(ratios):.2f}{note})")
print()
per_round("lede-2", "lede-1", "two threads against one")
per_round("lede-1", "fasttext", "one thread against fastText")
PY
