#!/usr/bin/env bash
# Installs what Lede needs on Debian (BLAS: the reference libblas-dev to build against, OpenBLAS to run
# fast through Debian's alternatives) and builds both commands in release mode.
set -euo pipefail
cd "$(dirname "$0")/.."

missing=()
for package in libblas-dev libopenblas0-pthread; do
    dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}" >&2
    sudo_cmd=""
    [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
swift build -c release >&2
