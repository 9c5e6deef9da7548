#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and ThreadSanitizer (debug builds, in .build-asan and
# .build-tsan). Left out, because in sanitized debug builds they take too long and exercise the same code
# as the rest: the real-corpus quality and quantization-agreement tests, the Spark test, the 200 MB / 100,000-file test, and four
# tests that train many models (the 1,000-label case of the bad-data test, the four-shard count merge, the
# shipped model's rebuild, the BLAS reproducibility runs): under AddressSanitizer those four took 2,576 of
# the suite's 2,886 s, and ThreadSanitizer is slower still. The
# thread run covers multi-threaded training (the determinism tests train with 2 threads) and
# classification (the command-line tests run lede-classify with 2 threads, built with the sanitizer).
# Leaks that belong to XCTest and Foundation are suppressed (Tests/lsan-suppressions.txt).
#
#   Tests/sanitizers.sh [address|thread ...]
set -uo pipefail
cd "$(dirname "$0")/.."
skip=(--skip QualityTests --skip QuantizationAgreementTests --skip SparkTests --skip testHugeSingleLineAndManySmallFiles
      --skip testBadTrainingDataGivesClearErrors --skip testFourShardsMergeIntoTheCountsOfOnePass
      --skip ShippedModelTests --skip ReproducibilityTests)
status=0
for sanitizer in "${@:-address thread}"; do
    for s in $sanitizer; do
        log=/tmp/lede-sanitize-$s.log
        LSAN_OPTIONS="suppressions=$PWD/Tests/lsan-suppressions.txt:print_suppressions=0" \
            swift test --sanitize="$s" --scratch-path ".build-${s:0:1}san" "${skip[@]}" > "$log" 2>&1
        code=$?
        summary=$(grep -E "Executed [0-9]+ tests" "$log" | tail -1 | sed 's/^[[:space:]]*//')
        reports=$(grep -cE "ERROR: (AddressSanitizer|LeakSanitizer|ThreadSanitizer)|WARNING: ThreadSanitizer" "$log")
        printf '%-8s exit %d, %s, %d sanitizer reports (log: %s)\n' "$s" "$code" "${summary:-no summary}" "$reports" "$log"
        [ "$code" -eq 0 ] && [ "$reports" -eq 0 ] || status=1
    done
done
exit $status
