#!/usr/bin/env bash
# Compile cost of the generated crate alone, with its dependencies already
# built (only lib.rs is touched): `cargo check`, a dev build and a release
# build. The same for a crate that is progenitor alone over the same spec,
# the baseline. Prints seconds. Usage: bash bench/compile-cost.sh
set -euo pipefail
cd "$(dirname "$0")/.."

cargo build --release -q -p phala-codegen
bare=target/bench-bare-progenitor
./target/release/phala-codegen --bare-progenitor "$bare" >/dev/null
cp Cargo.lock "$bare/Cargo.lock"

source bench/lib.sh

check_only=false
[ "${1:-}" = "--check-only" ] && check_only=true

measure() { # label lib.rs cargo-args...
  local label=$1 lib=$2
  shift 2
  # Warm: build every dependency once in each profile.
  cargo check -q "$@"
  $check_only || { cargo build -q "$@" && cargo build -q --release "$@"; }
  # `cargo check` is the compared figure: the median of three runs.
  local runs=() check
  for _ in 1 2 3; do touch "$lib"; runs+=("$(seconds cargo check "$@")"); done
  check=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
  local dev=- release=-
  $check_only || { touch "$lib"; dev=$(seconds cargo build "$@"); }
  $check_only || { touch "$lib"; release=$(seconds cargo build --release "$@"); }
  printf '%-26s cargo check %6s s   dev build %6s s   release build %6s s\n' "$label" "$check" "$dev" "$release"
  echo "$check" > "target/bench-$label.check"
}

measure phala-cloud generated/src/lib.rs -p phala-cloud
CARGO_TARGET_DIR=target/bench-bare-target measure bare-progenitor "$bare/src/lib.rs" --manifest-path "$bare/Cargo.toml"
awk -v a="$(cat target/bench-phala-cloud.check)" -v b="$(cat target/bench-bare-progenitor.check)" \
  'BEGIN { printf "cargo check: phala-cloud is %.2fx the bare progenitor crate\n", a / b }'
