#!/usr/bin/env bash
# Builds the libFuzzer targets (Tests/Fuzz, compiled with -sanitize=fuzzer,address) and runs each for a
# given time, starting from the committed seed corpora (Tests/Fuzz/Corpus/TARGET; new inputs found are
# kept in $WORK/corpus/TARGET, crashes in $WORK/crashes). Prints each target's executions.
#
#   Tests/Fuzz/fuzz.sh [SECONDS] [TARGET ...]      default: 60 s each, every target; JOBS=2 at a time
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}; shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(fuzz-tokenizer fuzz-labeled-data fuzz-documents fuzz-model fuzz-model-structure)
work=${WORK:-/tmp/lede-fuzz}
jobs=${JOBS:-2}
mkdir -p "$work/crashes"
swift build -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld >/dev/null 2>"$work/build.log" ||
    { cat "$work/build.log" >&2; exit 1; }
bin=$(swift build -c release -Xswiftc -sanitize=fuzzer,address -Xcc -fsanitize=fuzzer-no-link,address -Xswiftc -use-ld=lld --show-bin-path)
run() {
    local target=$1
    mkdir -p "$work/corpus/$target"
    "$bin/$target" -max_total_time="$seconds" -timeout=20 -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$work/crashes/$target-" -print_final_stats=1 \
        "$work/corpus/$target" "Corpus/$target" > "$work/$target.log" 2>&1 || true
    local runs status
    runs=$(grep -E "^stat::number_of_executed_units" "$work/$target.log" | awk '{print $2}')
    status=$(grep -qE "ERROR: (AddressSanitizer|libFuzzer)|Fatal error|==ERROR" "$work/$target.log" && echo "FOUND A CRASH (see $work/$target.log, $work/crashes)" || echo "no crash")
    printf '%-20s %8s s  %12s executions  %s\n' "$target" "$seconds" "${runs:-?}" "$status"
}
running=0
for target in "${targets[@]}"; do
    run "$target" &
    running=$((running + 1))
    if [ "$running" -ge "$jobs" ]; then wait -n; running=$((running - 1)); fi
done
wait
