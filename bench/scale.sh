#!/usr/bin/env bash
# Generation time against spec size (issue 31): the wall time and peak
# memory of one generation of
#   - a 5,000-link chain of aliases (`S_i: {allOf: [{$ref: S_(i-1)}]}`),
#   - a string enum of 100,000 values,
#   - every spec in ../shared/public-specs/ (with the size of its crate's
#     src/), --skip-unsupported off: a spec that fails prints its exit code.
# The targets: the chain in <= 1 s, the enum in <= 2 s and <= 300 MB, every
# corpus spec in <= 10 s. One run each (RUNS=3 takes the median of three).
# The generator is the dev profile's binary, which the workspace builds at
# opt-level 3 (see the root Cargo.toml), so no release build is needed.
# Needs GNU time (/usr/bin/time) for peak memory.
# Usage: bash bench/scale.sh
set -euo pipefail
cd "$(dirname "$0")/.."

runs=${RUNS:-1}
cargo build -q -p phala-codegen
bin=${CARGO_TARGET_DIR:-$PWD/target}/debug/phala-codegen
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The synthetic specs, written with awk so the script needs no other tool.
awk 'BEGIN { n = 5000
  printf "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"Chain\",\"version\":\"1\"},\"paths\":{\"/c\":{\"get\":{\"operationId\":\"get_c\",\"responses\":{\"200\":{\"description\":\"ok\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/S%d\"}}}}}}}},\"components\":{\"schemas\":{", n - 1
  printf "\"S0\":{\"type\":\"object\",\"properties\":{\"f0\":{\"type\":\"string\"}}}"
  for (i = 1; i < n; i++) printf ",\"S%d\":{\"allOf\":[{\"$ref\":\"#/components/schemas/S%d\"}]}", i, i - 1
  print "}}}" }' >"$tmp/alias-chain-5000.json"
awk 'BEGIN { n = 100000
  printf "{\"openapi\":\"3.0.3\",\"info\":{\"title\":\"Big enum\",\"version\":\"1\"},\"paths\":{\"/e\":{\"get\":{\"operationId\":\"get_e\",\"responses\":{\"200\":{\"description\":\"ok\",\"content\":{\"application/json\":{\"schema\":{\"$ref\":\"#/components/schemas/Big\"}}}}}}}},\"components\":{\"schemas\":{\"Big\":{\"type\":\"string\",\"enum\":[\"v0\""
  for (i = 1; i < n; i++) printf ",\"v%d\"", i
  print "]}}}}" }' >"$tmp/enum-100000.json"

median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# One spec: median seconds, the peak memory of that run (MB), src/ size (KB).
measure() {
  local spec=$1 name out status
  name=$(basename "$spec")
  : >"$tmp/times"
  for i in $(seq "$runs"); do
    out="$tmp/out-$name-$i"
    status=0
    /usr/bin/time -f "%e %M" -o "$tmp/time" "$bin" --generic --spec "$spec" --out "$out" \
      >/dev/null 2>"$tmp/stderr" || status=$?
    # GNU time writes "Command exited with non-zero status" first on failure.
    tail -n 1 "$tmp/time" >>"$tmp/times"
  done
  local mid peak size
  mid=$(cut -d' ' -f1 "$tmp/times" | median)
  peak=$(awk -v t="$mid" '$1 == t { printf "%d", $2 / 1024; exit }' "$tmp/times")
  size=$( [ -d "$out/src" ] && du -sk "$out/src" | cut -f1 || echo "-")
  if [ "$status" -ne 0 ]; then size="failed ($status)"; fi
  printf "| %s | %s | %s | %s |\n" "$name" "$mid" "$peak" "$size"
  rm -rf "$tmp"/out-*
}

echo "| spec | seconds | peak MB | crate src/ KB |"
echo "|---|---:|---:|---:|"
measure "$tmp/alias-chain-5000.json"
measure "$tmp/enum-100000.json"
for spec in ../shared/public-specs/*.json ../shared/public-specs/*.yaml ../shared/public-specs/*.yml; do
  measure "$spec"
done
echo "(load average: $(cut -d' ' -f1-3 /proc/loadavg))"
