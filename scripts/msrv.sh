#!/usr/bin/env bash
# Checks the generated crate, exactly as it would be published, with the Rust
# version it declares (`rust-version` in generated/Cargo.toml): all features,
# all targets, its packaged Cargo.lock. Needs that toolchain installed
# (`rustup toolchain install <version> --profile minimal`); this project's
# CI machine has only one, so CI runs tests/msrv.rs instead (the declared
# version against every dependency's) and this script runs where rustup can
# fetch toolchains. TOOLCHAIN=<name> checks with another installed toolchain.
set -euo pipefail
cd "$(dirname "$0")/.."

# Another toolchain's artefacts cannot be shared with the workspace's.
export CARGO_TARGET_DIR=$PWD/target/msrv
declared=$(sed -n 's/^rust-version = "\(.*\)"$/\1/p' generated/Cargo.toml)
toolchain=${TOOLCHAIN:-$declared}
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "msrv: Rust $toolchain is not installed; run: rustup toolchain install $toolchain --profile minimal" >&2
  exit 2
fi
source scripts/package.sh
echo "msrv: checking phala-cloud $version (declares $declared) with $(rustup run "$toolchain" rustc --version)"
rustup run "$toolchain" cargo check --offline --locked --all-features --all-targets \
  --manifest-path "$crate_dir/Cargo.toml"
echo "msrv: phala-cloud $version builds with Rust $toolchain"
