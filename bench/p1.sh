#!/usr/bin/env bash
# Generation speed (issue 18): the median wall time of RUNS (default 7) runs
# each of a full regeneration into an empty directory, a no-op regeneration
# (inputs and outputs unchanged, nothing written), and bare progenitor over
# the same normalized spec (`--bare-progenitor`), then the ratios the issue
# sets targets for. Every run writes into a temporary directory, never into
# generated/. Runs are interleaved. Usage: bash bench/p1.sh   (RUNS=11 bash bench/p1.sh)
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-7}
cargo build --release -q -p phala-codegen
bin=./target/release/phala-codegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

source bench/lib.sh

median() { # of the numbers on stdin
  sort -n | awk '{ v[NR] = $1 } END { m = int((NR + 1) / 2); if (NR % 2) print v[m]; else printf "%.3f\n", (v[m] + v[m + 1]) / 2 }'
}

"$bin" --out "$tmp/noop" >/dev/null 2>&1
# Interleaved (full, no-op, bare, then again), so that a slow spell of the
# machine falls on all three alike and the ratios stay fair.
for i in $(seq "$runs"); do
  seconds "$bin" --out "$tmp/full-$i" >>"$tmp/full.times"
  seconds "$bin" --out "$tmp/noop" >>"$tmp/noop.times"
  seconds "$bin" --bare-progenitor "$tmp/bare-$i" >>"$tmp/bare.times"
done
full=$(median <"$tmp/full.times")
noop=$(median <"$tmp/noop.times")
bare=$(median <"$tmp/bare.times")

# The no-op runs must really have written nothing.
written=$("$bin" --out "$tmp/noop" 2>&1 | sed -n 's/.*; \([0-9]*\) files written.*/\1/p')

echo "runs per measure:          $runs (medians, seconds)"
echo "full regeneration:         $full"
echo "no-op regeneration:        $noop   (files written by a no-op run: ${written:-?})"
echo "bare progenitor:           $bare"
awk -v f="$full" -v b="$bare" 'BEGIN { printf "full / bare progenitor:    %.2fx   (target <= 1.2x)\n", f / b }'
awk -v n="$noop" 'BEGIN { printf "no-op:                     %.3f s  (target <= 0.05 s)\n", n }'
