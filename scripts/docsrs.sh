#!/usr/bin/env bash
# Documents the generated crate as docs.rs does: the packaged sources, all
# features, `--cfg docsrs` (which marks feature-gated items with
# `doc(cfg)` and so needs a nightly toolchain), and rustdoc warnings as
# errors. CI runs tests/packaging.rs, the same on stable without
# `--cfg docsrs`; this script needs nightly (`rustup toolchain install
# nightly --profile minimal`). TOOLCHAIN=<name> picks another nightly.
set -euo pipefail
cd "$(dirname "$0")/.."

export CARGO_TARGET_DIR=$PWD/target/docsrs
toolchain=${TOOLCHAIN:-nightly}
if ! rustup run "$toolchain" rustc --version >/dev/null 2>&1; then
  echo "docsrs: Rust $toolchain is not installed; run: rustup toolchain install $toolchain --profile minimal" >&2
  exit 2
fi
source scripts/package.sh
echo "docsrs: documenting phala-cloud $version with $(rustup run "$toolchain" rustc --version)"
RUSTDOCFLAGS="--cfg docsrs -D warnings" rustup run "$toolchain" cargo doc --offline --locked \
  --no-deps --all-features --manifest-path "$crate_dir/Cargo.toml"
echo "docsrs: $CARGO_TARGET_DIR/doc/phala_cloud/index.html"
