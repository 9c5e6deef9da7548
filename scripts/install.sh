#!/usr/bin/env bash
# Builds Lede in release mode and installs it under PREFIX (default /usr/local):
#   PREFIX/bin/lede-classify, PREFIX/bin/lede-train    the two commands
#   PREFIX/share/lede/topics.lede                      the shipped topic model, which lede-classify
#                                                      finds beside itself when no --model is given
#
#   scripts/install.sh [PREFIX]
#   LEDE_BIN=DIR scripts/install.sh [PREFIX]   installs the commands already built in DIR, without building
# Uninstall: rm PREFIX/bin/lede-classify PREFIX/bin/lede-train; rm -r PREFIX/share/lede
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=${1:-/usr/local}
bin=${LEDE_BIN:-}
if [ -z "$bin" ]; then
    command -v swift >/dev/null || { echo "swift not found: install the Swift toolchain (6.0 or later, swift.org) and retry" >&2; exit 1; }
    swift build -c release >&2
    bin=$(swift build -c release --show-bin-path)
fi
install -d "$prefix/bin" "$prefix/share/lede"
install -m 755 "$bin/lede-classify" "$bin/lede-train" "$prefix/bin/"
install -m 644 models/topics.lede "$prefix/share/lede/topics.lede"
echo "installed lede-classify and lede-train in $prefix/bin, the shipped model in $prefix/share/lede" >&2
case ":$PATH:" in
    *":$prefix/bin:"*) ;;
    *) echo "note: $prefix/bin is not on PATH; add it, e.g. export PATH=\"$prefix/bin:\$PATH\"" >&2 ;;
esac
