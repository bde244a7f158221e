#!/usr/bin/env bash
# Runs every fuzz target for MINUTES minutes each (default 10), one after
# the other, and prints each target's executions and whether it found a
# crash (saved under fuzz/artifacts/<target>/). Outside CI.
#
#   cargo install cargo-fuzz
#   bash fuzz/run-all.sh [MINUTES]
#
# cargo-fuzz wants a nightly compiler; on a stable one, RUSTC_BOOTSTRAP=1
# lets it use the nightly flags it needs (`-s none`: no sanitizer).
set -uo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
export RUSTC_BOOTSTRAP=1
for t in $(cargo fuzz list); do
  log="fuzz/last-$t.log"
  cargo fuzz run -s none "$t" -- -max_total_time=$((minutes * 60)) -print_final_stats=1 >"$log" 2>&1
  rc=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n1)
  echo "$t: ${runs:-?} executions in $minutes min, exit $rc$( [ $rc -ne 0 ] && echo ' — see '"$log")"
done
