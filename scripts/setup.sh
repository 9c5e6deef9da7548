#!/usr/bin/env bash
# Builds both commands in release mode. Lede needs the Swift toolchain (6.0 or later) and nothing else:
# no BLAS or other system library (its training sums in an order of its own, so that a model's bytes do
# not depend on a library's build).
set -euo pipefail
cd "$(dirname "$0")/.."
command -v swift >/dev/null || { echo "swift not found: install the Swift toolchain (6.0 or later, swift.org) and retry" >&2; exit 1; }
swift build -c release >&2
