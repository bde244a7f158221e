#!/usr/bin/env bash
# The wallboard page in a real browser: installs Debian's chromium (apt) and
# playwright-core (npm, pinned in package-lock.json) if missing, then runs
# wallboard.mjs against a `rai serve` it starts on 127.0.0.1.
#
# Usage: bash tests/web/run.sh [SCREENSHOT.png]   (needs target/release/rai)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
if [ ! -x /usr/bin/chromium ]; then
  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium
fi
command -v node >/dev/null 2>&1 || { apt-get update -q && apt-get install -y -q nodejs npm; }
(cd "$here" && npm ci --no-audit --no-fund --silent)
node "$here/wallboard.mjs" "$@"
