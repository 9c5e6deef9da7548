#!/usr/bin/env bash
# Renders an HTML report in headless Chromium (Debian's `chromium` package) at 1280 px wide.
#   scripts/render-report.sh REPORT.html OUT.png [HEIGHT]
# Writes OUT.png (a screenshot of the top HEIGHT pixels, default 2400) and prints the rendered page's DOM
# on stdout, so that a caller can check what the browser built (e.g. count the <svg> elements).
# Exits non-zero when Chromium is missing or fails to load the page.
set -euo pipefail
report=$1 png=$2 height=${3:-2400}
browser=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
[ -n "$browser" ] || { echo "no Chromium: apt-get install chromium" >&2; exit 3; }
[ -f "$report" ] || { echo "no such report: $report" >&2; exit 2; }
url="file://$(cd "$(dirname "$report")" && pwd)/$(basename "$report")"
flags=(--headless --no-sandbox --disable-gpu --disable-dev-shm-usage --hide-scrollbars --no-first-run
       --user-data-dir="$(mktemp -d)" --window-size=1280,"$height")
"$browser" "${flags[@]}" --screenshot="$png" "$url" >/dev/null 2>&1
[ -s "$png" ] || { echo "Chromium wrote no screenshot for $url" >&2; exit 1; }
"$browser" "${flags[@]}" --dump-dom "$url" 2>/dev/null
