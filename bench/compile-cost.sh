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

seconds() { # runs "$@" quietly and prints its wall time in seconds
  local start end
  start=$(date +%s%N)
  "$@" >/dev/null 2>&1
  end=$(date +%s%N)
  awk -v ns=$((end - start)) 'BEGIN { printf "%.2f", ns / 1e9 }'
}

measure() { # label lib.rs cargo-args...
  local label=$1 lib=$2
  shift 2
  # Warm: build every dependency once in each profile.
  cargo check -q "$@" && cargo build -q "$@" && cargo build -q --release "$@"
  touch "$lib"; local check; check=$(seconds cargo check "$@")
  touch "$lib"; local dev; dev=$(seconds cargo build "$@")
  touch "$lib"; local release; release=$(seconds cargo build --release "$@")
  printf '%-26s cargo check %6s s   dev build %6s s   release build %6s s\n' "$label" "$check" "$dev" "$release"
  echo "$check" > "target/bench-$label.check"
}

measure phala-cloud generated/src/lib.rs -p phala-cloud
CARGO_TARGET_DIR=target/bench-bare-target measure bare-progenitor "$bare/src/lib.rs" --manifest-path "$bare/Cargo.toml"
awk -v a="$(cat target/bench-phala-cloud.check)" -v b="$(cat target/bench-bare-progenitor.check)" \
  'BEGIN { printf "cargo check: phala-cloud is %.2fx the bare progenitor crate\n", a / b }'
